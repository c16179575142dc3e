"""What changed: each plan (or guideline) against its predecessor, task by task and target by target.

**Succession.** A document's *series* is its title with years, place names and punctuation removed
(2025年全省知识产权工作要点 -> 知识产权工作要点), unless the manifest's ``series`` column names it
(:func:`ipcompare.reading.metadata.series`, kept in ``documents.csv``). A document's predecessor is
the latest earlier document of the same level, province (city) and series (:func:`predecessors`):
an annual plan succeeds an annual plan, never a sectoral opinion of the same province.

**Similarity** of a task and a predecessor task is the project's own measure (as in
:mod:`ipcompare.analysis.coverage`): the mean of the cosines of word TF-IDF vectors (content and
title; the section is left out, so a task moved to another part is still the same task) and of
character 2-3-gram TF-IDF vectors of the title and content, both fitted on the two documents alone,
so the alignment of a plan depends on it and its predecessor only.

**Alignment** is one-to-one (``scipy.optimize.linear_sum_assignment`` maximising the total
similarity), so renumbering and reordering never make a task new. A matched pair reaching
:data:`T_MATCH` is the same task: ``continued`` when its text is the same once figures, punctuation
and spaces are set aside (figures are the business of the targets table), else ``revised`` with the
terms added and removed. A task left unmatched whose most similar task of the other document is
matched, reaches :data:`T_MATCH` and holds most of its terms (:data:`T_PART`) joins that task's
group: a *merge* (several predecessor ids) or a *split* (several ids), reported as ``revised``
listing every id. The other unmatched tasks are
``new`` or ``dropped``, with their nearest task and its similarity as evidence.

**Targets** (``targets.csv`` rows) of aligned tasks, and document-level targets, are paired one to
one on the quantity they count (:data:`T_COUNTS`): before, after and the direction.

For a guideline, the provincial duty before and after is listed too; a changed duty makes the task
revised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from .. import tables, workers
from ..cache import Store, digest, group_keys
from ..stages import Stage
from .segment import normalize, tokenize, words

CHANGES = ("continued", "revised", "new", "dropped")
# Same task: the similarity of a matched pair reaches T_MATCH. Chosen from what two *different*
# tasks score: of the 3,416 pairs of distinct tasks of one seed document, 99.5% score under 0.30
# (0.22-0.32 leaving any one document out), so a pair reaching 0.3 is the same task against that
# null; a task keeping only a quarter of its text scores 0.42 at the lowest, one reworded with
# synonyms throughout 0.60 (`python bench/bench_changes.py` measures all three). Fixed, not fitted.
T_MATCH = 0.3
# A task merged into another (or split off one) keeps most of its terms there: at least T_PART of the
# distinct terms of the part are in the whole (a priori: four in five, so that a reworded part still
# counts and a task merely on a neighbouring subject does not).
T_PART = 0.8
# Targets of one kind and base unit count the same quantity when they read as one indicator
# (data/indicators.md), or else when at least half of the character pairs of what they count are
# shared (Dice coefficient; 质押融资规模 vs 知识产权质押融资: 0.63). A priori, not fitted.
T_COUNTS = 0.5
BATCH = 200  # pairs weighted at once (bounds the memory of the stacked rows)
WORD_FIELDS = {"content": 1.0, "title": 1.0}
CHAR_NGRAMS = (2, 3)
_FIGURES = re.compile(r"[\d\W_]+")
_SPACES = re.compile(r"\s+")


# -- succession ------------------------------------------------------------------------------

def predecessors(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> its predecessor: the latest earlier document of the same level, province, city and series."""
    docs = documents.sort_values(["first_year", "last_year", "issue_date", "doc_id"], kind="stable")
    out = {}
    for _, g in docs.groupby(["level", "province", "city", "series"], sort=False):
        ids = list(g["doc_id"])
        out |= dict(zip(ids[1:], ids[:-1]))
    return {d: out[d] for d in documents["doc_id"] if d in out}


# -- task alignment --------------------------------------------------------------------------

