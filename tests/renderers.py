"""Render a seed text as the formats plans really arrive in: a government web page, a PDF with a text
layer, a Word .docx, GBK bytes, traditional characters, a scan (image-only PDF, page image). Test
helpers only (not fixtures on disk)."""
from __future__ import annotations

import html
from pathlib import Path

from ipcompare.reading.manifest import read_manifest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
SEEDS = {row.doc_id: RAW / row.file for row in read_manifest(RAW).itertuples()}
FORMATS = ("html", "pdf", "docx", "gbk", "big5", "traditional", "ofd")


def render(fmt: str, doc_id: str, folder: Path) -> Path:
    """Seed ``doc_id`` as a file of format ``fmt`` in ``folder`` (made once, reused after)."""
    seed = SEEDS[doc_id].read_text("utf-8")
    suffix = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "scan": ".pdf", "png": ".png", "ofd": ".ofd"}.get(fmt, ".txt")
    path = folder / f"{doc_id}_{fmt}{suffix}"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        path.write_text(to_html(seed), encoding="utf-8")
    elif fmt == "pdf":
        to_pdf(seed, path, cjk_font(folder))
    elif fmt == "docx":
        to_docx(seed, path)
    elif fmt == "ofd":
        to_ofd(seed, path)
    elif fmt == "scan":
        to_scan_pdf(seed, path)
    elif fmt == "png":
        scan_pages(seed)[0][0].save(path)
    elif fmt == "gbk":
        path.write_bytes(seed.encode("gb18030"))  # GBK proper where the text allows (GZ2025 has a \xa0)
    elif fmt == "big5":
        path.write_bytes(to_traditional(seed, "s2tw").encode("big5"))
    else:
        path.write_text(to_traditional(seed), encoding="utf-8")
    return path


def blocks(text: str) -> list[str | list[list[str]]]:
    """Paragraphs (str) and tables (rows of cells) of a seed text: consecutive ``cell | cell |`` rows
    form a table; a row runs until a line ending with ``|``."""
    out: list[str | list[list[str]]] = []
    pending: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if pending or "|" in line:
            pending.append(line)
            if line.endswith("|"):
                cells = [c.strip() for c in "".join(pending).split("|")][:-1]
                if not all(set(c) <= set("-") for c in cells):  # a markdown rule ---|---|
                    if not out or isinstance(out[-1], str):
                        out.append([])
                    out[-1].append(cells)
                pending = []
        else:
            out.append(line)
    return out


def _padded(table: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in table)
    return [r + [""] * (width - len(r)) for r in table]


