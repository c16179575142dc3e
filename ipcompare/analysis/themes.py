"""Shared themes: every task of every document sorted into the named themes of ``data/themes.md``.

Guided (seeded) topic model, in three explainable steps:

1. **Seed scores.** Each theme has seed words: its "typical words" in themes.md plus the domain
   lexicon ``data/theme_lexicon.txt``. They are matched in each field of a task (longest word
   first), weighted by their idf in the corpus (a word found everywhere says little) and shared
   between the themes that list the same word. Each field gives a distribution over themes; the
   fields are combined with :data:`SEED_FIELD_WEIGHTS` (the task's content and title; not its
   section headings).
2. **Corpus refinement (self-training).** Tasks whose seed words clearly point to one theme
   (:data:`SEED_SHARE`) train a logistic regression on the TF-IDF vectors (:mod:`ipcompare.analysis.vectorize`),
   which learns the corpus' own words for each theme and scores every task. Classes are weighted
   by inverse frequency (``class_weight="balanced"``): themes differ in size by an order of
   magnitude and a small theme must not be absorbed by a large one; C is scikit-learn's default.
   Seed and classifier distributions are averaged with equal weight (prior knowledge and corpus
   evidence, neither privileged); labels are re-derived and the classifier retrained until they
   no longer change (at most :data:`MAX_ROUNDS`).
3. **Decision.** Primary theme = highest combined score; confidence = margin between the two best
   scores; secondary theme = the runner-up when it reaches :data:`SECONDARY_RATIO` of the primary.

A large corpus is fitted on a sample of its documents and every task is then transformed
(:func:`fit_sample`; BERTopic's advice for large corpora), so a new plan is themed by the model
already fitted unless it is drawn into the sample. Preamble items (``kind = preamble``) are
``non_task``. Tasks are processed in ``task_id`` order, so results never depend on file order.
The classifier, its constants (:data:`SEED_SHARE` ...) and their reasons are in
:mod:`ipcompare.analysis.seeded`. Nothing here is fitted to particular documents: every constant
is fixed a priori and its reason stated.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import codebook, workers
from ..cache import Store, digest, frame_key, group_keys
from ..errors import InputError
from ..project import Project
from ..tables import SCHEMAS, join, read_user_csv, split
from ..stages import Stage
from . import calibration, vectorize
from .seeded import NON_TASK, SeededModel, class_tfidf, compile_seeds, find_seeds, work_tasks
from .segment import normalize

# Beyond this many work tasks, the model is fitted on a sample of the documents (fit_sample): fitted
# on 1,000-1,500 sampled tasks, it gives about 95% of the tasks the theme a fit on every task gives
# them, in a tenth of the time and less (bench/RESULTS.md, 10,000 and 50,000 tasks).
MAX_FIT_TASKS = 2000
# Representative tasks per theme.
N_REPRESENTATIVE = 3

@dataclass(frozen=True)
class Theme:
    """One theme of themes.md."""

    id: str
    zh: str
    en: str
    scope: str
    words: tuple[str, ...]


@codebook.cached
def load_themes() -> tuple[Theme, ...]:
    """The themes of the codebook's ``themes.md`` in table order (the one place ids and names come
    from): its table's rows ``| id | 中文 | English | what belongs here | typical words |``; a
    malformed row, a missing or repeated id is an error naming the file and line."""
    themes, lines, where = [], {}, codebook.path("themes.md")
    for number, line in codebook.numbered_lines("themes.md"):
        if not line.strip().startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "id" or set("".join(cells)) <= set("-: "):  # the header and its rule
            continue
        if len(cells) != 5:
            raise InputError(f"{where}: line {number}: a theme row has 5 cells (id | 中文 | English | what belongs "
                             f"here | typical words), not {len(cells)}")
        if not re.fullmatch(r"[a-z_]+", cells[0]):
            raise InputError(f"{where}: line {number}: theme id {cells[0]!r} is missing or not lowercase letters and _")
        if cells[0] in lines:
            raise InputError(f"{where}: line {number}: theme id {cells[0]!r} again (first on line {lines[cells[0]]})")
        lines[cells[0]] = number
        words = tuple(w.strip() for w in re.split(r"[,,、]", cells[4]) if w.strip())
        themes.append(Theme(cells[0], cells[1], cells[2], cells[3], words))
    if not themes:
        raise InputError(f"{where}: no theme table (| id | 中文 | English | what belongs here | typical words |)")
    return tuple(themes)


def theme_ids() -> list[str]:
    """Theme ids in themes.md order."""
    return [t.id for t in load_themes()]


def lexicon(name: str, ids: list[str], what: str) -> dict[str, list[str]]:
    """The seed words of codebook lexicon ``name`` (``<id>: word word ...`` lines) by id; a line
    naming an id that is not one of ``ids`` (``what`` they are) is an error naming file and line."""
    words: dict[str, list[str]] = {i: [] for i in ids}
    for number, line in codebook.numbered_lines(name):
        if line.strip() and not line.startswith("#"):
            key, colon, rest = line.partition(":")
            if not colon or key.strip() not in words:
                raise InputError(f"{codebook.path(name)}: line {number}: {key.strip()!r} is not a {what} "
                                 f"(lines are `<id>: word word ...`; ids: {', '.join(ids)})")
            words[key.strip()] += rest.split()
    return words


@codebook.cached
def seed_words() -> dict[str, tuple[str, ...]]:
    """Seed words of each theme: typical words of themes.md + the codebook's ``theme_lexicon.txt``."""
    extra = lexicon("theme_lexicon.txt", theme_ids(), "theme id of themes.md")
    words = {t.id: list(t.words) + extra[t.id] for t in load_themes()}
    return {t: tuple(dict.fromkeys(normalize(w) for w in ws)) for t, ws in words.items()}


