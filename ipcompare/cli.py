"""Command line: ``python -m ipcompare run`` (and ``ipcompare run``).

Bad input ends the command with a one-line ``error: <file>: <problem>`` and exit status 2.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import InputError


def _run(args: argparse.Namespace) -> int:
    from . import pipeline

    start = time.perf_counter()
    result = pipeline.run(args.root, progress=not args.quiet)
    docs, tasks = result.tables["documents"], result.tables["tasks"]
    print(f"{len(docs)} documents, {int(docs.n_tasks.sum())} tasks "
          f"(+{int(docs.n_preamble.sum())} preamble items) in {time.perf_counter() - start:.1f} s")
    for d in docs.itertuples():
        print(f"  {d.doc_id:<12} {d.province:<4} {d.first_year}-{d.last_year}  {d.n_tasks:>3} tasks  {d.title}")
    for w in result.warnings:
        print(f"warning: {w}")
    print(f"tables written to {pipeline.Project(Path(args.root)).processed}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ipcompare", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="project folder holding data/ (default: .)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline on data/raw and write data/processed")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.set_defaults(func=_run)
    evaluate = sub.add_parser("evaluate", help="score the pipeline against a gold CSV")
    evaluations = evaluate.add_subparsers(dest="what", required=True)  # one per evaluated stage
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
