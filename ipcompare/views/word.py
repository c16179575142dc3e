"""The Word reports (``report.zh.docx``, ``report.en.docx``): the HTML report's sections, to edit and send.

A title page (corpus, date), then the sections of the index page from the same contexts
(:data:`~ipcompare.views.report.PAGE_SECTIONS`), walked generically: each chart as its 200 dpi PNG
with a numbered caption and its source line (a chart drawn interactive only: one line naming the
page that has it and the ``figures`` command that draws its PNG), each table of a context as a real Word table. Text
is set in an East Asian font (``w:eastAsia``) so Word and WPS show the Chinese; pages are
numbered; captions are Word ``SEQ`` fields (Word can list them as a table of figures).
"""
from __future__ import annotations

import copy
import datetime
import io
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from ..cache import Store, digest

FONTS = {"latin": "Calibri", "east_asia": "Microsoft YaHei"}  # on every Chinese Windows; WPS maps it
WORDS = {
    "zh": {"figure": "图", "table": "表", "sep": "：", "none": "无。",
           "long": "共 {n} 行，见 HTML 报告与 data/processed/ 中的表格。",
           "interactive": "{title}：交互式图表见 index.zh.html；其静态图（PNG、SVG）由 `{command}` 生成。"},
    "en": {"figure": "Figure", "table": "Table", "sep": ": ", "none": "None.",
           "long": "{n} rows: see the HTML report and the tables in data/processed/.",
           "interactive": "{title}: the interactive chart is in index.html; `{command}` draws its PNG and SVG."},
}
BREAKS = set("\n\r\t")
W_P, W_R, W_T = qn("w:p"), qn("w:r"), qn("w:t")
MAX_ROWS = 200  # a longer table stays in the HTML report and the CSV files
SKIP = {"evidence"}  # sections whose tables are only for the HTML report (every verdict, every task)


def compact_png(pixels) -> bytes:
    """The chart's PNG from its RGBA pixels (``charts.pixels``) in 256 colours (a chart has few: it
    looks the same, 3 to 4 times smaller), 200 dpi. Fast octree quantising (each colour within 15
    levels, 5 times faster than median cut), the background (the corner pixel's colour) kept exact."""
    from PIL import Image

    out = io.BytesIO()
    image = Image.fromarray(pixels).convert("RGB")
    quantised = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette = quantised.getpalette()
    k = 3 * quantised.getpixel((0, 0))
    palette[k:k + 3] = image.getpixel((0, 0))
    quantised.putpalette(palette)
    quantised.save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


