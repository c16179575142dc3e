"""Extract numbered tasks from a cleaned document by following its own outline.

Outline markers (一、 / (一) / 1. / 1、 / (1) / ① / 第一章) get levels in the order their styles first
appear. The *task level* is the style with the most substantive items (items carrying sentences or unit
annotations, not just a heading); shallower items are sections, deeper ones stay inside their task. Items under
总体要求-style sections or titled 指导思想/发展目标 are kept as ``preamble``; numbered lists that are
not the plan's (a digest before 全文如下, a table of contents, a site notice: :mod:`.noise`) as
``noise``, each with its reason in ``kind_reason``. Text after 附件 is parsed on its own, so a national task-list table (see :mod:`ipcompare.extraction.tasklist`) or an attached plan is found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..reading.markers import END, MARKERS, marker
from . import fields, noise, tasklist
from .records import task_record

PREAMBLE_TITLE = re.compile(
    r"^(?:指导思想|总体要求|总体思路|基本原则|发展目标|主要目标|工作目标|总体目标|目标任务|主要预期目标|预期目标|"
    r"适用范围|编制依据|工作原则)"
)
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*(?:[::].*)?$")


@dataclass
class Item:
    """One outline item: its marker, level and lines."""

    style: str
    number: str
    level: int
    lines: list[str] = field(default_factory=list)
    parents: list["Item"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.heading] + self.lines[1:])

    @property
    def heading(self) -> str:
        """The first line without its marker."""
        return dict(MARKERS)[self.style].sub("", self.lines[0], count=1)

    def substantive(self) -> bool:
        """Carries sentences, or names who does it (a task-division list: title and units only)."""
        return (len(self.text) >= 25 and bool(re.search(r"[。;]", self.text))) or bool(fields.annotations(self.text))


@dataclass
class Outline:
    """A parsed part of a document: the lines before the first marker, and the items."""

    intro: list[str]
    items: list[Item]
    task_level: int | None


def split_parts(text: str) -> list[str]:
    """Split a document into its body and attachments (at lines 附件 / 附件1: …)."""
    parts, cur = [], []
    for line in text.split("\n"):
        if _ATTACHMENT.match(line.strip()):
            parts.append(cur)
            cur = []
        cur.append(line)
    parts.append(cur)
    return ["\n".join(p) for p in parts]


def parse_outline(text: str) -> Outline:
    """Items of one part; pipe-table rows and signature/closing lines are left out."""
    levels: dict[str, int] = {}
    intro, items, stack = [], [], []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or "|" in line:
            continue
        if END.match(line) and items:
            stack = []  # a signature after the last item closes the outline
            continue
        if found := marker(line):
            style, number = found
            level = levels.setdefault(style, len(levels) + 1)
            while stack and stack[-1].level >= level:
                stack.pop()
            item = Item(style, number, level, [line], parents=list(stack))
            items.append(item)
            stack.append(item)
        elif stack:
            stack[-1].lines.append(line)
        elif not items:
            intro.append(line)
    counts: dict[int, int] = {}
    for it in items:
        counts[it.level] = counts.get(it.level, 0) + it.substantive()
    task_level = max(counts, key=lambda lv: (counts[lv], lv)) if counts and max(counts.values()) else None
    return Outline(intro, items, task_level)


def _full_text(item: Item, items: list[Item]) -> str:
    """The item's own lines plus those of its deeper sub-items."""
    i = items.index(item)
    lines = [item.text]
    for sub in items[i + 1:]:
        if sub.level <= item.level:
            break
        lines += sub.lines
    return "\n".join(lines)


def preamble_reason(item: Item) -> str:
    """Why an item is preamble (titled 指导思想 / under 总体要求), or "" for a work item."""
    if m := PREAMBLE_TITLE.match(item.heading):
        return f"titled {m.group()}"
    return next((f"under {m.group()}" for p in item.parents if (m := PREAMBLE_TITLE.match(p.heading))), "")


