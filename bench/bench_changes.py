"""Benchmark (not a test): task alignment of ipcompare.analysis.changes on synthetic successors of the seed documents.

    python bench/bench_changes.py [--seeds 3]

1. What the threshold T_MATCH is chosen from: the similarity of two *different* tasks of one seed
   document (pooled, and leaving each document out), of a task and its copy reworded with synonyms
   throughout (ipcompare.demo.SYNONYMS), and of a task and its copy keeping only its first quarter
   (the rest taken from a task of another document).
2. Leave-one-document-out accuracy: for each seed document, successors made from its task rows
   with known edits (2 tasks dropped, 2 tasks of other documents added, a third of the tasks
   reworded, 2 pairs merged, every task renumbered and the added ones inserted anywhere), aligned
   by ``changes.task_changes``: how many edits are reported as made, by kind of edit.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ipcompare import demo, pipeline
from ipcompare.analysis import changes

ROOT = Path(__file__).resolve().parents[1]


def seed_tasks() -> pd.DataFrame:
    tasks = pipeline.corpus_tables(pipeline.Project(ROOT), progress=False).tables["tasks"]
    return tasks[tasks["kind"] == "task"].reset_index(drop=True)


def _reworded(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(**{c: rows[c].map(demo.reword) for c in ("title", "content", "text")})


def null_and_edits(tasks: pd.DataFrame) -> None:
    """Part 1 (see the module docstring)."""
    rng = np.random.default_rng(0)
    distinct, rows = {}, []
    for doc, x in tasks.groupby("doc_id", sort=False):
        x = x.reset_index(drop=True)
        sim = changes.similarity(x, x)
        distinct[doc] = sim[~np.eye(len(x), dtype=bool)]
        other = tasks.loc[tasks["doc_id"] != doc, "content"].to_numpy()
        quarter = x.assign(content=[c[: len(c) // 4] + rng.choice(other)[: 3 * len(c) // 4] for c in x["content"]])
        rows.append((doc, np.diag(changes.similarity(x, _reworded(x))).min(), np.diag(changes.similarity(x, quarter)).min()))
    pooled = np.concatenate(list(distinct.values()))
    print(f"T_MATCH = {changes.T_MATCH}")
    print(f"distinct tasks of one document: p99 {np.quantile(pooled, .99):.3f}, p99.5 {np.quantile(pooled, .995):.3f}, "
          f"max {pooled.max():.3f} ({len(pooled)} pairs)")
    for doc in distinct:
        rest = np.concatenate([v for d, v in distinct.items() if d != doc])
        print(f"  without {doc}: p99 {np.quantile(rest, .99):.3f}, p99.5 {np.quantile(rest, .995):.3f}")
    for doc, reworded, quarter in rows:
        print(f"{doc}: lowest similarity to its copy reworded throughout {reworded:.3f}, keeping a quarter {quarter:.3f}")


def successor(x: pd.DataFrame, pool: pd.DataFrame, rng) -> tuple[pd.DataFrame, dict]:
    """Task rows of a successor of ``x`` with known edits, and the expected (task_id, predecessor ids) -> change."""
    n, order = len(x), list(rng.permutation(len(x)))
    drop, merge, reword = order[:2], [(order[2], order[3]), (order[4], order[5])], set(order[6:6 + n // 3])
    merged_into = {b: a for a, b in merge}
    truth, out = {}, []
    for i in range(n):
        if i in drop:
            truth[("", x.task_id[i])] = "dropped"
        if i in drop or i in merged_into:
            continue
        row, ids, change = x.loc[i].copy(), [i], "continued"
        for a, b in merge:
            if a == i:
                row["content"], row["text"], change = row["content"] + x.content[b], row["text"] + x.text[b], "revised"
                ids.append(b)
        if i in reword:
            row[["title", "content", "text"]] = [demo.reword(row[c]) for c in ("title", "content", "text")]
            change = "revised" if row["text"] != x.text[i] else change
        out.append((row, sorted(ids), change))
    for j in rng.choice(len(pool), 2, replace=False):
        out.insert(int(rng.integers(len(out) + 1)), (pool.iloc[j].copy(), [], "new"))
    rows = []
    for k, (row, ids, change) in enumerate(out, 1):
        row["task_id"] = f"NEXT-{k}"
        rows.append(row)
        truth[(row["task_id"], "; ".join(x.task_id[i] for i in ids))] = change
    return pd.DataFrame(rows).reset_index(drop=True), truth


def accuracy(tasks: pd.DataFrame, seeds: int) -> None:
    """Part 2 (see the module docstring)."""
    counts, wrong = Counter(), []
    for doc, x in tasks.groupby("doc_id", sort=False):
        x, pool = x.reset_index(drop=True), tasks[tasks["doc_id"] != doc]
        for seed in range(seeds):
            y, truth = successor(x, pool, np.random.default_rng(seed))
            got = changes.task_changes(x, y)
            found = {(r.task_id, r.predecessor_task_id): r.change for r in got.itertuples()}
            for key, change in truth.items():
                counts[change, found.get(key) == change] += 1
                if found.get(key) != change:
                    wrong.append(f"  {doc} seed {seed}: {key} {change}, reported {found.get(key, 'otherwise')}")
    right = sum(v for (_, ok), v in counts.items() if ok)
    print(f"\nedits reported as made: {right} of {sum(counts.values())}")
    for change in changes.CHANGES:
        print(f"  {change}: {counts[change, True]} of {counts[change, True] + counts[change, False]}")
    print("\n".join(wrong))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="successors per seed document")
    args = parser.parse_args()
    tasks = seed_tasks()
    null_and_edits(tasks)
    accuracy(tasks, args.seeds)


if __name__ == "__main__":
    main()
