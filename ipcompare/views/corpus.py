"""One object, many views: the processed tables of a project, loaded once, with the charts as methods.

    corpus = Corpus.load("data/processed")
    corpus.tasks                        # any processed table, by name
    corpus.profile("贵州")              # theme shares vs the mean, distinctive terms, targets, lead units (a city: "贵阳市")
    corpus.changes("湖北")              # its latest plan against its predecessor: tasks and targets
    corpus.targets("pledge_financing")  # targets read as indicators (data/indicators.md)
    corpus.kwic("数据知识产权")          # words in context; corpus.search("质押融资"), corpus.cooccurrence("湖北")
    corpus.chart("theme_shares", lang="en")                     # matplotlib figure
    corpus.chart("coverage", interactive=True)                  # plotly figure
    charts.save(corpus.chart("profile", province="湖北"), "hubei.png", "hubei.svg")  # views.charts.save
    diff("before/processed", "data/processed")                  # what changed between two runs
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from .. import codebook, tables
from ..analysis import search
from ..errors import InputError
from .frames import Changes, Profile, cache_dir, changes, profile, provinces


class Corpus(Mapping[str, pd.DataFrame]):
    """The processed tables of one run, by name (``corpus["tasks"]`` or ``corpus.tasks``), with charts."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], folder: Path | None = None):
        self._tables = dict(frames)
        self.folder = folder

    @classmethod
    def load(cls, folder: Path | str = "data/processed") -> "Corpus":
        """Read every processed table present in ``folder`` (documents, tasks and targets are required)."""
        folder = Path(folder)
        codebook.use(folder.parent / "codebook")  # a study's own codebook (data/codebook beside data/processed)
        real = folder.resolve()  # one generation, even if a run publishes another meanwhile (ipcompare.publish)
        names = [n for n in tables.SCHEMAS if n in ("documents", "tasks", "targets") or (real / f"{n}.csv").exists()]
        return cls({n: tables.read_table(n, real) for n in names}, folder)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):  # not a table (and _tables itself while unpickling)
            raise AttributeError(name)
        if name not in self._tables:
            raise AttributeError(f"no table {name!r}; loaded: {', '.join(self._tables)}")
        return self._tables[name]

    def __dir__(self):
        return [*super().__dir__(), *self._tables]

    def __repr__(self) -> str:
        return f"Corpus({self.folder}: " + ", ".join(f"{n} {len(df)}" for n, df in self._tables.items()) + ")"

    @property
    def provinces(self) -> list[str]:
        return provinces(self)

    def profile(self, province: str) -> Profile:
        return profile(self, province)

    def changes(self, province: str, doc_id: str = "") -> Changes:
        """What the latest plan of ``province`` (or ``doc_id``) changed against its predecessor."""
        return changes(self, province, doc_id)

    def targets(self, indicator: str | None = None) -> pd.DataFrame:
        """Targets (targets.csv rows) with their document's province and years, of ``indicator`` only if given."""
        docs = self["documents"].set_index("doc_id")
        out = self["targets"].assign(province=lambda d: d["doc_id"].map(docs["province"]),
                                     doc_years=lambda d: d["doc_id"].map(docs["first_year"].astype(str) + "-"
                                                                         + docs["last_year"].astype(str)))
        return out[out["indicator"] == indicator].reset_index(drop=True) if indicator else out

    def _texts(self) -> pd.DataFrame:
        if "texts" not in self._tables:
            raise InputError(f"{self.folder}: no texts table; run `python -m ipcompare run` first")
        return self["texts"]

    def kwic(self, pattern: str, window: int = 20, regex: bool = False, province: str | None = None) -> pd.DataFrame:
        """Every occurrence of ``pattern`` in the documents' cleaned text, ``window`` characters either
        side (doc_id, province, task_id, left, match, right, offset); traditional characters and
        punctuation variants folded."""
        return search.kwic(self._texts(), self["tasks"], pattern, window, regex, province)

    def search(self, query: str, top: int = 10) -> pd.DataFrame:
        """The ``top`` work tasks of every document for ``query`` (BM25 over the project's tokens), the
        matched words marked 【】 in ``text``."""
        return search.search(self["tasks"], query, top, cache_dir(self))

    def cooccurrence(self, province: str | None = None, top: int = 60) -> search.Network:
        """Keyword co-occurrence network of the work tasks (of ``province``): ``.nodes``, ``.edges``, ``.graph``."""
        return search.network(self["tasks"], province, top, cache_dir(self))

    def review_queue(self, kind: str) -> pd.DataFrame:
        """The automatic decisions of ``kind`` (coverage, themes, instruments) flagged for review, most
        consequential first, with their evidence: part a of the review workbook (:mod:`.review`)."""
        from .review import decisions

        rows = decisions(kind, self)
        return rows[rows["review"] & (rows["source"] == "auto")].reset_index(drop=True)

    def validation(self) -> pd.DataFrame:
        """Agreement of person and machine on the blind answers of the ``validation`` table, per kind: n,
        accuracy, its Wilson 95% interval, Cohen's kappa, Krippendorff's alpha (:func:`.review.agreement`)."""
        from .review import agreement_table

        return agreement_table(self._tables.get("validation", tables.empty("validation")))

    def map(self, measure="coverage", lang: str = "zh", interactive: bool = False, **options):
        """A tile map of China coloured by ``measure`` (:func:`ipcompare.views.charts.tile_map`):
        ``coverage``, ``reuse``, a theme id, or any values by province (a Series)."""
        from .charts import tile_map

        return tile_map(self, lang=lang, interactive=interactive, measure=measure, **options)

    def diffusion(self, item: str) -> pd.DataFrame:
        """The year each province takes up ``item``, a national task id or any phrase, in the province-year
        form of adoption.csv (:func:`ipcompare.views.frames.adoption`)."""
        from .frames import adoption

        return adoption(self, item)

    def chart(self, name: str, lang: str = "zh", interactive: bool = False, **options):
        """Chart ``name`` of :data:`ipcompare.views.charts.CHARTS` (matplotlib figure, or plotly when
        ``interactive``; :func:`ipcompare.views.charts.save` writes it as PNG, SVG or HTML)."""
        from .charts import CHARTS

        return CHARTS[name](self, lang=lang, interactive=interactive, **options)


