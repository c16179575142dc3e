"""Words in context (KWIC), ranked task search (BM25) and the keyword co-occurrence network.

Texts are searched with traditional characters, full-width forms and quote/bracket variants folded
(数據知識產權 and “数据二十条” find 数据知识产权 and "数据二十条"). Search and the network use the
project's own tokens (:mod:`ipcompare.analysis.segment`: domain dictionary, stopwords out).
"""
from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from ..errors import InputError
from ..reading.clean import normalize, remove_stray_spaces, t2s
from ..stages import LIBRARIES, Stage
from .segment import PUNCTUATION_VARIANTS, tokenize

_FOLD = str.maketrans(PUNCTUATION_VARIANTS)
_FOLD_REGEX = str.maketrans({k: re.escape(v) for k, v in PUNCTUATION_VARIANTS.items()})  # 【 in a regex: a bracket
KWIC_COLUMNS = ["doc_id", "province", "task_id", "left", "match", "right", "offset"]


def fold(text: str) -> str:
    """Simplified characters, unified punctuation, same length as ``text`` (offsets carry over)."""
    folded = t2s().convert(text).translate(_FOLD)
    return folded if len(folded) == len(text) else text.translate(_FOLD)


def fold_query(query: str, regex: bool = False) -> str:
    """A typed query in the form of the cleaned texts (full-width forms, stray spaces, variants)."""
    query = remove_stray_spaces(normalize(query).strip())
    return t2s().convert(query).translate(_FOLD_REGEX) if regex else fold(query)


def task_spans(text: str, tasks: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(start, end, task_id) of each task of one document found in its cleaned ``text``, in order:
    a task starts where its first line is found after the previous one and ends at the next."""
    starts, cursor = [], 0
    for task_id, task_text in zip(tasks["task_id"], tasks["text"]):
        first = task_text.split("\n", 1)[0][:12]
        if first and (at := text.find(first, cursor)) >= 0:
            starts.append((at, len(task_text), task_id))
            cursor = at + 1
    ends = [s for s, _, _ in starts[1:]] + [len(text)]
    return [(s, min(s + n, end), tid) for (s, n, tid), end in zip(starts, ends)]


def kwic(texts: pd.DataFrame, tasks: pd.DataFrame, pattern: str, window: int = 20, regex: bool = False,
         province: str | None = None) -> pd.DataFrame:
    """Every occurrence of ``pattern`` in each document's cleaned text (``texts``: doc_id, province,
    text) with ``window`` characters either side and the task it falls in (empty outside tasks)."""
    query = fold_query(pattern, regex)
    try:
        found = re.compile(query if regex else re.escape(query))
    except re.error as err:
        raise InputError(f"{pattern}: not a regular expression ({err})") from None
    rows = []
    for doc in texts.itertuples():
        if province and doc.province != province:
            continue
        spans = task_spans(doc.text, tasks[tasks["doc_id"] == doc.doc_id])
        for m in found.finditer(fold(doc.text)):
            if m.end() == m.start():
                continue
            task = next((tid for s, e, tid in spans if s <= m.start() < e), "")
            flat = lambda s: s.replace("\n", " ")
            rows.append((doc.doc_id, doc.province, task, flat(doc.text[max(m.start() - window, 0): m.start()]),
                         doc.text[m.start(): m.end()], flat(doc.text[m.end(): m.end() + window]), m.start()))
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def mark(text: str, words: list[str]) -> str:
    """``text`` with each of ``words`` wrapped in 【】 (longest first, case ignored)."""
    if not words:
        return text
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.sub(f"(?i)({alternatives})", r"【\1】", text)


SEARCH_COLUMNS = ["rank", "score", "doc_id", "province", "task_id", "title", "matched", "text"]


def search(tasks: pd.DataFrame, query: str, top: int = 10, cache_dir=None) -> pd.DataFrame:
    """Tasks ranked by BM25 (bm25s, Lucene variant) of ``query``'s tokens in their content; ties keep
    document order. ``matched``: the query's words the task holds; ``text`` has them marked 【】."""
    with warnings.catch_warnings():  # bm25s imports tqdm.auto, which warns in a notebook without ipywidgets
        warnings.filterwarnings("ignore", message="IProgress not found")
        import bm25s

    tasks = tasks[tasks["kind"] == "task"].reset_index(drop=True)
    words = list(dict.fromkeys(tokenize([fold_query(query)], cache_dir)[0]))
    if tasks.empty or not words:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    tokens = tokenize(tasks["content"].tolist(), cache_dir)
    index = bm25s.BM25()
    index.index([t or [""] for t in tokens], show_progress=False)
    scores = index.get_scores(words)
    order = sorted((i for i in range(len(tasks)) if scores[i] > 0), key=lambda i: (-scores[i], i))[:top]
    rows = []
    for rank, i in enumerate(order, 1):
        held = [w for w in words if w in set(tokens[i])]
        task = tasks.iloc[i]
        rows.append((rank, round(float(scores[i]), 4), task.doc_id, task.province, task.task_id, task.title,
                     "; ".join(held), mark(task.content, held)))
    return pd.DataFrame(rows, columns=SEARCH_COLUMNS)