def seed_matches(text: str) -> Counter:
    """Theme seed words found in ``text`` (see :func:`find_seeds`)."""
    return find_seeds(compile_seeds(tuple(seed_words().items()))[0], text)


class ThemeModel(SeededModel):
    """:class:`~ipcompare.analysis.seeded.SeededModel` over the themes of themes.md and their seed words."""

    @staticmethod
    def default_seeds() -> dict[str, tuple[str, ...]]:
        return seed_words()


def fit_sample(tasks: pd.DataFrame) -> pd.DataFrame:
    """The tasks to fit the model on: all of ``tasks`` when they hold at most :data:`MAX_FIT_TASKS`
    work tasks, else the documents whose doc_id hash falls under the rate 2**-k, k the smallest that
    brings the expected number of tasks under that. A document's draw depends on its doc_id alone and
    the rate halves only when the corpus doubles, so adding a plan changes the sample only when that
    plan is drawn."""
    n = int((tasks["kind"] == "task").sum())
    if n <= MAX_FIT_TASKS:
        return tasks
    rate = 2.0 ** -math.ceil(math.log2(n / MAX_FIT_TASKS))
    drawn = tasks[tasks["doc_id"].isin([d for d in tasks["doc_id"].unique() if int(digest(d)[:12], 16) < rate * 16**12])]
    return drawn if (drawn["kind"] == "task").any() else tasks


def representatives(auto: pd.DataFrame, n: int = N_REPRESENTATIVE) -> pd.Series:
    """For each task of :meth:`ThemeModel.transform`'s table, its rank (1 to ``n``) among the tasks of
    its theme that score highest for it (ties: task_id), 0 for the others and for non-tasks."""
    work = auto[auto["theme"] != NON_TASK].sort_values(["theme", "score", "task_id"], ascending=[True, False, True])
    rank = work.groupby("theme").cumcount() + 1
    return rank.where(rank <= n, 0).reindex(auto.index, fill_value=0)


# -- pipeline stage ------------------------------------------------------------------------------

OVERRIDES = "theme_overrides.csv"
NON_TASK_NAMES = ("非工作任务", "Not a work task")