def _changes(before: pd.DataFrame, after: pd.DataFrame, key: list[str], value: str) -> pd.DataFrame:
    """Rows added, removed or whose ``value`` changed, keyed by ``key`` (in table order)."""
    merged = before[key + [value]].assign(_b=range(len(before))).merge(
        after[key + [value]].assign(_a=range(len(after))), on=key, how="outer", suffixes=("_before", "_after"),
        indicator=True)
    merged["change"] = merged.pop("_merge").astype(str).map({"left_only": "removed", "right_only": "added",
                                                             "both": "changed"})
    keep = (merged["change"] != "changed") | (merged[f"{value}_before"] != merged[f"{value}_after"])
    merged = merged[keep].sort_values(["change", "_a", "_b"]).drop(columns=["_a", "_b"])
    return merged.fillna("").reset_index(drop=True)


# Table -> (key columns, the column whose change matters).
DIFF_KEYS = {
    "documents": (["doc_id"], "sha256"),
    "tasks": (["task_id"], "text"),
    "themes": (["task_id"], "theme"),
    "coverage": (["nat_task", "doc_id"], "verdict"),
}


def diff(before: Corpus | Path | str, after: Corpus | Path | str) -> dict[str, pd.DataFrame]:
    """What changed between two runs, table by table: rows added, removed or changed (see :data:`DIFF_KEYS`)."""
    before, after = (c if isinstance(c, Corpus) else Corpus.load(c) for c in (before, after))
    return {name: _changes(before[name], after[name], key, value)
            for name, (key, value) in DIFF_KEYS.items() if name in before and name in after}