@dataclass
class Network:
    """Keyword co-occurrence network: ``nodes`` (word, frequency, community), ``edges`` (source,
    target, weight, pmi) and the same as a networkx ``graph``."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    graph: object


def cooccurrence(tokens: list[list[str]], top: int = 60, min_count: int = 2) -> Network:
    """The ``top`` words by the number of texts (tasks) holding them; an edge joins two that occur
    in at least ``min_count`` of the same texts and more often than chance (PMI > 0). Its weight is
    that count (what ROST CM and UCINET draw, and readable: "in 12 tasks together"); PMI, kept
    beside it, only filters out the pairs frequent words make by chance. Communities: Louvain
    (networkx, seed 0) over the weights, numbered by size from 1."""
    import networkx as nx

    sets = [set(t) for t in tokens]
    freq = Counter(w for s in sets for w in s)
    words = sorted(freq, key=lambda w: (-freq[w], w))[:top]
    keep = set(words)
    pairs = Counter(p for s in sets for p in combinations(sorted(s & keep), 2))
    n = len(sets)
    graph = nx.Graph()
    graph.add_nodes_from((w, {"frequency": freq[w]}) for w in words)
    for (a, b), count in sorted(pairs.items()):
        pmi = math.log(count * n / (freq[a] * freq[b]))
        if count >= min_count and pmi > 0:
            graph.add_edge(a, b, weight=count, pmi=round(pmi, 4))
    groups = nx.community.louvain_communities(graph, weight="weight", seed=0) if words else []
    groups = sorted(groups, key=lambda g: (-len(g), min(words.index(w) for w in g)))
    community = {w: i for i, g in enumerate(groups, 1) for w in g}
    nx.set_node_attributes(graph, community, "community")
    nodes = pd.DataFrame({"word": words, "frequency": [freq[w] for w in words],
                          "community": [community[w] for w in words]})
    edges = pd.DataFrame([(*sorted((a, b)), d["weight"], d["pmi"]) for a, b, d in graph.edges(data=True)],
                         columns=["source", "target", "weight", "pmi"])
    edges = edges.sort_values(["weight", "source", "target"], ascending=[False, True, True], ignore_index=True)
    return Network(nodes, edges, graph)


def network(tasks: pd.DataFrame, province: str | None = None, top: int = 60, cache_dir=None) -> Network:
    """:func:`cooccurrence` of the work tasks' content (of ``province`` only, if given)."""
    tasks = tasks[(tasks["kind"] == "task") & ((tasks["province"] == province) if province else True)]
    return cooccurrence(tokenize(tasks["content"].tolist(), cache_dir), top)


def gephi_tables(net: Network) -> dict[str, pd.DataFrame]:
    """The ``nodes`` and ``edges`` tables of a network, in the column names Gephi's import reads."""
    nodes = pd.DataFrame({"Id": net.nodes["word"], "Label": net.nodes["word"], "frequency": net.nodes["frequency"],
                          "community": net.nodes["community"]})
    edges = pd.DataFrame({"Source": net.edges["source"], "Target": net.edges["target"], "Type": "Undirected",
                          "Weight": net.edges["weight"], "pmi": net.edges["pmi"]})
    return {"nodes": nodes, "edges": edges}


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def aligned(lines: pd.DataFrame, window: int) -> list[str]:
    """KWIC rows as terminal lines, the matches one above the other: ``doc task  left 【match】 right``."""
    ids = [f"{d} {t}" for d, t in zip(lines["doc_id"], lines["task_id"])]
    pad = max(map(len, ids), default=0)
    return [f"{i:<{pad}}  {' ' * (2 * window - _width(left))}{left} 【{match}】 {right}"
            for i, left, match, right in zip(ids, lines["left"], lines["match"], lines["right"])]



def stage(tbls: dict[str, pd.DataFrame], project) -> dict[str, pd.DataFrame]:
    """The nodes and edges tables of the corpus's co-occurrence network (:func:`gephi_tables`)."""
    return gephi_tables(network(tbls["tasks"], cache_dir=project.cache))


STAGE = Stage("network", stage, reads=("tasks",), writes=("nodes", "edges"), libraries=(*LIBRARIES, "networkx"))
