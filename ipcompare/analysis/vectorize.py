"""TF-IDF vectors of tasks, built from their fields (content, title, enclosing section titles).

Shared by the themes and coverage stages::

    fields = field_tokens(tasks, cache_dir)          # tokens of each field of each task
    vectorizer = fit_vectorizer(task_documents(fields))
    X = task_matrix(vectorizer, fields)              # one L2-normalised row per task

Each field is vectorised on its own and L2-normalised, so a long content cannot drown its
heading; the rows are then a weighted sum (:data:`FIELD_WEIGHTS`), normalised again.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from weakref import WeakKeyDictionary

import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .segment import tokenize

FIELDS = ("content", "title", "section_titles")
# The item's own words count fully: its content, and its title, which states in a few words what
# the item is about. The enclosing section titles are shared with sibling items and broader, so
# they count half. Fixed a priori from what each field is, not fitted to any corpus.
FIELD_WEIGHTS: Mapping[str, float] = {"content": 1.0, "title": 1.0, "section_titles": 0.5}


def field_tokens(tasks: pd.DataFrame, cache_dir: Path | None = None) -> dict[str, list[list[str]]]:
    """Tokens of every field in :data:`FIELDS` for each row of ``tasks`` (see ``segment.tokenize``)."""
    return {f: tokenize(tasks[f].fillna("").astype(str).tolist(), cache_dir) for f in FIELDS}


def task_documents(fields: Mapping[str, Sequence[list[str]]]) -> list[list[str]]:
    """One token list per task: all its fields together (what the vectorizer is fitted on)."""
    return [sum(parts, []) for parts in zip(*fields.values())]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def fit_vectorizer(documents: Sequence[list[str]]) -> TfidfVectorizer:
    """TF-IDF vectorizer fitted on token lists (sublinear tf, smoothed idf; every term kept)."""
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit(documents)


def transform(vectorizer, documents: Sequence) -> sparse.csr_matrix:
    """``vectorizer.transform(documents)``, also of no documents (scikit-learn refuses those)."""
    if len(documents) == 0:
        return sparse.csr_matrix((0, len(vectorizer.vocabulary_)))
    return vectorizer.transform(documents)


_ROWS: WeakKeyDictionary = WeakKeyDictionary()  # vectorizer -> (row of each token list, their vectors)


def _transform(vectorizer: TfidfVectorizer, documents: Sequence[list[str]]) -> sparse.csr_matrix:
    """``vectorizer.transform(documents)``, each distinct token list transformed once per vectorizer
    (a row does not depend on the other rows: the stages of a run transform the same tasks)."""
    index, vectors = _ROWS.setdefault(vectorizer, ({}, []))
    keys = [tuple(d) for d in documents]
    if new := [k for k in dict.fromkeys(keys) if k not in index]:
        vectors[:] = [sparse.vstack(vectors + [vectorizer.transform(new)], format="csr")]
        index.update(zip(new, range(len(index), len(index) + len(new))))
    return vectors[0][[index[k] for k in keys]] if keys else transform(vectorizer, [])


def task_matrix(vectorizer: TfidfVectorizer, fields: Mapping[str, Sequence[list[str]]],
                weights: Mapping[str, float] = FIELD_WEIGHTS) -> sparse.csr_matrix:
    """Rows: L2-normalised weighted sum of each field's L2-normalised TF-IDF vector."""
    total = sum(weights[f] * _transform(vectorizer, fields[f]) for f in weights)
    total = sparse.csr_matrix(total)
    return normalize(total) if total.shape[0] else total
