"""Fault injection: a run killed at every step of publishing (``IPCOMPARE_FAULT_STEP=N`` ends the
process there, as kill -9 would) leaves every output one whole generation, old or new, and the next
run gives the new tables byte for byte. Each point starts from a copy of one run's project (its
cache makes the runs quick)."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ipcompare
from ipcompare import cli, publish
from test_reproducible import digests

REPO = Path(__file__).resolve().parents[1]
HB = "hubei_2025_work_points.txt"
KILLED = 99  # the exit status of publish.step's os._exit


def command(root: Path, *args: str, step: int | None = None) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(REPO), "IPCOMPARE_WORKERS": "1"}
    if step is not None:
        env["IPCOMPARE_FAULT_STEP"] = str(step)
    return subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=600)


def with_new_plan(project) -> None:
    """The inputs of the new generation: a 2026 plan added to the manifest."""
    (project.raw / "hubei_2026.txt").write_bytes((project.raw / HB).read_bytes().replace(b"2025", b"2026"))
    with open(project.raw / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("HB2026,hubei_2026.txt,provincial,湖北,2026,2026,,,,,\n")


@pytest.fixture(scope="module")
def base(reported, tmp_path_factory):
    """A project holding one run's outputs (the old generation, with its cache) and the inputs of a new
    one; the digests of the old and of the new generation's files."""
    source, _ = reported
    root = tmp_path_factory.mktemp("kills") / "base"
    shutil.copytree(source.root, root, symlinks=True)  # data/processed and reports/ stay links
    project = ipcompare.Project(root)
    old = digests(project)
    with_new_plan(project)
    new_project = ipcompare.Project(root.parent / "new")
    shutil.copytree(root, new_project.root, symlinks=True)
    assert command(new_project.root, "run", "--quiet").returncode == 0
    new = digests(new_project)
    shutil.rmtree(project.cache)
    shutil.copytree(new_project.cache, project.cache)  # the new run's work cached: each run below is quick
    assert old != new and any(name.endswith("documents.csv") and old[name] != new[name] for name in old)
    return project, old, new


def test_a_kill_at_every_publishing_step_leaves_one_whole_generation(base, tmp_path):
    project, old, new = base
    new_tables = {k: v for k, v in new.items() if k.startswith("processed/")}
    step, outcomes = 0, []
    while True:
        step += 1
        copy = ipcompare.Project(tmp_path / str(step))
        shutil.copytree(project.root, copy.root, symlinks=True)
        killed = command(copy.root, "run", "--quiet", step=step)
        if killed.returncode == 0:
            break
        assert killed.returncode == KILLED, killed.stderr
        now = digests(copy)
        assert now in (old, new), f"step {step}: a mix of generations"
        outcomes.append("new" if now == new else "old")
        assert len(ipcompare.Corpus.load(copy.processed).documents) == (6 if now == new else 5)
        assert command(copy.root, "run", "--quiet", "--no-charts").returncode == 0
        assert {k: v for k, v in digests(copy).items() if k.startswith("processed/")} == new_tables, f"step {step}"
        assert len(list((copy.root / "data" / ".generations").iterdir())) == 1
        shutil.rmtree(copy.root)
    assert step - 1 >= 20, outcomes
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=lambda o: o == "new")  # old until the switch, new from then on
    print(f"{step - 1} kill points: {outcomes.count('old')} left the old generation, {outcomes.count('new')} the new one")


@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_at_the_switch(base, tmp_path, monkeypatch, capsys, fault):
    """The pointer cannot be replaced: one line naming it, exit 2, the old generation in place and
    the new one removed."""
    project, old, _ = base
    copy = ipcompare.Project(tmp_path / "p")
    shutil.copytree(project.root, copy.root, symlinks=True)
    link = publish._link

    def failing(path, target):
        if path.name == ".current":
            raise OSError(fault, os.strerror(fault), str(path))
        return link(path, target)

    monkeypatch.setattr(publish, "_link", failing)
    assert cli.main(["--root", str(copy.root), "run", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {copy.root / 'data' / '.current'}: {os.strerror(fault)}") and err.count("\n") == 1
    assert digests(copy) == old
    assert len(list((copy.root / "data" / ".generations").iterdir())) == 1


def test_a_kill_while_an_earlier_layout_is_taken_over(base, tmp_path):
    """data/processed and reports/ as plain folders (an older ipcompare): a kill at each step of their
    conversion to generations leaves them whole; the 5 steps before the first table is written."""
    project, old, new = base
    legacy = ipcompare.Project(tmp_path / "legacy")
    shutil.copytree(project.root, legacy.root, symlinks=True)
    for link in (legacy.processed, legacy.reports):
        link.unlink()
        shutil.copytree(legacy.root / "data" / ".current" / link.name, link)
    shutil.rmtree(legacy.root / "data" / ".generations")
    (legacy.root / "data" / ".current").unlink()
    for step in range(1, 6):
        copy = ipcompare.Project(tmp_path / str(step))
        shutil.copytree(legacy.root, copy.root, symlinks=True)
        assert command(copy.root, "run", "--quiet", step=step).returncode == KILLED
        assert digests(copy) == old, f"step {step}"
    assert command(copy.root, "run", "--quiet").returncode == 0
    assert digests(copy) == new and copy.processed.is_symlink() and copy.reports.is_symlink()
