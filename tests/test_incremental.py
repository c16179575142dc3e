"""Reruns do only the new work (data/cache) and write the same tables as a run from scratch."""
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import REPO, copy_project

import ipcompare
from ipcompare import cache, pipeline, tables, workers
from ipcompare.analysis import coverage, instruments, segment, themes
from ipcompare.extraction import document
from ipcompare.views import figures, report, word


def csv_files(project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(project.processed.glob("*.csv"))}


@pytest.fixture(scope="module")
def from_scratch(tmp_path_factory) -> dict[str, bytes]:
    """The tables of the bundled corpus made by a new process with no cache."""
    project = copy_project(tmp_path_factory.mktemp("scratch"))
    subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(project.root), "run", "--no-charts", "--quiet"],
                   check=True, capture_output=True)
    return csv_files(project)


def spy(monkeypatch, module, name: str, calls: list, label: str | None = None) -> None:
    """Record each call of ``module.name`` in ``calls``: its first argument, or ``label``."""
    original = getattr(module, name)
    monkeypatch.setattr(module, name, lambda first, *a, **kw: calls.append(label or first) or original(first, *a, **kw))


def test_adding_a_plan_reads_segments_and_aligns_only_that_plan(project, from_scratch, monkeypatch):
    manifest = project.raw / "manifest.csv"
    rows = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text("".join(rows[:-1]), "utf-8")  # the corpus without its last plan, SX2022
    ipcompare.run(project.root, progress=False)
    themes_before = tables.read_table("themes", project.processed).set_index(["doc_id", "task_id"]).theme
    manifest.write_text("".join(rows), "utf-8")
    read, cut, aligned = [], [], []
    spy(monkeypatch, document, "read_document", read)
    spy(monkeypatch, segment, "_cut", cut)
    similarity = coverage.similarity
    monkeypatch.setattr(coverage, "similarity", lambda units, work, *a: aligned.append(set(work.doc_id))
                        or similarity(units, work, *a))
    monkeypatch.setattr(segment, "_MEMO", {})  # as in a new process: tokens come from the cache
    ipcompare.run(project.root, progress=False)
    assert csv_files(project) == from_scratch
    assert [row.doc_id for row in read] == ["SX2022"]
    # aligned again: the new plan, and the plans of tasks whose theme (evidence order) changed with it
    themes_after = tables.read_table("themes", project.processed).set_index(["doc_id", "task_id"]).theme
    moved = themes_after[themes_before.index] != themes_before
    assert not moved["NAT2024"].any() and aligned == [{"SX2022"} | set(moved[moved].index.get_level_values(0))]
    sx = tables.read_table("tasks", project.processed).query("doc_id == 'SX2022'")
    assert cut and set(cut) - {""} <= {text for field in ("content", "title", "section_titles") for text in sx[field]}


def test_a_rerun_with_nothing_changed_does_nothing_again(project, from_scratch, monkeypatch):
    first = ipcompare.run(project.root, progress=False)

    def fail(*args, **kwargs):
        raise AssertionError("done again")

    for module, name in [(document, "read_document"), (segment, "_cut"), (themes, "stage"), (coverage, "stage"),
                         (tables, "write_table")]:
        monkeypatch.setattr(module, name, fail)
    monkeypatch.setattr(segment, "_MEMO", {})
    result = ipcompare.run(project.root, progress=False)
    assert csv_files(project) == from_scratch and result.warnings == first.warnings
    assert set(result.timings) == {"documents", "tables"}


def test_an_option_or_annotation_redoes_only_the_stages_that_use_it(project, monkeypatch):
    ipcompare.run(project.root, progress=False)
    calls = []
    for module in (themes, coverage):
        spy(monkeypatch, module, "stage", calls, module.__name__)
    ipcompare.run(project.root, progress=False, body_measures=True)
    assert calls == ["ipcompare.analysis.coverage"]
    overrides = project.annotations / "coverage_overrides.csv"
    overrides.write_text(overrides.read_text("utf-8") + "\n", "utf-8")
    ipcompare.run(project.root, progress=False, body_measures=True)
    assert calls == ["ipcompare.analysis.coverage", "ipcompare.analysis.themes", "ipcompare.analysis.coverage"]  # annotations: every stage


