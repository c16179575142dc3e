"""Benchmark (not a test): ipcompare's themes against naive peers on the dev gold, with timings.

    python bench/bench_themes.py [--gold tests/gold/themes_dev.csv]

Peers, each given the same jieba tokens of every item (content only, as a naive pipeline would):
KMeans on TF-IDF and LDA on counts (13 clusters/topics, fixed seeds; scored by NMI/ARI, and by
accuracy after the best one-to-one cluster -> theme mapping, which flatters them), and TF-IDF
cosine similarity to each theme's typical words in themes.md (names a theme directly).
Times are wall-clock of fitting and predicting; the content tokens are computed beforehand (the
ThemeModel time includes segmenting titles and section headings, which only it uses).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from ipcompare import pipeline
from ipcompare.analysis import evaluate, segment, themes

ROOT = Path(__file__).resolve().parents[1]


def _vectorizer(cls):
    return cls(analyzer=lambda tokens: tokens)


def kmeans(tokens, k):
    X = _vectorizer(TfidfVectorizer).fit_transform(tokens)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)


def lda(tokens, k):
    X = _vectorizer(CountVectorizer).fit_transform(tokens)
    return LatentDirichletAllocation(n_components=k, random_state=0).fit_transform(X).argmax(1)


def similarity(tokens, k):
    theme_docs = segment.tokenize([" ".join(t.words) for t in themes.load_themes()])
    vec = _vectorizer(TfidfVectorizer).fit(tokens + theme_docs)
    return np.array(themes.theme_ids())[cosine_similarity(vec.transform(tokens), vec.transform(theme_docs)).argmax(1)]


def mapped(gold: pd.Series, clusters: pd.Series) -> pd.Series:
    """Clusters renamed to themes by the best one-to-one assignment (Hungarian) on the gold rows."""
    table = pd.crosstab(clusters.loc[gold.index], gold)
    rows, cols = linear_sum_assignment(-table.to_numpy())
    names = dict(zip(table.index[rows], table.columns[cols]))
    return clusters.map(lambda c: names.get(c, f"cluster {c}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold" / "themes_dev.csv")
    args = parser.parse_args()
    tasks = pipeline.corpus_tables(pipeline.Project(ROOT), progress=False).tables["tasks"]
    gold = evaluate.read_gold(args.gold, evaluate.THEME_GOLD_COLUMNS)
    gold = gold[gold.task_id.isin(tasks.task_id)]
    tokens = segment.tokenize(tasks.content.tolist())
    k = len(themes.theme_ids())

    start = time.perf_counter()
    ours = themes.ThemeModel().fit_transform(tasks).set_index("task_id")["theme"]
    results = {"ipcompare ThemeModel": (ours, time.perf_counter() - start, False)}
    for name, method, clusters in [("KMeans on TF-IDF", kmeans, True), ("LDA", lda, True),
                                   ("TF-IDF similarity to themes.md", similarity, False)]:
        start = time.perf_counter()
        labels = pd.Series(method(tokens, k), index=tasks.task_id).astype(str)
        results[name] = (labels, time.perf_counter() - start, clusters)

    gold_primary = gold.set_index("task_id").primary
    rows = []
    for name, (labels, seconds, clusters) in results.items():
        named = mapped(gold_primary, labels) if clusters else labels
        s = evaluate.theme_scores(gold, named)
        rows.append({"method": name, "accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "kappa": s["kappa"],
                     "prim_or_sec": s["primary_or_secondary"], "nmi": s["nmi"], "ari": s["ari"],
                     "seconds": round(seconds, 2)})
    print(f"{len(gold)} gold tasks from {args.gold.name}; clusters mapped to themes one-to-one for accuracy")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
