"""The pipeline end to end on the seed corpus: tables, determinism, failure leaves outputs intact."""
import filecmp
import os
import subprocess
import sys

import pytest

import ipcompare
from ipcompare import pipeline, tables


def test_tables_are_written_and_documented(run_result):
    project, result = run_result
    for name in ("documents", "tasks", "targets"):
        path = project.processed / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
        df = tables.read_table(name, project.processed)
        assert list(df.columns) == list(tables.SCHEMAS[name].columns)
    docs = tables.read_table("documents", project.processed).set_index("doc_id")
    assert docs.loc["HB2025", "targets"].count("; ") == 5
    assert "知识产权质押融资超320亿元" in docs.loc["HB2025", "targets"]
    assert docs.loc["GZ2025", "issue_date"] == "2025-03-17"
    assert "title" in docs.loc["GZ2025", "detected"] and docs.loc["SX2022", "detected"] == ""
    assert docs.n_tasks.to_dict() == {"NAT2024": 32, "GZ2025": 34, "GZSVC2023": 16, "HB2025": 28, "SX2022": 18}


def test_two_runs_give_byte_identical_tables(run_result, project):
    first, _ = run_result
    ipcompare.run(project.root, progress=False)
    names = sorted(p.name for p in first.processed.glob("*.csv"))
    assert names and names == sorted(p.name for p in project.processed.glob("*.csv"))
    _, mismatch, errors = filecmp.cmpfiles(first.processed, project.processed, names, shallow=False)
    assert not mismatch and not errors


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("break_it, message", [
    (lambda p: (p.raw / "hubei_2025_work_points.txt").unlink(), "does not exist"),
    (lambda p: (p.raw / "hubei_2025_work_points.txt").write_bytes(b"\xff\xfe\x00\x01" * 100), "binary"),
    (lambda p: (p.raw / "hubei_2025_work_points.txt").write_text("   \n"), "empty file"),
    (lambda p: (p.raw / "hubei_2025_work_points.txt").write_text("湖北省知识产权局关于印发2025年工作要点的通知\n今年要做好工作。"),
     "no numbered task found"),
])
def test_bad_input_is_one_line_and_keeps_outputs(project, break_it, message):
    ipcompare.run(project.root, progress=False)
    before = snapshot(project.processed)
    break_it(project)
    proc = subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(project.root), "run", "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "hubei_2025_work_points.txt" in lines[0] and message in lines[0]
    assert snapshot(project.processed) == before


def test_run_summary(project):
    proc = subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(project.root), "run", "--quiet", "--no-charts"],
                          capture_output=True, text=True, check=True)
    assert "5 documents, 128 tasks" in proc.stdout
    assert "HB2025" in proc.stdout and "28 tasks" in proc.stdout
