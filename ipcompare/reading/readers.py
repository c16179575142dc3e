"""Read a source file into text. Every failure is an :class:`InputError` naming the file.

Supported: ``.txt`` (UTF-8 with or without BOM, GBK/GB18030, Big5), ``.html``/``.htm`` (the article
body of a web page, via trafilatura), ``.pdf`` (pdfplumber; wrapped lines are rejoined, ruled tables
become ``cell | cell |`` rows; pages without a text layer are rendered by pypdfium2 and read by OCR,
:mod:`.ocr`), page images ``.png``, ``.jpg``, ``.tif`` (multi-page too; by OCR), ``.docx``
(python-docx, tables as rows), ``.doc`` and WPS ``.wps`` (converted with LibreOffice or antiword
when one is installed) and ``.ofd`` (GB/T 33190: its page XML read with lxml; the OFD readers on PyPI
convert to images or PDF and bring heavy dependencies, the text needs none). OCR'd lines are rejoined
into paragraphs as a PDF's are. Files over the limits of :mod:`.limits` (size, unzipped size, pages,
pixels, text) are refused before the expensive work. Text in traditional characters is converted to
simplified (OpenCC ``t2s``) for analysis; the file itself is never changed.
"""
from __future__ import annotations

import io
import posixpath
import re
import shutil
import statistics
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import limits
from .clean import normalize, t2s
from .markers import marker

SUPPORTED = (".txt", ".text", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps", ".ofd", ".png", ".jpg", ".jpeg",
             ".tif", ".tiff")
_KIND_OF_SUFFIX = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html",
                   ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc", ".ofd": "ofd", ".png": "png",
                   ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}
