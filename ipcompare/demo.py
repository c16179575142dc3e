"""Demonstration successors: a bundled plan's text with known edits, as if next year's plan (notebook 05, tests).

A plan's numbered items (``12.标题。内容`` at the start of a line, up to the next item or heading)
are dropped, reworded with synonyms, merged, renumbered; new items are added; figures replaced and
the years moved on (:func:`successor`). :data:`EXAMPLE` makes a 2026 Hubei plan of the bundled 2025
one. Never used by the pipeline: a made-up successor is labelled as one wherever it is shown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Synonyms a drafter uses for the same work (first -> second); applied at once, never chained.
SYNONYMS = {
    "加强": "强化", "推进": "推动", "提升": "提高", "完善": "健全", "开展": "实施", "支持": "鼓励",
    "促进": "带动", "积极": "大力", "加快": "加速", "持续": "不断", "建立": "构建", "探索": "尝试",
    "指导": "引导", "组织": "举办", "深化": "深入推进",
}
_SYNONYM = re.compile("|".join(SYNONYMS))
_ITEM = re.compile(r"^(\d{1,3})[.．、]\s*")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|附件)")


def reword(text: str) -> str:
    """``text`` with each word of :data:`SYNONYMS` replaced by its synonym."""
    return _SYNONYM.sub(lambda m: SYNONYMS[m.group()], text)


@dataclass
class Edits:
    """What the successor changes; items are named by their number as printed."""

    year: tuple[int, int] | None = None  # (old, new): every "<old>年", "(<old>)", 〔<old>〕 and date moves on
    drop: list[str] = field(default_factory=list)
    reword: list[str] = field(default_factory=list)  # "*": every item
    merge: list[tuple[str, str]] = field(default_factory=list)  # the second item's text joins the first
    add: list[str] = field(default_factory=list)  # new items (title。content), after the last item
    replace: dict[str, str] = field(default_factory=dict)  # text -> text (targets raised ...)


def _blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """The lines grouped: (item number, its lines) for items, (None, [line]) for everything else."""
    out: list[tuple[str | None, list[str]]] = []
    for line in lines:
        if m := _ITEM.match(line):
            out.append((m.group(1), [line]))
        elif out and out[-1][0] is not None and line.strip() and not _HEADING.match(line):
            out[-1][1].append(line)
        else:
            out.append((None, [line]))
    return out


def successor(text: str, edits: Edits) -> str:
    """``text`` with ``edits`` applied, the items renumbered from 1 in their new order."""
    if edits.year:
        old, new = edits.year
        text = re.sub(rf"{old}(?=年|\)|）|〕|-\d\d-)", str(new), text)
    for a, b in edits.replace.items():
        if a not in text:
            raise ValueError(f"{a!r} is not in the text")
        text = text.replace(a, b)
    blocks = _blocks(text.split("\n"))
    items = {n: lines for n, lines in blocks if n is not None}
    for n in [*edits.drop, *edits.reword, *(x for pair in edits.merge for x in pair)]:
        if n != "*" and n not in items:
            raise ValueError(f"no item {n}")
    merged = {b: a for a, b in edits.merge}
    for a, b in edits.merge:
        items[a] = items[a][:-1] + [items[a][-1] + _ITEM.sub("", "".join(items[b]))]
    last = max((k for k, (n, _) in enumerate(blocks) if n is not None), default=len(blocks) - 1)
    out, number = [], 0
    for k, (n, lines) in enumerate(blocks):
        if n is None:
            out += lines
        elif n not in edits.drop and n not in merged:
            number += 1
            body = "\n".join(items[n])
            body = reword(body) if "*" in edits.reword or n in edits.reword else body
            out.append(_ITEM.sub(f"{number}.", body))
        if k == last:
            for extra in edits.add:
                number += 1
                out.append(f"{number}.{extra}")
    return "\n".join(out)


# The made-up Hubei 2026 plan of notebook 05 and the tests (from hubei_2025_work_points.txt): items 4 and
# 17 dropped, 8 and 14 reworded, 20 merged into 19, two items added (topics no 2025 item is about),
# two targets raised; every item after 4 renumbered.
EXAMPLE = Edits(
    year=(2025, 2026), drop=["4", "17"], reword=["8", "14"], merge=[("19", "20")],
    add=["推进知识产权领域人工智能应用。建设知识产权人工智能大模型训练数据集,开展专利智能检索和审查辅助工具试点,"
         "制定人工智能生成内容知识产权保护指引。",
         "实施知识产权统计监测制度。建立全省知识产权统计指标体系,按季度发布知识产权统计数据,编制年度知识产权发展状况报告。"],
    replace={"新建10家高价值专利培育中心": "新建15家高价值专利培育中心", "知识产权质押融资超320亿元": "知识产权质押融资超350亿元"},
)
