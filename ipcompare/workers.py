"""Independent pieces of work (documents, texts, charts) spread over the machine's cores.

Workers are forked processes: they start at once with everything the parent has loaded (the
segmenter's dictionary ...). Where the system cannot fork, or has one core, or there is little
work, everything runs in the calling process; results are the same either way.
``IPCOMPARE_WORKERS=1`` turns the workers off (another number sets how many).
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


def imap(func: Callable, items: Sequence, min_items: int, chunksize: int = 1) -> Iterator:
    """``func(item)`` for each item, in order: in worker processes when there are at least
    ``min_items`` items (``func`` and the items must pickle), else in this process."""
    n = count()
    if n < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(func, items)
        return
    with multiprocessing.get_context("fork").Pool(n) as pool:
        yield from pool.imap(func, items, chunksize)