def _set_font(style, lang: str) -> None:
    """Latin and East Asian fonts of a style, overriding the template's theme fonts."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", "latin"), ("w:hAnsi", "latin"), ("w:eastAsia", "east_asia")):
        fonts.set(qn(attr), FONTS[name])
    language = style.element.rPr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        style.element.rPr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")
    language.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``, ``SEQ 图``) showing ``shown`` until Word updates it."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, shown), ("end", None)):
        element = OxmlElement("w:fldChar" if kind else ("w:instrText" if text == instruction else "w:t"))
        if kind:
            element.set(qn("w:fldCharType"), kind)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


class _Writer:
    """Adds headings, numbered figures and tables to a document."""

    def __init__(self, lang: str, X: dict, drawings: dict):
        self.lang, self.X, self.W, self.drawings = lang, X, WORDS[lang], drawings
        self.counts = {"figure": 0, "table": 0}
        self.doc = Document()
        for style in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
            _set_font(self.doc.styles[style], lang)
        self.doc.styles["Normal"].font.size = Pt(10.5)
        caption = self.doc.styles["Caption"].font
        caption.bold, caption.size, caption.color.rgb = False, Pt(9), RGBColor(0x22, 0x22, 0x22)
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
        section.left_margin = section.right_margin = Cm(2)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE", "1")

    def caption(self, kind: str, text: str) -> None:
        self.counts[kind] += 1
        label = self.W[kind]
        paragraph = self.doc.add_paragraph(style="Caption")
        paragraph.add_run(f"{label} ")
        _field(paragraph, f"SEQ {label} \\* ARABIC", str(self.counts[kind]))
        paragraph.add_run(self.W["sep"] + text)

    def chart(self, stem: str) -> None:
        drawing = self.drawings.get((self.lang, stem))
        if drawing is None:
            return
        if drawing.png is None:  # a per-place chart drawn interactive only (a corpus of many places)
            command = f"python -m ipcompare figures {stem.split('_', 1)[1]}"
            self.doc.add_paragraph(self.W["interactive"].format(title=drawing.title, command=command))
            return
        self.doc.add_picture(io.BytesIO(drawing.png), width=Cm(17))
        self.caption("figure", drawing.title)
        source = self.doc.add_paragraph().add_run(drawing.source)
        source.font.size, source.font.color.rgb = Pt(8), RGBColor(0x55, 0x55, 0x55)

    def table(self, frame: pd.DataFrame, title: str) -> None:
        if frame.empty:
            self.doc.add_paragraph(self.W["none"])
            return
        if len(frame) > MAX_ROWS:
            self.doc.add_paragraph(self.W["long"].format(n=len(frame)))
            return
        self.caption("table", title)
        table = self.doc.add_table(rows=2, cols=len(frame.columns), style="Table Grid")
        header, model = table.rows
        for cell, name in zip(header.cells, frame.columns):
            cell.text = str(name)
            cell.paragraphs[0].runs[0].bold = True
        for cell in model.cells:
            cell.text = "-"
        for run in (r for row in table.rows for cell in row.cells for r in cell.paragraphs[0].runs):
            run.font.size = Pt(8)
        for row in frame.itertuples(index=False):  # each row a copy of the model row (python-docx per cell is slow)
            tr = copy.deepcopy(model._tr)
            for tc, value in zip(tr.tc_lst, row):
                text = "" if pd.isna(value) else (f"{value:.3g}" if isinstance(value, float) else str(value))
                if set(text) & BREAKS:  # line breaks and tabs: python-docx's own elements for them
                    cell = _Cell(tc, table)
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
                else:
                    (t := tc.find(f"{W_P}/{W_R}/{W_T}")).text = text
                    if text != text.strip():
                        t.set(qn("xml:space"), "preserve")
            table._tbl.append(tr)
        table._tbl.remove(model._tr)

    def walk(self, context: dict, title: str, level: int) -> None:
        """Charts and tables of a section's context, in its order; a dict with a ``name`` is a sub-section."""
        for key, value in context.items():
            if key == "charts":
                for item in value:
                    self.chart(item["stem"])
            elif isinstance(value, pd.DataFrame):
                if key in self.X:
                    self.doc.add_heading(self.X[key], level + 1)
                self.table(value, self.X.get(key, title))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        self.doc.add_heading(item.get("name", ""), level + 1)
                        self.walk(item, item.get("name", title), level + 1)
                    elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], pd.DataFrame):
                        self.doc.add_heading(item[0], level + 1)
                        self.table(item[1], item[0])


def document(sections: list[dict], X: dict, drawings: dict, lang: str, date: str) -> Document:
    """The Word report in ``lang`` of the index page's ``sections`` (their contexts), with the text ``X``
    of that page and the charts' :class:`~ipcompare.views.report.Drawing` by (lang, stem), made on ``date``
    (ISO: :func:`~ipcompare.views.frames.run_date`)."""
    w = _Writer(lang, X, drawings)
    today = datetime.date.fromisoformat(date)
    w.doc.add_heading(X["title"], 0)
    corpus = next((s for s in sections if s["id"] == "corpus"), {})
    if corpus:
        w.doc.add_paragraph(X["corpus_intro"].format(**corpus), style="Subtitle")
    w.doc.add_paragraph(X["made"].format(date=today.isoformat()))
    w.doc.add_page_break()
    for s in sections:
        w.doc.add_heading(X[s["id"]], 1)
        if f"{s['id']}_intro" in X:
            w.doc.add_paragraph(X[f"{s['id']}_intro"].format(**s))
        if s["id"] not in SKIP:
            w.walk(s, X[s["id"]], 1)
    props = w.doc.core_properties
    props.title, props.author, props.language = X["title"], "ipcompare", "zh-CN" if lang == "zh" else "en"
    props.created = props.modified = datetime.datetime.combine(today, datetime.time())
    return w.doc