def to_html(text: str) -> str:
    """A government page: navigation, breadcrumb, scripts (also inside the article), share widget."""
    body = []
    for block in blocks(text):
        if isinstance(block, str):
            body.append(f'<p style="text-indent:2em">{html.escape(block)}</p>')
        else:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in _padded(block))
            body.append(f'<table border="1">{rows}</table>')
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政务公开</title>
<script>var tracker = "1.统计脚本里的假任务。不应出现。";</script><style>.nav {{color: red}}</style></head>
<body><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/jgsz">机构设置</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="crumb">当前位置:<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 规划计划</div>
<div class="article"><script>document.write("2.文章里的脚本任务。不应出现。");</script>
{chr(10).join(body)}
</div>
<div class="bdsharebuttonbox">分享到:<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div>
<div class="footer">主办单位:知识产权局 备案号:京ICP备00000000号 <script>footer()</script></div>
</body></html>"""


def to_docx(text: str, path: Path) -> Path:
    """Paragraphs and real Word tables."""
    import docx

    document = docx.Document()
    for block in blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            rows = _padded(block)
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
    document.save(path)
    return path


def cjk_font(folder: Path) -> Path:
    """A TrueType subset of Noto Sans SC covering the seed texts, in ``folder`` (made once). fpdf2
    embeds the OpenType (CFF) original with an embedded encoding CMap that pdfminer cannot read (no
    text comes out); with TrueType outlines pdfminer reads the text."""
    import pylopdf_fonts_zh_cn
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    path = folder / "cjk.ttf"
    if path.exists():
        return path
    chars = set("".join(p.read_text("utf-8") for p in RAW.glob("*.txt")))
    chars |= {chr(c) for c in range(32, 127)} | set("\u3000牵头单位责任部门序号工作重点内容具体任务成果形式测试页")
    font = TTFont(pylopdf_fonts_zh_cn.sans_path())
    options = subset.Options()
    options.layout_features, options.notdef_outline = [], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    glyphs, order = font.getGlyphSet(), font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxTwilightPoints",
                 "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType, font["post"].extraNames, font["post"].mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(path)
    return path


def to_pdf(text: str, path: Path, font: Path) -> Path:
    """A4 pages: paragraphs indented by two ideographic spaces (公文 style) and wrapped, ruled tables."""
    from fpdf import FPDF, FontFace
    from fpdf.enums import WrapMode

    pdf = FPDF()
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=11)
    pdf.add_page()
    for block in blocks(text):
        if isinstance(block, str):
            pdf.multi_cell(0, 6, "\u3000\u3000" + block, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        else:
            rows = _padded(block)
            widths = [1] + [3] * (len(rows[0]) - 1) if len(rows[0]) > 2 else None
            with pdf.table(col_widths=widths, headings_style=FontFace(), first_row_as_headings=False,
                           wrapmode=WrapMode.CHAR, text_align="LEFT", line_height=5) as table:
                for cells in rows:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
    pdf.output(str(path))
    return path


_OFD = 'xmlns:ofd="http://www.ofdspec.org/2016"'
OFD_PAGE_LINES, OFD_LINE_CHARS, OFD_SIZE = 22, 28, 5.6  # A4 in mm: 公文 layout, 22 lines of 28 characters


def ofd_pages(text: str) -> list[tuple[list[tuple[float, float, float, str]], list[tuple[float, float, float, float]]]]:
    """The seed laid out as OFD pages in mm: each page's text pieces (x, y, width, text) and its tables'
    frames (x, y, width, height). Paragraphs are indented by two characters and wrapped, each line in
    two TextObjects; a table row's cells side by side, two characters apart (not wrapped: the columns
    may run past the page), inside the frame of its table's rows on that page."""
    left, top, size, step = 26.0, 37.0, OFD_SIZE, OFD_SIZE * 1.6
    lines: list[tuple[list[tuple[float, str]], int]] = []  # pieces, table number (-1: a paragraph)
    for number, block in enumerate(blocks(text)):
        if isinstance(block, str):
            rest = "\u3000\u3000" + block
            while rest:
                cut, rest = rest[:OFD_LINE_CHARS], rest[OFD_LINE_CHARS:]
                half = max(1, len(cut) // 2)
                lines.append(([(left, cut[:half]), (left + half * size, cut[half:])], -1))
        else:
            rows = _padded(block)
            widths = [max(len(r[i]) for r in rows) + 2 for i in range(len(rows[0]))]  # two characters apart
            starts = [left + size * sum(widths[:i]) for i in range(len(widths))]
            lines += [([(x, cell) for x, cell in zip(starts, cells) if cell], number) for cells in rows]
    pages = []
    for start in range(0, len(lines), OFD_PAGE_LINES):
        pieces, frames = [], {}
        for row, (line, table) in enumerate(lines[start:start + OFD_PAGE_LINES]):
            y = top + row * step
            pieces += [(x, y, len(s) * size, s) for x, s in line if s]
            if table >= 0:
                right = max(x + len(s) * size for x, s in line) + size
                x0, y0, x1, _ = frames.get(table, (left - 1, y - step + 1, right, y))
                frames[table] = (x0, y0, max(x1, right), y + 1)
        pages.append((pieces, [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in frames.values()]))
    return pages


def to_ofd(text: str, path: Path) -> Path:
    """A minimal valid OFD package (GB/T 33190): OFD.xml, Doc_0/Document.xml, a Content.xml per page
    whose TextObjects carry Boundary positions and a TextCode each, written bottom to top (an OFD
    need not store them in reading order), tables framed by a PathObject; ideographic indents kept."""
    import zipfile
    from xml.sax.saxutils import escape

    pages = ofd_pages(text)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {_OFD} Version="1.0" DocType="OFD">'
                   "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {_OFD}><ofd:CommonData>'
                   "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
                   f"<ofd:MaxUnitID>{sum(len(p[0]) + len(p[1]) for p in pages) + 10}</ofd:MaxUnitID></ofd:CommonData>"
                   f"<ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        for i, (pieces, frames) in enumerate(pages):
            paths = "".join(f'<ofd:PathObject ID="{k + 2}" Boundary="{x:.2f} {y:.2f} {w:.2f} {h:.2f}" Stroke="true">'
                            f"<ofd:AbbreviatedData>M 0 0 L {w:.2f} 0 L {w:.2f} {h:.2f} L 0 {h:.2f} C"
                            "</ofd:AbbreviatedData></ofd:PathObject>" for k, (x, y, w, h) in enumerate(frames))
            objects = "".join(
                f'<ofd:TextObject ID="{len(frames) + k + 2}" Boundary="{x:.2f} {y - OFD_SIZE:.2f} {w:.2f} '
                f'{OFD_SIZE * 1.2:.2f}" Font="1" Size="{OFD_SIZE}"><ofd:TextCode X="0" Y="{OFD_SIZE:.2f}" '
                f'DeltaX="g {len(s) - 1} {OFD_SIZE}">{escape(s)}</ofd:TextCode></ofd:TextObject>'
                for k, (x, y, w, s) in reversed(list(enumerate(pieces))))
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {_OFD}>'
                       f'<ofd:Content><ofd:Layer ID="1">{paths}{objects}</ofd:Layer></ofd:Content></ofd:Page>')
    return path


