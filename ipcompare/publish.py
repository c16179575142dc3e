"""Publishing a run: tables and reports switched together, by one atomic rename.

A run writes a whole new *generation* beside the current one, then switches one pointer::

    data/.generations/<id>/processed/     the tables (and .generation.json: the digest of each)
    data/.generations/<id>/reports/       the report; a link to <reports' folder>/../.ipcompare-reports/<id>/
                                          when reports/ is on another filesystem (built there: no copy across)
    data/.current -> .generations/<id>    THE pointer, replaced by os.replace of a new link (atomic)
    data/processed -> .current/processed  fixed links: the paths users open never change
    reports -> data/.current/reports      (when reports/ is a link elsewhere, its target is made this link)

So a reader always sees one whole generation, old or new, whenever a run is killed; the older
generations are removed after the switch (and by the next run when it was killed before). A folder
written otherwise (by hand, by an older ipcompare, half-copied) is refused by readers when its
tables do not match their digests (:func:`check`). Symbolic links are needed (any Unix, macOS).

``IPCOMPARE_FAULT_STEP=N`` ends the process (``os._exit``) at the N-th publishing step (:func:`step`):
the fault-injection tests kill a run at each of them in turn.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .project import Project

STAMP = ".generation.json"  # in each generation's processed folder: the SHA-256 of each table file
_steps = 0


def step() -> None:
    """One publishing step done: the process ends here if it is the ``IPCOMPARE_FAULT_STEP``-th (tests)."""
    global _steps
    _steps += 1
    if os.environ.get("IPCOMPARE_FAULT_STEP") == str(_steps):
        os._exit(99)


@dataclass
class Generation:
    """A generation being built: its folder under data/.generations, its tables and reports folders."""

    folder: Path
    processed: Path
    reports: Path


def _data(project: Project) -> Path:
    return project.root / "data"


def _ours(link: Path) -> bool:
    """Whether ``link`` is the reports link this module makes."""
    return link.is_symlink() and os.readlink(link).rstrip("/").endswith(os.path.join("data", ".current", "reports"))


def reports_home(project: Project) -> Path:
    """Where users find the reports: ``reports/``, or the end of the links it goes through (before ours)."""
    path = project.reports.absolute()
    for _ in range(40):
        if not path.is_symlink() or _ours(path):
            return path
        path = Path(os.path.normpath(path.parent / os.readlink(path)))
    raise InputError(f"{project.reports}: too many levels of links")


def _link(link: Path, target: str) -> None:
    """Make ``link`` point to ``target`` atomically (a new link renamed onto it)."""
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _reports_target(project: Project, home: Path) -> str:
    current = _data(project).absolute() / ".current" / "reports"
    root = project.root.absolute()
    return os.path.relpath(current, home.parent) if root in home.parents else str(current)


def _same_device(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def _adopt(project: Project) -> None:
    """Make the layout above out of what is there: data/processed and reports/ as real folders (an
    earlier ipcompare, a copy made without links) become a generation (copied, then each folder
    swapped for its link); missing links are made; what a killed run left is removed."""
    data, home = _data(project), reports_home(project)
    current = data / ".current"
    if current.exists() and not current.is_symlink():  # a copy of a project made without its links
        shutil.rmtree(current)
    real = {name: p for name, p in (("processed", project.processed), ("reports", home))
            if p.is_dir() and not p.is_symlink()}
    if real:
        generation = _new(project)
        for name, folder in (("processed", generation.processed), ("reports", generation.reports)):
            source = real.get(name, current / name)
            if source.is_dir():
                shutil.copytree(source, folder, dirs_exist_ok=True)
                step()
        _link(current, os.path.join(".generations", generation.folder.name))
        step()
        for folder in real.values():  # a folder cannot be replaced by a link at once: set aside, then linked
            os.replace(folder, folder.with_name(f".{folder.name}.old-{os.getpid()}"))
            _make_links(project, home)
            step()
    if current.is_symlink():
        _make_links(project, home)
    _remove_others(project)


def _make_links(project: Project, home: Path) -> None:
    """The fixed links data/processed and reports/ (its ``home``), where missing."""
    if not os.path.lexists(project.processed):
        _link(project.processed, os.path.join(".current", "processed"))
    if not os.path.lexists(home):
        home.parent.mkdir(parents=True, exist_ok=True)
        _link(home, _reports_target(project, home))


def _home_folder(project: Project, home: Path, name: str) -> Path:
    """The folder of generation ``name``'s reports: in the generation, or beside the reports' folder
    when that is on another filesystem than data/."""
    home.parent.mkdir(parents=True, exist_ok=True)
    if _same_device(home.parent, _data(project)):
        return _data(project) / ".generations" / name / "reports"
    return home.parent / ".ipcompare-reports" / name


def _remove_others(project: Project) -> None:
    """Remove every generation but the current one (and its reports on another filesystem)."""
    data, home = _data(project), reports_home(project)
    current = os.readlink(data / ".current") if (data / ".current").is_symlink() else None
    old = [*data.glob(".processed.old-*"), *home.parent.glob(f".{home.name}.old-*")]
    for folder in (data / ".generations", home.parent / ".ipcompare-reports"):
        old += [p for p in sorted(folder.glob("*")) if current is None or p.name != Path(current).name]
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
        step()


def begin(project: Project) -> Generation:
    """A new, empty generation to write a run's outputs into (the project lock held)."""
    _adopt(project)
    return _new(project)


