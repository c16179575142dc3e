"""What a source file may hold, in one place: every limit is checked before the expensive work
(unzipping, decoding pages, OCR), so a hostile file is refused in a moment and little memory.

Plans are a few MB and at most a few hundred pages; the limits are generous for those and stop
zip and image bombs. Files of ``data/raw/`` must stay inside the project folder (:func:`check_inside`).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import InputError

MAX_FILE_MB = 20  # a file larger than this is refused unread: plans are a few MB at most, even as PDF
MAX_UNZIPPED_MB = 200  # all the members of a .docx/.xlsx/.ofd (a zip) together, uncompressed
MAX_PAGES = 500  # pages of a PDF or of a multi-page image
MAX_PAGE_PIXELS = 60_000_000  # one page image (an A4 page at 600 dpi is 35 MP)
MAX_TOTAL_PIXELS = 400_000_000  # all the pages of one image file (100 A4 pages at 200 dpi; about 400 MB decoded)
MAX_TEXT_CHARS = 5_000_000  # the text read from one file (a long plan is 100,000 characters)


def check_zip(data: bytes, path: Path) -> None:
    """Refuse a zip container (.docx, .xlsx, .ofd) whose members together inflate past
    :data:`MAX_UNZIPPED_MB`, by the sizes its directory declares, before any member is inflated
    (a member inflating past its declared size is stopped by :mod:`zipfile` itself). A damaged zip
    passes: its reader says what it is not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    if total > MAX_UNZIPPED_MB * 2**20:
        raise InputError(f"{path}: its parts inflate to {total / 2**20:,.0f} MB, over the {MAX_UNZIPPED_MB} MB limit "
                         "for a document (a zip bomb?); open and save it again in Word or WPS")


def check_pages(n_pages: int, path: Path) -> None:
    """Refuse a PDF or image file of more than :data:`MAX_PAGES` pages."""
    if n_pages > MAX_PAGES:
        raise InputError(f"{path}: {n_pages} pages, over the limit of {MAX_PAGES} pages for a document; split it")


def check_image_pages(sizes: list[tuple[int, int]], path: Path) -> None:
    """Refuse a page image (``sizes``: width and height of each page, read from its header) with too
    many pages, a page over :data:`MAX_PAGE_PIXELS` or all pages over :data:`MAX_TOTAL_PIXELS`."""
    check_pages(len(sizes), path)
    for number, (width, height) in enumerate(sizes, start=1):
        if width * height > MAX_PAGE_PIXELS:
            raise InputError(f"{path}: page {number} is {width} x {height} pixels, over the limit of "
                             f"{MAX_PAGE_PIXELS // 10**6} million for a page image; scan at 300 dpi")
    total = sum(w * h for w, h in sizes)
    if total > MAX_TOTAL_PIXELS:
        raise InputError(f"{path}: its {len(sizes)} pages hold {total // 10**6:,} million pixels, over the limit of "
                         f"{MAX_TOTAL_PIXELS // 10**6} million for one file; scan at 200-300 dpi or split it")


def check_text(text: str, path: Path) -> None:
    """Refuse a text longer than :data:`MAX_TEXT_CHARS` characters."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{path}: {len(text):,} characters of text, over the limit of {MAX_TEXT_CHARS:,} for a "
                         "document; is it really a plan?")


def check_inside(path: Path, root: Path) -> None:
    """Refuse ``path`` (a file under ``root``/data/raw) when it resolves outside the project folder
    ``root`` through a symbolic link (of the file or of a folder on its way), naming the link."""
    top, path = Path(root).absolute(), Path(path).absolute()
    root, target = top.resolve(), path.resolve()
    if target == root or root in target.parents:
        return
    below = [p for p in (*reversed(path.parents), path) if top in p.parents]  # the folders and file under the root
    link = next((p for p in below if p.is_symlink() and root not in p.resolve().parents), path)
    raise InputError(f"{path}: resolves outside the project folder {root}: {link} is a link to {link.resolve()}; "
                     "copy the file into data/raw instead of linking it")