@dataclass
class Counts:
    """Term counts of tasks, a row each: the words of their content and title, the character
    2-3-grams of both (and the terms themselves). Weighted by :func:`tfidf`, any set of rows gives
    what vectorizers fitted on that set alone would, so the counts of many plans are made at once."""

    row: dict[str, int]  # task_id -> row
    content: sparse.csr_matrix
    title: sparse.csr_matrix
    chars: sparse.csr_matrix
    terms: list[list[str]]  # title and content terms of each row


def counts(tasks: pd.DataFrame, cache_dir=None) -> Counts:
    """:class:`Counts` of the rows of ``tasks``."""
    fields = {f: tokenize(tasks[f].tolist(), cache_dir) for f in ("content", "title")}
    text = (tasks["title"] + "\n" + tasks["content"]).map(normalize).tolist()
    if not text:
        empty = sparse.csr_matrix((0, 0))
        return Counts({}, empty, empty, empty, [])
    tokens = fields["content"] + fields["title"]  # one vocabulary for both fields
    both = count_matrix(np.array([w for t in tokens for w in t], dtype=object),
                        np.repeat(np.arange(len(tokens)), [len(t) for t in tokens]), len(tokens))
    return Counts(dict(zip(tasks["task_id"], range(len(tasks)))), both[:len(text)], both[len(text):],
                  char_counts(text), [t + c for t, c in zip(fields["title"], fields["content"])])


def char_counts(texts: list[str]) -> sparse.csr_matrix:
    """Counts of the character 2- and 3-grams of each text (a run of spaces as one space), as scikit-learn's
    ``CountVectorizer(analyzer="char", ngram_range=(2, 3))`` counts them (columns in another order),
    computed on code points with numpy: a text's n-grams never straddle the next text."""
    joined = "\x00".join(_SPACES.sub(" ", t.replace("\x00", "")) for t in texts) + "\x00"
    c = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    stop = c == 0
    row = np.cumsum(stop) - stop  # the text each code point belongs to
    grams = [(c[:-1] << 21 | c[1:], ~(stop[:-1] | stop[1:]), row[:-1]),  # code points are < 2**21
             (c[:-2] << 42 | c[1:-1] << 21 | c[2:], ~(stop[:-2] | stop[1:-1] | stop[2:]), row[:-2])]
    codes = np.concatenate([g[ok] for g, ok, _ in grams])
    rows = np.concatenate([r[ok] for _, ok, r in grams])
    return count_matrix(codes, rows, len(texts))


def count_matrix(values: np.ndarray, rows: np.ndarray, n_rows: int) -> sparse.csr_matrix:
    """How often each distinct value (a column each, in sorted order, as scikit-learn's ``CountVectorizer``
    orders its terms) is in each row (``rows``: the row of each value)."""
    col, columns = pd.factorize(values, sort=True)  # hashed: faster than sorting every value
    return sparse.csr_matrix((np.ones(len(col)), (rows, col)), shape=(n_rows, len(columns)))


def tfidf(x: sparse.csr_matrix, df_of: sparse.csr_matrix | None = None, bounds=None) -> sparse.csr_matrix:
    """Rows of counts ``x`` weighted as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` fitted on
    them would (document frequencies from ``df_of``'s rows, default ``x``'s), L2-normalised; with
    ``bounds`` (row offsets from 0 to the number of rows), each block of rows between two bounds as
    if fitted on that block alone."""
    df_of = x if df_of is None else df_of
    bounds = [0, x.shape[0]] if bounds is None else list(bounds)
    block = sparse.csr_matrix((np.ones(x.shape[0]), np.arange(x.shape[0]), bounds), (len(bounds) - 1, x.shape[0]))
    df = sparse.csr_matrix(block @ sparse.csr_matrix((np.ones(df_of.nnz), df_of.indices, df_of.indptr), df_of.shape))
    column, idf = np.zeros(x.shape[1]), np.empty(x.nnz)  # column: the idf of each column in the block
    for k, (lo, hi) in enumerate(pairwise(bounds)):
        cells = slice(df.indptr[k], df.indptr[k + 1])  # the block's document frequencies
        column[df.indices[cells]] = np.log((1 + hi - lo) / (1 + df.data[cells])) + 1
        idf[x.indptr[lo]:x.indptr[hi]] = column[x.indices[x.indptr[lo]:x.indptr[hi]]]
    return unit_rows(sparse.csr_matrix(((1 + np.log(x.data)) * idf, x.indices, x.indptr), shape=x.shape))


