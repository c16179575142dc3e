"""Report-ready charts of the processed tables: static (matplotlib) and interactive (plotly).

Every chart is a function ``chart(t, lang="zh", interactive=False, **options)``: ``t`` holds the
processed tables (a :class:`~ipcompare.views.corpus.Corpus` or a dict of DataFrames); it returns a
matplotlib Figure, or a plotly Figure when ``interactive``. ``lang="en"`` labels everything in
English (theme names from data/themes.md, provinces and cities in pinyin; document text stays Chinese).
One module per chart family (``_overview``, ``_themes``, ``_coverage``, ``_profile``, ``_targets``,
``_network``, ``_instruments``, ``_changes``, and ``_reuse``, ``_map``, ``_diffusion``, ``_similarity``
for how policy travels); shared
styling in ``_style``. :data:`DECLARED` declares each by name with what it reads (:class:`Chart`),
:data:`CHARTS` its function (the report and ``Corpus.chart`` read them);
:func:`save` writes PNG (200 dpi), SVG or self-contained HTML.
"""
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ._changes import changes, changes_shows
from ._coverage import coverage, coverage_grid, gaps
from ._diffusion import adoption_curve, adoption_strip
from ._instruments import instrument_matrix, instrument_types
from ._network import network
from ._overview import documents, fields, structure, targets
from ._profile import profile, profile_shows
from ._map import tile_map
from ._reuse import reuse, reuse_sections
from ._similarity import convergence, similarity
from ._targets import targets_compared
from ._style import DPI, html_div, html_page, pixels, plotly_js, save, use_cjk_font
from ._themes import task_map, task_projection, theme_counts, theme_shares, theme_terms


@dataclass(frozen=True)
class Chart:
    """A chart declared with what it reads: ``draw`` (the chart function), ``reads`` (every table it
    may touch: its redraw key, and tests/test_report.py checks it touches no other), ``needs`` (tables
    it needs non-empty: the themes and coverage stages may have produced nothing) and, for a chart
    drawn once per place, ``shows(t, **options)``: by name, the rows of that place and the
    cross-place values it shows (its redraw key instead of whole tables)."""

    draw: Callable
    reads: tuple[str, ...]
    needs: tuple[str, ...] = ()
    shows: Callable | None = None

    @property
    def per_place(self) -> bool:
        return self.shows is not None


OVERVIEW, COVERAGE = ("documents", "tasks", "targets"), ("documents", "tasks", "coverage", "coverage_by_province",
                                                          "coverage_by_place")
THEMES, INSTRUMENTS = (("documents", "theme_by_document", "theme_by_province"),
                       ("documents", "instrument_by_document", "instrument_by_province"))
DECLARED = {
    "documents": Chart(documents, ("documents",)),
    "structure": Chart(structure, OVERVIEW),
    "fields": Chart(fields, OVERVIEW),
    "targets": Chart(targets, OVERVIEW),
    "theme_shares": Chart(theme_shares, THEMES, ("theme_by_province",)),
    "theme_counts": Chart(theme_counts, THEMES, ("theme_by_province",)),
    "theme_terms": Chart(theme_terms, ("documents", "theme_terms"), ("theme_terms",)),
    "task_map": Chart(task_map, ("documents", "tasks", "themes", "task_map"), ("themes", "task_map")),
    "coverage": Chart(coverage, COVERAGE + ("requirements",), ("coverage",)),
    "gaps": Chart(gaps, COVERAGE + ("gaps",), ("coverage_by_province",)),
    "instrument_matrix": Chart(instrument_matrix, INSTRUMENTS, ("instrument_by_province",)),
    "instrument_types": Chart(instrument_types, INSTRUMENTS, ("instrument_by_province",)),
    "profile": Chart(profile, ("documents", "tasks", "targets", "theme_by_province", "distinctive_terms"), ("theme_by_province",),
                     profile_shows),
    "targets_compared": Chart(targets_compared, ("documents", "targets_by_indicator"), ("targets_by_indicator",)),
    "network": Chart(network, ("documents", "tasks", "nodes", "edges", "place_nodes", "place_edges"), ("nodes",)),
    "changes": Chart(changes, ("documents", "tasks", "changes", "target_changes", "themes"), ("changes",), changes_shows),
    "reuse": Chart(reuse, ("documents", "reuse_by_document"), ("reuse_by_document",)),
    "reuse_sections": Chart(reuse_sections, ("documents", "tasks", "reuse", "reuse_by_document"), ("reuse",)),
    "map_coverage": Chart(partial(tile_map, measure="coverage"), ("documents", "coverage_by_province"),
                          ("coverage_by_province",)),
    "map_reuse": Chart(partial(tile_map, measure="reuse"), ("documents", "reuse_by_document"), ("reuse_by_document",)),
    "adoption_curve": Chart(adoption_curve, ("documents", "adoption"), ("adoption",)),
    "adoption_strip": Chart(adoption_strip, ("documents", "adoption"), ("adoption",)),
    "similarity": Chart(similarity, ("documents", "similarity"), ("similarity",)),
    "convergence": Chart(convergence, ("documents", "similarity"), ("similarity",)),
}
CHARTS = {name: chart.draw for name, chart in DECLARED.items()}  # what the report and Corpus.chart draw
__all__ = ["CHARTS", "DECLARED", "DPI", "Chart", "coverage_grid", "html_div", "html_page", "pixels", "plotly_js", "save", "task_projection",
           "use_cjk_font"]
