"""Benchmark (not a test): the coverage stage alone on a synthetic corpus of bench_scale (10,000 tasks).

    python bench/bench_coverage.py [--tasks 10000] [--keep DIR] [--repeat 2]

Builds the corpus (``bench_scale.build_corpus``; reused when ``--keep DIR`` already holds it), runs
the pipeline once for its documents, tasks and themes, then calls ``coverage.stage`` ``--repeat``
times in this process without its store (every plan aligned again; tokens come from the run's
cache): CPU and wall seconds of each call. The first call also loads what the stage uses once per
process. To compare revisions, run it with the older package first on ``PYTHONPATH`` (``git archive
REV ipcompare | tar -x -C DIR``) on the same ``--keep`` corpus, with ``IPCOMPARE_WORKERS=1`` on a
shared machine (CPU time is steadier than wall time there).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import bench_scale

import ipcompare
from ipcompare.analysis import coverage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000, help="tasks in the corpus")
    parser.add_argument("--keep", type=Path, help="build the corpus in this folder and keep it (reused if there)")
    parser.add_argument("--repeat", type=int, default=2, help="calls of the stage")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp()) / "corpus"
    if not (root / "data" / "raw" / "manifest.csv").exists():
        bench_scale.build_corpus(root, args.tasks, bench_scale.seed_pool())
    tables = ipcompare.run(root, progress=False).tables
    print(f"{coverage.__file__}: {len(tables['tasks'])} tasks")
    for i in range(args.repeat):
        cpu, wall = time.process_time(), time.time()
        coverage.stage(tables, ipcompare.Project(root))
        print(f"call {i + 1}: cpu {time.process_time() - cpu:.2f} s, wall {time.time() - wall:.2f} s", flush=True)


if __name__ == "__main__":
    main()