def fixed_zip(data: bytes) -> bytes:
    """A .docx (a zip) with its members' dates fixed (1980-01-01) and in name order: the same document,
    the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename)):
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), src.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


FONTS_CONF = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{folder}</dir>
<alias binding="same"><family>{east_asia}</family><prefer><family>Noto Sans SC</family></prefer></alias></fontconfig>"""


def _content_key(path: Path) -> str:
    """A .docx file's digest by the content of its parts (not their zip timestamps)."""
    with zipfile.ZipFile(path) as z:
        return digest(*(part for name in sorted(z.namelist()) for part in (name.encode(), z.read(name))))


def pdfs_later(paths: list[Path], cache_dir: Path | None = None) -> subprocess.Popen | None:
    """The PDF of each .docx of ``paths`` beside it, where LibreOffice is installed: one whose content
    is that of its last conversion in ``cache_dir`` at once, the others by a process of its own
    (:func:`convert`) that the caller need not wait for; a PDF of an earlier version is removed
    first. Returns that process (None when nothing is left to convert)."""
    if not _soffice() or not paths:
        return None
    slots = {p.name: _content_key(p) for p in paths}
    kept = Store(cache_dir, "pdf").recall(slots)
    for path in paths:
        if path.name in kept:
            _replace(path.with_suffix(".pdf"), kept[path.name])
        else:
            path.with_suffix(".pdf").unlink(missing_ok=True)
    todo = [str(p) for p in paths if p.name not in kept]
    if not todo:
        return None
    return subprocess.Popen([sys.executable, "-m", __name__, str(cache_dir or ""), *todo], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _replace(path: Path, data: bytes) -> None:
    """Write ``path`` at once (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def convert(paths: list[Path], cache_dir: Path | None = None) -> list[Path]:
    """PDFs of the .docx ``paths`` beside them, by LibreOffice (the bundled Noto Sans SC standing in
    for the East Asian font, through fontconfig), each kept in ``cache_dir`` by the content of its
    .docx; a .docx changed during the conversion gets none. Returns the PDFs written (a failure is a warning)."""
    import pylopdf_fonts_zh_cn

    with tempfile.TemporaryDirectory() as tmp:  # its own profile: works beside an open LibreOffice
        copies = []
        for path in paths:  # converted as they are now
            (copy := Path(tmp, path.name)).write_bytes(path.read_bytes())
            copies.append(copy)
        slots = {p.name: _content_key(p) for p in copies}
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(FONTS_CONF.format(folder=Path(pylopdf_fonts_zh_cn.sans_path()).parent, **FONTS), encoding="utf-8")
        command = [_soffice(), f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--convert-to",
                   "pdf", "--outdir", str(Path(tmp, "out")), *map(str, copies)]
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600,
                              env={**os.environ, "FONTCONFIG_FILE": str(conf)})
        if proc.returncode:
            warnings.warn(f"no PDF of the Word reports: LibreOffice failed ({proc.stderr.decode(errors='replace').strip()[:200]})")
        made = {p: Path(tmp, "out", p.with_suffix(".pdf").name) for p in paths}
        made = {p: pdf.read_bytes() for p, pdf in made.items() if pdf.is_file() and _content_key(p) == slots[p.name]}
        for path, pdf in made.items():
            _replace(path.with_suffix(".pdf"), pdf)
        Store(cache_dir, "pdf").keep({p.name: (slots[p.name], pdf) for p, pdf in made.items()})
    return [p.with_suffix(".pdf") for p in made]


if __name__ == "__main__":  # pdfs_later's process: python -m ipcompare.views.word CACHE_DIR DOCX...
    convert([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]) if sys.argv[1] else None)