def test_versions_follow_what_each_step_depends_on(tmp_path, monkeypatch):
    package = tmp_path / "ipcompare"
    shutil.copytree(REPO / "ipcompare", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", package)

    def versions() -> dict[str, str]:
        cache.code_version.cache_clear()
        return {"documents": cache.code_version(*pipeline.DOCUMENT_CODE), "tokens": segment._fingerprint(),
                **{s.name: s.version() for s in (themes.STAGE, coverage.STAGE, instruments.STAGE)}}

    def changed(path: str) -> set[str]:
        before = versions()
        with open(package / path, "a", encoding="utf-8") as f:
            f.write("\n# changed\n")
        return {step for step, v in versions().items() if v != before[step]}

    try:
        assert changed("data/themes.md") == {"themes", "coverage", "instruments"}  # fields come from themes
        assert changed("data/ip_dictionary.txt") == {"tokens", "themes", "coverage", "instruments"}
        assert changed("data/instrument_lexicon.txt") == changed("data/instruments.md") == {"instruments"}
        assert changed("analysis/instruments.py") == {"instruments"}
        assert changed("extraction/fields.py") == {"documents"}  # read through extract
        assert changed("analysis/coverage.py") == {"coverage"}
        assert changed("views/charts/_style.py") == set()
    finally:
        cache.code_version.cache_clear()


def test_a_rerun_copies_the_charts_it_would_draw_the_same(tmp_path, run_result, monkeypatch):
    project, result = run_result
    monkeypatch.setattr(figures, "chart_list", lambda t: [("documents", "documents", {})])
    first = report.write(ipcompare.Corpus(result.tables), tmp_path / "first", cache_dir=tmp_path / "cache")
    monkeypatch.setattr(figures, "_draw", lambda *args: pytest.fail("drawn again"))
    again = report.write(ipcompare.Corpus(result.tables), tmp_path / "again", cache_dir=tmp_path / "cache")
    assert [p.relative_to(tmp_path / "first") for p in first] == [p.relative_to(tmp_path / "again") for p in again]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, again) if a.suffix in (".png", ".svg"))


def test_workers_give_the_results_and_errors_of_a_single_process(monkeypatch):
    monkeypatch.setenv("IPCOMPARE_WORKERS", "2")
    assert list(workers.imap(str.upper, list("abcdef"), min_items=2)) == list("ABCDEF")
    assert list(workers.imap(lambda s: s * 2, list("ab"), min_items=2)) == ["aa", "bb"]  # a closure too
    assert workers.map_chunks(lambda chunk: {c: c.upper() for c in chunk}, "abcde", 2) == dict(zip("abcde", "ABCDE"))
    with pytest.raises(ValueError, match="invalid literal"):
        list(workers.imap(int, ["1", "x"], min_items=2))


def test_documents_themed_and_aligned_by_workers_give_the_same_tables(run_result, monkeypatch):
    project, result = run_result
    serial = {**themes.stage(result.tables, project), **coverage.stage(result.tables, project)}
    monkeypatch.setenv("IPCOMPARE_WORKERS", "2")
    monkeypatch.setattr(workers, "MIN_DOCUMENTS", 2)
    parallel = {**themes.stage(result.tables, project), **coverage.stage(result.tables, project)}
    for name, df in serial.items():
        pd.testing.assert_frame_equal(parallel[name], df, obj=name)


def test_a_chart_is_redrawn_only_when_what_it_reads_changed(project, monkeypatch):
    """Adding SX2022 (a new province) redraws every chart here: each names the corpus's documents in
    its source line, and each profile shows the mean of provinces; a coverage override then redraws
    the gaps chart only (its reads, charts.DECLARED), not the profiles nor the others."""
    monkeypatch.setenv("IPCOMPARE_WORKERS", "1")  # drawn here, where the spy sees it
    monkeypatch.setattr(word, "pdfs_later", lambda paths, cache_dir=None: None)  # no PDFs
    chart_list = figures.chart_list
    monkeypatch.setattr(figures, "chart_list", lambda t: [c for c in chart_list(t)
                                                         if c[1] in ("documents", "theme_terms", "gaps", "profile")])
    manifest = project.raw / "manifest.csv"
    rows = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text("".join(rows[:-1]), "utf-8")  # without SX2022
    ipcompare.run(project.root, progress=False, charts=True)
    drawn, draw = [], figures._draw
    monkeypatch.setattr(figures, "_draw", lambda t, folder, job: drawn.append(job[:2]) or draw(t, folder, job))

    def redrawn() -> tuple[set[str], pipeline.RunResult]:
        drawn.clear()
        result = ipcompare.run(project.root, progress=False, charts=True)
        stems = {s for s, _, _ in figures.chart_list(result.tables)}
        assert {p.stem for p in project.reports.glob("figures/*/*.png")} == stems
        assert {s for lang, s in drawn if lang == "en"} == {s for lang, s in drawn if lang == "zh"}
        return {s for _, s in drawn}, result

    manifest.write_text("".join(rows), "utf-8")
    charts_drawn, result = redrawn()
    assert charts_drawn == {"documents", "theme_terms", "gaps", "profile_guizhou", "profile_hubei", "profile_shanxi"}
    assert redrawn()[0] == set()  # nothing changed
    cov = result.tables["coverage"]
    row = cov[(cov["doc_id"] == "HB2025") & (cov["duty_level"] == "必做") & (cov["verdict"] != "covered")].iloc[0]
    (project.annotations / "coverage_overrides.csv").write_text(
        f"nat_task,doc_id,verdict,note\n{row.nat_task},HB2025,covered,checked by hand\n", "utf-8")
    charts_drawn, result = redrawn()
    assert charts_drawn == {"gaps"}  # and the run says why: the tables it declares that changed
    assert set(result.redrawn) == {"zh/gaps", "en/gaps"} and "gaps" in result.redrawn["zh/gaps"]
    assert not {"code", "date", "job", "documents"} & set(result.redrawn["zh/gaps"])
