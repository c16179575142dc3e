"""One atomic switch: tables and reports of a run published together (ipcompare.publish), reports/
on another filesystem or behind a link, earlier layouts taken over, a mixed folder refused."""
from __future__ import annotations

import errno
import os
import shutil
import uuid
from pathlib import Path

import pytest

import ipcompare
from ipcompare import InputError, publish

SHM = Path("/dev/shm")


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links followed) by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def cached(reported, tmp_path):
    """A copy of a project run with charts (raw data, annotations, cache), its outputs not copied."""
    source, _ = reported
    for sub in ("raw", "annotations", "cache"):
        if (source.root / "data" / sub).exists():
            shutil.copytree(source.root / "data" / sub, tmp_path / "data" / sub)
    return ipcompare.Project(tmp_path)


def run(project) -> None:
    result = ipcompare.run(project.root, progress=False, charts=True)
    if result.pdfs is not None:
        result.pdfs.wait(timeout=600)


@pytest.mark.skipif(not SHM.is_dir() or os.stat(SHM).st_dev == os.stat("/tmp").st_dev, reason="needs a tmpfs")
def test_reports_on_another_filesystem(cached, reported, monkeypatch):
    """reports/ a link to a folder of another filesystem: its generations are built there, and no
    rename crosses filesystems (one that would fails as on Linux, EXDEV)."""
    home = SHM / f"ipcompare-test-{uuid.uuid4().hex}"
    (home / "reports").mkdir(parents=True)
    (home / "reports" / "notes.txt").write_text("mine", "utf-8")
    cached.reports.symlink_to(home / "reports")
    replace = os.replace

    def same_device_only(src, dst, *args, **kwargs):
        if os.stat(Path(src).parent).st_dev != os.stat(Path(dst).parent).st_dev:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(src))
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", same_device_only)
    try:
        run(cached)
        run(cached)  # a second generation replaces the first
        source, _ = reported
        expected = files(source.reports)
        assert files(cached.reports).keys() == expected.keys() | {"notes.txt"}
        assert (home / "reports").is_symlink() and cached.reports.is_symlink()
        assert len(list((home / ".ipcompare-reports").iterdir())) == 1
        assert (cached.reports / "index.html").resolve().parent.parent == home / ".ipcompare-reports"
        assert files(cached.processed) == files(source.processed)
    finally:
        shutil.rmtree(home)


def test_an_earlier_layout_is_taken_over(cached, reported):
    """data/processed and reports/ as plain folders (an older ipcompare): their files are kept until
    the first run publishes its generation, after which the paths users open are links to it."""
    source, _ = reported
    shutil.copytree(source.processed, cached.processed)
    shutil.copytree(source.reports, cached.reports)
    (cached.reports / "mine.txt").write_text("kept", "utf-8")
    run(cached)
    assert cached.processed.is_symlink() and cached.reports.is_symlink()
    assert files(cached.processed) == files(source.processed)
    assert (cached.reports / "mine.txt").read_text("utf-8") == "kept"
    assert [p.name for p in (cached.root / "data" / ".generations").iterdir()] == [
        Path(os.readlink(cached.root / "data" / ".current")).name]
    assert not list(cached.root.glob("data/.processed.old-*")) and not list(cached.root.glob(".reports.old-*"))


def test_a_folder_mixing_two_runs_is_refused(cached, reported):
    """What the issue saw after a kill: documents.csv and tasks.csv of a new run, the rest old."""
    run(cached)
    mixed = cached.root / "mixed"
    shutil.copytree(cached.processed, mixed)
    documents = (mixed / "documents.csv").read_text("utf-8-sig")
    (mixed / "documents.csv").write_text(documents.replace(",28,", ",27,"), "utf-8-sig")
    with pytest.raises(InputError, match=r"documents.csv: not the table its run wrote"):
        ipcompare.Corpus.load(mixed)
    assert len(ipcompare.Corpus.load(cached.processed).documents) == 5


def test_a_failed_run_leaves_no_generation_behind(cached, monkeypatch):
    from ipcompare.views import report

    run(cached)
    before = files(cached.processed), files(cached.reports)
    generations = sorted((cached.root / "data" / ".generations").iterdir())

    def broken(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(cached.reports / "index.html"))

    monkeypatch.setattr(report, "write", broken)
    with pytest.raises(OSError):
        ipcompare.run(cached.root, progress=False, charts=True)
    assert (files(cached.processed), files(cached.reports)) == before
    assert sorted((cached.root / "data" / ".generations").iterdir()) == generations
    assert publish.STAMP in os.listdir(cached.processed)