def unit_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows of ``x`` scaled to unit length (zero rows kept)."""
    norms = np.sqrt(np.bincount(np.repeat(np.arange(x.shape[0]), np.diff(x.indptr)), x.data ** 2, x.shape[0]))
    scale = np.repeat(1 / np.where(norms > 0, norms, 1), np.diff(x.indptr))
    return sparse.csr_matrix((x.data * scale, x.indices, x.indptr), shape=x.shape)


def pair_similarities(c: Counts, pairs: list[tuple[list[int], list[int]]]) -> list[np.ndarray]:
    """Similarity (module docstring) of the rows ``before`` x the rows ``after`` of ``c`` for each pair
    (before, after), weighted on the pair alone: the pairs' rows stacked and weighted at once."""
    bounds = np.cumsum([0] + [len(b) + len(a) for b, a in pairs])
    rows = np.concatenate([np.r_[b, a] for b, a in pairs] + [[]]).astype(int)
    content, title = c.content[rows], c.title[rows]
    either = sparse.csr_matrix(content + title)  # a word's document frequency: tasks with it in content or title
    w = unit_rows(WORD_FIELDS["content"] * tfidf(content, either, bounds)
                  + WORD_FIELDS["title"] * tfidf(title, either, bounds))
    both = sparse.hstack([w, tfidf(c.chars[rows], None, bounds)], format="csr")  # the mean of the two cosines,
    out = []
    for (b, a), start, stop in zip(pairs, bounds, bounds[1:]):
        x, y = both[start:start + len(b)], both[start + len(b):stop]
        out.append(np.round((x @ y.T).toarray() / 2, 6) if len(b) and len(a) else np.zeros((len(b), len(a))))
    return out  # rounded: decisions never depend on float noise


def pair_similarity(c: Counts, before: list[int], after: list[int]) -> np.ndarray:
    """:func:`pair_similarities` of one pair."""
    return pair_similarities(c, [(before, after)])[0]


def similarity(before: pd.DataFrame, after: pd.DataFrame, cache_dir=None) -> np.ndarray:
    """before-tasks x after-tasks similarity (module docstring), weighted on the two alone."""
    c = counts(pd.concat([before, after], ignore_index=True), cache_dir)
    return pair_similarity(c, list(range(len(before))), list(range(len(before), len(before) + len(after))))


def groups(sim: np.ndarray, part_of, t_match: float = T_MATCH) -> list[tuple[list[int], list[int]]]:
    """Aligned groups (before rows, after rows): one-to-one pairs reaching ``t_match``, each with the
    unmatched tasks of either side whose most similar task is in it, reaching ``t_match``, and that
    are part of it (``part_of(i, j, merged)``: before task i is part of after task j when ``merged``,
    else after task j is part of before task i)."""
    rows, cols = linear_sum_assignment(-sim) if sim.size else (np.zeros(0, int), np.zeros(0, int))
    keep = sim[rows, cols] >= t_match
    pairs = [([int(i)], [int(j)]) for i, j in zip(rows[keep], cols[keep])]
    of_before = {g[0][0]: g for g in pairs}
    of_after = {g[1][0]: g for g in pairs}
    for i in range(sim.shape[0] if sim.shape[1] else 0):
        j = int(sim[i].argmax())
        if i not in of_before and j in of_after and sim[i, j] >= t_match and part_of(i, j, True):
            of_after[j][0].append(i)
    for j in range(sim.shape[1] if sim.shape[0] else 0):
        i = int(sim[:, j].argmax())
        if j not in of_after and i in of_before and sim[i, j] >= t_match and part_of(i, j, False):
            of_before[i][1].append(j)
    return [(sorted(b), sorted(a)) for b, a in pairs]


