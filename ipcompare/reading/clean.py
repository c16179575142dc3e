"""Clean raw document text: drop web-page chrome, normalise punctuation, remove PDF stray spaces.

Cleaning never invents text: every character of the output comes from the input, except the
normalised forms of punctuation and line ends.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

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


def normalize(raw: str) -> str:
    """Fullwidth forms → ASCII, unified dashes/dots/quotes, ``\\n`` line ends."""
    text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), raw).translate(_PUNCT_MAP)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def remove_stray_spaces(line: str) -> str:
    """``加 大 强 国 建 设`` → ``加大强国建设``; ``GB/T 29490`` and ``ISO 56005`` keep their spaces."""
    return _STRAY_SPACE.sub("", line)


def is_chrome(line: str) -> bool:
    """True for a line of web-page furniture (breadcrumb, share buttons, metadata header ...)."""
    return bool(_CHROME_LINE.match(line.strip()))


def clean_text(raw: str) -> str:
    """Normalised text without chrome lines or stray spaces; blank lines collapse to one."""
    lines: list[str] = []
    for line in normalize(raw).split("\n"):
        line = remove_stray_spaces(line.strip())
        if not line or is_chrome(line):
            if lines and lines[-1]:
                lines.append("")
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n")


@cache
def t2s():
    """The OpenCC converter from traditional to simplified characters (one per process)."""
    import opencc

    return opencc.OpenCC("t2s")
