"""The processed tables as one Excel workbook (``ipcompare export --xlsx FILE``, ``reports/tables.xlsx``).

One sheet per table, ``documents`` first, then the coverage matrix (national task x document, each
cell its verdict, coloured as in the coverage chart), then the other tables in the order of
:data:`ipcompare.tables.SCHEMAS`. Every sheet has its header row frozen, a filter on its columns and
widths from its content (a CJK character counts two). Cells over Excel's limit of 32,767 characters
(a document's text) are cut, with a note saying where the whole text is. The same tables give the
same bytes: fixed workbook dates and zip member times.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import tables
from .charts._coverage import VERDICT_COLORS, coverage_grid
from .frames import Tables

NAME = "tables.xlsx"
MAX_CELL = 32_767  # Excel's limit on a cell's characters
MAX_WIDTH = 60  # column width cap, in Excel's character units
FIXED_TIME = dt.datetime(2020, 1, 1)  # the workbook's created/modified dates: the bytes depend on the tables only
_CUT = "… (cut at Excel's cell limit; the whole text is in {table}.csv)"


def _width(values) -> float:
    """A column's width: its longest cell's first line, CJK characters counting two, capped."""
    longest = 0
    for value in values:
        line = str(value).split("\n", 1)[0][:MAX_WIDTH * 2]
        longest = max(longest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
    return min(MAX_WIDTH, longest + 2)


def _cell(value, table: str):
    """A value as openpyxl stores it: NaN as empty, characters Excel refuses dropped, long text cut."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > MAX_CELL:
            note = _CUT.format(table=table)
            value = value[:MAX_CELL - len(note)] + note
    return value


def _sheet(wb, title: str, df: pd.DataFrame, table: str):
    """A sheet holding ``df`` with its header frozen, filters and widths."""
    ws = wb.create_sheet(title[:31])
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        ws.append([_cell(v, table) for v in row])
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = ws.dimensions
    for i, column in enumerate(df.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width([column, *df[column].head(2000)])
    return ws


def _coverage_sheet(wb, t: Tables) -> None:
    """The coverage matrix: national task (section rows in bold) x document, verdicts coloured."""
    grid, _ = coverage_grid(t, "zh", by="document")
    frame = grid.reset_index().rename(columns={"index": "国家任务"})
    frame.columns = [str(c).replace("\n", " ") for c in frame.columns]
    ws = _sheet(wb, "coverage_matrix", frame, "coverage")
    fills = {v: PatternFill("solid", fgColor=c.lstrip("#").upper()) for v, c in VERDICT_COLORS.items()}
    for row in ws.iter_rows(min_row=2):
        if not any(c.value for c in row[1:]):  # a section's header row
            row[0].font = Font(bold=True)
        for cell in row[1:]:
            if cell.value in fills:
                cell.fill = fills[cell.value]
                cell.font = Font(color="FFFFFF" if cell.value == "covered" else "000000")


def workbook_bytes(t: Tables) -> bytes:
    """The workbook of tables ``t`` (name -> DataFrame), as bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "ipcompare"
    wb.properties.created = FIXED_TIME
    names = [n for n in tables.SCHEMAS if n in t and n != "documents"]
    for name in ["documents", *names, *sorted(set(t) - set(names) - {"documents"})]:
        _sheet(wb, name, t[name], name)
        if name == "documents" and "coverage" in t and len(t["coverage"]):
            _coverage_sheet(wb, t)
    out = io.BytesIO()
    wb.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The zip ``data`` with every member and the "modified" property dated :data:`FIXED_TIME`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.isoformat().encode() + b"Z", data)
            dst.writestr(member, data)
    return out.getvalue()


def write(t: Tables, path: Path | str) -> Path:
    """Write the workbook of tables ``t`` to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(t))
    return path
