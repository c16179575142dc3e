"""Convergence: how alike the provinces' plans are, and whether they grow more alike over the years.

The unit is a province's own plans of one year (provincial level, by first year; several plans of a
year taken together). Two units are compared on

* ``themes``: the cosine of their theme profiles (tasks per primary theme, themes.csv);
* ``text``: the cosine of their TF-IDF word vectors (tokens of the work tasks' content, segmented as
  everywhere; IDF fitted on all units, sublinear term frequency).

``latest`` compares each province's latest year with every other province's; each year with plans
of two provinces or more compares those of that year (the year-by-year mean of similarity.csv tells
whether the plans converge).
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .. import tables
from ..stages import Stage
from .segment import tokenize


def units(documents: pd.DataFrame) -> pd.DataFrame:
    """Each province's own plans of each year: province, year, doc_ids (list), oldest first."""
    docs = documents[documents["level"] == "provincial"].assign(year=lambda d: d["first_year"].astype(int))
    out = docs.groupby(["province", "year"], sort=True)["doc_id"].agg(tables.join_list).reset_index()
    return out.rename(columns={"doc_id": "doc_ids"})


def vectors(u: pd.DataFrame, tasks: pd.DataFrame, themes: pd.DataFrame, cache_dir=None) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows (L2-normalised) of theme counts and of TF-IDF text weights, in ``u`` order."""
    work = tasks[tasks["kind"] == "task"]
    unit_of = {d: k for k, ids in enumerate(u["doc_ids"]) for d in tables.split_list(ids)}
    work = work[work["doc_id"].isin(unit_of)]
    rows = work["doc_id"].map(unit_of).to_numpy()
    theme = work["task_id"].map(themes.set_index("task_id")["theme"]).fillna("")
    ids = sorted(set(theme) - {"", "non_task"})
    counts = np.zeros((len(u), len(ids)))
    np.add.at(counts, (rows[theme.isin(ids).to_numpy()], theme[theme.isin(ids)].map(ids.index).to_numpy()), 1)
    words = [[] for _ in range(len(u))]
    for r, toks in zip(rows, tokenize(work["content"].tolist(), cache_dir)):
        words[r] += toks
    tfidf = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True).fit_transform(words) if any(words) else None
    text = np.zeros((len(u), 1)) if tfidf is None else tfidf.toarray()
    return normalize(counts), normalize(text)


def similarity_table(u: pd.DataFrame, theme_vec: np.ndarray, text_vec: np.ndarray) -> pd.DataFrame:
    """similarity.csv rows: ``latest`` pairs (each province's latest unit) and the pairs of each year."""
    def pairs(scope: str, idx: list[int]) -> list[dict]:
        return [{"scope": scope, "province_a": u["province"].iat[a], "province_b": u["province"].iat[b],
                 "year_a": int(u["year"].iat[a]), "year_b": int(u["year"].iat[b]),
                 "docs_a": u["doc_ids"].iat[a], "docs_b": u["doc_ids"].iat[b],
                 "themes": round(float(theme_vec[a] @ theme_vec[b]), 6), "text": round(float(text_vec[a] @ text_vec[b]), 6)}
                for a, b in itertools.combinations(idx, 2)]

    latest = u.reset_index().groupby("province", sort=True)["index"].last().tolist()
    rows = pairs("latest", latest)
    for year, g in u.groupby("year", sort=True):
        if len(g) >= 2:
            rows += pairs(str(year), g.index.tolist())
    return pd.DataFrame(rows, columns=list(tables.SCHEMAS["similarity"].columns))


def stage(tbls: dict[str, pd.DataFrame], project) -> dict[str, pd.DataFrame]:
    """The similarity table (see :mod:`ipcompare.tables`)."""
    u = units(tbls["documents"])
    if len(u) < 2 or "themes" not in tbls:
        return {"similarity": tables.empty("similarity")}
    theme_vec, text_vec = vectors(u, tbls["tasks"], tbls["themes"], project.cache)
    return {"similarity": similarity_table(u, theme_vec, text_vec)}


STAGE = Stage("convergence", stage, reads=("documents", "tasks", "themes"), writes=("similarity",))
