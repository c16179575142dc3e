"""Fields inside a task's text: lead/responsible units, deadlines, quantitative targets.

Units and deadlines are printed as annotations: 〔牵头单位:…,责任单位:…〕, (省知识产权局牵头,
省贸促会配合。2023年12月底前完成), (战略规划司负责). :func:`annotations` finds them; the text
without them (:func:`strip_annotations`) is what later stages analyse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNIT_WORDS = r"牵头|负责|配合|参与|责任单位|牵头单位|配合单位|协办|按职责"
# 〔…〕 (an ASCII copy's […]) holds units unless it is the year of a document number (黔质量办发〔2023〕4号).
_SQUARE = re.compile(r"[〔\[](?!\d{4}[〕\]])([^〔〕\[\]]*)[〕\]]")
# (…) with at most one nested level, kept only when it names who is responsible.
_PAREN = re.compile(r"\(((?:[^()]|\([^()]*\))*)\)")

_DEADLINE = re.compile(
    r"(?:(?:\d{4}年)?\d{1,2}月(?:底|末|上旬|中旬|下旬|\d{1,2}日)?|\d{4}年(?:底|末|内)?|年底|年内|年中|年末)前(?:完成)?"
    r"|\d{4}年(?:底|末|内)完成"
)
_ONGOING = re.compile(r"^(?:持续推进|长期坚持|长期推进|持续开展|持续实施|常态化推进|常态化开展|长期)$")

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_MAGNITUDES = "十百千万亿"
# Arabic numbers; Chinese ones of two characters or more holding a magnitude (十五, 两千, 三百二十);
# a magnitude alone before 余/多 (百余家, 十多个); a lone 二-十/两 (五家, 两个) only after a
# qualifier that counts (_SINGLE: 新建五家) or an enumeration's 等 (…、新材料等五个), or before a bound
# (十家左右), as alone it is rarely a target (两个转变, 九次全会; 一 never: 一批).
_SINGLE_DIGITS = "二两三四五六七八九十"
_SINGLE = ("新建|新增|新组建|建成|建设|培育|组建|认定|打造|选定|举办|达到|突破|超过|不少于|不低于")
_NUM = (rf"\d+(?:\.\d+)?|(?=[{_CN_DIGITS}{_CN_MAGNITUDES}]{{2}})[{_CN_DIGITS}]*[{_CN_MAGNITUDES}]"
        rf"[{_CN_DIGITS}{_CN_MAGNITUDES}]*|[十百千](?=[余多])|[{_SINGLE_DIGITS}]")
_UNITS = (
    "万亿元|亿元|万元|元|亿件|万件|万次|万人次|万人|万家|万户|个工作日|个百分点|个月|人次|件|家|个|项|次|人|所|"
    "场|期|批|条|座|篇|户|起|倍|天|分(?!钟)|%"
)
_QUALIFIERS = (
    "新建|新增|新组建|建成|建设|培育|组建|认定|打造|突破|超过|超|达到|达|不少于|不低于|力争|实现|完成|举办|"
    "选定|增长|压减到|稳定在|控制在|扩大到|提高到|提升至|达到了"
)
_TARGET = re.compile(
    rf"(?<![\d.第“\"+{_CN_DIGITS}{_CN_MAGNITUDES}])(?P<qual>{_QUALIFIERS})?(?P<num>{_NUM})(?:余|多)?(?P<unit>{_UNITS})"
    r"(?![\d年月日号])"
    r"(?P<bound>以上|左右|以内|以下)?"
)
# 余/多 between a number and its unit: more than it (30余家, 百余家; indicators read it as at_least).
MORE = re.compile(rf"(?:\d|[{_CN_DIGITS}{_CN_MAGNITUDES}])(?:余|多)(?:{_UNITS})")
_CLAUSE_END = re.compile(r"[,;。:、!?()《》“”\n]")


def _split_top(text: str, seps: str) -> list[str]:
    """Split on any of ``seps`` outside parentheses."""
    if "(" not in text and "〔" not in text:  # nothing nested: a plain split
        return [p.strip() for p in re.split(f"[{re.escape(seps)}]", text) if p.strip()]
    parts, depth, cur = [], 0, []
    for ch in text:
        depth += ch in "(〔"
        depth -= ch in ")〕" and depth > 0
        if ch in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def unit_names(text: str) -> list[str]:
    """``省外事办、省版权局等有关单位`` → [省外事办, 省版权局]."""
    names = []
    for name in _split_top(text, "、,"):
        name = re.sub(r"等(?:有关|相关)?(?:单位|处室|部门)?$", "", name).strip()
        if name:
            names.append(name)
    return names


@dataclass
class Annotation:
    """One unit/deadline annotation found in a text."""

    span: tuple[int, int]
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)


_LEAD_LABEL = r"牵头单位|牵头部门|牵头处室"
_UNIT_LABEL = r"责任单位|责任部门|责任处室|配合单位|配合部门|参与单位|协办单位"
_TIME_LABEL = r"完成时限|完成时间|时间节点"
# Labels printed without brackets after a task (… 牵头单位:省知识产权局 责任单位:省教育厅), up to the line end.
_LABELLED = re.compile(rf"(?:{_LEAD_LABEL}|{_UNIT_LABEL})[::][^\n]*")


def _parse_annotation(body: str, bare: bool, ascii_copy: bool = False) -> Annotation | None:
    """Units and deadlines of an annotation's clauses. A clause without a label or verb names
    responsible units in a bare annotation (〔A,B〕) and makes an ordinary parenthetical of any other,
    except in an ASCII copy (``ascii_copy``: its commas stand for 、), where it continues the labelled
    list before it (牵头单位:A,B) or belongs to the clause after it (A,B负责)."""
    ann = Annotation(span=(0, 0))
    pending: list[str] = []
    labelled: list[str] | None = None
    for clause in _split_top(body, ",;。"):
        if m := re.match(rf"^(?:{_LEAD_LABEL})[::](.*)$", clause):
            ann.lead += unit_names(m.group(1))
            labelled = ann.lead
        elif m := re.match(rf"^(?:{_UNIT_LABEL})[::](.*)$", clause):
            ann.responsible += unit_names(m.group(1))
            labelled = ann.responsible
        elif m := re.match(rf"^(?:{_TIME_LABEL})[::](.*)$", clause):
            ann.deadlines.append(m.group(1).strip())
        elif _ONGOING.match(clause) or _DEADLINE.fullmatch(clause):
            ann.deadlines.append(clause)
        elif m := re.match(r"^(.*?)牵头$", clause):
            ann.lead += pending + unit_names(m.group(1))
            pending = []
        elif m := re.match(r"^(.*?)(?:按职责分工负责|按职责负责|分工负责|负责|配合|参与)$", clause):
            ann.responsible += pending + unit_names(m.group(1))
            pending = []
        elif m := re.match(r"^(局内|省份|地市)[::](.*)$", clause):
            ann.responsible += unit_names(m.group(2))
        elif ascii_copy and labelled is not None:
            labelled += unit_names(clause)
        elif ascii_copy:
            pending += unit_names(clause)
        elif bare:
            ann.responsible += unit_names(clause)
        else:
            return None  # an ordinary parenthetical, not an annotation
    if pending and not bare:
        return None
    ann.responsible += pending
    return ann if (ann.lead or ann.responsible or ann.deadlines) else None


def unit_cell(text: str) -> Annotation:
    """Units and deadlines of a table's unit column (省知识产权局牵头,省科技厅配合 / 省局、省厅)."""
    return _parse_annotation(text, bare=True) or Annotation(span=(0, len(text)))


