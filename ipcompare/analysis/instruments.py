"""Policy instruments: every work task coded by the instrument of ``data/instruments.md`` it uses.

The coding of Chinese policy-instrument studies (Rothwell and Zegveld's supply / environment /
demand tools, with sub-types) done by the seeded model of :mod:`ipcompare.analysis.themes`, with
instrument sub-types as its classes:

1. **Seed scores**: the sub-types' typical words (instruments.md) and ``data/instrument_lexicon.txt``,
   matched in the task's title (its headline) and content, idf-weighted, each field counting
   equally (``seeded.SEED_FIELD_WEIGHTS``): a headline naming a means (筹建保护中心) weighs as
   much as the whole body, a goal headline (加强条件保障) leaves the body to decide.
   The lead-unit brackets (〔牵头单位:…〕) are not read for seeds: unit names (金融监管局) are no means.
2. **Self-training** on the corpus (a classifier on TF-IDF vectors trained on the clearly seeded
   tasks), as for themes.
3. **Decision, type first**: the type is the one whose sub-types hold most of the task's score,
   then the best sub-type of that type (the coarse decision takes all its evidence); secondary =
   the strongest other sub-type when at least half as strong; confidence = margin.
4. **Clauses of mixed tasks** (those with a secondary): the content is cut into clauses at
   sentence ends (。;;) and lead-unit brackets, and each clause with seed words is coded by them
   alone, type first (``clauses``: "1 planning; 2 regulation", clause numbers in text order).

A task's IP-chain field comes from its theme by the many-to-one map of instruments.md. Every
constant is that of the theme model, fixed a priori; nothing is fitted to particular documents.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .. import codebook
from ..cache import Store
from ..errors import InputError
from ..project import Project
from ..tables import SCHEMAS, join_list
from ..stages import DATA, Stage
from . import calibration, themes
from .segment import normalize
from .seeded import TRANSFORM_COLUMNS, SeededModel, find_seeds

OVERRIDES = "instrument_overrides.csv"
# Lead-unit brackets close each part of a task: 〔牵头单位:省知识产权局〕.
_UNITS = re.compile(r"〔[^〕]*〕")
_CLAUSE_END = re.compile(r"[。;;]|〔[^〕]*〕")
# A clause shorter than this is a fragment (an enumeration mark, a stray heading), not a clause.
MIN_CLAUSE = 4


@dataclass(frozen=True)
class Code:
    """One row of a table of instruments.md: an instrument type, a sub-type or a field."""

    id: str
    zh: str
    en: str
    parent: str = ""  # a sub-type's type
    words: tuple[str, ...] = ()  # a sub-type's typical words; a field's themes


def _tables(name: str) -> dict[str, list[tuple[int, list[str]]]]:
    """The markdown tables of codebook file ``name`` by their first header cell: (line number, cells)
    per body row."""
    out, header, rows = {}, None, []
    for number, line in codebook.numbered_lines(name) + [(0, "")]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header, rows = cells, []
            elif not set("".join(cells)) <= set("-: "):
                rows.append((number, cells))
        elif header is not None:
            out[header[0]] = rows
            header = None
    return out


def _words(cell: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in re.split(r"[,,、]", cell) if w.strip())


def _rows(t: dict, table: str, size: int, where) -> list[list[str]]:
    """The rows of ``table`` in instruments.md, each of ``size`` cells (else an error naming the line)."""
    if table not in t:
        raise InputError(f"{where}: no table whose first column is {table!r}")
    for number, cells in t[table]:
        if len(cells) != size or not cells[0]:
            raise InputError(f"{where}: line {number}: a row of the {table!r} table has {size} cells, the first "
                             f"an id ({len(cells)} cells here)")
    return [cells for _, cells in t[table]]


@codebook.cached
def taxonomy() -> dict[str, tuple[Code, ...]]:
    """Types, sub-types and fields of the codebook's ``instruments.md``, in table order; a malformed
    row, a repeated id, a field naming a theme themes.md does not have or a theme left without a
    field is an error naming the file (and line)."""
    where = codebook.path("instruments.md")
    t = _tables("instruments.md")
    out = {
        "types": tuple(Code(r[0], r[1], r[2]) for r in _rows(t, "id", 4, where)),
        "subtypes": tuple(Code(r[1], r[2], r[3], r[0].split()[0], _words(r[5])) for r in _rows(t, "type", 6, where)),
        "fields": tuple(Code(r[0], r[1], r[2], words=_words(r[3])) for r in _rows(t, "field", 4, where)),
    }
    ids = [c.id for codes in out.values() for c in codes]
    if repeated := [i for i in dict.fromkeys(ids) if ids.count(i) > 1]:
        raise InputError(f"{where}: id {repeated[0]!r} is given twice")
    if unknown := [s.parent for s in out["subtypes"] if s.parent not in {c.id for c in out["types"]}]:
        raise InputError(f"{where}: sub-type of an unknown type {unknown[0]!r}")
    mapped = {theme: number for number, cells in t["field"] for theme in _words(cells[3])}
    known = themes.theme_ids()
    if gone := [theme for theme in mapped if theme not in known]:
        raise InputError(f"{where}: line {mapped[gone[0]]}: theme {gone[0]!r} is not in {codebook.path('themes.md')}")
    if unmapped := [theme for theme in known if theme not in mapped]:
        raise InputError(f"{where}: theme {unmapped[0]!r} of {codebook.path('themes.md')} has no field: add it to "
                         "the themes of one row of the field table")
    return out


def names() -> dict[str, tuple[str, str]]:
    """Chinese and English name of every type, sub-type and field id."""
    return {c.id: (c.zh, c.en) for codes in taxonomy().values() for c in codes}


@codebook.cached
def seed_words() -> dict[str, tuple[str, ...]]:
    """Seed words of each sub-type: typical words of instruments.md + the codebook's ``instrument_lexicon.txt``."""
    subtypes = [c.id for c in taxonomy()["subtypes"]]
    extra = themes.lexicon("instrument_lexicon.txt", subtypes, "sub-type id of instruments.md")
    words = {c.id: list(c.words) + extra[c.id] for c in taxonomy()["subtypes"]}
    return {s: tuple(dict.fromkeys(normalize(w) for w in ws)) for s, ws in words.items()}


