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
Nothing here is fitted to particular documents: every constant below is fixed a priori and its
reason stated.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from .. import codebook, workers
from ..cache import Store, digest, frame_key, group_keys
from ..errors import InputError
from ..project import Project
from ..tables import SCHEMAS, join, join_list, read_user_csv, split
from ..stages import Stage
from . import calibration, vectorize
from .segment import normalize

NON_TASK = "non_task"
# A task is a training seed when one theme holds a majority of its seed-word evidence.
SEED_SHARE = 0.5
# Self-training stops when labels are stable; a fixed cap bounds the run time.
MAX_ROUNDS = 10
# Seed words are read in the task's own fields. A section heading is shared by all the items under
# it and often names the part's purpose (实施保护体系建设工程, 强化服务业供给) rather than each item's
# subject: its seed words would vote one theme for every item under it. The classifier still sees
# the headings (vectorize.FIELD_WEIGHTS) as context.
SEED_FIELD_WEIGHTS = {"content": 1.0, "title": 1.0}
# A runner-up theme at least half as strong as the primary is reported as secondary.
SECONDARY_RATIO = 0.5
# Beyond this many work tasks, the model is fitted on a sample of the documents (fit_sample): fitted
# on 1,000-1,500 sampled tasks, it gives about 95% of the tasks the theme a fit on every task gives
# them, in a tenth of the time and less (bench/RESULTS.md, 10,000 and 50,000 tasks).
MAX_FIT_TASKS = 2000
# Output sizes: distinctive terms per theme and representative tasks per theme.
N_TERMS = 10
N_REPRESENTATIVE = 3

TRANSFORM_COLUMNS = ["task_id", "theme", "score", "confidence", "secondary", "evidence"]  # of ThemeModel.transform


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


@cache
def compile_seeds(seeds: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern, dict[str, list[int]]]:
    """Regex of all seed words (longest first) and, for each word, the indexes of its classes
    (``seeds``: (class id, words) pairs in class order)."""
    owners: dict[str, list[int]] = {}
    for k, (_, words) in enumerate(seeds):
        for w in words:
            owners.setdefault(w, []).append(k)
    return re.compile(_trie(owners)), owners


