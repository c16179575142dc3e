"""The national guideline's task-list table: 重点任务 | 工作举措 | 任务分工.

PDF extraction prints each row as cells separated by ``|``, a row ending with a line that ends in
``|``. A page break splits a row: the continuation comes as a row without a task number (its name
cell empty). Each continuation cell is joined to the task above, in the column its labels belong to
(工作举措: 国家知识产权局/各地区/有关省份/有关地市/有关地方; 任务分工: 局内/省份/地市/涉及地方).
"""
from __future__ import annotations

import re

from .tables import join_list

_TASK = re.compile(r"^(\d{1,3})\s*[.、]\s*(.+)$")
_SECTION = re.compile(r"^([一二三四五六七八九十]+)\s*、\s*(.+)$")
_MEASURE_LABELS = r"国家知识产权局|各地区|有关省份|有关地市|有关地方|各地方"
_REGIONAL = re.compile(r"(各地区|有关省份|有关地市|有关地方|各地方)[::]")
_DUTY = re.compile(r"(局内|省份|地市|涉及地方)[::]")
_DUTY_START = re.compile(r"^(?:局内|省份|地市|涉及地方)[::]")


def rows(text: str) -> list[list[str]]:
    """Logical table rows from the first line with a ``|`` on: lines are joined until one ends with
    ``|``; cells are stripped."""
    out, cur = [], []
    started = False
    for line in text.split("\n"):
        line = line.strip()
        started = started or "|" in line
        if not line or not started:
            continue
        cur.append(line)
        if line.endswith("|"):
            cells = [c.strip() for c in "".join(cur).split("|")]
            while cells and not cells[-1]:
                cells.pop()
            out.append(cells)
            cur = []
    return out


def _labelled(text: str, pattern: re.Pattern) -> list[tuple[str, str]]:
    """``[(label, text)]`` for each ``label:`` of ``pattern`` in ``text``."""
    marks = list(pattern.finditer(text))
    return [(m.group(1), text[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip())
            for i, m in enumerate(marks)]


def _is_tasklist(header: list[str]) -> bool:
    joined = "".join(header)
    return "任务" in joined and ("分工" in joined or "举措" in joined)


def parse(text: str) -> list[dict]:
    """Task records (see :func:`ipcompare.extract.task_record`) of the task-list table in ``text``."""
    from .extract import task_record  # one record builder for outline and table tasks

    table = rows(text)
    if not table or not _is_tasklist(table[0]):
        return []
    tasks: list[dict] = []
    section = ("", "")
    for cells in table[1:]:
        first = cells[0] if cells else ""
        if m := _TASK.match(first):
            tasks.append({"number": m.group(1), "name": m.group(2), "measures": "", "duty": "", "section": section})
            cells = cells[1:]
        elif (m := _SECTION.match(first)) and not any(cells[1:]):
            section = (m.group(1), m.group(2))
            continue
        if not tasks:
            continue
        for cell in filter(None, cells):
            key = "duty" if _DUTY_START.match(cell) else "measures"
            tasks[-1][key] += cell
    records = []
    for t in tasks:
        measures = t["measures"]
        first_regional = _REGIONAL.search(measures)
        national = measures[: first_regional.start()] if first_regional else measures
        duties = _labelled(t["duty"], _DUTY)
        rec = task_record(
            "", t["number"], measures, kind="task",
            section_path=[t["section"][0]] if t["section"][0] else [],
            section_titles=[t["section"][1]] if t["section"][1] else [],
            title=t["name"],
            national_measures=re.sub(r"^国家知识产权局[::]", "", national).strip(),
            regional_measures=measures[first_regional.start():].strip() if first_regional else "",
            duty_province=join_list(v for k, v in duties if k == "省份") or "none",
            duty_local=join_list(f"{k}:{v}" for k, v in duties if k in ("地市", "涉及地方")),
        )
        rec["responsible_units"] = join_list(u for k, v in duties if k == "局内" for u in re.split(r"[、,]", v))
        records.append(rec)
    return records
