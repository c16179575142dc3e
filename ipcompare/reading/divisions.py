"""China's cities: the prefecture-level divisions (地级市, 地区, 自治州, 盟), the county-level units
governed by a province directly (仙桃, 济源 ...) and the districts of the four municipalities, each
with its province, from ``ipcompare/data/divisions.csv`` (the 2024 map: 333 prefecture-level
divisions; written for this project and checked against the adcodes table of the MIT-licensed
``cpca`` package, whose 2021 data it updates: 莱芜 merged into 济南, 那曲 a city).

``pinyin`` is each division's English name, generated once offline with pypinyin 0.55 (not a
dependency): ``lazy_pinyin`` of the short name (the name without 市/区/县 when it has none),
syllables joined, an apostrophe before a syllable starting with a, o or e (Lu'an, Xi'an), then the
type as a word (`` Prefecture`` for 自治州 and 地区, `` League``, `` District``, `` County``,
`` New Area``, `` Forestry District``; cities none). Checked by hand: polyphones read wrongly
were corrected (长治 Changzhi, 朝阳 Chaoyang, 漯河 Luohe, 昌都 Changdu, 长宁 Changning, 闵行 Minhang,
丰都 Fengdu, 吕梁 Lüliang, 锡林郭勒, 克孜勒苏, 阿勒泰 with le), and 14 names English knows in
another form are kept in it (Harbin, Hohhot, Urumqi, Lhasa, Shigatse, Kashgar, Ordos, Hulunbuir,
Bayannur, Ulanqab, Xilingol, Alxa, Karamay, Turpan).

A city is named in full (武汉市, 黔东南苗族侗族自治州) or by its short name before a suffix
(黔东南州), at the start of a name or after its province (武汉知识产权局, 湖北省武汉).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SUFFIX = "市州盟区县"


@dataclass(frozen=True)
class Division:
    """One city: full name, short name (may be empty), province short name, type (地级市 ...), English name."""

    name: str
    short: str
    province: str
    type: str
    pinyin: str


@cache
def table() -> tuple[Division, ...]:
    """Every division of the shipped table, in its order (by province)."""
    text = (resources.files("ipcompare") / "data" / "divisions.csv").read_text("utf-8")
    return tuple(Division(**row) for row in csv.DictReader(text.splitlines()))


@cache
def _pattern() -> re.Pattern:
    """Any division's name, longest first; short names only before a suffix or at the start."""
    names = sorted({d.name for d in table()}, key=len, reverse=True)
    shorts = sorted({d.short for d in table() if d.short}, key=len, reverse=True)
    short = "|".join(map(re.escape, shorts))
    return re.compile("|".join(map(re.escape, names)) + rf"|(?:^|(?<=省))(?:{short})(?!省|自治区)|(?:{short})(?=[{_SUFFIX}])")


def lookup(name: str) -> list[Division]:
    """The divisions called ``name`` (full name, short name, or short name + 州/市)."""
    name = name.strip()
    exact = [d for d in table() if d.name == name]
    return exact or [d for d in table() if d.short and name in (d.short, d.short + "州", d.short + "市")]


def find(text: str) -> tuple[int, Division] | None:
    """(position, division) of the first city named in ``text``."""
    if m := _pattern().search(text or ""):
        return m.start(), lookup(m.group())[0]
    return None


def english(name: str, province: str = "") -> str:
    """The English name (pinyin) of the division called ``name`` (in ``province``); ``name`` when none is."""
    found = [d for d in lookup(name) if not province or d.province == province]
    return found[0].pinyin if found else name