def _section_number(item: Item) -> str:
    return item.lines[0][: len(item.lines[0]) - len(item.heading)].strip().rstrip("、.").strip()


def outline_tasks(doc_id: str, outline: Outline) -> list[dict]:
    """Task-level items of one outline as task records (ids assigned later)."""
    rows = []
    for item in outline.items:
        if item.level != outline.task_level:
            continue
        sections = [p for p in item.parents if p.level < item.level]
        reason = preamble_reason(item)
        rows.append(task_record(
            doc_id, item.number, _full_text(item, outline.items),
            kind="preamble" if reason else "task", kind_reason=reason,
            section_path=[_section_number(p) for p in sections],
            section_titles=[p.heading.split("。")[0] for p in sections],
            title=None,
        ) | {"_sections": [p.number for p in sections]})
    return rows


def assign_ids(doc_id: str, rows: list[dict]) -> list[dict]:
    """``<doc_id>-<number>``; where numbers repeat (numbering restarts per section) the section
    numbers are prefixed (``HB2025-二.1``), and a remaining clash gets a ``#k`` suffix. Noise items
    are ``<doc_id>-noise<k>``, apart from the plan's numbering."""
    numbers = [r["number"] for r in rows if r["kind"] != "noise"]
    restart = len(set(numbers)) < len(numbers)
    seen: dict[str, int] = {}
    n_noise = 0
    for seq, row in enumerate(rows, start=1):
        n_noise += row["kind"] == "noise"
        key = ".".join(row.pop("_sections", []) + [row["number"]]) if restart else row["number"]
        key = f"noise{n_noise}" if row["kind"] == "noise" else key
        seen[key] = seen.get(key, 0) + 1
        row["task_id"] = f"{doc_id}-{key}" + (f"#{seen[key]}" if seen[key] > 1 else "")
        row["seq"] = seq
        row["doc_id"] = doc_id
    return rows


@dataclass
class Extraction:
    """What a document yields: task records, each task's targets (by task_id), document-level
    targets, notes on the structure."""

    tasks: list[dict]
    task_targets: dict[str, list[fields.Target]]
    doc_targets: list[fields.Target]
    notes: list[str]


def extract(doc_id: str, text: str) -> Extraction:
    """Tasks of a cleaned document, in document order, from its outline(s) and task-list table(s)."""
    text, blocks = noise.split(text)
    rows = [task_record(doc_id, number, item, kind="noise", section_path=[], section_titles=[],
                        kind_reason=block.reason) for block in blocks for number, item in noise.items(block)]
    notes = [f"{len(noise.items(b))} numbered items are not tasks: {b.reason}" for b in blocks if noise.items(b)]
    doc_targets: list[fields.Target] = []
    for part in split_parts(text):
        part, column_table = tasklist.cell_lines(part)
        outline = parse_outline(part)
        part_rows = outline_tasks(doc_id, outline)
        table_rows = tasklist.parse(part) + tasklist.numbered(column_table)
        if column_table:
            notes.append(f"{len(column_table) - 1} rows of a table printed one cell per line "
                         f"({' | '.join(column_table[0])})")
        if part_rows:
            doc_targets += fields.targets("\n".join(outline.intro))
            doc_targets += [t for r in part_rows if r["kind"] == "preamble" for t in r["_targets"]]
        rows += part_rows + table_rows
        if outline.items and not part_rows:
            notes.append(f"{len(outline.items)} numbered headings but no item with sentences")
    if not any(r["kind"] != "noise" for r in rows):
        rows = []
        styles = sorted({s for p in split_parts(text) for s, _ in filter(None, map(marker, p.split("\n")))})
        notes.append("no numbered task found" + (f" (markers seen: {', '.join(styles)})" if styles else ""))
    rows = assign_ids(doc_id, rows)
    return Extraction(rows, {r["task_id"]: r.pop("_targets") for r in rows}, doc_targets, notes)
