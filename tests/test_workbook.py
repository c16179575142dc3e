"""The Excel workbook: ``reports/tables.xlsx`` from a run and ``ipcompare export --xlsx``: every processed
table a sheet (documents first, then the coverage matrix coloured by verdict), header frozen, filters,
widths; the same tables give the same bytes."""
from __future__ import annotations

import time

import openpyxl
import pandas as pd

from ipcompare import cli
from ipcompare.tables import read_table
from ipcompare.views import workbook
from ipcompare.views.charts._coverage import VERDICT_COLORS


def test_the_run_writes_every_table_as_a_sheet(reported):
    project, _ = reported
    path = project.reports / workbook.NAME
    wb = openpyxl.load_workbook(path)
    names = sorted(p.stem for p in project.processed.glob("*.csv"))
    assert wb.sheetnames[:2] == ["documents", "coverage_matrix"] and sorted(wb.sheetnames[2:] + ["documents"]) == names
    for name in names:
        ws, table = wb[name], read_table(name, project.processed)
        assert ws.max_row == len(table) + 1 and [c.value for c in ws[1]] == list(table.columns), name
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions, name
        assert all(2 < ws.column_dimensions[c.column_letter].width <= workbook.MAX_WIDTH for c in ws[1]), name
    tasks = read_table("tasks", project.processed)
    assert [c.value for c in wb["tasks"]["A"][1:]] == list(tasks.iloc[:, 0])
    long = max(read_table("texts", project.processed).iloc[:, -1].map(len))
    assert long < workbook.MAX_CELL  # the seeds' texts fit a cell whole


def test_the_coverage_matrix_is_coloured_by_verdict(reported):
    project, _ = reported
    ws = openpyxl.load_workbook(project.reports / workbook.NAME)["coverage_matrix"]
    coverage = read_table("coverage", project.processed)
    cells = [c for row in ws.iter_rows(min_row=2, min_col=2) for c in row if c.value]
    assert len(cells) == len(coverage) and ws.max_column == 1 + coverage.doc_id.nunique()
    assert {c.value for c in cells} <= set(VERDICT_COLORS)
    for c in cells:
        assert c.fill.fgColor.rgb == "00" + VERDICT_COLORS[c.value].lstrip("#").upper()
    sections = [row[0] for row in ws.iter_rows(min_row=2) if not any(c.value for c in row[1:])]
    assert sections and all(c.font.bold and c.value.startswith("【") for c in sections)


def test_export_gives_the_same_bytes_twice(reported, tmp_path):
    project, _ = reported
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert cli.main(["--root", str(project.root), "export", "--xlsx", str(first)]) == 0
    time.sleep(2.1)  # a zip's times have a resolution of two seconds
    assert cli.main(["--root", str(project.root), "export", "--xlsx", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert openpyxl.load_workbook(first).properties.modified.year == workbook.FIXED_TIME.year


def test_a_cell_over_excels_limit_is_cut_with_a_note(tmp_path):
    t = {"documents": pd.DataFrame({"doc_id": ["A"]}), "texts": pd.DataFrame({"doc_id": ["A"], "text": ["字" * 40_000]})}
    ws = openpyxl.load_workbook(workbook.write(t, tmp_path / "t.xlsx"))["texts"]
    assert len(ws["B2"].value) == workbook.MAX_CELL and ws["B2"].value.endswith("the whole text is in texts.csv)")
