"""Task tables: the national guideline's task list (重点任务 | 工作举措 | 任务分工) and the numbered
tables of provincial plans (序号 | 工作重点 | 工作内容 | 具体任务 | 成果形式 | 责任部门 ...).

PDF extraction prints each row as cells separated by ``|``, a row ending with a line that ends in
``|``. A page break splits a row: the continuation comes as a row without a task number (its name
cell empty). Each continuation cell is joined to the task above, in the column its labels belong to
(工作举措: 国家知识产权局/各地区/有关省份/有关地市/有关地方; 任务分工: 局内/省份/地市/涉及地方).

Some PDF exports print a table one cell per line (序号 / 工作重点 / … / 1 / 加强保护 / …):
:func:`cell_lines` finds such a table by its header and its running numbers and rebuilds its rows.
A row with fewer lines than columns lacks its leftmost (merged) cells, which it shares with the row
above; in a row with more lines than columns the extra lines are the wrapped content cell (具体任务,
the long one): the cells before and after it keep their places.
"""
from __future__ import annotations

import re

from ..reading.markers import END, marker
from ..tables import join_list
from . import fields
from .records import task_record

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
    """Task records (see :func:`ipcompare.extraction.records.task_record`) of the task table in ``text``: the
    rows from the first task-list or numbered-table header on."""
    table = rows(text)
    start = next((i for i, r in enumerate(table) if _is_tasklist(r) or _is_numbered(r) or _is_unnumbered(r)), None)
    if start is None:
        return []
    table = table[start:]
    if _is_unnumbered(table[0]):
        return numbered(number_rows(table))
    if _is_numbered(table[0]):
        return numbered(table)
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


# Column roles of numbered tables, by header cell. Other columns count as task content (body).
_ROLES = {
    "number": "序号|编号",
    "section": "工作重点|重点任务|重点领域|任务类别|类别|领域|板块",
    "title": "工作内容|工作任务|主要任务|任务名称|重点工作|工作事项|事项",
    "body": "具体任务|具体内容|任务内容|工作措施|工作举措|具体措施|主要内容|主要措施",
    "output": "成果形式|预期成果|工作目标|预期目标|完成标志",
    "deadline": "完成时限|完成时间|时间节点|时限|时间安排|进度安排|完成期限",
    "lead": "牵头单位|牵头部门|牵头处室",
    "units": "责任部门|责任单位|责任处室|配合单位|配合部门|参与单位|责任主体",
    "note": "备注",
}
_ROLE_OF = {word: role for role, words in _ROLES.items() for word in words.split("|")}
_NUMBER = re.compile(r"^(\d{1,3})[.、]?$")  # a 序号 cell: 1, 1. or 1、


def _is_numbered(header: list[str]) -> bool:
    return len(header) >= 3 and _ROLE_OF.get(re.sub(r"\s", "", header[0])) == "number"


def _is_unnumbered(header: list[str]) -> bool:
    """A task table without a 序号 column: every header cell a known column, tasks and units among them."""
    roles = [_ROLE_OF.get(re.sub(r"\s", "", h)) for h in header]
    return (len(header) >= 3 and None not in roles and "number" not in roles
            and bool({"title", "body"} & set(roles)) and bool({"lead", "units"} & set(roles)))


def number_rows(table: list[list[str]]) -> list[list[str]]:
    """A table without a 序号 column with one added: its rows with a task cell (工作任务, else
    具体措施) are numbered in order; section rows (one cell) and continuations (no task cell) are not."""
    header = table[0]
    roles = [_ROLE_OF[re.sub(r"\s", "", h)] for h in header]
    at = roles.index("title") if "title" in roles else roles.index("body")
    out, n = [["序号", *header]], 0
    for cells in table[1:]:
        if cells == header or (cells and cells[0] and not any(cells[1:])):
            out.append(cells)
        elif len(cells) > at and cells[at]:
            n += 1
            out.append([str(n), *cells])
        else:
            out.append(["", *cells])
    return out


def _fit(cells: list[str], roles: list[str]) -> list[str]:
    """A row with more cells than columns: the extra cells are taken as wrapped lines of the content
    cell (具体任务, else 工作内容); the cells before and after it keep their places."""
    extra = len(cells) - len(roles)
    if extra <= 0:
        return cells
    at = next((roles.index(r) for r in ("body", "title") if r in roles), len(roles) - 1)
    return cells[:at] + ["".join(cells[at:at + extra + 1])] + cells[at + extra + 1:]


