"""Independent pieces of work (documents, texts, charts) spread over the machine's cores.

Workers are forked processes: they start at once with everything the parent has loaded (the
segmenter's dictionary, a fitted model ...), and the function they run is theirs from the fork, so
it may be any callable (a closure too); only the items and the results travel, pickled. Where the
system cannot fork, or has one core, or there is little work, everything runs in the calling
process; results are the same either way. A worker's own pieces of work (the pages of a document
read by a worker) run in that worker. ``IPCOMPARE_WORKERS=1`` turns the workers off (another
number sets how many).
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence


def count() -> int:
    """Number of worker processes to use: ``IPCOMPARE_WORKERS``, else the cores this process may use."""
    if env := os.environ.get("IPCOMPARE_WORKERS"):
        return max(int(env), 1)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Documents are themed and aligned by workers when at least this many are to be done: below, forking
# and sending the results back cost more than they save.
MIN_DOCUMENTS = 64
_work: Callable | None = None  # in a worker process only: the function of its pool, given when it starts


def _start(func: Callable) -> None:
    """A worker's start: ``func`` is the function it runs (inherited by the fork, never pickled)."""
    global _work
    _work = func


def _call(item):
    return _work(item)


def imap(func: Callable, items: Sequence, min_items: int, chunksize: int = 1) -> Iterator:
    """``func(item)`` for each item, in order: in worker processes when there are at least
    ``min_items`` items (the items and results must pickle), else in this process."""
    n = count()
    if (n < 2 or len(items) < min_items or multiprocessing.current_process().daemon
            or "fork" not in multiprocessing.get_all_start_methods()):
        yield from map(func, items)
        return
    with multiprocessing.get_context("fork").Pool(n, initializer=_start, initargs=(func,)) as pool:
        yield from pool.imap(_call, items, chunksize)


def map_chunks(func: Callable[[list], dict], items: Sequence, min_items: int) -> dict:
    """``func(chunk)`` (a dict) for the items cut into one chunk per worker, the dicts merged; in
    this process when there are fewer than ``min_items`` items."""
    n = count() if len(items) >= min_items else 1
    size = max(-(-len(items) // n), 1)
    return {k: v for part in imap(func, [list(items[i:i + size]) for i in range(0, len(items), size)], 2)
            for k, v in part.items()}