def annotations(text: str) -> list[Annotation]:
    """Unit/deadline annotations of ``text`` in order of appearance. A text without any 、 is taken
    for an ASCII copy (see :func:`_parse_annotation`)."""
    found = []
    ascii_copy = "、" not in text
    for m in _SQUARE.finditer(text):
        if "。" not in m.group(1) and (ann := _parse_annotation(m.group(1), bare=True, ascii_copy=ascii_copy)):
            ann.span = m.span()
            found.append(ann)
    for m in _PAREN.finditer(text):
        if re.search(_UNIT_WORDS, m.group(1)) and (ann := _parse_annotation(m.group(1), bare=False,
                                                                             ascii_copy=ascii_copy)):
            ann.span = m.span()
            found.append(ann)
    for m in _LABELLED.finditer(text):
        inside = any(a.span[0] <= m.start() < a.span[1] for a in found)
        body = re.sub(rf"\s*(?=(?:{_LEAD_LABEL}|{_UNIT_LABEL}|{_TIME_LABEL})[::])", ",", m.group().strip())
        if not inside and (ann := _parse_annotation(body, bare=True, ascii_copy=ascii_copy)):
            ann.span = m.span()
            found.append(ann)
    return sorted(found, key=lambda a: a.span)


def strip_annotations(text: str, found: list[Annotation] | None = None) -> str:
    """``text`` without its annotations."""
    found = annotations(text) if found is None else found
    for ann in reversed(found):
        text = text[: ann.span[0]] + text[ann.span[1]:]
    return re.sub(r"[ \t]+", " ", text).strip()