def _new(project: Project) -> Generation:
    generations = _data(project) / ".generations"
    generations.mkdir(parents=True, exist_ok=True)
    folder = generations / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    (folder / "processed").mkdir(parents=True)
    reports = _home_folder(project, reports_home(project), folder.name)
    reports.mkdir(parents=True)
    if reports != folder / "reports":
        os.symlink(reports, folder / "reports")
    return Generation(folder, folder / "processed", reports)


def carry(project: Project, generation: Generation) -> None:
    """Copy into ``generation`` the current report files it has not written (PDFs made after a run,
    figures drawn by ``figures``, the whole report of a run without charts)."""
    current = _data(project) / ".current" / "reports"
    for old in sorted(p for p in current.rglob("*") if p.is_file()) if current.is_dir() else []:
        new = generation.reports / old.relative_to(current)
        if not new.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old, new)
            step()


def commit(project: Project, generation: Generation) -> None:
    """Stamp ``generation``'s tables, switch the pointer to it, and remove the other generations."""
    stamp = {p.name: _sha256(p) for p in sorted(generation.processed.glob("*.csv"))}
    (generation.processed / STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", "utf-8")
    step()
    _fsync_tree(generation)
    step()
    _link(_data(project) / ".current", os.path.join(".generations", generation.folder.name))
    step()
    _adopt(project)  # the fixed links of a first run, and the old generations removed
    step()


def discard(generation: Generation) -> None:
    """Remove a generation that will not be published (its run failed before it was switched to)."""
    if (generation.folder.parent.parent / ".current").resolve() == generation.folder.resolve():
        return
    if generation.reports.resolve() != (generation.folder / "reports").resolve():
        shutil.rmtree(generation.reports, ignore_errors=True)
    shutil.rmtree(generation.folder, ignore_errors=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fsync_tree(generation: Generation) -> None:
    """Every file of ``generation`` on disk before the switch."""
    for folder in (generation.processed, generation.reports):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            with open(path, "rb") as f:
                os.fsync(f.fileno())


def check(path: Path, data: bytes) -> None:
    """Refuse table file ``path`` (its bytes ``data``) when its folder is a generation whose stamp
    gives another digest: a folder mixing tables of two runs."""
    stamp = Path(path).parent / STAMP
    if not stamp.is_file():
        return  # written by hand or by an older ipcompare: nothing to check against
    expected = json.loads(stamp.read_text("utf-8")).get(Path(path).name)
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise InputError(f"{path}: not the table its run wrote (the folder mixes tables of different runs, or the "
                         "file was edited); run `python -m ipcompare run` again")