_MAGIC = [(b"%PDF-", "pdf"), (b"PK\x03\x04", "docx"), (b"\xd0\xcf\x11\xe0", "doc"), (b"{\\rtf", "rtf"),
          (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff")]
_HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|meta)\b", re.I)
_TRADITIONAL_SHARE = 0.05  # converted when t2s changes at least this share of the Han characters
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_PAGE_NUMBER = re.compile(r"^(?:[-—–‒\s]*\d{1,4}[-—–‒\s]*|第\s*\d+\s*页(?:\s*[,,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")


@dataclass
class Source:
    """A file's text ready for cleaning (simplified characters), notes on how it was read, warnings
    (OCR'd lines to check) and the text of the pages read by OCR."""

    text: str
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ocr_text: str = ""


def read(path: Path, cache: Path | None = None) -> Source:
    """The text of a source document, by its extension (checked against its content); pages read by
    OCR are cached in the folder ``cache`` (none: not kept)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
        if size > limits.MAX_FILE_MB * 2**20:
            raise InputError(f"{path}: {size / 2**20:.0f} MB is over the {limits.MAX_FILE_MB} MB limit for a document; "
                             "is it really a plan? (split it, or remove its images)")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: empty file")
    kind = content_kind(data)
    expected = _KIND_OF_SUFFIX[suffix]
    if kind == "rtf":
        raise InputError(f"{path}: the content is RTF, which is not supported; save it as .docx in Word or WPS")
    if kind and kind != expected and not (kind == "docx" and expected == "ofd"):  # a zip: OFD.xml need not come first
        raise InputError(f"{path}: the content is {kind.upper()}, not {suffix}; rename the file to .{kind}")
    try:
        source = _READERS[expected](data, path, cache)
    except ImportError as err:  # a dependency missing or broken (e.g. installed by an old pip)
        raise InputError(f"{path}: reading {expected} files needs the package {_distribution(err)}, which does not "
                         f"import ({' '.join(str(err).split())[:120]}); install it: pip install {_distribution(err)}") from None
    if not source.text.strip():
        raise InputError(f"{path}: no text in the document")
    limits.check_text(source.text, path)
    source.text, converted = to_simplified(source.text)
    if converted:
        source.ocr_text = to_simplified(source.ocr_text)[0]
        source.notes.append(f"traditional characters converted to simplified (OpenCC t2s, {converted} characters); "
                            "the file keeps the original")
    return source


# Distributions of the modules the readers import, where the names differ (lxml.html.clean: trafilatura's).
_DISTRIBUTIONS = {"lxml.html.clean": "lxml_html_clean", "docx": "python-docx",
                  "charset_normalizer": "charset-normalizer", "pdfminer": "pdfminer.six"}


def _distribution(err: ImportError) -> str:
    """The distribution to install for a failed import: of the module it names, or one its message names."""
    for module, dist in _DISTRIBUTIONS.items():
        if (err.name or "").startswith(module) or module in str(err):
            return dist
    return (err.name or "ipcompare").split(".")[0]


def content_kind(data: bytes) -> str | None:
    """What the bytes are by their signature (pdf, docx, ofd: a zip whose first member is OFD.xml, doc,
    rtf, html), or None for plain text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return "ofd" if kind == "docx" and data[30:30 + int.from_bytes(data[26:28], "little")] == b"OFD.xml" else kind
    return "html" if _HTML.match(data[:1024]) else None


def to_simplified(text: str) -> tuple[str, int]:
    """``text`` in simplified characters and the number of characters changed; a text that is
    not mostly traditional is returned unchanged (0)."""
    simplified = t2s().convert(text)
    changed = 0 if simplified == text else sum(a != b for a, b in zip(text, simplified))
    if changed < _TRADITIONAL_SHARE * max(len(_HAN.findall(text)), 1):
        return text, 0
    return simplified, changed


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and encoding of text bytes: UTF-8 (with or without BOM), else GB18030 (a superset of
    GBK/GB2312) or Big5, whichever charset-normalizer finds coherent."""
    from charset_normalizer import from_bytes

    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: binary content, not a text document")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    if best is None:
        raise InputError(f"{path}: cannot decode the text (neither UTF-8, GBK/GB18030 nor Big5)")
    return str(best), best.encoding


def join_wrapped(first: str, second: str) -> str:
    """Two pieces of one wrapped line: one space between two Latin words, else none (Chinese text,
    numbers: a PDF wraps ``2023`` as ``20`` / ``23``)."""
    first, second = first.rstrip(), second.lstrip()
    if first and second and _LATIN.match(first[-1]) and _LATIN.match(second[0]):
        return f"{first} {second}"
    return first + second


def _cells_line(cells: list[str]) -> str:
    """A table row in the corpus convention: ``cell | cell |`` (line breaks inside cells rejoined,
    a ``|`` inside a cell written ``/``)."""
    out = []
    for cell in cells:
        parts = [p for p in (cell or "").replace("|", "/").split("\n") if p.strip()]
        text = ""
        for part in parts:
            text = join_wrapped(text, part)
        out.append(text.strip())
    return " | ".join(out) + " |"


def _read_text(data: bytes, path: Path, cache: Path | None = None) -> Source:
    text, encoding = decode(data, path)
    return Source(text, [] if encoding == "utf-8" else [f"decoded as {encoding.upper()}"])


def _read_html(data: bytes, path: Path, cache: Path | None = None) -> Source:
    """The article body (navigation, scripts, share widgets dropped); tables as ``cell | cell |``."""
    import trafilatura

    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: binary content, not a web page")
    body = trafilatura.extract(data, include_tables=True, include_comments=False, favor_recall=True)
    if not body or not body.strip():
        raise InputError(f"{path}: no article text found in the web page")
    # trafilatura writes table rows as "| a | b |"; the corpus convention is "a | b |".
    lines = [line.strip()[1:].strip() if line.strip().startswith("|") and line.strip().endswith("|") else line
             for line in body.split("\n")]
    cut = re.search(rb"<(?:html|body)\b", data, re.I) and not re.search(rb"</(?:html|body)\s*>", data, re.I)
    return Source("\n".join(lines), warnings=["the web page ends without its closing </body></html> tags: it looks "
                                              "cut short (saved before it finished loading?); check that every task is there"
                                              ] if cut else [])


@dataclass
class _Line:
    text: str
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    table: bool = False


def _page_lines(page) -> list[_Line]:
    """Text lines outside tables, and table rows, in reading order; page numbers dropped."""
    tables = page.find_tables()
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    items = []
    for line in outside.extract_text_lines():
        sizes = [c["size"] for c in line["chars"]] or [0.0]
        items.append((line["top"], _Line(line["text"], line["x0"], line["x1"], statistics.median(sizes))))
    for table in tables:
        for row, cells in zip(table.rows, table.extract()):
            items.append((row.bbox[1], _Line(_cells_line(cells), table=True)))
    return _without_page_numbers([line for _, line in sorted(items, key=lambda item: item[0])])


def _without_page_numbers(lines: list[_Line]) -> list[_Line]:
    """A page's lines less a page number at the bottom or the top."""
    while lines and _PAGE_NUMBER.match(lines[-1].text.strip()):
        lines.pop()
    while lines and _PAGE_NUMBER.match(lines[0].text.strip()):
        lines.pop(0)
    return lines


def _unwrap(lines: list[_Line]) -> str:
    """Rejoin lines a PDF wrapped: a line reaching the right margin continues on the next line unless
    that one is indented (a new paragraph: by its position or by leading spaces) or starts with an
    outline marker or 附件."""
    body = [line for line in lines if not line.table and line.text.strip()]
    if not body:
        return "\n".join(line.text for line in lines)
    right = sorted(line.x1 for line in body)[int(0.9 * (len(body) - 1))]
    left = sorted(line.x0 for line in body)[int(0.1 * (len(body) - 1))]
    out: list[str] = []
    joinable = False
    for line in lines:
        start = normalize(line.text).strip()
        new_paragraph = (line.table or line.x0 > left + 0.8 * line.size or line.text[:1].isspace()
                         or marker(start) is not None or start.startswith("附件"))
        if joinable and out and not new_paragraph:
            out[-1] = join_wrapped(out[-1], line.text)
        else:
            out.append(line.text)
        joinable = not line.table and line.x1 >= right - 1.5 * line.size
    return "\n".join(out)


def _read_pdf(data: bytes, path: Path, cache: Path | None = None) -> Source:
    """Text of a PDF: its text layer, and OCR for the pages that have none; a password is an error."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    pages, scanned = [], []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            limits.check_pages(len(pdf.pages), path)
            for number, page in enumerate(pdf.pages, start=1):
                pages.append(_page_lines(page))
                scanned += [] if pages[-1] else [number]
    except InputError:
        raise
    except Exception as err:  # pdfminer raises many kinds of errors on damaged files
        cause = err.args[0] if err.args and isinstance(err.args[0], Exception) else err
        if isinstance(cause, PDFPasswordIncorrect):
            raise InputError(f"{path}: the PDF is encrypted with a password; save an unprotected copy "
                             "(e.g. print it to PDF) and add that") from None
        raise InputError(f"{path}: not a readable PDF ({type(cause).__name__}: {str(cause)[:80]})") from None
    if not scanned:
        return Source(_unwrap([line for page in pages for line in page]))
    images, widths = _rendered(data, scanned, path)
    read = _read_scans(images, widths, scanned, path, cache, "PDF")
    for number, lines in zip(scanned, read.pages):
        pages[number - 1] = lines
    if not any(pages):
        raise InputError(f"{path}: the PDF has no text layer and OCR found no text on any page "
                         "(blank pages, or pictures without text?)")
    return Source(_unwrap([line for page in pages for line in page]), read.notes, read.warnings,
                  _unwrap([line for page in read.pages for line in page]))


def _rendered(data: bytes, numbers: list[int], path: Path) -> tuple[list, list[float]]:
    """Pages ``numbers`` of a PDF as images for OCR (pypdfium2) and their widths in points."""
    import pypdfium2

    from . import ocr

    images, widths = [], []
    try:
        pdf = pypdfium2.PdfDocument(data)
        for number in numbers:
            page = pdf[number - 1]
            width, height = page.get_size()
            images.append(page.render(scale=ocr.LONG_SIDE / max(width, height, 1), grayscale=True).to_pil())
            widths.append(width)
    except pypdfium2.PdfiumError as err:
        raise InputError(f"{path}: not a readable PDF (page images: {str(err)[:80]})") from None
    return images, widths


@dataclass
class _Scans:
    pages: list[list[_Line]]  # the lines of each page, in the page's units
    notes: list[str]
    warnings: list[str]


def _read_scans(images: list, widths: list[float], numbers: list[int], path: Path, cache: Path | None,
                what: str) -> _Scans:
    """OCR of page images ``numbers`` (``widths``: each page's width in the units of the other pages'
    lines); notes on what was read, warnings on lines to check."""
    from . import ocr

    pages, notes, warnings, confidences = [], [], [], []
    for number, width, page in zip(numbers, widths, ocr.read_pages(images, cache, path.name)):
        unit = width / page.width
        lines = _without_page_numbers([_Line(l.text, l.x0 * unit, l.x1 * unit, l.height * unit) for l in page.lines])
        pages.append(lines)
        confidences += [l.confidence for l in page.lines]
        low = [l for l in page.lines if l.confidence < ocr.LOW_CONFIDENCE]
        if low:
            warnings.append(f"page {number}: {len(low)} line(s) read by OCR with confidence below "
                            f"{ocr.LOW_CONFIDENCE}, check them: " + "; ".join(f"{l.text[:30]!r} ({l.confidence:.2f})"
                                                                                for l in low[:5]))
        if page.rotation:
            notes.append(f"page {number} was turned by {page.rotation} degrees; read upright")
    blank = [n for n, lines in zip(numbers, pages) if not lines]
    if done := [n for n in numbers if n not in blank]:
        notes.insert(0, f"{what} page(s) {_ranges(done)} read by OCR (RapidOCR PP-OCRv4, mean confidence "
                        f"{sum(confidences) / len(confidences):.2f})")
    if blank:
        notes.append(f"{what} page(s) {_ranges(blank)} blank (no text found by OCR) and skipped")
    return _Scans(pages, notes, warnings)


def _ranges(numbers: list[int]) -> str:
    """Page numbers as ranges: 1-3, 5."""
    out: list[list[int]] = []
    for n in numbers:
        if out and n == out[-1][-1] + 1:
            out[-1].append(n)
        else:
            out.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in out)


def _read_image(data: bytes, path: Path, cache: Path | None = None) -> Source:
    """A page image (PNG, JPEG, TIFF of one or more pages) read by OCR; EXIF orientation applied."""
    from PIL import Image, ImageOps, ImageSequence

    images = []
    try:
        with Image.open(io.BytesIO(data)) as image:
            sizes = []
            for _ in ImageSequence.Iterator(image):  # the pages' sizes from their headers, nothing decoded
                sizes.append(image.size)
                limits.check_pages(len(sizes), path)
            limits.check_image_pages(sizes, path)
            for frame in ImageSequence.Iterator(image):
                images.append(ImageOps.exif_transpose(frame).convert("L"))
    except Image.DecompressionBombError:
        raise InputError(f"{path}: the image is over the size limit for a page image "
                         f"({limits.MAX_PAGE_PIXELS // 10**6} million pixels); scan at 300 dpi") from None
    except (OSError, ValueError, SyntaxError, EOFError) as err:  # PIL's errors on damaged or cut files
        raise InputError(f"{path}: not a readable image ({type(err).__name__}: {str(err)[:80]})") from None
    read = _read_scans(images, [float(i.width) for i in images], list(range(1, len(images) + 1)), path, cache, "image")
    if not any(read.pages):
        raise InputError(f"{path}: no text found by OCR in the image (blank, or a picture without text?)")
    text = _unwrap([line for page in read.pages for line in page])
    return Source(text, read.notes, read.warnings, text)


def _read_docx(data: bytes, path: Path, cache: Path | None = None) -> Source:
    """Paragraphs and tables in document order; tables as ``cell | cell |`` rows."""
    import docx
    from docx.table import Table

    limits.check_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # a damaged zip or XML raises many kinds of errors
        raise InputError(f"{path}: not a readable Word .docx file ({type(err).__name__}: {str(err)[:80]})") from None
    lines, auto_numbered = [], 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c for i, c in enumerate(row.cells) if i == 0 or c._tc is not row.cells[i - 1]._tc]
                lines.append(_cells_line([c.text for c in cells]))
        else:
            lines.append(block.text)
            auto_numbered += bool(block._p.xpath("./w:pPr/w:numPr") or block.style.element.xpath("./w:pPr/w:numPr"))
    notes = [f"{auto_numbered} paragraph(s) use Word's automatic numbering: their numbers are not in the text"
             ] if auto_numbered else []
    return Source("\n".join(lines), notes)


def _read_doc(data: bytes, path: Path, cache: Path | None = None) -> Source:
    """Legacy Word (.doc) and WPS Writer (.wps, the same binary format): converted to .docx by
    LibreOffice, else to text by antiword."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    antiword = shutil.which("antiword")
    what = "WPS .wps" if path.suffix.lower() == ".wps" else "old Word .doc"
    if not (office or antiword):
        raise InputError(f"{path}: {what} format needs a converter: install LibreOffice (soffice) or "
                         "antiword, or save it as .docx in Word or WPS")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if office:
                subprocess.run([office, "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                               capture_output=True, timeout=300, check=True)
                source = _read_docx((Path(tmp) / f"{path.stem}.docx").read_bytes(), path)
                source.notes.append(f"converted from {path.suffix.lower()} with LibreOffice")
                return source
            out = subprocess.run([antiword, "-w", "0", "-m", "UTF-8.txt", str(path)], capture_output=True, timeout=300, check=True)
            return Source(out.stdout.decode("utf-8", errors="replace"),
                          [f"converted from {path.suffix.lower()} with antiword (tables as text)"])
        except (subprocess.SubprocessError, OSError) as err:
            raise InputError(f"{path}: {Path(office or antiword).name} could not convert this {path.suffix.lower()} "
                             f"({type(err).__name__}); save it as .docx in Word or WPS") from None


def open_zip(data: bytes, path: Path) -> zipfile.ZipFile:
    """The zip archive of a file's bytes (an OFD package), within :data:`.limits.MAX_UNZIPPED_MB`; a damaged
    one is an :class:`InputError`."""
    limits.check_zip(data, path)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise InputError(f"{path}: not a readable zip archive ({str(err)[:80]})") from None


_OFD_NS = "{http://www.ofdspec.org/2016}"


def _ofd_member(archive: zipfile.ZipFile, base: str, ref: str, path: Path):
    """The parsed XML of an OFD member named ``ref`` (absolute in the package, or relative to ``base``'s folder)."""
    from lxml import etree

    name = posixpath.normpath(ref.lstrip("/") if ref.startswith("/") else posixpath.join(posixpath.dirname(base), ref))
    try:
        return name, etree.fromstring(archive.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
    except KeyError:
        raise InputError(f"{path}: the OFD package has no {name} (a damaged file?)") from None
    except etree.XMLSyntaxError as err:
        raise InputError(f"{path}: {name} in the OFD package is not valid XML ({str(err)[:80]})") from None


def _read_ofd(data: bytes, path: Path, cache: Path | None = None) -> Source:
    """OFD (GB/T 33190: a zip of XML): each page's TextObjects placed by their Boundary and TextCode
    positions, grouped into lines top to bottom and left to right, then rejoined as a PDF's lines."""
    with open_zip(data, path) as archive:
        if "OFD.xml" not in archive.namelist():
            raise InputError(f"{path}: not an OFD document (no OFD.xml in the package)")
        _, ofd = _ofd_member(archive, "OFD.xml", "OFD.xml", path)
        lines: list[_Line] = []
        for root in ofd.iter(f"{_OFD_NS}DocRoot"):
            doc_name, document = _ofd_member(archive, "OFD.xml", root.text.strip(), path)
            for page in document.iter(f"{_OFD_NS}Page"):
                _, content = _ofd_member(archive, doc_name, page.get("BaseLoc", ""), path)
                lines += _without_page_numbers(_ofd_lines(content))
    if not lines:
        raise InputError(f"{path}: no text in the OFD document (a scan? print it to PDF and add that)")
    return Source(_unwrap(lines))


def _ofd_lines(page) -> list[_Line]:
    """A page's text pieces as lines: pieces whose baselines are within half a character are one line.
    A line inside a table's frame (a PathObject's box) is a row, its pieces more than a character apart
    its cells (``cell | cell |``; a row of one cell, a section's, padded to the table's columns)."""
    frames = [tuple(float(v) for v in obj.get("Boundary", "").split()) for obj in page.iter(f"{_OFD_NS}PathObject")]
    frames = [f for f in frames if len(f) == 4 and f[2] > 0 and f[3] > 0]
    pieces = []
    for obj in page.iter(f"{_OFD_NS}TextObject"):
        x, y, width, _ = (float(v) for v in (obj.get("Boundary", "0 0 0 0").split() + ["0"] * 4)[:4])
        size = float(obj.get("Size", "0") or 0)
        for code in obj.iter(f"{_OFD_NS}TextCode"):
            if code.text and code.text.strip():
                pieces.append((y + float(code.get("Y", "0")), x + float(code.get("X", "0")), x + width, size, code.text))
    lines: list[list[tuple]] = []
    for piece in sorted(pieces):
        if lines and abs(piece[0] - lines[-1][0][0]) <= 0.5 * max(piece[3], lines[-1][0][3], 1.0):
            lines[-1].append(piece)
        else:
            lines.append([piece])
    rows = []
    for line in lines:
        line.sort(key=lambda p: p[1])
        size = max(p[3] for p in line)
        frame = next((f for f in frames if f[0] <= line[0][1] <= f[0] + f[2] and f[1] <= line[0][0] <= f[1] + f[3]), None)
        cells = [line[0][4]]
        for before, piece in zip(line, line[1:]):
            if frame and piece[1] - before[2] > size:  # a gap of more than a character: the next cell
                cells.append(piece[4])
            else:
                cells[-1] = join_wrapped(cells[-1], piece[4])
        rows.append((_Line(cells[0], line[0][1], max(p[2] for p in line), size, table=frame is not None), cells, frame))
    columns: dict[tuple, int] = {}
    for _, cells, frame in rows:
        columns[frame] = max(columns.get(frame, 0), len(cells))
    for line, cells, frame in rows:
        if frame:
            line.text = _cells_line(cells + [""] * (columns[frame] - len(cells)))
    return [line for line, _, _ in rows]


_READERS = {"text": _read_text, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx, "doc": _read_doc, "ofd": _read_ofd,
            "png": _read_image, "jpeg": _read_image, "tiff": _read_image}