def deadlines(text: str, found: list[Annotation]) -> list[str]:
    """Deadlines as printed: dated ones anywhere, ongoing ones (持续推进) only inside annotations."""
    dated = [m.group() for m in _DEADLINE.finditer(text)]
    return list(dict.fromkeys(dated + [d for a in found for d in a.deadlines]))


_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 1e4, "亿": 1e8}


def number(text: str) -> float:
    """``23`` → 23, ``4.5万`` → 45000, ``三百二十亿`` → 32000000000, ``两千`` → 2000, ``十五`` → 15."""
    total, section, digit = 0.0, 0.0, None
    for part in re.findall(r"\d+(?:\.\d+)?|\S", text.strip()):
        if part[0].isdigit():
            digit = float(part)
        elif part in _CN_VALUES:
            digit = _CN_VALUES[part]
        elif part in _SMALL:  # 十五: a magnitude without a digit before it counts one
            section += (1 if digit is None else digit) * _SMALL[part]
            digit = None
        elif part in _LARGE:  # 两亿三千万: 万 after 亿 scales its own section only
            section += digit or 0
            total = (total + section) * _LARGE[part] if total < _LARGE[part] else total + section * _LARGE[part]
            section, digit = 0.0, None
        else:
            raise ValueError(f"not a number: {text!r}")
    return round(total + section + (digit or 0), 6)


@dataclass(frozen=True)
class Target:
    """A quantitative target: 新建10家高价值专利培育中心 → (新建, 10, 家, 高价值专利培育中心)."""

    text: str
    qualifier: str
    number: float
    unit: str
    counts: str


def _counted(text: str, m: re.Match) -> bool:
    """A lone Chinese numeral is a count: after a counting qualifier or 等, before 余/多 or a bound."""
    qual = m.group("qual") or ""
    return bool(re.fullmatch(_SINGLE, qual) or not qual and text[:m.start()].endswith("等")
                or text[m.end("num")] in "余多" or m.group("bound"))


def targets(text: str) -> list[Target]:
    """Quantitative targets in ``text`` (numbers with a unit; years, dates and codes are skipped)."""
    found: list[Target] = []
    for m in _TARGET.finditer(text):
        if m.group("num") in _SINGLE_DIGITS and not _counted(text, m):
            continue
        after = _CLAUSE_END.split(text[m.end():], maxsplit=1)[0]
        before = re.split(r"[,;。:、!?()《》“”\n]", text[: m.start()])[-1]
        use_after = len(after) >= 2 and not m.group("bound")
        counts = after if use_after else before
        counts = re.sub(r"^(?:将|把|使|对|在|全年|力争|确保)", "", counts)
        counts = re.sub(r"(?:分别)?(?:控制在|稳定在|压减到|达到|达|超过|超|突破|实现|增长)?$", "", counts).strip()
        if not counts and found and found[-1].counts:
            counts = found[-1].counts  # 172家、460家: the second shares the first one's object
        start = m.start() if use_after else m.start() - len(before)
        end = m.end() + (len(after) if use_after else 0)
        found.append(Target(
            text=text[max(start, 0):end].strip(),
            qualifier=m.group("qual") or "",
            number=number(m.group("num")),
            unit=m.group("unit"),
            counts=counts,
        ))
    return found
