"""Clean raw document text: drop web-page chrome, normalise punctuation, remove PDF stray spaces.

Cleaning never invents text: every character of the output comes from the input, except the
normalised forms of punctuation and line ends. Republishing noise goes too: pinyin after characters
(区(qū)域), the notice lines of document-sharing sites (付费完成后未能成功下载的用户请联系客服处理),
page numbers and the running header printed beside them. A plan printed on one line is broken
before its outline markers (:func:`ipcompare.reading.markers.split_inline`).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from . import markers

# Characters written without spaces between them in Chinese text: Han ideographs and CJK punctuation.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\u2010-\u2027\u2030-\u205e\uff01-\uff65《》“”‘’"
_PUNCT = r",.;:!?()\[\]%"  # ASCII punctuation after NFKC (fullwidth forms become these)
_SPACE = r"[ \t\u00a0\u3000]+"
# A space between two CJK characters, or between CJK and a digit/ASCII punctuation (either order),
# is a PDF-extraction artefact; spaces between Latin words or numbers are kept.
_STRAY_SPACE = re.compile(
    rf"(?<=[{_CJK}]){_SPACE}(?=[{_CJK}{_PUNCT}0-9])"
    rf"|(?<=[{_PUNCT}0-9]){_SPACE}(?=[{_CJK}])"
    rf"|(?<=[{_CJK}]){_SPACE}(?=[{_PUNCT}])"
)

# Punctuation variants NFKC leaves alone.
_PUNCT_MAP = str.maketrans({
    "\u2014": "—", "\u2015": "—", "\u2500": "—",   # dashes
    "\u00b7": "•", "\u30fb": "•", "\u2022": "•",   # middle dots (4•26)
    "\u3010": "【", "\u3011": "】",
    "\u201e": "“", "\u301d": "“", "\u301e": "”", "\u301f": "”",
    "\u2018": "‘", "\u2019": "’",
    "\ufeff": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
})

# Whole lines that are page furniture of government web pages.
_CHROME_LINE = re.compile(
    r"^(?:"
    r"(?:您)?当前(?:所在)?(?:的)?位置\s*[::].*"              # breadcrumbs
    r"|首页\s*(?:[»>›/]|&gt;).*"
    r"|【?\s*字体\s*[::]?.*"                                   # 【字体: 大 中 小】 打印
    r"|.*扫一扫.*|.*(?:在手机|手机扫码|手机上)打开.*"
    r"|上一篇.*|下一篇.*|上一条.*|下一条.*"
    r"|(?:相关|推荐)(?:阅读|链接|文章|新闻)\s*[::]?"
    r"|分享到\s*[::]?.*|(?:【)?(?:打印|关闭|关闭窗口|打印本页|收藏|返回|返回顶部|回到顶部|TOP|top)(?:】)?"
    r"|(?:抖音|微博|微信|头条|今日头条|QQ|QQ空间|qq空间|腾讯微博|新浪微博|人民微博|豆瓣|百度|微信公众号|公众号)"
    r"|(?:浏览|访问|阅读)(?:次数|量)\s*[::].*"
    r"|(?:索\s*引\s*号|信息分类|主题分类|分\s*类|发布机构|生成日期|发文日期|成文日期|发布日期|发布时间|"
    r"文\s*号|是否有效|效力状态|有效性|名\s*称|来\s*源|作\s*者|责任编辑)\s*[::|].*"
    r"|[-|\s]*[-]{3,}[-|\s]*"                                  # markdown table rules  ---|---|
    r"|\|+"                                                    # lone table borders
    r")$"
)


# NFKC only where it is safe: fullwidth ASCII, the ideographic space, Kangxi radicals and CJK
# compatibility ideographs that PDF extraction produces. Full NFKC would turn ① into 1 and lose markers.
_COMPAT = re.compile(r"[\uff01-\uff5e\u3000\u2f00-\u2fdf\uf900-\ufaff]")


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# 区(qū)域 / 区(qu1): a syllable with a tone after a Han character.
_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff])\((?:[a-zü]{{0,5}}[{_TONED}][a-zü]{{0,5}}|[a-zü]{{1,6}}[1-5])\)")
# An ASCII copy's full stop after Chinese (…工作. 推进…); 二.促进 is a marker (二、).
_CN_DOT_MARKER = re.compile(r"(^|\s)([一二三四五六七八九十]+)\.(?!\d)", flags=re.M)
_FULL_STOP = re.compile(r"(?<=[\u4e00-\u9fff”》)\]])\.(?=\s|[\u4e00-\u9fff“《(\d]|$)", flags=re.M)


def normalize(raw: str) -> str:
    """Fullwidth forms → ASCII, unified dashes/dots/quotes, ``\\n`` line ends, ASCII full stops
    after Chinese → 。, pinyin annotations dropped."""
    text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), raw).translate(_PUNCT_MAP)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _FULL_STOP.sub("。", _CN_DOT_MARKER.sub(r"\1\2、", text))
    return _PINYIN.sub("", text)


def remove_stray_spaces(line: str) -> str:
    """``加 大 强 国 建 设`` → ``加大强国建设``; ``GB/T 29490`` and ``ISO 56005`` keep their spaces."""
    return _STRAY_SPACE.sub("", line)


def is_chrome(line: str) -> bool:
    """True for a line of web-page furniture (breadcrumb, share buttons, metadata header ...)."""
    return bool(_CHROME_LINE.match(line.strip()))


# Words of a document-sharing site's notices (download, payment, uploader); two make a notice.
SITE_NOTICE = re.compile(r"付费|下载|客服|金币|VIP|vip|充值|上传|水印|本站|本文档|文档分享|分享网|网址|如有侵权|"
                         r"侵权请联系|联系删除|原创力|豆丁|文库|book118|docin|淘豆网|免费阅读")
_NOTICE_HEAD = re.compile(r"^(?:温馨提示|下载提示|特别提示|免责声明|文档说明)[::]?$")


def notice_terms(text: str) -> list[str]:
    """The site-notice words of ``text`` (distinct, in order); two or more make it a notice."""
    return list(dict.fromkeys(SITE_NOTICE.findall(text)))


def is_notice(line: str) -> bool:
    """A document-sharing site's notice line, 80 characters at most (numbered ones are left for the
    extraction to keep)."""
    return bool(_NOTICE_HEAD.match(line)) or (
        len(line) <= 80 and len(notice_terms(line)) >= 2 and not markers.marker(line))


PAGE_NUMBER = re.compile(r"^(?:[-—–‒]\s*\d{1,4}\s*[-—–‒]|第\s*\d+\s*页(?:\s*[,,/]?\s*共\s*\d+\s*页)?)$")


def drop_page_furniture(lines: list[str]) -> list[str]:
    """``lines`` without page numbers (- 3 -, 第3页 共12页) and the running header or footer printed
    next to them on at least two pages (a line of 8 characters or more, not an outline item)."""
    pages = [i for i, line in enumerate(lines) if PAGE_NUMBER.match(line)]
    near: dict[int, str] = {}
    for i in pages:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j]:
                j += step
            if 0 <= j < len(lines) and not PAGE_NUMBER.match(lines[j]):
                near[j] = lines[j]
    seen = Counter(near.values())
    drop = set(pages) | {j for j, line in near.items()
                         if seen[line] >= 2 and len(line) >= 8 and not markers.marker(line)}
    return [line for i, line in enumerate(lines) if i not in drop]


def clean_text(raw: str) -> str:
    """Normalised text without chrome lines or stray spaces; blank lines collapse to one."""
    lines: list[str] = []
    numbering: dict[str, int] = {}
    for raw_line in normalize(raw).split("\n"):
        pieces = [raw_line] if "|" in raw_line else markers.split_inline(raw_line.strip(), numbering)
        for line in pieces or [""]:
            line = remove_stray_spaces(line.strip())
            if not line or is_chrome(line) or is_notice(line):
                if lines and lines[-1]:
                    lines.append("")
                continue
            lines.append(line)
    return "\n".join(drop_page_furniture(lines)).strip("\n")


@cache
def t2s():
    """The OpenCC converter from traditional to simplified characters (one per process)."""
    import opencc

    return opencc.OpenCC("t2s")
