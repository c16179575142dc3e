"""Detect document fields the text states itself: 文号, issue date, title, issuer, province, city, years.

The title is the plan's own (现将《…》印发, 关于印发…的通知); a text that states it in no such form
gives its first heading-like line instead (:func:`heading`), and the caller says so in a note.
"""
from __future__ import annotations

import re
import unicodedata

from . import clean, divisions
from .markers import marker

PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
)
NATIONAL = "全国"
# English (pinyin) names, as the charts and file names give them (Shanxi 山西, Shaanxi 陕西).
PROVINCES_EN = dict(zip(PROVINCES, (
    "Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin", "Heilongjiang",
    "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong", "Henan", "Hubei",
    "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet",
    "Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang",
))) | {NATIONAL: "National"}
# One-character abbreviations used in document numbers (鄂知发〔2025〕2号 → 湖北).
_ABBREV = dict(zip(
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新",
    PROVINCES,
))

_DOCNO = r"[\u4e00-\u9fff]{1,10}[〔\[(]\d{4}[〕\])]\s*\d{1,4}\s*号"
_DATE = r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?"
_FIELD = r"[\s::|]*"


def _field(text: str, names: str, value: str) -> re.Match | None:
    return re.search(rf"(?:{names}){_FIELD}({value})", text)


def doc_number(text: str) -> str | None:
    """文号 from a 文号 header field or a line of its own; a number cited in 《…》(…) is not ours."""
    if m := _field(text, r"文\s*号", _DOCNO):
        return re.sub(r"\s", "", m.group(1))
    for line in text.split("\n")[:15]:
        if re.fullmatch(rf"\s*{_DOCNO}\s*", line):
            return re.sub(r"\s", "", line)
    return None


def issue_date(text: str) -> str | None:
    """发文日期/生成日期/成文日期 field, else the first date standing alone on a line (the signature)."""
    m = _field(text, r"发文日期|成文日期|生成日期|发布日期", _DATE)
    m = m or re.search(rf"^\s*{_DATE}\s*$", text, flags=re.M)
    if not m:
        return None
    y, mo, d = (int(g) for g in (m.groups()[-3:]))
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _notice(text: str) -> re.Match | None:
    """The covering notice's title: <issuer>关于印发<title>的通知 (possibly over two lines)."""
    head = "\n".join(text.split("\n")[:40])
    head = re.sub(r"(关于印发)\s*\n\s*", r"\1", head)
    return re.search(r"^(?:名\s*称[\s::|]*)?(?P<issuer>[^\n:|]{2,60}?)关于印发(?P<title>[^\n]{2,80}?)的通知", head, flags=re.M)


def title(text: str) -> str | None:
    """The plan's own title: 现将《…》印发, else from 关于印发…的通知."""
    if m := re.search(r"现将《([^》]{4,80})》(?:印发|转发)", text):
        return m.group(1)
    if m := _notice(text):
        return m.group("title").strip("《》")
    return None


def issuer(text: str) -> str | None:
    """Issuing body: prefix of the notice title, else the 发布机构 field, else the line above the signature date."""
    if m := _notice(text):
        return m.group("issuer").strip()
    if m := _field(text, "发布机构", r"[^\n|:]{2,40}"):
        return m.group(1).strip()
    if m := re.search(rf"^([^\n]{{2,30}}(?:局|厅|委|办|院|政府|小组|办公室))\n\s*{_DATE}\s*$", text, flags=re.M):
        return m.group(1).strip()
    return None


def _first_province(text: str) -> tuple[int, str] | None:
    """(position, name) of the first province named in ``text``."""
    hits = [(text.find(name), name) for name in PROVINCES if name in text]
    return min(hits) if hits else None


def place(*texts: str | None, doc_no: str | None = None) -> tuple[str | None, str]:
    """(province, city) of the first place named in ``texts`` (issuer, title ...): a city (武汉市 →
    湖北, 武汉市) when it comes before any province or right after its own (湖北省武汉市), else the
    province (city ""); 全国 for 国家…/国务院…; else the province of the 文号's abbreviation."""
    for t in filter(None, texts):
        prov, city = _first_province(t), divisions.find(t)
        if city and (not prov or city[0] < prov[0]
                     or (city[1].province == prov[1] and city[0] <= prov[0] + len(prov[1]) + 1)):
            return city[1].province, city[1].name
        if prov:
            return prov[1], ""
        if t.startswith(("国家", "国务院", "中共中央")):
            return NATIONAL, ""
    if doc_no:
        return (NATIONAL if doc_no.startswith("国") else _ABBREV.get(doc_no[0])), ""
    return None, ""


def level(province: str, city: str) -> str:
    """national (全国), municipal (a city) or provincial."""
    return "national" if province == NATIONAL else "municipal" if city else "provincial"