def to_traditional(text: str, config: str = "s2t") -> str:
    """Traditional characters (OpenCC ``s2t``; ``s2tw`` for the Taiwan forms Big5 can encode)."""
    import opencc

    return opencc.OpenCC(config).convert(text)


def scan_pages(text: str, dpi: int = 200, size: float = 16, pages: int | None = None) -> list:
    """A4 page images of ``text`` as a scanner makes them: Noto Sans SC at ``size`` pt (公文's 三号),
    paragraphs indented by two characters and wrapped at the margins, slightly blurred and turned
    (alternately +-0.6 degrees); each page with the lines drawn on it: [(PIL image, lines)]."""
    import pylopdf_fonts_zh_cn
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    px = size * dpi / 72
    font = ImageFont.truetype(str(pylopdf_fonts_zh_cn.sans_path()), round(px))
    width, height, margin, step = round(8.27 * dpi), round(11.69 * dpi), round(0.9 * dpi), round(1.6 * px)
    lines = []
    for block in text.split("\n"):
        line = "\u3000\u3000" if block.strip() and "|" not in block else ""
        for char in block.strip():
            if font.getlength(line + char) > width - 2 * margin:
                lines.append(line)
                line = ""
            line += char
        lines += [line] if line.strip() else []
    per_page, out = (height - 2 * margin) // step, []
    for start in range(0, len(lines), per_page):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines[start:start + per_page]):
            draw.text((margin, margin + i * step), line, font=font, fill=20)
        angle = 0.6 if len(out) % 2 else -0.6
        image = image.filter(ImageFilter.GaussianBlur(0.6 * dpi / 200)).rotate(angle, Image.BICUBIC, fillcolor=255)
        out.append((image, lines[start:start + per_page]))
        if pages and len(out) == pages:
            break
    return out


def to_scan_pdf(text: str, path: Path) -> Path:
    """An image-only PDF (no text layer) of the :func:`scan_pages` of ``text``."""
    images = [image for image, _ in scan_pages(text)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200)
    return path