def contained(part: list[str], whole: list[str]) -> float:
    """Share of the distinct terms of ``part`` found in ``whole``."""
    terms = set(part)
    return len(terms & set(whole)) / len(terms) if terms else 0.0


def same_text(a: str, b: str) -> bool:
    """The same text once figures, punctuation and spaces are set aside."""
    return a == b or _bare(a) == _bare(b)


@lru_cache(maxsize=1 << 14)  # a task is compared with its predecessor's and its successor's
def _bare(text: str) -> str:
    return _FIGURES.sub("", normalize(text))


def wording_diff(before: str, after: str) -> tuple[list[str], list[str]]:
    """The words added and removed, every word counted (figures and punctuation set aside)."""
    x, y = ([w for w in words(s) if not _FIGURES.fullmatch(w)] for s in (before, after))
    ops = SequenceMatcher(None, x, y, autojunk=False).get_opcodes()
    return ([w for op, _, _, j1, j2 in ops if op in ("replace", "insert") for w in y[j1:j2]],
            [w for op, i1, i2, _, _ in ops if op in ("replace", "delete") for w in x[i1:i2]])


def _ids(column: list[str], rows: list[int]) -> str:
    return tables.join_list(column[k] for k in rows)


def task_changes(before: pd.DataFrame, after: pd.DataFrame, cache_dir=None) -> pd.DataFrame:
    """The rows of ``changes.csv`` (without the document ids) for a document's work tasks (``after``)
    and its predecessor's."""
    return pd.DataFrame(task_rows(before, after, counts(pd.concat([before, after], ignore_index=True), cache_dir)))


def rows_of(c: Counts, tasks: pd.DataFrame) -> list[int]:
    """The rows of ``c`` holding ``tasks``."""
    return [c.row[t] for t in tasks["task_id"].tolist()]


COLUMNS = ("task_id", "title", "text", "duty_province")  # of the tasks, what task_rows reads


def task_rows(before: pd.DataFrame, after: pd.DataFrame, c: Counts, sim: np.ndarray | None = None) -> list[dict]:
    """:func:`task_changes` as a list of rows (``c``: :class:`Counts` holding both documents' tasks;
    ``sim``: their :func:`pair_similarity`, if already known)."""
    b_rows, a_rows = rows_of(c, before), rows_of(c, after)
    sim = pair_similarity(c, b_rows, a_rows) if sim is None else sim
    b_words, a_words = [c.terms[k] for k in b_rows], [c.terms[k] for k in a_rows]
    b_col, a_col = ({c: df[c].tolist() if c in df else [""] * len(df) for c in COLUMNS} for df in (before, after))
    national = any(a_col["duty_province"])

    def part_of(i: int, j: int, merged: bool) -> bool:
        part, whole = (b_words[i], a_words[j]) if merged else (a_words[j], b_words[i])
        return contained(part, whole) >= T_PART

    found = {j: g for g in groups(sim, part_of) for j in g[1]}
    rows, done = [], set()

    def row(b: list[int], a: list[int], change: str, score: float, nearest: str = "") -> dict:
        added, removed = [], []
        if change == "revised":
            kept_b, kept_a = {w for i in b for w in b_words[i]}, {w for j in a for w in a_words[j]}
            added = [w for j in a for w in a_words[j] if w not in kept_b]
            removed = [w for i in b for w in b_words[i] if w not in kept_a]
            if not added and not removed:  # reworded in words that are no terms (加强 -> 强化)
                added, removed = wording_diff("".join(b_col["text"][i] for i in b), "".join(a_col["text"][j] for j in a))
        return {
            "task_id": _ids(a_col["task_id"], a), "predecessor_task_id": _ids(b_col["task_id"], b), "change": change,
            "relation": "merge" if len(b) > 1 and len(a) == 1 else "split" if len(a) > 1 and len(b) == 1
            else "regroup" if len(a) > 1 else "",
            "similarity": float(score), "nearest": nearest,
            "title": tables.LIST_SEP.join(a_col["title"][j] for j in a),
            "predecessor_title": tables.LIST_SEP.join(b_col["title"][i] for i in b),
            "terms_added": tables.join_list(added), "terms_removed": tables.join_list(removed),
            "duty_before": _ids(b_col["duty_province"], b) if national else "",
            "duty_after": _ids(a_col["duty_province"], a) if national else "",
        }

    def unchanged(b: list[int], a: list[int]) -> bool:
        same_duty = not national or _ids(b_col["duty_province"], b) == _ids(a_col["duty_province"], a)
        return len(b) == len(a) == 1 and same_duty and same_text(b_col["text"][b[0]], a_col["text"][a[0]])

    for j in range(len(after)):
        if j in done:
            continue
        if j in found:
            b, a = found[j]
            done |= set(a)
            rows.append(row(b, a, "continued" if unchanged(b, a) else "revised", min(sim[i, k] for i in b for k in a)))
        else:
            i = int(sim[:, j].argmax()) if len(before) else None
            rows.append(row([], [j], "new", sim[i, j] if i is not None else 0.0, b_col["task_id"][i] if i is not None else ""))
    aligned = {i for g in found.values() for i in g[0]}
    for i in range(len(before)):
        if i not in aligned:
            j = int(sim[i].argmax()) if len(after) else None
            rows.append(row([i], [], "dropped", sim[i, j] if j is not None else 0.0, a_col["task_id"][j] if j is not None else ""))
    return rows


