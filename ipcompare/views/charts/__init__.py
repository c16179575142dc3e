"""Report-ready charts of the processed tables: static (matplotlib) and interactive (plotly).

Every chart is a function ``chart(t, lang="zh", interactive=False, **options)``: ``t`` holds the
processed tables (a :class:`~ipcompare.views.corpus.Corpus` or a dict of DataFrames); it returns a
matplotlib Figure, or a plotly Figure when ``interactive``. ``lang="en"`` labels everything in
English (theme names from data/themes.md, provinces and cities in pinyin; document text stays Chinese).
One module per chart family (``_overview``, ``_themes``, ``_coverage``, ``_profile``, ``_targets``,
``_network``, ``_instruments``, ``_changes``, and ``_reuse``, ``_map``, ``_diffusion``, ``_similarity``
for how policy travels); shared
styling in ``_style``. :data:`CHARTS` lists them by name (the report and ``Corpus.chart`` read it);
:func:`save` writes PNG (200 dpi), SVG or self-contained HTML.
"""
from functools import partial

from ._changes import changes, changes_reads
from ._coverage import coverage, coverage_grid, gaps
from ._diffusion import adoption_curve, adoption_strip
from ._instruments import instrument_matrix, instrument_types
from ._network import network
from ._overview import documents, fields, structure, targets
from ._profile import profile, profile_reads
from ._map import tile_map
from ._reuse import reuse, reuse_sections
from ._similarity import convergence, similarity
from ._targets import targets_compared
from ._style import DPI, html_div, html_page, pixels, plotly_js, save, use_cjk_font
from ._themes import task_map, task_projection, theme_counts, theme_shares, theme_terms

CHARTS = {
    "documents": documents,
    "structure": structure,
    "fields": fields,
    "targets": targets,
    "theme_shares": theme_shares,
    "theme_counts": theme_counts,
    "theme_terms": theme_terms,
    "task_map": task_map,
    "coverage": coverage,
    "gaps": gaps,
    "instrument_matrix": instrument_matrix,
    "instrument_types": instrument_types,
    "profile": profile,
    "targets_compared": targets_compared,
    "network": network,
    "changes": changes,
    "reuse": reuse,
    "reuse_sections": reuse_sections,
    "map_coverage": partial(tile_map, measure="coverage"),
    "map_reuse": partial(tile_map, measure="reuse"),
    "adoption_curve": adoption_curve,
    "adoption_strip": adoption_strip,
    "similarity": similarity,
    "convergence": convergence,
}
# Tables a chart needs non-empty (the themes and coverage stages may have produced nothing).
NEEDS = {
    "theme_shares": ("theme_by_province",), "theme_counts": ("theme_by_province",), "theme_terms": ("theme_terms",),
    "task_map": ("themes", "task_map"), "coverage": ("coverage",), "gaps": ("coverage_by_province",),
    "profile": ("theme_by_province",), "targets_compared": ("targets_by_indicator",), "network": ("nodes",),
    "instrument_matrix": ("instrument_by_province",), "instrument_types": ("instrument_by_province",),
    "changes": ("changes",),
    "reuse": ("reuse_by_document",), "reuse_sections": ("reuse",),
    "map_coverage": ("coverage_by_province",), "map_reuse": ("reuse_by_document",),
    "adoption_curve": ("adoption",), "adoption_strip": ("adoption",), "similarity": ("similarity",),
    "convergence": ("similarity",),
}
# What each chart reads (the report redraws a chart only when this changed): table names, or for the
# per-province charts a function of the tables and the chart's options giving the rows and the
# cross-document values it shows (tests/test_report.py checks the tables each chart touches).
OVERVIEW, COVERAGE = ("documents", "tasks", "targets"), ("documents", "tasks", "coverage", "coverage_by_province", "coverage_by_place")
READS = {
    "documents": ("documents",), "structure": OVERVIEW, "fields": OVERVIEW, "targets": OVERVIEW,
    "theme_shares": ("documents", "theme_by_document", "theme_by_province"),
    "theme_counts": ("documents", "theme_by_document", "theme_by_province"),
    "theme_terms": ("documents", "theme_terms"), "task_map": ("documents", "tasks", "themes", "task_map"),
    "coverage": COVERAGE + ("requirements",), "gaps": COVERAGE + ("gaps",),
    "instrument_matrix": ("documents", "instrument_by_document", "instrument_by_province"),
    "instrument_types": ("documents", "instrument_by_document", "instrument_by_province"),
    "targets_compared": ("documents", "targets_by_indicator"), "network": ("documents", "tasks", "nodes", "edges", "place_nodes", "place_edges"),
    "profile": profile_reads, "changes": changes_reads,
    "reuse": ("documents", "reuse_by_document"), "reuse_sections": ("documents", "tasks", "reuse", "reuse_by_document"),
    "map_coverage": ("documents", "coverage_by_province"), "map_reuse": ("documents", "reuse_by_document"),
    "adoption_curve": ("documents", "adoption"), "adoption_strip": ("documents", "adoption"),
    "similarity": ("documents", "similarity"), "convergence": ("documents", "similarity"),
}
__all__ = ["CHARTS", "DPI", "NEEDS", "READS", "coverage_grid", "html_div", "html_page", "pixels", "plotly_js", "save", "task_projection",
           "use_cjk_font"]
