"""Outline markers of Chinese official documents (一、 / (一) / 1. / (1) / ① / 第一章) and closing lines."""
from __future__ import annotations

import re

_CN_NUM = "一二三四五六七八九十百零〇"
MARKERS: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(rf"^第([{_CN_NUM}]+)[章部分节]\s*")),
    ("cn", re.compile(rf"^([{_CN_NUM}]+)\s*、\s*")),
    ("cn_paren", re.compile(rf"^\(([{_CN_NUM}]+)\)\s*")),
    ("num", re.compile(r"^(\d{1,3})\s*[.、](?!\d)\s*")),
    ("num_paren", re.compile(r"^\((\d{1,3})\)\s*")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*")),
]
# A closing line (抄送, (此件…), the date under the signature) ends an outline.
END = re.compile(r"^(?:抄送[::].*|\(此件.*\)|\d{4}年\d{1,2}月\d{1,2}日)$")


def marker(line: str) -> tuple[str, str] | None:
    """(style, number) of an outline marker at the start of ``line``."""
    for style, pattern in MARKERS:
        if m := pattern.match(line):
            return style, m.group(1)
    return None
