"""What the charts show per place, computed once by a stage and written as tables, so views only draw.

A place is a province with plans of its own (全国 for the national documents) or a city with a plan
(:func:`places`). The stage (:func:`stage`) writes: ``distinctive_terms`` (each place's keyness
terms against the other places, with their G²), ``task_map`` (each work task's 2-D coordinates),
``coverage_by_place`` (coverage_by_province with a row set for each city) and ``place_nodes`` /
``place_edges`` (the keyword co-occurrence network of each province's tasks).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pandas as pd

from .. import tables
from ..stages import DATA, LIBRARIES, Stage
from ..reading import divisions
from ..reading.metadata import NATIONAL, PROVINCES

# Keyness: a term must occur at least this often in the province to be called distinctive.
MIN_KEY_FREQ = 2
# Distinctive terms: a domain term's G2 counts this many times over (a stated preference, not fitted).
DOMAIN_WEIGHT = 1.5
# Distinctive terms kept per place (what a profile shows).
TERMS_PER_PLACE = 15


def work_tasks(t) -> pd.DataFrame:
    """Work items (not preamble) of every document."""
    return t["tasks"][t["tasks"]["kind"] == "task"]


def city_plans(t) -> list[str]:
    """doc_ids of the municipal (city) plans."""
    docs = t["documents"]
    return list(docs.loc[docs["level"] == "municipal", "doc_id"])


def order(t, key: str = "doc_id", cities: bool = False) -> list[str]:
    """Provinces (``key="province"``) in document order, or documents grouped under their province
    (in that order), a province's own documents before its cities'. ``cities``: the provinces
    followed each by the doc_ids of its city plans."""
    docs = t["documents"][["doc_id", "province", "level"]]
    provinces_ = list(dict.fromkeys(docs["province"]))
    rank = docs["province"].map(provinces_.index) * 2 + (docs["level"] == "municipal")
    ranked = docs.assign(_rank=rank).sort_values("_rank", kind="stable")
    if key == "doc_id":
        return list(ranked["doc_id"])
    if not cities:
        return provinces_
    own = ranked.drop_duplicates("province").set_index("province")["_rank"] // 2 * 2
    places_ = [(r, p) for p, r in own.items()] + [(r, d) for d, r in zip(ranked["doc_id"], ranked["_rank"]) if r % 2]
    return [p for _, p in sorted(places_, key=lambda x: x[0])]


def place_keys(frame: pd.DataFrame) -> pd.Series:
    """Each row's place: its city (a municipal document's, or a per-place table's ``city``), else its province."""
    city = frame["city"].where(frame["level"] == "municipal", "") if "level" in frame else frame["city"]
    return city.where(city != "", frame["province"])


def places(t, cities: bool = False) -> list[str]:
    """Places in document order (:func:`order`): each province (全国 too) with plans of its own, and
    with ``cities`` each city with a plan, after its province (key: the city's full name)."""
    docs = t["documents"][["doc_id", "province", "city", "level"]].set_index("doc_id").loc[order(t)]
    keys = place_keys(docs)
    return list(dict.fromkeys(keys if cities else keys[docs["level"] != "municipal"]))


def place_docs(t, place: str) -> list[str]:
    """doc_ids of a place (:func:`places`): a province's own documents, or a city's."""
    docs = t["documents"]
    return list(docs.loc[place_keys(docs) == place, "doc_id"])


def keyness(target: Counter, reference: Counter, min_freq: int = MIN_KEY_FREQ) -> pd.DataFrame:
    """Terms over-used in ``target`` against ``reference``, by Dunning's log-likelihood (G2), strongest first."""
    c, d = sum(target.values()), sum(reference.values())
    rows = []
    for term, a in target.items():
        b = reference.get(term, 0)
        if a < min_freq or not d or a / c <= b / d:
            continue
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        g2 = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0))
        rows.append((term, a, b, round(g2, 3)))
    out = pd.DataFrame(rows, columns=["term", "freq", "freq_other", "g2"])
    return out.sort_values(["g2", "term"], ascending=[False, True], ignore_index=True)


def doc_term_counts(t, cache_dir: Path | None = None) -> dict[str | None, Counter]:
    """Words of each document's work tasks (segmented content, national documents left out) and of
    all (key None): every place's terms are compared with the others'."""
    from .segment import tokenize

    tasks = work_tasks(t)
    tasks = tasks[tasks["province"] != NATIONAL]
    counts: dict[str | None, Counter] = {}
    for doc, toks in zip(tasks["doc_id"], tokenize(tasks["content"].tolist(), cache_dir)):
        counts.setdefault(doc, Counter()).update(toks)
    counts[None] = sum(counts.values(), Counter())  # all documents
    return counts


