"""Read page images by OCR: RapidOCR's PP-OCRv4 Chinese models (in its wheel) on onnxruntime, CPU only.

A page is scaled so that its long side is :data:`LONG_SIDE` pixels (an A4 page at about 120 dpi):
body text of 12-16 pt is then 20-27 px high, ample for the text detector, and the recogniser scales
every line to 48 px anyway, so more pixels only cost detection time (``bench/bench_ocr.py`` measures
the trade-off: 1100 px read clean scans as well, 1400 keeps a margin for poorer ones). The detector finds the lines; boxes mostly taller than wide mean a page turned by 90
degrees, a majority of lines the direction classifier reads upside down a page turned by 180: the
page is turned back and detected again. Lines are put in reading order (rows top to bottom, boxes of a
row left to right) and returned with their position and the recogniser's confidence; rejoining
wrapped lines into paragraphs is the reader's job, as for a PDF with a text layer.

Each page's result is cached by the hash of its pixels (:func:`read_pages`); pages are spread over
the worker processes, one progress bar per document. This module and its models are imported only
when a document has a page to OCR.
"""
from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import numpy as np

from .. import workers
from ..cache import Store, code_version, digest

LONG_SIDE = 1400  # px of a page's long side given to the models (A4 at ~120 dpi)
LOW_CONFIDENCE = 0.8  # a line read with less is flagged: such lines were mostly wrong (bench/RESULTS.md)


@dataclass
class Line:
    """One line of text as read: position in the page image (px), height and confidence."""

    text: str
    x0: float
    x1: float
    top: float
    height: float
    confidence: float


@dataclass
class Page:
    """The lines of one page in reading order, the page width they are measured against, and the
    rotation (0, 90, 180, 270 degrees clockwise) that was undone."""

    lines: list[Line]
    width: float
    rotation: int = 0


@cache
def engine(threads: int = 1):
    """The RapidOCR engine (its models are loaded once per process)."""
    from rapidocr_onnxruntime import RapidOCR

    eng = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    eng.text_rec.rec_batch_num = 1  # lines of a page differ in length: batches pad them all to the longest
    return eng


def scaled(image) -> np.ndarray:
    """A PIL image as the RGB array the models get: long side :data:`LONG_SIDE` px."""
    from PIL import Image

    image = image.convert("L")
    factor = LONG_SIDE / max(image.size)
    if abs(factor - 1) > 0.02:
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.LANCZOS)
    return np.asarray(image.convert("RGB"))


def _boxes(eng, pixels: np.ndarray) -> list[np.ndarray]:
    boxes, _ = eng.text_det(pixels)
    return [] if boxes is None else list(boxes)


def _upright(eng, pixels: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], int]:
    """The page turned upright, its text boxes, their crops and the rotation undone. The page is turned
    as a whole: the classifier's vote on single lines is not reliable enough to turn lines alone."""
    rotation, boxes = 0, _boxes(eng, pixels)
    if boxes and np.median([_size(b)[1] / max(_size(b)[0], 1) for b in boxes]) > 1:
        pixels, rotation = np.ascontiguousarray(np.rot90(pixels, 1)), 90  # turned clockwise: turn back
        boxes = _boxes(eng, pixels)
    crops = eng.get_crop_img_list(pixels, boxes) if boxes else []
    _, votes, _ = eng.text_cls(crops) if crops else ([], [], 0)  # one vote per line; crops stay as cut
    if crops and sum(label == "180" for label, _ in votes) > len(votes) / 2:
        pixels, rotation = np.ascontiguousarray(pixels[::-1, ::-1]), rotation + 180
        boxes = _boxes(eng, pixels)
        crops = eng.get_crop_img_list(pixels, boxes)
    return pixels, boxes, crops, rotation


def _size(box: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(box[0] - box[1])), float(np.linalg.norm(box[0] - box[3]))


def read_page(image, threads: int = 1) -> Page:
    """The lines of a page image (a PIL image), in reading order."""
    eng = engine(threads)
    pixels, boxes, crops, rotation = _upright(eng, scaled(image))
    read, _ = eng.text_rec(crops) if crops else ([], 0)
    found = []
    for box, (text, score) in zip(boxes, read):
        if text.strip():
            xs, ys = box[:, 0], box[:, 1]
            found.append(Line(text.strip(), float(xs.min()), float(xs.max()), float(ys.min()), _size(box)[1],
                              float(score)))
    return Page(_reading_order(found), float(pixels.shape[1]), rotation)


def _reading_order(lines: list[Line]) -> list[Line]:
    """Boxes grouped in rows (a box whose middle lies within a row's height joins it), rows top to
    bottom, a row's boxes left to right and joined into one line (a space where a gap is wider than
    a character)."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: l.top + l.height / 2):
        middle = line.top + line.height / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].top + rows[-1][0].height:
            rows[-1].append(line)
        else:
            rows.append([line])
    out = []
    for row in rows:
        row.sort(key=lambda l: l.x0)
        text = row[0].text
        for left, right in zip(row, row[1:]):
            text += (" " if right.x0 - left.x1 > left.height else "") + right.text
        chars = sum(len(l.text) for l in row)
        out.append(Line(text, row[0].x0, max(l.x1 for l in row), min(l.top for l in row),
                        max(l.height for l in row),
                        sum(l.confidence * len(l.text) for l in row) / chars))
    return out


def read_pages(images: Sequence, cache_dir: Path | None = None, label: str = "OCR") -> list[Page]:
    """:func:`read_page` of each image (PIL), in order: from the cache when the same pixels were read
    before, else in the worker processes (a progress bar named ``label``)."""
    from tqdm import tqdm

    store = Store(cache_dir, "ocr", code_version(("reading.ocr",), (), ("rapidocr-onnxruntime", "onnxruntime")))
    keys = [digest(image.mode, repr(image.size), image.tobytes()) for image in images]
    kept = {k: pickle.loads(v) for k, v in store.get(set(keys)).items()}
    todo = [i for i, key in enumerate(keys) if key not in kept]
    threads = 1 if len(todo) > 1 else workers.count()  # several pages: one per worker
    with tqdm(total=len(images), initial=len(images) - len(todo), desc=label, unit="page", disable=None,
              leave=False) as bar:
        for i, page in zip(todo, workers.imap(partial(read_page, threads=threads), [images[i] for i in todo], 2)):
            kept[keys[i]] = page
            store.put({keys[i]: pickle.dumps(page)})  # kept at once: an interrupted scan resumes
            bar.update()
    return [kept[key] for key in keys]
