"""Outline markers of Chinese official documents (一、 / (一) / 1. / (1) / ① / 第一章) and closing lines.

Markers are recognised in every printed form (一、 一. 一 / (一) （一） / 1. 1． 1、). A plan printed
without line breaks has its markers inline: :func:`split_inline` breaks a line before each marker
that continues the numbering seen so far, so a number inside a sentence stays where it is.
"""
from __future__ import annotations

import re

_CN_NUM = "一二三四五六七八九十百零〇"
MARKERS: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(rf"^第([{_CN_NUM}]+)[章部分节]\s*")),
    ("cn", re.compile(rf"^([{_CN_NUM}]+)\s*[、.](?!\d)\s*")),
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


_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
# 二 加强…: a Chinese numeral and a space before a heading (a republished copy's 一、); a
# continuation of the numbering only, as a line start or inline (see split_inline).
_CN_SPACE = re.compile(rf"^([{_CN_NUM}]+)[ \t]+(?=[\u4e00-\u9fff])")
_STRAY = re.compile(r"[\u4e00-\u9fff]{1,2}[ \t][\u4e00-\u9fff]")
_INLINE = re.compile(r"[ \t]+(?=\S)")
# Lines of their own that an inline copy runs on: 附件 / 附件2: and 抄送:.
_OWN_LINE = re.compile(r"附件\s*\d*\s*(?:[::]|$)|抄送[::]")


def value(style: str, number: str) -> int | None:
    """The marker's number as an integer: 十二 → 12, ③ → 3, 7 → 7 (None if not a plain numeral)."""
    if style in ("num", "num_paren"):
        return int(number)
    if style == "circled":
        return ord(number) - 0x245F
    tens, _, ones = number.partition("十")
    if "十" not in number:
        return _CN_DIGIT.get(number) if len(number) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or not all(c in _CN_DIGIT for c in tens + ones):
        return None
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _continues(style: str, number: str, last: dict[str, int]) -> bool:
    """True for the first number of a style (a new level starts) or the next one in sequence."""
    n = value(style, number)
    return n is not None and (n == 1 or n == last.get(style, 0) + 1)


def _marker_at(text: str) -> tuple[str, str, bool] | None:
    """(style, number, printed with a space only) of a marker at the start of ``text``; 一 流 的
    (a PDF's spaces between characters) is no marker."""
    if found := marker(text):
        return (*found, False)
    if (m := _CN_SPACE.match(text)) and not _STRAY.match(text, m.end()):
        return "cn", m.group(1), True
    return None


def split_inline(line: str, last: dict[str, int]) -> list[str]:
    """``line`` broken before each inline marker (after a space) that continues the numbering;
    ``last`` (style → last number seen, updated) carries the numbering from line to line. A marker
    printed as a numeral and a space (二 加强…) gets its 、."""
    starts, spaced = [], set()
    for at in [0, *(m.end() for m in _INLINE.finditer(line))]:
        if at and _OWN_LINE.match(line, at):
            starts.append(at)
            continue
        found = _marker_at(line[at:])
        if not found or ((at or found[2]) and not _continues(found[0], found[1], last)):
            continue
        last[found[0]] = value(found[0], found[1]) or last.get(found[0], 0)
        starts.append(at)
        if found[2]:
            spaced.add(at)
    starts = [0] + [a for a in starts if a]
    pieces = [(a, line[a:b].strip()) for a, b in zip(starts, starts[1:] + [len(line)])]
    return [_CN_SPACE.sub(r"\1、", p, count=1) if a in spaced else p for a, p in pieces if p]