def read_overrides(path: Path, task_ids, allowed, column: str = "theme") -> pd.DataFrame:
    """Manual labels (task_id, ``column``, note) of ``path``, each one of ``allowed``; a bad row
    raises ``InputError``."""
    columns = ["task_id", column, "note"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    df = read_user_csv(path, columns)
    df = df[(df.task_id != "") | (df[column] != "")]
    allowed, known = set(allowed), set(task_ids)
    for line, task_id, value in zip(df.index + 2, df.task_id, df[column]):
        if task_id not in known:
            raise InputError(f"{path}: line {line}: unknown task_id {task_id!r}")
        if value not in allowed:
            raise InputError(f"{path}: line {line}: unknown {column} {value!r} "
                             f"(use one of {', '.join(sorted(allowed))})")
    if df.task_id.duplicated().any():
        raise InputError(f"{path}: task_id {df.task_id[df.task_id.duplicated()].iloc[0]!r} overridden twice")
    return df.reset_index(drop=True)


def overridden(task_ids: pd.Series, auto: pd.Series, manual: pd.DataFrame, column: str) -> tuple[list, pd.Series, list]:
    """The label of each task (the manual one of ``manual``, indexed by task_id, else ``auto``),
    whether it is manual, and the override's note."""
    value, note = manual[column].to_dict(), manual["note"].to_dict()
    return ([value.get(t, a) for t, a in zip(task_ids, auto)], task_ids.isin(manual.index),
            [note.get(t, "") for t in task_ids])


def share_table(rows: pd.DataFrame, groups: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """Rows per combination of ``grid``'s columns (n_tasks) for each row of ``groups`` (its columns
    are keys of ``rows``), every combination listed, zeros included; share = n_tasks / the group's
    counted rows."""
    keys, by = list(groups.columns), list(groups.columns) + list(grid.columns)
    counts = rows.groupby(by).size().rename("n_tasks").reset_index()
    out = groups.merge(grid, how="cross").merge(counts, how="left", on=by).fillna({"n_tasks": 0})
    totals = out.groupby(keys)["n_tasks"].transform("sum")
    out["share"] = (out.n_tasks / totals.where(totals > 0)).fillna(0).round(4)
    return out


def with_city(rows: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (with doc_id) and a ``city`` column: a municipal document's city, else empty. A place
    is a province's own plans (city empty) or one city's plans: a city's tasks are not its province's."""
    municipal = dict(documents.loc[documents["level"] == "municipal", ["doc_id", "city"]].to_numpy())
    return rows.assign(city=[municipal.get(d, "") for d in rows["doc_id"]])


def _share_table(themes_table: pd.DataFrame, keys: list[str], ids: list[str]) -> pd.DataFrame:
    """Tasks per theme for each group of ``keys`` (every theme listed, zeros included)."""
    return share_table(themes_table[themes_table.theme != NON_TASK], themes_table[keys].drop_duplicates(),
                       pd.DataFrame({"theme": ids}))


def auto_themes(tasks: pd.DataFrame, cache_dir: Path | None = None, store: Store | None = None,
                model_class: type[SeededModel] = ThemeModel) -> pd.DataFrame:
    """``model_class(cache_dir).transform(tasks)`` by the model fitted on :func:`fit_sample`. With a
    ``store``, the model and each document's rows are kept: a document is transformed again only
    when it or the model changed, and the model fitted again only when the sample changed."""
    store = store or Store(None, "themes")
    columns = ["task_id", "doc_id", "kind", *vectorize.FIELDS]
    sample = fit_sample(tasks)[columns].sort_values("task_id").reset_index(drop=True)
    model_key = frame_key(sample)

    @cache
    def model() -> ThemeModel:  # its slot is no doc_id: those are letters, digits and _
        fitted = store.reuse({"<model>": model_key}, lambda _: {"<model>": model_class(cache_dir).fit(sample)})
        fitted = fitted["<model>"]
        fitted.set_params(cache_dir=cache_dir)  # this project's, wherever the model was fitted
        return fitted

    def make(todo: list[str]) -> dict[str, dict]:
        mine = tasks[tasks["doc_id"].isin(todo)]
        return split(model().transform(mine).assign(doc_id=mine["doc_id"]), "doc_id", todo)

    def make_all(todo: list[str]) -> dict[str, dict]:
        model()  # fitted here, before the workers fork
        return workers.map_chunks(make, todo, workers.MIN_DOCUMENTS)

    keys = {d: digest(model_key, k) for d, k in group_keys(tasks[columns], "doc_id").items()}
    auto = join(store.reuse(keys, make_all).values(), model_class.COLUMNS)
    return auto.set_index("task_id").loc[tasks["task_id"]].reset_index().set_axis(tasks.index)


def stage(tables: dict[str, pd.DataFrame], project: Project, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Themes stage of the pipeline: themes, theme_terms, theme_by_document, theme_by_province
    (``store``: see :func:`auto_themes`)."""
    tasks = tables["tasks"]
    cache_dir = project.cache
    auto = auto_themes(tasks, cache_dir, store)
    ids = theme_ids()
    path = project.annotations / OVERRIDES
    manual = read_overrides(path, tasks.task_id, [*ids, NON_TASK]).set_index("task_id")
    names = {t.id: (t.zh, t.en) for t in load_themes()} | {NON_TASK: NON_TASK_NAMES}

    out = tasks[["task_id", "doc_id", "province"]].copy()
    out["auto_theme"] = auto["theme"]
    out["theme"], is_manual, notes = overridden(out.task_id, out.auto_theme, manual, "theme")
    out["theme_zh"] = out.theme.map(lambda t: names[t][0])
    out["theme_en"] = out.theme.map(lambda t: names[t][1])
    out["confidence"] = auto["confidence"].where(~is_manual, 1.0)
    out["secondary"] = auto["secondary"].where(auto["secondary"] != out.theme, "")
    out["source"] = np.where(is_manual, "manual", "auto")
    out["evidence"] = auto["evidence"]
    out["note"] = notes
    out["representative"] = representatives(auto).where(out.theme == out.auto_theme, 0)
    decided = auto.assign(margin=auto["confidence"], predicted=auto["theme"], item=auto["task_id"], doc_id=tasks["doc_id"])
    fitted = calibration.for_project("themes", decided.set_axis(auto["task_id"]), calibration.read_answers(project.annotations),
                                     project.learn)
    out["p_correct"], out["review"] = calibration.assess(decided, is_manual | (out.auto_theme == NON_TASK), fitted)

    work = work_tasks(tasks)
    documents = vectorize.task_documents(vectorize.field_tokens(work, cache_dir))
    labelled = out.set_index("task_id").theme
    return {
        "themes": out[list(SCHEMAS["themes"].columns)],
        "theme_terms": class_tfidf(documents, labelled[work["task_id"]].to_numpy(), ids),
        "theme_by_document": _share_table(out, ["doc_id", "province"], ids),
        "theme_by_province": _share_table(with_city(out, tables["documents"]), ["province", "city"], ids),
    }


STAGE = Stage("themes", stage, reads=("documents", "tasks"),
              writes=("themes", "theme_terms", "theme_by_document", "theme_by_province"), annotations=True, store=True)
