"""Text reuse: the wording of the national guideline (and of the predecessor plan) inside each
provincial task, found by local alignment on characters.

The method is text-reuse detection by local alignment (Smith-Waterman as used for bill text by
Wilkerson, Smith & Stramp 2015 and Linder et al. 2020), computed the way large-scale reuse detectors
(BLAST, passim) do it, seed and chain, so that a corpus of 10,000 tasks is aligned in a second:

1. **Seeds.** Every window of :data:`K` characters of a task (text folded: traditional to simplified,
   punctuation variants to one form, :func:`ipcompare.analysis.search.fold`) is looked up among the
   windows of the source document's tasks (hashes, one sorted array: no pair of tasks is compared
   character by character). A window found more than :data:`MAX_REPEAT` times in the source is a
   formula of the genre, not evidence, and seeds nothing.
2. **Runs.** Seeds on the same diagonal (same offset between task and source) with at most
   :data:`MAX_GAP` characters between them join into one run: verbatim text, or text with a word
   swapped for one of the same length or a figure changed. Runs with fewer than :data:`MIN_RUN`
   matched characters are dropped (a shared phrase such as 知识产权保护 is no reuse).
3. **Spans.** Runs of the same task and source task that follow each other in both texts (at most
   :data:`MAX_GAP` characters apart, the diagonal moving by at most :data:`MAX_SHIFT`: a synonym of
   another length, a clause dropped or added) chain into a span. A span's ``score`` is its alignment
   score with Smith-Waterman's usual linear scheme: +1 per matched character, -0.5 per unmatched
   character of either side; a span needs :data:`MIN_SPAN` matched characters. Clauses moved to
   another order give a span each. Where spans of a task overlap, the higher score keeps the text.

A task's ``guideline_share`` is the share of its characters inside spans from its guideline (the
document it is read against for coverage, ``ref_doc``), ``predecessor_share`` the same for its
predecessor plan (:func:`ipcompare.analysis.changes.predecessors`). Its class, from the guideline:
``copied`` (at least :data:`T_COPIED` of its characters in spans that are at least :data:`T_IDENTITY`
identical), ``adapted`` (at least :data:`T_ADAPTED` reused, or copied wording edited) or ``local``.
The cut-offs are chosen on synthetic plans (guideline spans inserted verbatim, with synonyms
swapped, with clauses reordered, and none: ``bench/bench_reuse.py``), not on the bundled plans.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import tables, workers
from ..cache import Store, digest, group_keys
from ..stages import Stage
from .changes import predecessors
from .coverage import reference_documents
from .search import fold

K = 5              # seed: characters of a window looked up in the source
MAX_REPEAT = 24    # a window found more often in the source seeds nothing (a formula of the genre)
MAX_GAP = 8        # unmatched characters bridged inside a run or between runs of a span
MAX_SHIFT = 4      # diagonal drift tolerated between runs of a span (synonyms of another length)
MIN_RUN = 8        # matched characters a run needs to be kept
MIN_SPAN = 12      # matched characters a span needs (a clause of the guideline, not a phrase)
GAP_COST = 0.5     # alignment score: +1 a matched character, -GAP_COST an unmatched one of either side
# Task classes: copied needs T_COPIED of its characters (most of the task) in spans at least
# T_IDENTITY identical; adapted needs T_ADAPTED of them reused. On synthetic plans (bench/bench_reuse.py,
# 300 tasks a kind) 0.1 classes as reused 100% of tasks with a verbatim clause, 91% with synonyms
# swapped, 97% reordered and 0.3% of tasks without any (0.2: 94%, 77%, 90%, 0.3%); copied catches every
# whole copied task and no local one for T_COPIED from 0.4 to 0.6.
T_COPIED, T_IDENTITY, T_ADAPTED = 0.5, 0.9, 0.1
_BASE = np.uint64(0x9E3779B97F4A7C15)  # multiplier of the windows' polynomial hash (mod 2**64)
SPAN_COLUMNS = ["task", "source_task", "start", "end", "source_start", "source_end", "matched", "score"]


def _codes(texts: list[str], groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of the folded texts, each followed by a 0 (no window crosses it), the group of
    each position and each text's start."""
    joined = fold("".join(t.replace("\0", " ") + "\0" for t in texts))
    lengths = np.fromiter((len(t) + 1 for t in texts), int, len(texts))
    codes = np.frombuffer(joined.encode("utf-32-le"), np.uint32).astype(np.uint64)
    return codes, np.repeat(np.asarray(groups, np.uint64), lengths), np.r_[0, np.cumsum(lengths)[:-1]].astype(int)


