"""Detect document fields the text states itself: 文号, issue date, title, issuer, province, years."""
from __future__ import annotations

import re

PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
)
NATIONAL = "全国"
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


def province(*texts: str | None, doc_no: str | None = None) -> str | None:
    """First province named in ``texts`` (title, issuer ...), else the abbreviation of the 文号."""
    for t in texts:
        for name in PROVINCES:
            if t and name in t:
                return name
        if t and t.startswith(("国家", "国务院", "中共中央")):
            return NATIONAL
    if doc_no:
        return NATIONAL if doc_no.startswith("国") else _ABBREV.get(doc_no[0])
    return None


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


def detect(text: str) -> dict[str, object]:
    """All fields this module can read from ``text`` (normalised, before chrome removal)."""
    found: dict[str, object] = {}
    found["doc_number"] = doc_number(text)
    found["issue_date"] = issue_date(text)
    found["title"] = title(text)
    found["issuer"] = issuer(text)
    found["province"] = province(found["issuer"], found["title"], doc_no=found["doc_number"])
    if found["province"]:
        found["level"] = "national" if found["province"] == NATIONAL else "provincial"
    if span := years(found["title"], text, found["issue_date"]):
        found["first_year"], found["last_year"] = span
    return {k: v for k, v in found.items() if v not in (None, "")}
