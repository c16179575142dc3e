"""Layout variants of the seed plans, as other sites publish them, each with its exact expected tasks
(tests/test_unseen.py).

A variant is made from a seed's cleaned text (or from the tasks the seed parses to) by a
transformation that keeps its tasks; its expectation is the seed's own parse passed through the same
change of words (a city plan's 省 → 市) and compared modulo punctuation and spacing (an ASCII copy's
``,`` for ``、``). Nothing here is tuned to what the parser does: each transformation is what a
republishing site or a PDF export does to a plan.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

SEEDS = {  # doc_id -> file in data/raw
    "GZ2025": "guizhou_2025_strong_province_plan.txt",
    "GZSVC2023": "guizhou_2023_service_industry_opinions.txt",
    "HB2025": "hubei_2025_work_points.txt",
    "SX2022": "shanxi_2022-2023_work_points.txt",
}
_CN = "一二三四五六七八九十"


@cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def key(text: str) -> str:
    """What a comparison looks at: the text without whitespace and punctuation, in simplified
    characters (a traditional copy is read back through OpenCC t2s)."""
    text = unicodedata.normalize("NFKC", _opencc("t2s").convert(text))
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS")


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (up to 99)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN[tens - 1]) + "十" if tens else "") + (_CN[ones - 1] if ones else "")


@dataclass
class Variant:
    """A republished copy of a seed: its text, what changed in its words, and the non-task items
    (digest, notice, table of contents) it adds."""

    name: str
    seed: str
    text: str
    words: Callable[[str], str] = lambda s: s  # the same change applied to the expected values
    numbers: list[str] | None = None           # expected numbers when the variant renumbers
    noise: int = 0                              # numbered items that are not tasks
    metadata: dict[str, str] = field(default_factory=dict)
    content_is_title: bool = False              # a list printing only each task's title

    def expected(self, seed_tasks: list[dict]) -> list[tuple]:
        """(number, kind, title, content, lead units) of each task, as keys."""
        numbers = self.numbers or [t["number"] for t in seed_tasks]
        trad = self.name.startswith("traditional")
        w = (lambda s: _opencc("s2t").convert(self.words(s))) if trad else self.words
        return [(n, t["kind"], key(w(t["title"])), key(w(t["title" if self.content_is_title else "content"])),
                 key(w(t["lead_units"]))) for n, t in zip(numbers, seed_tasks)]


def observed(tasks: list[dict]) -> list[tuple]:
    """The same tuple for parsed tasks (noise rows left out)."""
    return [(t["number"], t["kind"], key(t["title"]), key(t["content"]), key(t["lead_units"]))
            for t in tasks if t["kind"] != "noise"]


def _lines(text: str) -> list[str]:
    return [ln for ln in text.split("\n") if ln.strip()]


_MARK = re.compile(rf"^(?:[{_CN}]+、|\([{_CN}]+\)|\d{{1,3}}[.、])")


# ---- transformations of the cleaned text ---------------------------------------------------------

def one_line(text: str) -> str:
    """The whole document on one line, its lines separated by spaces (a page scraped without <br>)."""
    return " ".join(ln.strip() for ln in _lines(text))


def headings_inline(text: str) -> str:
    """Section headings printed on the line of what follows them."""
    out: list[str] = []
    for ln in _lines(text):
        if out and re.match(rf"^(?:[{_CN}]+、|\([{_CN}]+\))[^。;]{{2,40}}$", out[-1]) and _MARK.match(ln):
            out[-1] += " " + ln
        else:
            out.append(ln)
    return "\n".join(out)


_ASCII = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "《": "<", "》": ">",
                        "〔": "[", "〕": "]", "【": "[", "】": "]"})


def ascii_punct(text: str) -> str:
    """ASCII punctuation throughout, 一、 printed 一 (a space) and 1. kept."""
    text = re.sub(rf"^([{_CN}]+)、", r"\1 ", text, flags=re.M)
    return text.translate(_ASCII)


def ascii_words(s: str) -> str:
    return s.translate(_ASCII)


def traditional(text: str) -> str:
    return _opencc("s2t").convert(text)


def marker_styles(text: str) -> str:
    """Fullwidth and alternative markers: 一．, （一）, 1、"""
    text = re.sub(rf"^([{_CN}]+)、", r"\1．", text, flags=re.M)
    text = re.sub(rf"^\(([{_CN}]+)\)", r"（\1）", text, flags=re.M)
    return re.sub(r"^(\d{1,3})\.", r"\1、", text, flags=re.M)


_PINYIN = {"区": "qū", "域": "yù", "创": "chuàng", "保": "bǎo", "护": "hù", "强": "qiáng", "转": "zhuǎn", "质": "zhì"}


def pinyin(text: str) -> str:
    """A learners' site's pinyin after some characters: 区(qū)域(yù), every third occurrence."""
    seen = {c: 0 for c in _PINYIN}

    def annotate(m: re.Match) -> str:
        seen[m.group()] += 1
        return m.group() + (f"({_PINYIN[m.group()]})" if seen[m.group()] % 3 == 1 else "")

    return re.sub(f"[{''.join(_PINYIN)}]", annotate, text)


_NOTICES = [
    "付费完成后未能成功下载的用户请联系客服处理",
    "本文档预览与源文档一致,下载高清无水印",
    "原创力文档 max.book118.com 加入VIP免费下载",
    "文档分享网 www.example-docs.cn 如有侵权请联系删除",
]
_TIPS = ("温馨提示:\n"
         "1.本站所有文档均为用户上传,本站不保证该用户上传的文档完整性,不预览、不比对内容而直接下载产生的反悔问题本站不予受理。\n"
         "2.下载的文档,不会出现我们的网址水印;该文档所得收入(下载+内容+预览)归上传者、原创作者所有。\n"
         "3.登录后可充值,立即自动返金币,充值渠道很便利;付费完成后未能成功下载的用户请联系客服处理。")


def site_notice(text: str) -> str:
    """A document-sharing site's copy: its numbered tips first, a notice line every 7 lines."""
    lines = _lines(text)
    out = [_TIPS]
    for i, ln in enumerate(lines):
        out.append(ln)
        if i % 7 == 6:
            out.append(_NOTICES[(i // 7) % len(_NOTICES)])
    return "\n".join(out)


def page_furniture(text: str) -> str:
    """A PDF export's page numbers and running header between lines."""
    lines, out = _lines(text), []
    for i, ln in enumerate(lines):
        out.append(ln)
        if i % 9 == 8:
            out += [f"- {i // 9 + 1} -", lines[0][:30]]
    return "\n".join(out)


def digest(text: str, tasks: list[dict]) -> str:
    """A news digest of six numbered highlights (the plan's own task titles) before 全文如下."""
    head = ["图解丨一图读懂工作要点", "近日,印发了年度工作要点。要点明确了以下六个方面的重点工作:"]
    head += [f"{i}.{t['title']}。突出抓好落实,推动工作取得实效。" for i, t in enumerate(tasks[:6], start=1)]
    return "\n".join(head + ["全文如下:"] + _lines(text))


def toc(text: str, tasks: list[dict]) -> str:
    """A table of contents of the sections, with dotted leaders and page numbers, before the body."""
    entries, seen = [], set()
    for t in tasks:
        parts = list(zip(t["section_path"].split(" > "), t["section_titles"].split(" > "))) if t["section_path"] else []
        for depth, (num, title) in enumerate(parts):
            if (depth, num, title) not in seen:
                seen.add((depth, num, title))
                mark = f"{num}、" if num[0] in _CN else num
                entries.append(f"{mark}{title}{'…' * 12}{len(entries) // 4 + 1}")
    lines = _lines(text)
    body = next(i for i, ln in enumerate(lines) if _MARK.match(ln))
    return "\n".join(lines[:body] + ["目 录"] + entries + lines[body:]), len(entries)


def restart_numbering(text: str) -> tuple[str, list[str]]:
    """Task numbers restarting at 1 in each (一) subsection; returns the text and the new numbers."""
    out, numbers, n = [], [], 0
    for ln in _lines(text):
        if re.match(rf"^(?:[{_CN}]+、|\([{_CN}]+\))", ln):
            n = 0
        elif m := re.match(r"^(\d{1,3})\.", ln):
            n += 1
            numbers.append(str(n))
            ln = f"{n}." + ln[m.end():]
        out.append(ln)
    return "\n".join(out), numbers


def city_words(province: str, city: str) -> Callable[[str], str]:
    """A city plan made from a provincial one: 贵州省 → 贵阳市, 贵州 → 贵阳, 省 → 市 (强省 → 强市, 省局 → 市局)."""
    return lambda s: s.replace(f"{province}省", f"{city}市").replace(province, city).replace("省", "市")


# ---- variants rebuilt from the seed's tasks --------------------------------------------------------

def _sections(tasks: list[dict]):
    """(headings to print before the task, task) in order: headings as ``一、…`` and ``(一)…``."""
    last: list[tuple[str, str]] = []
    for t in tasks:
        parts = list(zip(t["section_path"].split(" > "), t["section_titles"].split(" > "))) if t["section_path"] else []
        new = [p for i, p in enumerate(parts) if parts[: i + 1] != last[: i + 1]]
        heads = [(f"{n}、" if n[0] in _CN else n) + title for n, title in new]
        last = parts
        yield heads, t


def _body(t: dict) -> str:
    """The task's content after its title (its title sentence dropped), on one line."""
    content = t["content"].replace("\n", "")
    return content[len(t["title"]):].lstrip("。;") if content.startswith(t["title"]) else content


def division_list(tasks: list[dict]) -> str:
    """A task-division list: each task on one line, its title and labelled units (牵头单位: /
    责任单位:), no brackets and no sentences."""
    out = ["重点任务分工"]
    for heads, t in _sections(tasks):
        out += heads
        units = [f"牵头单位:{t['lead_units'].replace('; ', '、')}" if t["lead_units"] else "",
                 f"责任单位:{t['responsible_units'].replace('; ', '、')}" if t["responsible_units"] else ""]
        out.append(f"{t['number']}.{t['title']} " + " ".join(u for u in units if u))
    return "\n".join(out)


def table_without_number(tasks: list[dict]) -> str:
    """The plan as a task-division table without a 序号 column (rows in order are the numbers)."""
    out = ["附件", "重点任务 | 工作任务 | 具体措施 | 牵头单位 | 责任单位 |"]
    for heads, t in _sections(tasks):
        out += [f"{h} | | | | |" for h in heads if h[0] in _CN]
        section = t["section_titles"].split(" > ")[-1]
        out.append(f"{section} | {t['title']} | {_body(t)} | {t['lead_units'].replace('; ', '、')} | "
                   f"{t['responsible_units'].replace('; ', '、')} |")
    return "\n".join(out)


def build(seed_texts: dict[str, str], seed_tasks: dict[str, list[dict]]) -> list[Variant]:
    """Every variant, from the seeds' cleaned texts and their parsed tasks."""
    gz, hb, sx, svc = (seed_texts[k] for k in ("GZ2025", "HB2025", "SX2022", "GZSVC2023"))
    gzt, hbt = seed_tasks["GZ2025"], seed_tasks["HB2025"]
    toc_text, toc_n = toc(gz, gzt)
    restart_text, restart_numbers = restart_numbering(gz)
    gy, wh = city_words("贵州", "贵阳"), city_words("湖北", "武汉")
    return [
        Variant("one_line", "GZ2025", one_line(gz)),
        Variant("one_line", "HB2025", one_line(hb)),
        Variant("one_line", "SX2022", one_line(sx)),
        Variant("headings_inline", "GZSVC2023", headings_inline(svc)),
        Variant("division_list", "GZ2025", division_list(gzt), content_is_title=True),
        Variant("division_list", "SX2022", division_list(seed_tasks["SX2022"]), content_is_title=True),
        Variant("ascii", "SX2022", ascii_punct(sx), words=ascii_words),
        Variant("ascii", "HB2025", ascii_punct(hb), words=ascii_words),
        Variant("traditional", "GZSVC2023", traditional(svc)),
        Variant("traditional_ascii", "HB2025", traditional(ascii_punct(hb)), words=ascii_words),
        Variant("marker_styles", "GZ2025", marker_styles(gz)),
        Variant("digest", "HB2025", digest(hb, hbt), noise=6),
        Variant("site_notice", "GZ2025", site_notice(gz), noise=3),
        Variant("pinyin", "SX2022", pinyin(sx)),
        Variant("pinyin", "HB2025", pinyin(hb)),
        Variant("page_furniture", "HB2025", page_furniture(hb)),
        Variant("no_number_column", "GZ2025", table_without_number(gzt),
                numbers=[str(i) for i in range(1, len(gzt) + 1)]),
        Variant("restart_numbering", "GZ2025", restart_text, numbers=restart_numbers),
        Variant("table_of_contents", "GZ2025", toc_text, noise=toc_n),
        Variant("city", "GZ2025", gy(gz), words=gy, metadata={"province": "贵州", "city": "贵阳"}),
        Variant("city", "HB2025", wh(hb), words=wh, metadata={"province": "湖北", "city": "武汉"}),
    ]