def _windows(codes: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hash of each window of :data:`K` characters (and of its text's group) starting at each
    position, and whether the window lies within one text."""
    n = max(len(codes) - K + 1, 0)
    h = groups[:n] * _BASE
    with np.errstate(over="ignore"):
        for t in range(K):
            h = h * _BASE + codes[t:t + n]
    ends = np.cumsum(codes == 0)
    valid = (ends[K - 1:] - np.r_[0, ends[:n - 1]]) == 0 if n else np.zeros(0, bool)
    return h, valid


def _seeds(task_codes, task_groups, source_codes, source_groups) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i in the tasks, j in the sources) of every window a task shares with a source text
    of its group (windows repeated more than :data:`MAX_REPEAT` times in a group left out)."""
    hs, vs = _windows(source_codes, source_groups)
    hp, vp = _windows(task_codes, task_groups)
    order = np.flatnonzero(vs)
    order = order[np.argsort(hs[order], kind="stable")]
    unique, lo, counts = np.unique(hs[order], return_index=True, return_counts=True)
    at = np.minimum(np.searchsorted(unique, hp), max(len(unique) - 1, 0))
    hit = vp & (unique[at] == hp) & (counts[at] <= MAX_REPEAT) if len(unique) else np.zeros(len(hp), bool)
    n, lo = np.where(hit, counts[at] if len(unique) else 0, 0), lo[at] if len(unique) else at
    i = np.repeat(np.arange(len(hp)), n)
    offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    return i, order[np.repeat(lo, n) + offsets]


def _breaks(*changes: np.ndarray) -> np.ndarray:
    """Group number of each row of a sorted table: a new group wherever one of ``changes`` is true."""
    if not len(changes[0]):
        return np.zeros(0, int)
    return np.cumsum(np.r_[True, np.logical_or.reduce(changes)[1:]]) - 1


def _changed(a: np.ndarray) -> np.ndarray:
    """Whether each row differs from the one before (the first does)."""
    return np.r_[True, a[1:] != a[:-1]]


def align(tasks: list[str], sources: list[str], task_groups=None, source_groups=None) -> pd.DataFrame:
    """Reused spans of each of ``tasks`` in the ``sources`` of its group (all one group by default):
    :data:`SPAN_COLUMNS`, indexes into both lists, offsets into the texts, matched characters,
    alignment score; overlaps not yet resolved (:func:`resolve`)."""
    task_groups = np.zeros(len(tasks), int) if task_groups is None else task_groups
    source_groups = np.zeros(len(sources), int) if source_groups is None else source_groups
    pc, pg, p_start = _codes(tasks, task_groups)
    sc, sg, s_start = _codes(sources, source_groups)
    i, j = _seeds(pc, pg, sc, sg)
    if not len(i):
        return pd.DataFrame({c: np.zeros(0, int if c != "score" else float) for c in SPAN_COLUMNS})
    d = j.astype(np.int64) - i
    o = np.lexsort((i, d))
    i, j, d = i[o], j[o], d[o]
    ti, tj = np.searchsorted(p_start, i, "right") - 1, np.searchsorted(s_start, j, "right") - 1
    # runs: seeds of one diagonal, of one task and source task, at most MAX_GAP unmatched characters apart
    step = np.r_[0, np.diff(i)]
    run = _breaks(_changed(d), step > K + MAX_GAP, _changed(ti), _changed(tj))
    first, last = _changed(run), np.r_[run[1:] != run[:-1], True]
    cover = np.where(last, K, np.minimum(np.r_[step[1:], K], K))  # characters each seed adds to its run
    r_matched = np.add.reduceat(cover, np.flatnonzero(first))
    r_i0, r_i1, r_d, r_task, r_src = i[first], i[last] + K, d[first], ti[first], tj[first]
    keep = r_matched >= MIN_RUN
    o = np.flatnonzero(keep)[np.lexsort((r_i0[keep], r_src[keep], r_task[keep]))]
    if not len(o):
        return align([], [])
    # spans: runs of one task and source task following each other in both texts
    r_i0, r_i1, r_d, r_task, r_src, r_matched = (a[o] for a in (r_i0, r_i1, r_d, r_task, r_src, r_matched))
    pair = _breaks(_changed(r_task), _changed(r_src))
    reach = pd.Series(r_i1).groupby(pair).cummax().to_numpy()  # end of the pair's runs so far
    gap = r_i0 - np.r_[0, reach[:-1]]
    span = _breaks(_changed(pair), np.abs(np.r_[0, np.diff(r_d)]) > MAX_SHIFT, gap > MAX_GAP)
    at = np.flatnonzero(_changed(span))
    task, src = r_task[at], r_src[at]
    start, end = np.minimum.reduceat(r_i0, at), np.maximum.reduceat(r_i1, at)
    s0, s1 = np.minimum.reduceat(r_i0 + r_d, at), np.maximum.reduceat(r_i1 + r_d, at)
    matched = np.minimum(np.add.reduceat(r_matched, at), np.minimum(end - start, s1 - s0))
    score = matched - GAP_COST * ((end - start - matched) + (s1 - s0 - matched))
    ok = matched >= MIN_SPAN
    return pd.DataFrame({"task": task[ok], "source_task": src[ok], "start": (start - p_start[task])[ok],
                         "end": (end - p_start[task])[ok], "source_start": (s0 - s_start[src])[ok],
                         "source_end": (s1 - s_start[src])[ok], "matched": matched[ok].astype(int), "score": score[ok]})


def resolve(spans: pd.DataFrame) -> pd.DataFrame:
    """``spans`` without overlaps within a task: the higher score keeps its text (ties: the earlier
    source task); a span losing more than half of its characters is dropped, else trimmed (its source
    side by as many characters, its matched characters and score counted again)."""
    spans = spans.sort_values(["task", "score", "source_task", "start"], ascending=[True, False, True, True], kind="stable")
    kept, taken, current = [], [], None
    for row in spans.itertuples(index=False):
        if row.task != current:
            current, taken = row.task, []
        start, end = row.start, row.end
        for a, b in taken:
            if a <= start < b:
                start = b
            if a < end <= b:
                end = a
        if end - start < (row.end - row.start) / 2 or any(start < a and b < end for a, b in taken):
            continue
        taken.append((start, end))
        s0, s1 = row.source_start + start - row.start, row.source_end - (row.end - end)  # trimmed along the diagonal
        matched = min(row.matched, end - start, s1 - s0)
        kept.append(row._replace(start=start, end=end, source_start=s0, source_end=s1, matched=matched,
                                 score=matched - GAP_COST * (end - start + s1 - s0 - 2 * matched)))
    return pd.DataFrame(kept, columns=spans.columns).sort_values(["task", "start"], kind="stable", ignore_index=True)


def shares(spans: pd.DataFrame, lengths: np.ndarray) -> np.ndarray:
    """Share of each task's characters inside ``spans`` (resolved: no overlaps)."""
    inside = np.bincount(spans["task"].to_numpy(int), (spans["end"] - spans["start"]).to_numpy(float), len(lengths))
    return np.divide(inside, lengths, out=np.zeros(len(lengths)), where=lengths > 0)


def classify(share: np.ndarray, identical_share: np.ndarray) -> np.ndarray:
    """copied / adapted / local of each task (see the module docstring)."""
    return np.where(identical_share >= T_COPIED, "copied", np.where(share >= T_ADAPTED, "adapted", "local"))


def task_reuse(tasks: pd.DataFrame, sources: dict[str, tuple[pd.DataFrame, dict[str, str]]]) -> tuple[list[dict], list[dict]]:
    """Rows of reuse.csv and reuse_tasks.csv (without ref_doc and predecessor_id) of work ``tasks``
    (of any documents): ``sources`` holds, for ``guideline`` and ``predecessor``, the source
    documents' tasks and each task document's source document (none: not aligned)."""
    texts, lengths = tasks["content"].tolist(), tasks["content"].str.len().to_numpy()
    docs, ids = tasks["doc_id"].to_numpy(), tasks["task_id"].tolist()
    span_rows, found = [], {}
    for kind, (source, source_of) in sources.items():
        code = {d: k for k, d in enumerate(dict.fromkeys(source["doc_id"]))}  # a group per source document
        groups = np.array([code.get(source_of.get(d), -1) for d in docs])
        mine = np.flatnonzero(groups >= 0)
        spans = resolve(align([texts[k] for k in mine], source["content"].tolist(), groups[mine], source["doc_id"].map(code).to_numpy()))
        spans["task"] = mine[spans["task"].to_numpy(int)]
        found[kind] = spans
        src_texts, src_ids, src_docs = source["content"].tolist(), source["task_id"].tolist(), source["doc_id"].tolist()
        for s in spans.itertuples(index=False):
            span_rows.append({
                "doc_id": docs[s.task], "task_id": ids[s.task], "source": kind, "source_doc": src_docs[s.source_task],
                "source_task": src_ids[s.source_task], "start": s.start, "end": s.end,
                "source_start": s.source_start, "source_end": s.source_end, "matched": s.matched,
                "identity": round(s.matched / max(s.end - s.start, s.source_end - s.source_start), 4), "score": s.score,
                "text": texts[s.task][s.start:s.end], "source_text": src_texts[s.source_task][s.source_start:s.source_end],
            })
    g = found["guideline"]
    identity = g["matched"] / np.maximum(g["end"] - g["start"], g["source_end"] - g["source_start"]).clip(lower=1)
    share, identical = shares(g, lengths), shares(g[identity >= T_IDENTITY], lengths)
    pred_share = shares(found["predecessor"], lengths)
    n_spans = np.bincount(g["task"].to_numpy(int), minlength=len(lengths))
    task_rows = [{
        "doc_id": d, "task_id": tid, "chars": int(n), "guideline_share": round(float(a), 4),
        "identical_share": round(float(b), 4), "predecessor_share": round(float(c), 4), "class": k, "n_spans": int(m),
    } for d, tid, n, a, b, c, k, m in zip(docs, ids, lengths, share, identical, pred_share, classify(share, identical), n_spans)]
    return span_rows, task_rows


def by_document(task_rows: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """reuse_by_document rows: each document's tasks by class and its characters reused (character-weighted shares)."""
    t = task_rows.assign(g=task_rows["guideline_share"] * task_rows["chars"],
                         p=task_rows["predecessor_share"] * task_rows["chars"])
    agg = t.groupby("doc_id", sort=False).agg(tasks=("task_id", "size"), chars=("chars", "sum"), g=("g", "sum"), p=("p", "sum"))
    classes = pd.crosstab(t["doc_id"], t["class"]).reindex(columns=["copied", "adapted", "local"], fill_value=0)
    docs = documents.set_index("doc_id")
    out = agg.join(classes).reset_index()
    out["province"] = out["doc_id"].map(docs["province"])
    out["city"] = out["doc_id"].map(docs["city"])
    out["guideline_share"] = (out["g"] / out["chars"].clip(lower=1)).round(4)
    out["predecessor_share"] = (out["p"] / out["chars"].clip(lower=1)).round(4)
    out["ref_doc"] = out["doc_id"].map(t.groupby("doc_id")["ref_doc"].first())
    out["predecessor_id"] = out["doc_id"].map(t.groupby("doc_id")["predecessor_id"].first())
    return out[list(tables.SCHEMAS["reuse_by_document"].columns)]


def stage(tbls: dict[str, pd.DataFrame], project, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """reuse, reuse_tasks and reuse_by_document tables (see :mod:`ipcompare.tables`): every provincial
    and municipal document's work tasks against its guideline and its predecessor. With a ``store``,
    a document whose tasks, guideline and predecessor did not change keeps its rows of the last run."""
    documents, tasks = tbls["documents"], tbls["tasks"]
    names = ("reuse", "reuse_tasks")
    refs = reference_documents(documents, tasks)
    if not refs:
        return {n: tables.empty(n) for n in (*names, "reuse_by_document")}
    preds = predecessors(documents)
    work = tasks[tasks["kind"] == "task"]
    keys = group_keys(work, "doc_id")
    slots = {d: digest(keys.get(d, ""), keys.get(r, ""), keys.get(preds.get(d, ""), "")) for d, r in refs.items()}

    def make(todo: list[str]) -> dict[str, tuple[dict, dict]]:
        mine = work[work["doc_id"].isin(todo)]
        sources = {"guideline": (work[work["doc_id"].isin({refs[d] for d in todo})], refs),
                   "predecessor": (work[work["doc_id"].isin({preds[d] for d in todo if d in preds})], preds)}
        spans, rows = task_reuse(mine, sources)
        columns = [c for c in tables.SCHEMAS["reuse_tasks"].columns if c not in ("ref_doc", "predecessor_id")]
        spans, rows = pd.DataFrame(spans, columns=tables.SCHEMAS["reuse"].columns), pd.DataFrame(rows, columns=columns)
        rows["ref_doc"], rows["predecessor_id"] = rows["doc_id"].map(refs), rows["doc_id"].map(lambda d: preds.get(d, ""))
        rows = rows[list(tables.SCHEMAS["reuse_tasks"].columns)]
        return dict(zip(todo, zip(tables.split(spans, "doc_id", todo).values(), tables.split(rows, "doc_id", todo).values())))

    parts = (store or Store(None, "reuse")).reuse(slots, lambda todo: workers.map_chunks(make, todo, workers.MIN_DOCUMENTS)).values()
    out = {n: tables.join((p[k] for p in parts), list(tables.SCHEMAS[n].columns)) for k, n in enumerate(names)}
    out["reuse_by_document"] = by_document(out["reuse_tasks"], documents) if len(out["reuse_tasks"]) else tables.empty("reuse_by_document")
    return out


STAGE = Stage("reuse", stage, reads=("documents", "tasks"), writes=("reuse", "reuse_tasks", "reuse_by_document"),
              tokens=False, store=True)
