"""The bundled Noto Sans SC cut to the characters a page uses (WOFF2), so a page carries its font.

Pages and plotly charts name :data:`FAMILY` first; the page embeds its subset in an ``@font-face``,
so a browser without any CJK system font still shows the Chinese. Made with fontTools (WOFF2 needs
brotli), at most once per character set (kept in the cache).
"""
from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

from ..cache import Store, code_version, digest

FAMILY = "ipcompare-sans"  # the embedded subset's family name: never a system font's
# Drawn by plotly.js itself whatever the text (ticks, numbers, minus sign, ellipsis).
ALWAYS = "".join(map(chr, range(32, 127))) + "−–—…·×“”‘’°"
_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")


def characters(page: str) -> str:
    """Every character ``page`` shows, also those written as ``\\uXXXX`` in its scripts' JSON (plotly's)."""
    chars = set(page) | set(ALWAYS)
    for run in set(_ESCAPES.findall(page)):
        chars |= set(json.loads(f'"{run}"', strict=False))
    return "".join(sorted(c for c in chars if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF))


def subset(chars: str, cache_dir: Path | None = None) -> bytes:
    """WOFF2 of the bundled font with the glyphs of ``chars`` (the same characters give the same bytes)."""
    chars = "".join(sorted(set(chars)))
    version = code_version(("views.webfont",), (), ("fonttools", "brotli", "pylopdf-fonts-zh-cn"))
    return Store(cache_dir, "fonts").reuse({"subset": digest(version, chars)}, lambda _: {"subset": _cut(chars)})["subset"]


def _cut(chars: str) -> bytes:
    import pylopdf_fonts_zh_cn
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(pylopdf_fonts_zh_cn.sans_path(), recalcTimestamp=False)  # no timestamp: same bytes
    cutter = ft_subset.Subsetter(ft_subset.Options(hinting=False, desubroutinize=True))  # 20% smaller
    cutter.populate(text=chars)
    cutter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_face(woff2: bytes = b"", url: str = "") -> str:
    """The ``@font-face`` rule of :data:`FAMILY`: the subset embedded (``woff2``) or at ``url``."""
    src = url or "data:font/woff2;base64," + base64.b64encode(woff2).decode()
    return f"@font-face{{font-family:{FAMILY};src:url({src}) format('woff2');font-display:block}}"