def _trie(words) -> str:
    """A regex matching the longest of ``words`` at a place, as the alternation of the words, longest first,
    would, but written as their prefix tree (在(?:线|先)?...), which the regex engine tries at each place
    in one pass instead of word by word: words matching at one place are prefixes of each other, and
    each optional continuation is tried before its shorter word."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def regex(node: dict) -> str:
        branches = [re.escape(ch) + regex(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = f"(?:{'|'.join(branches)})" if len(branches) > 1 or "" in node else branches[0]
        return body + "?" if "" in node else body

    return regex(tree) or "(?!)"  # no words: matches nothing


@lru_cache(maxsize=1 << 17)  # fitting and scoring read the same texts; callers never modify the Counter
def find_seeds(pattern: re.Pattern, text: str) -> Counter:
    """Seed words of ``pattern`` found in ``text`` (longest match first, no overlaps), with their counts."""
    return Counter(pattern.findall(normalize(text)))


def seed_matches(text: str) -> Counter:
    """Theme seed words found in ``text`` (see :func:`find_seeds`)."""
    return find_seeds(compile_seeds(tuple(seed_words().items()))[0], text)


def _work_tasks(tasks: pd.DataFrame) -> pd.DataFrame:
    """The work items of ``tasks`` (not preamble), in task_id order."""
    return tasks[tasks["kind"] == "task"].sort_values("task_id", kind="stable").reset_index(drop=True)


class SeededModel:
    """Seeded topic model over named classes (see the module docstring), scikit-learn style.

    ``fit(tasks)`` learns from a tasks table (columns of ``tables.SCHEMAS["tasks"]``);
    ``transform(tasks)`` gives one row per task: ``theme, score, confidence, secondary, evidence``.
    After fitting: ``theme_terms_`` (distinctive c-TF-IDF terms of each theme), and for the fitted
    work tasks (in ``task_ids_`` order) ``scores_`` (tasks x themes, rows sum to 1) and ``labels_``;
    ``vectorizer_`` and ``classifier_`` are the fitted scikit-learn parts.
    """

    COLUMNS = TRANSFORM_COLUMNS

    def __init__(self, seeds: dict[str, tuple[str, ...]], cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        self.ids_ = np.array(list(seeds))
        self.pattern_, self.owners_ = compile_seeds(tuple(seeds.items()))

    # -- step 1: seed scores
    @staticmethod
    def _seed_text(text: str) -> str:
        """The part of a field's text seed words are looked for in (all of it)."""
        return text

    def _field_matches(self, tasks: pd.DataFrame) -> dict[str, list[Counter]]:
        return {f: [find_seeds(self.pattern_, self._seed_text(t)) for t in tasks[f].fillna("").astype(str)]
                for f in vectorize.FIELDS}

    def _seed_scores(self, matches: dict[str, list[Counter]]) -> np.ndarray:
        """Per task, the weighted mean over fields of each field's theme distribution."""
        owners = self.owners_
        n, k = len(next(iter(matches.values()))), len(self.ids_)
        total, weight = np.zeros((n, k)), np.zeros((n, 1))
        for f, w in SEED_FIELD_WEIGHTS.items():
            s = np.zeros((n, k))
            for i, found in enumerate(matches[f]):
                row = [0.0] * k  # a Python list: adding to numpy cells one by one is slow
                for word, count in found.items():
                    share = (1 + math.log(count)) * self.idf_.get(word, self.max_idf_) / len(owners[word])
                    for j in owners[word]:
                        row[j] += share
                s[i] = row
            has = s.sum(1, keepdims=True) > 0
            total += w * np.divide(s, s.sum(1, keepdims=True), where=has, out=np.zeros_like(s))
            weight += w * has
        return np.divide(total, weight, where=weight > 0, out=np.zeros_like(total))

    # -- step 2: classifier
    def _classifier_scores(self, X) -> np.ndarray:
        out = np.zeros((X.shape[0], len(self.ids_)))
        if self.classifier_ is not None:
            out[:, self.classifier_.classes_] = self.classifier_.predict_proba(X)
        return out

    @staticmethod
    def _combine(seed: np.ndarray, clf: np.ndarray) -> np.ndarray:
        """Mean of the two distributions (the classifier alone where no seed word matched)."""
        has_seed = seed.sum(1, keepdims=True) > 0
        return np.where(has_seed, (seed + clf) / 2, clf)

    @staticmethod
    def _confident_labels(scores: np.ndarray) -> np.ndarray:
        """Index of the theme holding at least SEED_SHARE of a task's scores, else -1."""
        best = scores.argmax(1)
        share = scores.max(1) / np.maximum(scores.sum(1), 1e-12)
        return np.where(share >= SEED_SHARE, best, -1)

    def fit(self, tasks: pd.DataFrame) -> SeededModel:
        work = _work_tasks(tasks)
        fields = vectorize.field_tokens(work, self.cache_dir)
        self.vectorizer_ = vectorize.fit_vectorizer(vectorize.task_documents(fields))
        X = vectorize.task_matrix(self.vectorizer_, fields)
        matches = self._field_matches(work)
        df = Counter(w for found in zip(*matches.values()) for w in set().union(*found))
        n = len(work)
        self.idf_ = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
        self.max_idf_ = math.log(1 + n) + 1  # idf of a seed word the corpus never uses
        seed = self._seed_scores(matches)
        self.classifier_, scores, labels = None, seed, None
        # One BLAS thread: on these small matrices threads only contend (20x slower on a busy 2-core
        # machine), and single-threaded sums are reproducible. threadpoolctl comes with scikit-learn.
        with threadpool_limits(1):
            for _ in range(MAX_ROUNDS):
                new = self._confident_labels(scores)
                if labels is not None and np.array_equal(new, labels):
                    break
                labels, train = new, new >= 0
                if len(set(labels[train])) < 2:
                    break
                clf = LogisticRegression(class_weight="balanced", max_iter=1000)
                self.classifier_ = clf.fit(X[train], labels[train])
                scores = self._combine(seed, self._classifier_scores(X))
        self.task_ids_ = work["task_id"].to_numpy()
        self.scores_ = scores
        self.labels_ = self.ids_[scores.argmax(1)]
        self.theme_terms_ = class_tfidf(vectorize.task_documents(fields), self.labels_, self.ids_)
        return self

    def _scores(self, work: pd.DataFrame) -> tuple[np.ndarray, dict[str, list[Counter]], object]:
        fields = vectorize.field_tokens(work, self.cache_dir)
        X = vectorize.task_matrix(self.vectorizer_, fields)
        matches = self._field_matches(work)
        return self._combine(self._seed_scores(matches), self._classifier_scores(X)), matches, X

    def _evidence(self, k: int, found: set[str], cols: np.ndarray, values: np.ndarray, terms) -> list[str]:
        """Seed words of theme ``k`` in the task (strongest first), then the classifier's top words
        (``cols``, ``values``: the task's TF-IDF row; ``terms``: the vectorizer's feature names)."""
        owners = self.owners_
        seeds = sorted((w for w in found if k in owners[w]), key=lambda w: (-self.idf_.get(w, self.max_idf_), w))
        learned = []
        if self.classifier_ is not None and k in self.classifier_.classes_:
            coef = self.classifier_.coef_[list(self.classifier_.classes_).index(k)]
            weight = coef[cols] * values
            learned = [terms[cols[j]] for j in np.lexsort((cols, -weight)) if weight[j] > 0]
        return list(dict.fromkeys(seeds[:3] + learned[:3]))

    @staticmethod
    def _rank(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the chosen class of each row and of its runner-up (the two highest scores)."""
        order = np.argsort(-scores, axis=1, kind="stable")
        return order[:, 0], order[:, 1]

    def transform(self, tasks: pd.DataFrame) -> pd.DataFrame:
        """Theme of each row of ``tasks`` (same index): theme, score (its combined score), confidence,
        secondary, evidence."""
        out = pd.DataFrame({"task_id": tasks["task_id"], "theme": NON_TASK, "score": 1.0, "confidence": 1.0,
                            "secondary": "", "evidence": ""}, index=tasks.index, columns=TRANSFORM_COLUMNS)
        work = tasks[tasks["kind"] == "task"]
        if work.empty:
            return out
        scores, matches, X = self._scores(work)
        top, second = self._rank(scores)
        rows = np.arange(len(work))
        p1, p2 = scores[rows, top], scores[rows, second]
        found = [set().union(*(matches[f][i] for f in vectorize.FIELDS)) for i in rows]
        out.loc[work.index, "theme"] = self.ids_[top]
        out.loc[work.index, "score"] = p1
        out.loc[work.index, "confidence"] = np.round(p1 - p2, 4)
        out.loc[work.index, "secondary"] = np.where(p2 >= SECONDARY_RATIO * p1, self.ids_[second], "")
        terms, ptr = self.vectorizer_.get_feature_names_out(), X.indptr  # X is CSR: row i is ptr[i]:ptr[i + 1]
        out.loc[work.index, "evidence"] = [
            join_list(self._evidence(top[i], found[i], X.indices[ptr[i]:ptr[i + 1]], X.data[ptr[i]:ptr[i + 1]], terms))
            for i in rows]
        return out

    def fit_transform(self, tasks: pd.DataFrame) -> pd.DataFrame:
        return self.fit(tasks).transform(tasks)


class ThemeModel(SeededModel):
    """:class:`SeededModel` over the themes of themes.md and their seed words."""

    def __init__(self, cache_dir: Path | None = None):
        super().__init__(seed_words(), cache_dir)


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


def class_tfidf(documents: list[list[str]], labels, classes, n_terms: int = N_TERMS) -> pd.DataFrame:
    """Distinctive terms of each class (c-TF-IDF, as in BERTopic): columns theme, rank, term, score.

    All documents of a class form one document; a term scores its relative frequency in the class
    times ``log(1 + A / f)``, A the mean number of tokens per class and f the term's frequency
    overall. Rows follow ``classes`` (classes without documents are skipped), then rank.
    """
    by_class: dict[str, Counter] = {}
    for tokens, label in zip(documents, labels):
        by_class.setdefault(label, Counter()).update(tokens)
    overall = sum(by_class.values(), Counter())
    mean_size = sum(overall.values()) / max(len(by_class), 1)
    rows = []
    for label in (c for c in classes if c in by_class):
        counts = by_class[label]
        size = sum(counts.values())
        scored = sorted((-round(c / size * math.log(1 + mean_size / overall[t]), 4), t)
                        for t, c in counts.items())
        rows += [(label, rank, t, -s) for rank, (s, t) in enumerate(scored[:n_terms], 1)]
    return pd.DataFrame(rows, columns=["theme", "rank", "term", "score"])


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
        fitted.cache_dir = cache_dir  # this project's, wherever the model was fitted
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

    work = _work_tasks(tasks)
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
