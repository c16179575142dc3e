"""The seeded classifier the themes and instruments stages share: seed words of named classes, then a
classifier trained on the tasks they point to (see :mod:`ipcompare.analysis.themes` for the method).

Every constant below is fixed a priori, its reason stated.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache, cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from ..tables import join_list
from . import vectorize
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
# Distinctive terms per class (class_tfidf).
N_TERMS = 10

TRANSFORM_COLUMNS = ["task_id", "theme", "score", "confidence", "secondary", "evidence"]  # of ThemeModel.transform


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


def work_tasks(tasks: pd.DataFrame) -> pd.DataFrame:
    """The work items of ``tasks`` (not preamble), in task_id order."""
    return tasks[tasks["kind"] == "task"].sort_values("task_id", kind="stable").reset_index(drop=True)


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


class SeededModel(BaseEstimator):
    """Seeded topic model over named classes (see the module docstring), a scikit-learn estimator.

    Parameters: ``cache_dir`` (where tokens are kept, or None) and ``seeds`` (class id -> seed words,
    in class order; None: :meth:`default_seeds`, the codebook's of a subclass). ``fit(tasks)`` learns
    from a tasks table (columns of ``tables.SCHEMAS["tasks"]``); ``predict_proba(tasks)`` gives the
    class scores of its work tasks; ``transform(tasks)`` one row per task: ``theme, score, confidence,
    secondary, evidence``. Read from the seeds on first use: ``ids_`` (class ids), ``pattern_`` and
    ``owners_`` (:func:`compile_seeds`). After fitting: ``theme_terms_`` (distinctive c-TF-IDF terms of
    each theme), and for the fitted work tasks (in ``task_ids_`` order) ``scores_`` (tasks x themes,
    rows sum to 1) and ``labels_``; ``vectorizer_`` and ``classifier_`` are the fitted scikit-learn parts.
    """

    COLUMNS = TRANSFORM_COLUMNS

    def __init__(self, cache_dir: Path | None = None, seeds: dict[str, tuple[str, ...]] | None = None):
        self.cache_dir = cache_dir
        self.seeds = seeds

    @staticmethod
    def default_seeds() -> dict[str, tuple[str, ...]]:
        """The seeds when none are given (a subclass's codebook)."""
        raise TypeError("a SeededModel needs seeds")

    @cached_property
    def ids_(self) -> np.ndarray:
        return np.array(list(self.seeds if self.seeds is not None else self.default_seeds()))

    @cached_property
    def _compiled(self) -> tuple[re.Pattern, dict[str, list[int]]]:
        return compile_seeds(tuple((self.seeds if self.seeds is not None else self.default_seeds()).items()))

    @property
    def pattern_(self) -> re.Pattern:
        return self._compiled[0]

    @property
    def owners_(self) -> dict[str, list[int]]:
        return self._compiled[1]

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
        work = work_tasks(tasks)
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

    def predict_proba(self, tasks: pd.DataFrame) -> np.ndarray:
        """Combined score of each class (columns in ``ids_`` order) for each work task of ``tasks``, in order."""
        return self._scores(tasks[tasks["kind"] == "task"])[0]

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