def distinctive_terms(t, place: str, n: int = TERMS_PER_PLACE, counts: dict | None = None,
                      cache_dir: Path | None = None) -> pd.DataFrame:
    """The most distinctive terms of a place's plans (:func:`places`: a province's own, or a city's)
    against the other places' tasks (keyness on segmented content), with ``weight``, the order they
    are listed in: G2, times :data:`DOMAIN_WEIGHT` for a domain term (a word of the domain dictionary,
    or a compound of four characters or more: 数据交易, 专精特新). ``counts``: :func:`doc_term_counts`
    when already made.

    Left out: place names (贵州省, 武汉, 黔东南州 ...) and a plan's words for itself (我市, 全省 ...),
    distinctive but saying nothing about the plan, and the genre's words (``data/boilerplate.txt``:
    political formulae, drafting verbs such as 完成/争取/举办, generic nouns such as 中心).
    """
    from .segment import domain_words, genre_words

    counts = counts if counts is not None else doc_term_counts(t, cache_dir)
    mine = sum((counts[d] for d in place_docs(t, place) if d in counts), Counter())
    terms = keyness(mine, counts[None] - mine)
    terms = terms[~terms["term"].str.contains(_place_word()) & ~terms["term"].isin(genre_words())]
    domain = terms["term"].isin(domain_words()) | (terms["term"].str.len() >= 4)
    terms = terms.assign(weight=(terms["g2"] * domain.map({True: DOMAIN_WEIGHT, False: 1.0})).round(3))
    return terms.sort_values(["weight", "term"], ascending=[False, True]).head(n).reset_index(drop=True)


@cache
def _place_word() -> re.Pattern:
    """A term naming a place: a province's or a city's name (two characters or more), or 我/本/全 + 省/市 ...."""
    names = {*PROVINCES, *(n for d in divisions.table() for n in (d.name, d.short) if len(n) >= 2)}
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r"|^[我本全][省市区县州盟]$")


def terms_table(t, cache_dir: Path | None = None) -> pd.DataFrame:
    """The ``distinctive_terms`` table: each place with a profile (every place but 全国), its terms in order."""
    counts = doc_term_counts(t, cache_dir)
    frames = [distinctive_terms(t, p, counts=counts).assign(place=p) for p in places(t, cities=True) if p != NATIONAL]
    return _stack(frames, "distinctive_terms")


def task_map_table(t, cache_dir: Path | None = None) -> pd.DataFrame:
    """The ``task_map`` table: each work task placed in 2-D, TF-IDF vectors
    (:mod:`ipcompare.analysis.vectorize`) reduced by TruncatedSVD (fixed seed)."""
    from sklearn.decomposition import TruncatedSVD

    from . import vectorize

    work = work_tasks(t).reset_index(drop=True)
    if len(work) < 3:  # TruncatedSVD needs more rows than components
        return tables.empty("task_map")
    tokens = vectorize.field_tokens(work, cache_dir)
    X = vectorize.task_matrix(vectorize.fit_vectorizer(vectorize.task_documents(tokens)), tokens)
    xy = TruncatedSVD(n_components=2, random_state=0).fit_transform(X)
    return pd.DataFrame({"task_id": work["task_id"], "x": xy[:, 0], "y": xy[:, 1]})


def coverage_table(t) -> pd.DataFrame:
    """The ``coverage_by_place`` table: ``coverage_by_province``, and the same for each city with plans
    (``province``: the city's full name): the best verdict over its plans, as a province's."""
    from .coverage import province_table

    rows = t["coverage"][t["coverage"]["doc_id"].isin(city_plans(t))]
    if rows.empty:
        return t["coverage_by_province"]
    city = rows["doc_id"].map(t["documents"].set_index("doc_id")["city"])
    return pd.concat([t["coverage_by_province"], province_table(rows.assign(province=city))], ignore_index=True)


def network_tables(t, cache_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The ``place_nodes`` and ``place_edges`` tables: the co-occurrence network
    (:func:`ipcompare.analysis.search.network`) of each province's work tasks (its cities' too)."""
    from .search import network

    nets = {p: network(t["tasks"], p, cache_dir=cache_dir) for p in dict.fromkeys(work_tasks(t)["province"])}
    nodes = [n.nodes.assign(place=p) for p, n in nets.items()]
    edges = [n.edges.assign(place=p) for p, n in nets.items()]
    return {"place_nodes": _stack(nodes, "place_nodes"), "place_edges": _stack(edges, "place_edges")}


def _stack(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The ``frames`` one after the other, in the columns of table ``name`` (none with rows: its empty table,
    whose text columns are text: an empty frame's are not)."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True)[list(tables.SCHEMAS[name].columns)] if frames else tables.empty(name)


def stage(t, project) -> dict[str, pd.DataFrame]:
    """The tables the charts draw (see the module docstring)."""
    return {"distinctive_terms": terms_table(t, project.cache), "task_map": task_map_table(t, project.cache),
            "coverage_by_place": coverage_table(t), **network_tables(t, project.cache)}


STAGE = Stage("places", stage, reads=("documents", "tasks", "coverage", "coverage_by_province"),
              writes=("distinctive_terms", "task_map", "coverage_by_place", "place_nodes", "place_edges"),
              data=(*DATA, "boilerplate.txt", "divisions.csv"), libraries=(*LIBRARIES, "networkx"))
