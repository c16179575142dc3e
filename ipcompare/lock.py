"""One writer at a time: the project lock every command that writes takes (``run``, ``add``, ``figures``,
``cache --clear``, :func:`ipcompare.run`).

The lock is ``data/.lock`` (a ``filelock`` lock: the system releases it when its process ends, so the
lock of a process killed mid-way is simply taken over); ``data/.lock.holder`` names the process holding
it. A second writer waits, saying which process it waits for, or with ``wait=False`` (``--no-wait``)
stops at once. The lock is re-entrant in its process: ``add --run`` takes it once.
"""
from __future__ import annotations

import functools
import inspect
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import InputError
from .project import Project

_held: dict[Path, int] = {}  # lock file -> how many times this process holds it


def lock_file(root: Path | str) -> Path:
    """The lock file of the project at ``root``."""
    return Project(Path(root)).root / "data" / ".lock"


def holder(root: Path | str) -> str:
    """Who holds (or last held) the project's lock, as its side file says."""
    try:
        return Path(f"{lock_file(root)}.holder").read_text("utf-8").strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def project_lock(root: Path | str, wait: bool = True) -> Iterator[None]:
    """Hold the project's lock (see the module docstring) while the block runs."""
    path = lock_file(root).absolute()
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise InputError(f"{path}: the project is in use by {holder(root)}; wait for it to finish "
                             "(or run without --no-wait to wait)") from None
        print(f"waiting for {holder(root)} to finish (it holds {path}) ...", file=sys.stderr, flush=True)
        lock.acquire()
    side = Path(f"{path}.holder")
    side.write_text(f"process {os.getpid()} ({' '.join(sys.argv)}, since {time.strftime('%H:%M:%S')})", "utf-8")
    _held[path] = 1
    try:
        yield
    finally:
        _held.pop(path, None)
        side.unlink(missing_ok=True)
        lock.release()


def locked(func):
    """``func`` (whose ``root`` argument is a project folder) run holding that project's lock, waiting for it."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        with project_lock(bound.arguments["root"]):
            return func(*args, **kwargs)

    return wrapper