_PLAN_WORD = re.compile(r"计划|要点|方案|意见|指引|规划|措施|任务|安排|清单|纲要|办法|通知")
_SENTENCE = re.compile(r"[。;,:!?|]")


def heading(text: str) -> str | None:
    """The first heading-like line of the first 60 (4 to 50 characters, no sentence punctuation, not
    an outline item, a date or page furniture), one naming a kind of plan (计划, 要点 ...) first."""
    lines = [clean.remove_stray_spaces(ln.strip()) for ln in text.split("\n")[:60]]
    found = [ln for ln in lines
             if 4 <= len(ln) <= 50 and len(re.findall(r"[\u4e00-\u9fff]", ln)) >= 4 and not _SENTENCE.search(ln)
             and not marker(ln) and not re.search(_DATE, ln) and not clean.is_chrome(ln) and not clean.is_notice(ln)]
    return next((ln for ln in found if _PLAN_WORD.search(ln)), found[0] if found else None)


def years(plan_title: str | None, text: str, date: str | None) -> tuple[int, int] | None:
    """Years covered: from the title (2022-2023年, 2025年, (2024)), else the issue year to the
    farthest 到20XX年 goal in the text."""
    if plan_title and (m := re.search(r"(20\d{2})\s*[-—~至]\s*(20\d{2})\s*年?", plan_title)):
        return int(m.group(1)), int(m.group(2))
    if plan_title and (m := re.search(r"(20\d{2})\s*年|\((20\d{2})\)", plan_title)):
        year = int(m.group(1) or m.group(2))
        return year, year
    if date:
        first = int(date[:4])
        goals = [int(y) for y in re.findall(r"到(20\d{2})年", text) if int(y) >= first]
        return first, max(goals, default=first)
    return None


_YEARS = re.compile(r"[(（]\s*20\d{2}\s*[)）]|(?:20\d{2}\s*[-—~至]\s*)?20\d{2}\s*年?度?")
_PLACE = re.compile("|".join(f"{p}(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)?" for p in PROVINCES)
                    + "|全省|本省|全市|全区|全国")


def series(plan_title: str) -> str:
    """The series of a plan: its title without years, place names and punctuation
    (2025年全省知识产权工作要点 -> 知识产权工作要点), what the plans of successive years share."""
    text = _PLACE.sub("", _YEARS.sub("", unicodedata.normalize("NFKC", plan_title)))
    return re.sub(r"[\W_]+", "", text)


def detect(text: str) -> dict[str, object]:
    """All fields this module can read from ``text`` (normalised, before chrome removal)."""
    found: dict[str, object] = {}
    found["doc_number"] = doc_number(text)
    found["issue_date"] = issue_date(text)
    found["title"] = title(text)
    if not found["title"] and (line := heading(text)):
        found["title"], found["title_from"] = line, "heading"
    found["issuer"] = issuer(text)
    found["province"], found["city"] = place(found["issuer"], found["title"], doc_no=found["doc_number"])
    if found["province"]:
        found["level"] = level(found["province"], found["city"])
    if span := years(found["title"], text, found["issue_date"]):
        found["first_year"], found["last_year"] = span
    return {k: v for k, v in found.items() if v not in (None, "")}


_NAME_YEARS = re.compile(r"(?<!\d)(20\d{2})(?:\s*[-—~至_]\s*(20\d{2}))?(?!\d)")
_NAME_NATIONAL = re.compile(r"全国|国家|(?<![a-z])(?:national|nat|quanguo|cnipa)(?![a-z])")
_NAME_PINYIN = {re.sub(r"\W", "", en.lower()): zh for zh, en in PROVINCES_EN.items() if zh != NATIONAL}


def from_names(names: list[str]) -> dict[str, str]:
    """Place and years a file's names state (its stem first, then its folders', innermost first):
    ``湖北_2025_工作要点``, ``2024/shanghai``, ``全国_2024_推进计划``, ``shanxi_2022-2023``; pinyin
    province names too. Each field is taken from the first name stating it."""
    found: dict[str, str] = {}
    for name in names:
        low = unicodedata.normalize("NFKC", name).lower()
        if "province" not in found:
            prov, city = place(low)
            words = re.findall(r"[a-z]+", low)
            pinyin = words + [a + b for a, b in zip(words, words[1:])]  # inner_mongolia
            if not prov:
                prov = next((_NAME_PINYIN[w] for w in pinyin if w in _NAME_PINYIN), None)
            if not prov and _NAME_NATIONAL.search(low):
                prov = NATIONAL
            if prov:
                found |= {"province": prov, "city": city, "level": level(prov, city)}
        if "first_year" not in found and (m := _NAME_YEARS.search(low)):
            found |= {"first_year": m.group(1), "last_year": m.group(2) or m.group(1)}
    return found
