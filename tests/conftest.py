"""Shared fixtures: the real seed corpus, copied so tests never touch the repository's outputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ipcompare
from ipcompare.reading import clean
from ipcompare.extraction.outline import extract
from ipcompare.reading.manifest import read_manifest

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "gold"


def copy_project(dest: Path) -> ipcompare.Project:
    """A copy of the repository's data/raw and data/annotations under ``dest``."""
    for sub in ("raw", "annotations"):
        src = REPO / "data" / sub
        if src.exists():
            shutil.copytree(src, dest / "data" / sub)
    return ipcompare.Project(dest)


@pytest.fixture
def project(tmp_path) -> ipcompare.Project:
    """A fresh, writable copy of the bundled corpus (not yet run)."""
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def run_result(tmp_path_factory):
    """The pipeline run once on a copy of the bundled corpus: (project, RunResult)."""
    proj = copy_project(tmp_path_factory.mktemp("corpus"))
    return proj, ipcompare.run(proj.root, progress=False)


@pytest.fixture(scope="session")
def reported(tmp_path_factory):
    """A copy of the bundled corpus run with charts (reports/ written): (project, its tables)."""
    project = copy_project(tmp_path_factory.mktemp("report"))
    result = ipcompare.run(project.root, progress=False, charts=True)
    if result.pdfs is not None:  # made after the run
        result.pdfs.wait(timeout=600)
    return project, ipcompare.Corpus.load(project.processed)


@pytest.fixture(scope="session")
def seed_tasks():
    """Extraction of every seed document, by doc_id (no pipeline, no cache)."""
    raw = REPO / "data" / "raw"
    manifest = read_manifest(raw)
    return {row.doc_id: extract(row.doc_id, clean.clean_text((raw / row.file).read_text("utf-8")))
            for row in manifest.itertuples()}


def stage_with_overrides(stage, run_result, tmp_path, overrides: dict[str, str], **options):
    """Stage function ``stage`` run on the seed corpus's tables, in a project at ``tmp_path`` whose
    data/annotations holds ``overrides`` (file name -> CSV text)."""
    project, result = run_result
    proj = type(project)(tmp_path)
    for name, text in overrides.items():
        proj.annotations.mkdir(parents=True, exist_ok=True)
        (proj.annotations / name).write_text(text, "utf-8")
    return stage(result.tables, proj, **options)


@pytest.fixture(scope="session")
def at_scale(reported, tmp_path_factory):
    """The bundled corpus's report written as for a corpus of many places (``report.STATIC_PLACES``
    1: per-place charts interactive only), from a copy of its tables and cache with the per-place
    charts' static forms forgotten: (project, tables, the ``interactive`` flag of each profile drawn)."""
    from ipcompare.cache import Store
    from ipcompare.views import charts, figures, report

    source, _ = reported
    project = ipcompare.Project(tmp_path_factory.mktemp("at_scale"))
    for folder in ("processed", "cache"):
        shutil.copytree(getattr(source, folder), getattr(project, folder))
    t = ipcompare.Corpus.load(project.processed)
    Store(project.cache, "charts").keep({f"{lang}/{stem}": ("0" * 64, b"") for lang in report.LANGS
                                         for stem, name, _ in report.chart_list(t) if name in report.PER_PLACE})
    calls, profile = [], charts.CHARTS["profile"]

    def recorded(*args, interactive=False, **options):
        calls.append(interactive)
        return profile(*args, interactive=interactive, **options)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(figures, "STATIC_PLACES", 1)
        mp.setenv("IPCOMPARE_WORKERS", "1")  # the calls recorded in this process
        mp.setitem(charts.CHARTS, "profile", recorded)
        report.write(t, project.reports, cache_dir=project.cache, table_keys=report.file_keys(project.processed))
    return project, t, calls
