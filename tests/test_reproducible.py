"""Reproducible outputs: two runs on the same inputs give byte-identical files under data/processed/
and reports/ (chart ids, SVG ids, .docx dates and zip entries, index pages), the date shown taken
from one place (SOURCE_DATE_EPOCH, else the newest input)."""
from __future__ import annotations

import datetime
import shutil
import hashlib
import zipfile

import ipcompare
from conftest import copy_project
from ipcompare.views import frames, report


def digests(project) -> dict[str, str]:
    """MD5 of every file under data/processed/ and reports/ (as ``md5sum`` over them)."""
    return {f"{folder.name}/{p.relative_to(folder).as_posix()}": hashlib.md5(p.read_bytes()).hexdigest()
            for folder in (project.processed, project.reports) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_runs_give_the_same_bytes(reported, tmp_path):
    """A second project from the same inputs, run without any cache, against the session's run."""
    first, _ = reported
    second = copy_project(tmp_path)
    result = ipcompare.run(second.root, progress=False, charts=True)
    if result.pdfs is not None:
        result.pdfs.wait(timeout=600)
    a, b = digests(first), digests(second)
    assert len(a) > 100 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    with zipfile.ZipFile(second.reports / "report.zh.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_date_shown_comes_from_one_place(reported, monkeypatch):
    project, corpus = reported
    newest = max(p.stat().st_mtime for sub in (project.raw, project.annotations) for p in sub.rglob("*") if p.is_file())
    assert frames.run_date(corpus) == datetime.date.fromtimestamp(newest).isoformat()
    assert frames.run_date(corpus) in (project.reports / "index.html").read_text("utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert frames.run_date(corpus) == "2023-11-14"


def test_the_report_is_rebuilt_from_the_processed_tables_alone(reported, tmp_path):
    """No data/cache (no tokens, no drawings): every chart and page drawn again from data/processed/
    gives the same files as the run."""
    project, _ = reported
    copy = tmp_path / "copy"
    for sub in ("raw", "annotations"):  # the inputs' dates (the date shown), kept by copytree
        shutil.copytree(project.root / "data" / sub, copy / "data" / sub)
    shutil.copytree(project.processed.resolve(), copy / "data" / "processed")
    files = report.write(ipcompare.Corpus.load(copy / "data" / "processed"), copy / "reports")
    assert not (copy / "data" / "cache").exists() and len(files) > 100
    for path in files:
        name = path.relative_to(copy / "reports")
        assert path.read_bytes() == (project.reports / name).read_bytes(), name
