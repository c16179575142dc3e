"""Benchmark (not a test): text reuse on synthetic tasks with guideline wording planted, and the
cut-offs of the task classes.

    python bench/bench_reuse.py [--n 300]

The tasks (tests/reuse_variants.py) are made from the bundled plans: local sentences sharing no
10-character string with the 2024 guideline, with guideline clauses planted verbatim, with synonyms
swapped, with their parts reordered, none, or a whole task copied. Prints span-level precision and
recall per kind, the tasks of each kind by class, then, for each candidate cut-off of ``adapted``
(reuse.T_ADAPTED) and ``copied`` (reuse.T_COPIED), how the kinds are classed: the cut-offs kept are
those that class no ``none`` task as adapted or copied, every whole copied task as copied, and the
most tasks with a planted clause as adapted or copied.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import reuse_variants  # noqa: E402
from ipcompare import pipeline  # noqa: E402
from ipcompare.analysis import reuse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="tasks of each kind")
    n = parser.parse_args().n
    t = pipeline.corpus_tables(pipeline.Project(ROOT), progress=False).tables
    work = t["tasks"][t["tasks"]["kind"] == "task"]
    guideline = work[work["doc_id"] == "NAT2024"]
    tasks = reuse_variants.make(guideline, work.loc[work["province"] != "全国", "content"].tolist(), n=n)
    frame = pd.DataFrame({"task_id": [x.task_id for x in tasks], "content": [x.content for x in tasks], "doc_id": "SYN"})
    spans, rows = reuse.task_reuse(frame, {"guideline": (guideline, {"SYN": "NAT2024"}), "predecessor": (guideline.iloc[:0], {})})
    spans, rows = pd.DataFrame(spans), pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(reuse_variants.score(tasks, spans, dict(zip(rows["task_id"], rows["class"]))).to_string(index=False))
    kind = rows["task_id"].str.split("-").str[1]
    print("\ncut-offs: share of each kind's tasks classed adapted or copied (copied: identical share)")
    grid = []
    for t_adapted in (0.05, 0.1, 0.15, 0.2, 0.3):
        for t_copied in (0.4, 0.5, 0.6):
            cls = np.where(rows["identical_share"] >= t_copied, "copied",
                           np.where(rows["guideline_share"] >= t_adapted, "adapted", "local"))
            reused = pd.Series(cls != "local").groupby(kind.to_numpy()).mean()
            copied = pd.Series(cls == "copied").groupby(kind.to_numpy()).mean()
            grid.append({"T_ADAPTED": t_adapted, "T_COPIED": t_copied, **{f"reused {k}": round(v, 3) for k, v in reused.items()},
                         "copied none": round(copied["none"], 3), "copied copied": round(copied["copied"], 3)})
    print(pd.DataFrame(grid).to_string(index=False))


if __name__ == "__main__":
    main()