def numbered(table: list[list[str]]) -> list[dict]:
    """Task records of a numbered table (header row first): one per row with a number. A row without
    a number continues the row above (page break), or names a section when it has one cell only."""
    if not table:
        return []
    header = table[0]
    roles = [_ROLE_OF.get(re.sub(r"\s", "", h), "body") for h in header]
    found: list[list[str]] = []
    sections: list[str] = []
    section = ""
    for cells in table[1:]:
        first = cells[0] if cells else ""
        if cells == header:
            continue  # header repeated on a new page
        if m := _NUMBER.match(first):
            found.append(_fit([m.group(1)] + cells[1:], roles))
            # a merged section cell is printed once: later rows share it
            section = "".join(c for r, c in zip(roles, found[-1]) if r == "section") or section
            sections.append(section)
        elif first and not any(cells[1:]):
            section = first
        elif found and not first:
            prev = found[-1]
            for i, cell in enumerate(cells[1:], start=1):
                if i < len(prev):
                    prev[i] += cell
                else:
                    prev.append(cell)
    records = []
    for cells, heading in zip(found, sections):
        cells = _fit(cells, roles)  # again: a continuation may have added cells
        by_role: dict[str, list[str]] = {}
        for role, cell in zip(roles, cells):
            if cell:
                by_role.setdefault(role, []).append(cell)
        content = "\n".join(by_role.get("title", []) + by_role.get("body", []) + by_role.get("output", []))
        rec = task_record("", cells[0], content, kind="task", section_path=[],
                          section_titles=[heading] if heading else [],
                          title="".join(by_role.get("title", [])) or None)
        rec["text"] = "\n".join(c for r, c in zip(roles, cells) if c and r not in ("number", "section"))
        units = [fields.unit_cell(c) for c in by_role.get("units", [])]
        lead_cells = (u for c in by_role.get("lead", []) for u in fields.unit_names(c))
        rec["lead_units"] = join_list([rec["lead_units"], *lead_cells, *(u for a in units for u in a.lead)])
        rec["responsible_units"] = join_list([rec["responsible_units"], *(u for a in units for u in a.responsible)])
        rec["deadlines"] = join_list([rec["deadlines"], *by_role.get("deadline", [])])
        records.append(rec)
    return records


def _last_row(row: list[tuple[int, str]], width: int) -> list[tuple[int, str]]:
    """The table's last row ends after a full row of cells, or before what is not a cell: an outline
    heading, a closing line (date, 抄送, 此件) or the issuer line above a date."""
    cells = [c for _, c in row]
    for i, cell in enumerate(cells[1:width], start=1):
        if marker(cell) or END.match(cell) or (i + 1 < len(cells) and END.match(cells[i + 1])):
            return row[:i]
    return row[:width]


def cell_lines(text: str) -> tuple[str, list[list[str]]]:
    """A numbered table printed one cell per line: ``(text without the table, rows)`` with rows as
    :func:`numbered` takes them (header first); ``(text, [])`` when there is none."""
    lines = text.split("\n")
    words = [re.sub(r"\s", "", line) for line in lines]
    for start, word in enumerate(words):
        if _ROLE_OF.get(word) != "number":
            continue
        end = start + 1
        while end < len(words) and _ROLE_OF.get(words[end], "number") != "number":
            end += 1
        header, width = words[start:end], end - start
        if width < 3 or end >= len(words) or not _NUMBER.match(words[end]):
            continue
        rows: list[list[tuple[int, str]]] = []
        i, expected = end, int(_NUMBER.match(words[end]).group(1))
        while i < len(lines):
            if words[i:i + width] == header:
                i += width  # header repeated on a new page
                continue
            if (m := _NUMBER.match(words[i])) and int(m.group(1)) == expected:
                rows.append([])
                expected += 1
            if words[i]:
                rows[-1].append((i, lines[i].strip()))
            i += 1
        rows[-1] = _last_row(rows[-1], width)
        table = [header] + [[c for _, c in row] for row in rows]
        table[1:] = [row[:1] + [""] * (width - len(row)) + row[1:] for row in table[1:]]  # merged cells: leftmost
        return "\n".join(lines[:start] + lines[rows[-1][-1][0] + 1:]), table
    return text, []
