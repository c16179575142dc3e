"""The project lock: two writers never interleave. The issue's lost update (a run started before
``add`` + ``run`` finishing after them) ends with the added plan in the tables; ``--no-wait`` stops
at once; the lock of a killed process is taken over."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import ipcompare

REPO = Path(__file__).resolve().parents[1]
HB = REPO / "data" / "raw" / "hubei_2025_work_points.txt"

# A run that has read the corpus (the manifest before the add) and waits for the file "go" to publish.
PAUSED_RUN = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ipcompare import pipeline
    root = Path(sys.argv[1])
    read = pipeline.corpus_tables

    def paused(*args, **kwargs):
        result = read(*args, **kwargs)
        (root / "read").touch()
        while not (root / "go").exists():
            time.sleep(0.05)
        return result

    pipeline.corpus_tables = paused
    pipeline.run(root, progress=False)
""")


def cli(root, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ipcompare", "--root", str(root), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": str(REPO)})


def wait_for(condition, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.fixture
def ran(run_result, tmp_path):
    """A copy of a project run once (data/ with its cache)."""
    source, _ = run_result
    shutil.copytree(source.root / "data", tmp_path / "data")
    return ipcompare.Project(tmp_path)


def test_the_lost_update_cannot_happen(ran, tmp_path):
    new = tmp_path / "hubei_2026.txt"
    new.write_bytes(HB.read_bytes().replace(b"2025", b"2026"))
    first = subprocess.Popen([sys.executable, "-c", PAUSED_RUN, str(ran.root)], env=os.environ | {"PYTHONPATH": str(REPO)})
    wait_for(lambda: (ran.root / "read").exists())
    manifest = (ran.raw / "manifest.csv").read_bytes()

    refused = cli(ran.root, "add", str(new), "--no-wait")
    _, err = refused.communicate(timeout=120)
    assert refused.returncode == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {ran.root / 'data' / '.lock'}: the project is in use by process {first.pid} (")
    assert (ran.raw / "manifest.csv").read_bytes() == manifest

    second = cli(ran.root, "add", str(new), "--run")
    time.sleep(2)
    assert second.poll() is None and (ran.raw / "manifest.csv").read_bytes() == manifest  # waiting, nothing done
    (ran.root / "go").touch()
    assert first.wait(timeout=300) == 0
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert f"waiting for process {first.pid} (" in err
    assert "HB2026" in (ran.processed / "documents.csv").read_text("utf-8-sig")
    assert not (ran.root / "data" / ".lock.holder").exists()


def test_the_lock_of_a_killed_process_is_taken_over(ran):
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os, signal
        from ipcompare.lock import project_lock
        with project_lock({str(ran.root)!r}):
            os.kill(os.getpid(), signal.SIGKILL)
    """)], env=os.environ | {"PYTHONPATH": str(REPO)})
    assert killed.returncode == -9
    assert (ran.root / "data" / ".lock.holder").exists()  # left behind
    proc = cli(ran.root, "run", "--no-wait", "--quiet", "--no-charts")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err


def test_the_lock_is_reentrant_in_its_process(ran):
    from ipcompare.lock import project_lock

    with project_lock(ran.root, wait=False):
        assert ipcompare.run(ran.root, progress=False).tables["documents"].shape[0] == 5
        assert (ran.root / "data" / ".lock.holder").read_text("utf-8").startswith(f"process {os.getpid()} ")