def field_of_theme() -> dict[str, str]:
    """The field of each theme id (instruments.md's many-to-one map)."""
    return {theme: f.id for f in taxonomy()["fields"] for theme in f.words}


def clauses(content: str) -> list[str]:
    """The clauses of a task's content: cut at sentence ends and lead-unit brackets, fragments dropped."""
    return [c.strip() for c in _CLAUSE_END.split(content) if len(c.strip()) >= MIN_CLAUSE]


class InstrumentModel(SeededModel):
    """:class:`~ipcompare.analysis.seeded.SeededModel` over the instrument sub-types, decided type
    first, with the clauses of mixed tasks coded one by one (see the module docstring). Read from the
    taxonomy on first use: ``types_`` and ``member_`` (sub-types x types, 1 where a sub-type is of a type)."""

    COLUMNS = (*TRANSFORM_COLUMNS, "clauses")

    @staticmethod
    def default_seeds() -> dict[str, tuple[str, ...]]:
        return seed_words()

    @cached_property
    def types_(self) -> np.ndarray:
        return np.array(list(dict.fromkeys(c.parent for c in taxonomy()["subtypes"])))

    @cached_property
    def member_(self) -> np.ndarray:
        return np.array([[c.parent == t for t in self.types_] for c in taxonomy()["subtypes"]], dtype=float)

    @staticmethod
    def _seed_text(text: str) -> str:
        return _UNITS.sub("", text)

    def _rank(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best sub-type of the type holding most of the score, and the strongest other sub-type."""
        of_type = self.member_[:, (scores @ self.member_).argmax(1)].T  # rows: 1 for the chosen type's sub-types
        top = np.where(of_type > 0, scores, -1).argmax(1)
        others = scores.copy()
        others[np.arange(len(top)), top] = -1
        return top, others.argmax(1)

    def code_clauses(self, texts: list[str]) -> list[str]:
        """For each text, each of its clauses with seed words coded by them alone (clauses are too short
        for the classifier, and need no segmenting): "1 planning; 3 regulation" (clause numbers in
        text order). All clauses are scored at once."""
        parts = [(i, k, c) for i, text in enumerate(texts) for k, c in enumerate(clauses(text), 1)]
        found = [find_seeds(self.pattern_, self._seed_text(c)) for _, _, c in parts]
        cells: list[list[str]] = [[] for _ in texts]
        if parts:
            top = self._rank(self._seed_scores({"content": found, "title": [Counter()] * len(parts)}))[0]
            for (i, k, _), j, f in zip(parts, top, found):
                if f:
                    cells[i].append(f"{k} {self.ids_[j]}")
        return [join_list(c) for c in cells]

    def transform(self, tasks: pd.DataFrame) -> pd.DataFrame:
        out = super().transform(tasks).assign(clauses="")
        mixed = ((tasks["kind"] == "task") & (out["secondary"] != "")).to_numpy()
        out.loc[mixed, "clauses"] = self.code_clauses(tasks.loc[mixed, "content"].fillna("").tolist())
        return out


def type_of() -> dict[str, str]:
    """The type of each sub-type id."""
    return {c.id: c.parent for c in taxonomy()["subtypes"]}


def stage(tables: dict[str, pd.DataFrame], project: Project, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Instruments stage of the pipeline: instruments, instrument_by_document, instrument_by_province
    (``store``: see :func:`ipcompare.analysis.themes.auto_themes`)."""
    tasks = tables["tasks"]
    work = tasks[tasks["kind"] == "task"].reset_index(drop=True)
    auto = themes.auto_themes(work, project.cache, store, InstrumentModel)
    ids = [c.id for c in taxonomy()["subtypes"]]
    manual = themes.read_overrides(project.annotations / OVERRIDES, work.task_id, ids, "subtype").set_index("task_id")
    label = names()
    kinds, fields = type_of(), field_of_theme()
    theme = tables["themes"].set_index("task_id")["theme"]

    out = work[["task_id", "doc_id", "province"]].copy()
    out["auto_subtype"] = auto["theme"]
    out["subtype"], is_manual, out["note"] = themes.overridden(out.task_id, out.auto_subtype, manual, "subtype")
    out["type"] = out.subtype.map(kinds)
    out["field"] = theme.loc[out.task_id].map(fields).fillna("").to_numpy()
    for col in ("type", "subtype", "field"):
        out[f"{col}_zh"] = out[col].map(lambda c: label.get(c, ("", ""))[0])
        out[f"{col}_en"] = out[col].map(lambda c: label.get(c, ("", ""))[1])
    out["confidence"] = auto["confidence"].where(~is_manual, 1.0)
    out["secondary"] = auto["secondary"].where(auto["secondary"] != out.subtype, "")
    out["clauses"] = auto["clauses"]
    out["evidence"] = auto["evidence"]
    out["source"] = np.where(is_manual, "manual", "auto")
    decided = auto.assign(margin=auto["confidence"], predicted=auto["theme"].map(kinds), item=auto["task_id"],
                          doc_id=work["doc_id"])
    fitted = calibration.for_project("instruments", decided.set_axis(auto["task_id"]),
                                     calibration.read_answers(project.annotations), project.learn, kinds)
    out["p_correct"], out["review"] = calibration.assess(decided, is_manual, fitted)

    pairs = [(t.id, f.id) for t in taxonomy()["types"] for f in taxonomy()["fields"]]
    grid = pd.DataFrame({"type": [t for t, _ in pairs], "field": [f for _, f in pairs]})
    places = themes.with_city(out, tables["documents"])
    return {
        "instruments": out[list(SCHEMAS["instruments"].columns)],
        "instrument_by_document": themes.share_table(out, out[["doc_id", "province"]].drop_duplicates(), grid),
        "instrument_by_province": themes.share_table(places, places[["province", "city"]].drop_duplicates(), grid),
    }


STAGE = Stage("instruments", stage, reads=("documents", "tasks", "themes"),
              writes=("instruments", "instrument_by_document", "instrument_by_province"),
              data=(*DATA, "instruments.md", "instrument_lexicon.txt"), annotations=True, store=True)
