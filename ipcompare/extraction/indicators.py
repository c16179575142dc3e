"""Quantitative targets read as indicators (data/indicators.md): value in the base unit, bound, year.

A target names its indicator in what it counts (``counts``), else in its own text, else in its
sentence, else in its task's title: the indicator with the longest matching word wins, among those
whose units hold the target's unit (万件 → 件, 亿元 → 元). 23万件 becomes 230000 件, 320亿元
32000000000 元. ``A和B分别达到172家、460家`` gives A to 172 and B to 460. The year is the last one
printed before the target in its sentence (到2025年, 2026年底前), else the document's last year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from .fields import MORE, Target

_MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}


def scale(unit: str) -> tuple[float, str]:
    """Magnitude and the unit without it: ``亿元`` → (1e8, 元), ``个工作日`` → (1, 工作日), ``万人`` → (1e4, 人)."""
    m = re.match(r"(万亿|亿|万|千)?(.*)$", unit)
    rest = m.group(2) or m.group(1) or ""  # 万 alone is a unit, not a magnitude
    factor = _MAGNITUDES.get(m.group(1) or "", 1.0) if m.group(2) else 1.0
    return factor, re.sub(r"^个(?=工作日|月|百分点)", "", rest)


@dataclass(frozen=True)
class Indicator:
    """One row of data/indicators.md."""

    id: str
    zh: str
    en: str
    base_unit: str
    units: tuple[str, ...]
    words: tuple[str, ...]


@cache
def indicators() -> tuple[Indicator, ...]:
    """The indicators of data/indicators.md, in file order."""
    text = (resources.files("ipcompare") / "data" / "indicators.md").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and re.fullmatch(r"[a-z][a-z0-9_]*", cells[0]):
            units, words = ([w.strip() for w in c.split(",") if w.strip()] for c in cells[4:6])
            rows.append(Indicator(*cells[:4], tuple(units), tuple(words)))
    return tuple(rows)


@cache
def _patterns(dim: str) -> list[tuple[re.Pattern, int, int, str, Indicator]]:
    """(pattern, length, -order, word, indicator) of every word of the indicators measured in ``dim``;
    ``…`` in a word stands for up to 10 characters."""
    return [(re.compile(".{0,10}".join(map(re.escape, w.split("…")))), len(w.replace("…", "")), -i, w, ind)
            for i, ind in enumerate(indicators()) if dim in ind.units for w in ind.words]


def match(unit: str, *texts: str) -> tuple[Indicator | None, str]:
    """The indicator a target of ``unit`` is for and the word that says so, from the first of
    ``texts`` that holds any (longest word, then file order); (None, "") when none does."""
    for text in texts:
        hits = [(n, order, w, ind) for p, n, order, w, ind in _patterns(scale(unit)[1]) if p.search(text)]
        if hits:
            _, _, word, ind = max(hits, key=lambda h: h[:2])
            return ind, word
    return None, ""


_BOUNDS = (("at_most", ("控制在", "压减到", "以内", "以下", "不超过")), ("about", ("左右", "约")),
           ("at_least", ("超过", "超", "突破", "不少于", "不低于", "以上", "力争")))
_NEW = ("新建", "新增", "新组建", "组建", "培育", "认定", "选定", "打造", "建设", "建成", "举办")
_YEAR = re.compile(r"(?:到|至)(20\d{2})年|(20\d{2})年(?:(?:底|末|内)?前|底|末)")


def bound(target: Target) -> str:
    """at_least (超, 突破, 以上, 余), at_most (控制在, 以内), about (左右) or exact."""
    after = re.findall(r"以上|左右|以内|以下", target.text)
    after += ["以上"] if MORE.search(target.text) else []  # 30余家
    for name, words in _BOUNDS:
        if target.qualifier in words or any(a in words for a in after):
            return name
    return "exact"


def kind(target: Target) -> str:
    """new (新建10家: an addition), growth (增长10%) or level (突破23万件: a stock, a rate, a time)."""
    if target.qualifier in _NEW or re.search(r"新(?:建|增|组建)", target.text):
        return "new"
    if target.qualifier in ("增长", "提高", "提升") and scale(target.unit)[1] in ("%", "百分点"):
        return "growth"
    return "level"


def sentence(text: str, part: str) -> str:
    """The sentence of ``text`` that holds ``part`` (cut at 。;!? and line ends); empty if none does."""
    i = text.find(part)
    if i < 0:
        return ""
    start = max(text.rfind(c, 0, i) for c in "。;!?\n") + 1
    ends = [j for c in "。;!?\n" if (j := text.find(c, i + len(part))) >= 0]
    return text[start: min(ends, default=len(text))]


def year(around: str, target: Target, default: int | None) -> int | None:
    """The last year printed before the target in its sentence ``around``, else ``default``."""
    before = around[: around.find(target.text)] if target.text in around else ""
    found = [int(m.group(1) or m.group(2)) for m in _YEAR.finditer(before)]
    return found[-1] if found else default


def respective(targets: list[Target]) -> list[str]:
    """What each target counts; ``A和B分别达到172家、460家`` (one ``counts`` for both) split in order."""
    counts = [t.counts for t in targets]
    i = 0
    while i < len(targets):
        j = i
        while j + 1 < len(targets) and targets[j + 1].counts == targets[i].counts:
            j += 1
        parts = [p for p in re.split(r"和|及|与|、", targets[i].counts) if p]
        if "分别" in targets[i].text and len(parts) == j - i + 1 > 1:
            counts[i: j + 1] = parts
        i = j + 1
    return counts


def read(targets: list[Target], source: str, default_year: int | None, title: str = "") -> list[dict]:
    """The indicator columns of each of ``targets``, found in ``source`` (its task's content, or the
    document's text for document-level ones); ``title``: the task's title, the last place looked."""
    rows = []
    for t, counts in zip(targets, respective(targets)):
        around = sentence(source, t.text)
        ind, word = match(t.unit, counts, t.text, around, title)
        factor, dim = scale(t.unit)
        rows.append({
            "indicator": ind.id if ind else "other",
            "indicator_word": word,
            "value": round(t.number * factor, 6),
            "base_unit": ind.base_unit if ind else dim,
            "bound": bound(t),
            "kind": kind(t),
            "year": year(around, t, default_year),
        })
    return rows


BY_INDICATOR = ["indicator", "indicator_zh", "indicator_en", "kind", "base_unit", "province", "doc_id", "task_id",
                "year", "value", "bound", "text", "n_targets", "national_value", "national_doc_id"]


def by_indicator(targets: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Indicator x kind x province (or city, for municipal plans): the target of the latest document
    (by first year, issue date, last year) of the province that has one, its document-level target first, else its first; with
    the latest national document's value beside it."""
    place = documents["city"].where(documents["level"] == "municipal", documents["province"]) \
        if "city" in documents else documents["province"]
    docs = documents.assign(order=range(len(documents)), province=place)  # a city's plan is the city's own
    docs = docs.sort_values(["first_year", "issue_date", "last_year", "order"], ascending=False).set_index("doc_id")
    known = targets[targets["indicator"] != "other"]
    known = known.assign(recent=known["doc_id"].map({d: i for i, d in enumerate(docs.index)}),
                         document_level=known["scope"] != "document", order=range(len(known)),
                         province=known["doc_id"].map(docs["province"]), level=known["doc_id"].map(docs["level"]))
    known = known.sort_values(["recent", "document_level", "order"])
    keys = ["indicator", "kind", "province"]
    first = known.drop_duplicates(keys)
    same_doc = known.groupby([*keys, "doc_id"])["text"].size()
    national = first[first["level"] == "national"].drop_duplicates(["indicator", "kind"]).set_index(["indicator", "kind"])
    pairs = list(zip(first["indicator"], first["kind"]))
    names = {i.id: i for i in indicators()}
    rank = {i.id: n for n, i in enumerate(indicators())}
    out = first.assign(
        indicator_zh=[names[i].zh for i in first["indicator"]], indicator_en=[names[i].en for i in first["indicator"]],
        n_targets=[same_doc[k] for k in zip(*(first[c] for c in [*keys, "doc_id"]))],
        national_value=[national["value"].get(p) for p in pairs],
        national_doc_id=[national["doc_id"].get(p, "") for p in pairs],
    )
    out = out.sort_values(["indicator", "kind", "level", "province"],
                          key=lambda c: c.map(rank) if c.name == "indicator" else c)
    return out[BY_INDICATOR].reset_index(drop=True)
