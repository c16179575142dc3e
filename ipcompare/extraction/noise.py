"""Numbered lists that are not the plan's tasks: a news digest before 全文如下, a table of contents, a
document-sharing site's notice. They are cut out of the text before its outline is read, so they
neither become tasks nor shift the outline's levels, and are kept as items of kind ``noise`` with
their reason (the words that gave them away).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..reading.clean import notice_terms
from ..reading.markers import MARKERS, marker

# A republished plan's banner between the digest and the plan itself.
_BANNER = re.compile(r"^.{0,20}(?:全文如下|以下(?:为|是)全文|原文如下|附全文|全文见下|全文附后)[::。]?$")
_TOC_HEAD = re.compile(r"^目\s*录$")
_LEADER = re.compile(r"(?:…{2,}|\.{3,}|·{3,}|•{3,}|-{3,})\s*\d{1,3}$")
_TOC_ENTRY = re.compile(r"^.{2,60}?(?:…+|\.{2,}|·{2,}|•{2,}|-{2,}|\s)\s*\d{1,3}$")


@dataclass
class Block:
    """Lines of a non-plan block and why it is one."""

    reason: str
    lines: list[str]


def _digest(lines: list[str]) -> tuple[int, int, str] | None:
    """(start, end, reason) of the lines before a 全文如下 banner, if they hold numbered items."""
    for i, line in enumerate(lines[: len(lines) // 2 + 1]):
        if _BANNER.match(line) and any(marker(ln) for ln in lines[:i]):
            return 0, i + 1, f"digest before {line.strip()!r}"
    return None


def _toc(lines: list[str]) -> tuple[int, int, str] | None:
    """(start, end, reason) of a table of contents: 目录 and the entries after it ending in a page
    number, or three entries or more with dotted leaders."""
    for i, line in enumerate(lines):
        headed = bool(_TOC_HEAD.match(line))
        j = i + headed
        while j < len(lines) and (not lines[j] or (_TOC_ENTRY if headed else _LEADER).search(lines[j])):
            j += 1
        entries = sum(bool(ln) for ln in lines[i + headed:j])
        if (headed and entries) or entries >= 3:
            return i, j, "table of contents" + (f" ({line})" if headed else "")
    return None


def split(text: str) -> tuple[str, list[Block]]:
    """``text`` with its non-plan blocks blanked out (lines keep their places), and the blocks."""
    lines = text.split("\n")
    blocks: list[Block] = []
    for find in (_digest, _toc):
        if found := find(lines):
            start, end, reason = found
            blocks.append(Block(reason, lines[start:end]))
            lines[start:end] = [""] * (end - start)
    notices = [i for i, line in enumerate(lines) if marker(line) and len(notice_terms(line)) >= 2]
    if notices:
        terms = dict.fromkeys(t for i in notices for t in notice_terms(lines[i]))
        blocks.append(Block(f"site notice ({', '.join(terms)})", [lines[i] for i in notices]))
        for i in notices:
            lines[i] = ""
    return "\n".join(lines), blocks


def items(block: Block) -> list[tuple[str, str]]:
    """(number, text without its marker) of each numbered item of a block; lines after an item's
    own belong to it."""
    found: list[tuple[str, list[str]]] = []
    for line in block.lines:
        if m := marker(line):
            found.append((m[1], [dict(MARKERS)[m[0]].sub("", line, count=1)]))
        elif line and found:
            found[-1][1].append(line)
    return [(number, "\n".join(lines)) for number, lines in found]