# -- targets ---------------------------------------------------------------------------------

def _bigrams(s: str) -> set[str]:
    s = normalize(s)
    return {s[k:k + 2] for k in range(len(s) - 1)} or {s}


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _same_quantity(b: dict, a: dict) -> float:
    """How surely two targets (targets.csv rows) count the same quantity: 0 unless of one kind and base
    unit; 1 for one indicator of data/indicators.md; else the Dice coefficient of what they count."""
    if (b["kind"], b["base_unit"]) != (a["kind"], a["base_unit"]):
        return 0.0
    return 1.0 if b["indicator"] == a["indicator"] != "other" else _dice(b["counts"], a["counts"])


def pair_targets(before: list[dict], after: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """One-to-one pairs of targets (targets.csv rows) counting the same quantity (:data:`T_COUNTS`);
    the others alone (None on the other side)."""
    if not before or not after:
        return [(b, None) for b in before] + [(None, a) for a in after]
    score = np.array([[_same_quantity(b, a) for a in after] for b in before])
    rows, cols = linear_sum_assignment(-score)
    pairs = [(int(i), int(j)) for i, j in zip(rows, cols) if score[i, j] >= T_COUNTS]
    paired_b, paired_a = {i for i, _ in pairs}, {j for _, j in pairs}
    return ([(before[i], after[j]) for i, j in pairs] + [(b, None) for i, b in enumerate(before) if i not in paired_b]
            + [(None, a) for j, a in enumerate(after) if j not in paired_a])


def target_rows(before: list[dict], after: list[dict]) -> list[dict]:
    """Rows of ``target_changes.csv`` for two sets of targets (of one aligned group, or document-level):
    values as printed, the predecessor's in the unit of the new target (compared in the base unit)."""
    out = []
    for b, a in pair_targets(before, after):
        if b is not None and a is not None:
            scale = a["number"] / a["value"] if a["value"] else 1.0
            value_b, value_a, unit = float(b["value"] * scale), float(a["number"]), a["unit"]
            direction = "raised" if a["value"] > b["value"] else "lowered" if a["value"] < b["value"] else "unchanged"
        elif a is None:
            value_b, value_a, unit, direction = float(b["number"]), None, b["unit"], "dropped"
        else:
            value_b, value_a, unit, direction = None, float(a["number"]), a["unit"], "new"
        out.append({
            "counts": (a or b)["counts"], "before": value_b, "after": value_a, "unit": unit, "direction": direction,
            "text_before": b["text"] if b else "", "text_after": a["text"] if a else "",
            "task_id": a["task_id"] if a else "", "predecessor_task_id": b["task_id"] if b else "",
        })
    return out


def target_changes(changes: list[dict], before: list[dict], after: list[dict]) -> list[dict]:
    """Rows of ``target_changes.csv`` (without the document ids): the targets (targets.csv rows) of the
    tasks of each row of ``changes`` before and after, then the document-level ones."""
    of_before, of_after = ({} for _ in range(2))
    for of_task, records in ((of_before, before), (of_after, after)):
        for r in records:
            of_task.setdefault(r["task_id"], []).append(r)  # "": document-level

    def of(of_task: dict, ids: str) -> list[dict]:
        return [r for i in tables.split_list(ids) for r in of_task.get(i, [])]

    rows = [r for ch in changes for r in target_rows(of(of_before, ch["predecessor_task_id"]), of(of_after, ch["task_id"]))]
    return rows + target_rows(of_before.get("", []), of_after.get("", []))


# -- stage -----------------------------------------------------------------------------------

def compare(before: pd.DataFrame, after: pd.DataFrame, targets_before: list[dict], targets_after: list[dict],
            c: Counts, sim: np.ndarray | None = None) -> tuple[list[dict], list[dict]]:
    """changes and target_changes rows (without the document ids) of a document's work tasks and
    targets against its predecessor's (``c``: :class:`Counts` holding both; ``sim`` as for :func:`task_rows`)."""
    changes = task_rows(before, after, c, sim)
    return changes, target_changes(changes, targets_before, targets_after)


def stage(tbls, project, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """changes and target_changes tables (see :mod:`ipcompare.tables`): each document against its
    predecessor; with a ``store``, the rows of a pair whose two documents did not change come from the last run."""
    documents, tasks, targets = tbls["documents"], tbls["tasks"], tbls["targets"]
    pairs = predecessors(documents)
    names = ("changes", "target_changes")
    if not pairs:
        return {n: tables.empty(n) for n in names}
    task_keys, target_keys = group_keys(tasks, "doc_id"), group_keys(targets, "doc_id")
    doc_keys = group_keys(documents, "doc_id")
    key = lambda d: digest(doc_keys[d], task_keys.get(d, ""), target_keys.get(d, ""))
    slots = {d: digest(key(d), key(p)) for d, p in pairs.items()}

    def make(todo: list[str]) -> dict[str, tuple[dict, dict]]:
        work = tasks[(tasks["kind"] == "task") & tasks["doc_id"].isin(set(todo) | {pairs[d] for d in todo})]
        work_of = dict(list(work[[c for c in COLUMNS if c in work]].groupby(work["doc_id"], sort=False)))
        targets_of = {}
        for r in targets[targets["doc_id"].isin(set(work_of))].to_dict("records"):
            targets_of.setdefault(r["doc_id"], []).append(r)
        c, out, none = counts(work, project.cache), {}, work.iloc[:0]
        of = {d: (work_of.get(pairs[d], none), work_of.get(d, none)) for d in todo}
        sims = {}
        for k in range(0, len(todo), BATCH):
            batch = todo[k:k + BATCH]
            sims |= zip(batch, pair_similarities(c, [(rows_of(c, of[d][0]), rows_of(c, of[d][1])) for d in batch]))
        for d in todo:
            p = pairs[d]
            parts = compare(*of[d], targets_of.get(p, []), targets_of.get(d, []), c, sims[d])
            ids = {"doc_id": d, "predecessor_id": p}
            out[d] = tuple({col: [ids[col]] * len(rows) if col in ids else [r[col] for r in rows]
                            for col in tables.SCHEMAS[n].columns} for rows, n in zip(parts, names))
        return out

    parts = (store or Store(None, "changes")).reuse(
        slots, lambda todo: workers.map_chunks(make, todo, workers.MIN_DOCUMENTS)).values()
    return {n: tables.join((p[k] for p in parts), list(tables.SCHEMAS[n].columns)) for k, n in enumerate(names)}


STAGE = Stage("changes", stage, reads=("documents", "tasks", "targets"), writes=("changes", "target_changes"),
              store=True)
