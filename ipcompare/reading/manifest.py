"""Ingest the raw corpus: read the manifest, read and clean each file, detect its metadata, and
turn each manifest row into its rows of the documents, tasks and targets tables.

The manifest (``data/raw/manifest.csv``) has one row per document with the columns of
:data:`MANIFEST_COLUMNS`. Only ``doc_id`` and ``file`` are required: an empty cell is filled from
what the text states (:mod:`ipcompare.reading.metadata`); a filled cell overrides it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import tables
from ..errors import InputError
from . import clean, divisions, limits, metadata, readers

MANIFEST_COLUMNS = [
    "doc_id", "file", "level", "province", "city", "first_year", "last_year",
    "title", "issuer", "issue_date", "doc_number", "source", "series",
]
LEVELS = ("national", "provincial", "municipal")
DETECTABLE = ["level", "province", "city", "first_year", "last_year", "title", "issuer", "issue_date", "doc_number"]
# What identifies a document (its level follows from its province and city), and the option of
# ``ipcompare add`` that gives it.
REQUIRED = {"province": ("the province", "--province"), "first_year": ("the years", "--year"),
            "last_year": ("the years", "--year")}
_DOC_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def read_manifest(raw_dir: Path) -> pd.DataFrame:
    """The manifest as strings (empty = unknown), checked row by row."""
    path = Path(raw_dir) / "manifest.csv"
    if not path.exists():
        raise InputError(f"{path}: manifest not found")
    df = tables.read_user_csv(path, MANIFEST_COLUMNS, required=["doc_id", "file"])
    for i, row in df.iterrows():
        check_row(row, f"{path} row {i + 2}", raw_dir)
    dup = df.doc_id[df.doc_id.duplicated()]
    if len(dup):
        raise InputError(f"{path}: duplicate doc_id {dup.iloc[0]}")
    return df


def check_row(row: pd.Series, where: str, raw_dir: Path) -> None:
    """Raise an :class:`InputError` (``<where>: <problem>``) for a malformed manifest row."""
    if not _DOC_ID.match(row.doc_id):
        raise InputError(f"{where}: doc_id {row.doc_id!r} must be letters, digits and _ (starting with a letter)")
    if not row.file or Path(row.file).is_absolute() or ".." in Path(row.file).parts:
        raise InputError(f"{where}: file {row.file!r} must be a path inside {raw_dir}")
    limits.check_inside(Path(raw_dir) / row.file, Path(raw_dir).absolute().parents[1])
    if row.level not in ("", *LEVELS):
        raise InputError(f"{where}: level {row.level!r} must be national, provincial or municipal")
    if row.province not in ("", metadata.NATIONAL, *metadata.PROVINCES):
        raise InputError(f"{where}: unknown province {row.province!r} (use a short name such as 湖北)")
    if row.city:
        provinces = {d.province for d in divisions.lookup(row.city)}
        if not provinces:
            raise InputError(f"{where}: city {row.city!r} is no prefecture-level division (武汉市, 黔东南州 ...)")
        if row.province and row.province not in provinces:
            raise InputError(f"{where}: city {row.city!r} is not in province {row.province!r}")
        if row.level and row.level != "municipal":
            raise InputError(f"{where}: a document with a city has level municipal, not {row.level!r}")
    for col in ("first_year", "last_year"):
        if row[col] and not re.fullmatch(r"(19|20)\d{2}", row[col]):
            raise InputError(f"{where}: {col} {row[col]!r} is not a year")


@dataclass
class Document:
    """A read, cleaned document and its resolved metadata."""

    meta: dict[str, str]
    path: Path
    text: str
    sha256: str
    detected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file was read (see readers.Source)
    ocr_text: str = ""  # the cleaned text of the pages read by OCR


def text_digest(text: str) -> str:
    """SHA-256 of a cleaned text without its whitespace: equal for copies of one plan in any
    encoding, format or script (traditional text is read as simplified)."""
    return hashlib.sha256(re.sub(r"\s", "", text).encode("utf-8")).hexdigest()


def _agrees(key: str, auto: str, given: pd.Series) -> bool:
    """Whether a detected place field may fill in the given ones: the level only when no place is
    given, the province unless a city or a national level is, a city only inside the given
    province and level."""
    if key == "level":
        return not (given.province or given.city)
    if key == "province":
        return not given.city and given.level != "national"
    if key == "city":
        return bool(auto) and given.level in ("", "municipal") and (
            not given.province or divisions.lookup(auto)[0].province == given.province)
    return True


def _resolve(meta: dict[str, str]) -> None:
    """Fill what the text and the other fields imply: a city's province (武汉市 → 湖北) and its
    full name, 全国 for a national document, the level from the province and city."""
    if meta["city"]:
        division = divisions.lookup(meta["city"])[0]
        meta["city"], meta["province"] = division.name, meta["province"] or division.province
    if meta["level"] == "national" and not meta["province"]:
        meta["province"] = metadata.NATIONAL
    if not meta["level"] and meta["province"]:
        meta["level"] = metadata.level(meta["province"], meta["city"])


def load_document(row: pd.Series, raw_dir: Path, options: bool = False, cache: Path | None = None,
                  source: readers.Source | None = None) -> Document:
    """Read one manifest row's file, clean it and resolve its metadata (manifest wins). Only the
    level, province and years must be known (``options``: say which ``add`` option gives a missing
    one); a title the text does not state is its first heading-like line, else the file name, with
    a note. Traditional characters are converted to simplified here, before cleaning (see :mod:`readers`);
    pages read by OCR are cached in ``cache``. ``source``: the file as :func:`readers.read` read it
    already (``add`` reads a file once)."""
    path = Path(raw_dir) / row.file
    if not path.exists():
        raise InputError(f"{path}: file listed in the manifest ({row.doc_id}) does not exist")
    source = source or readers.read(path, cache)
    raw = source.text
    found = metadata.detect(clean.normalize(raw))
    meta, detected, warnings, notes = dict(row), [], [f"{row.doc_id}: {w}" for w in source.warnings], list(source.notes)
    for key in DETECTABLE:
        auto = str(found.get(key, "")) if _agrees(key, str(found.get(key, "")), row) else ""
        if not meta[key] and auto:
            meta[key], detected = auto, detected + [key]
        elif meta[key] and auto and meta[key] != auto:
            warnings.append(f"{row.doc_id}: manifest {key} {meta[key]!r} overrides {auto!r} found in the text")
    _resolve(meta)
    if "title" in detected and found.get("title_from") == "heading":
        notes.append("title not stated as 《…》印发 or 关于印发…的通知: taken from the first heading-like line")
    if not meta["title"]:
        meta["title"] = path.stem
        notes.append("title not found in the text: the file name is used")
    if missing := [k for k in REQUIRED if not meta[k]]:
        what = " and ".join(dict.fromkeys(REQUIRED[k][0] for k in missing))
        fix = (f"give {' and '.join(dict.fromkeys(REQUIRED[k][1] for k in missing))}" if options
               else f"fill {', '.join(missing)} in the manifest")
        raise InputError(f"{path}: cannot detect {what}; {fix}")
    if int(meta["first_year"]) > int(meta["last_year"]):
        raise InputError(f"{path}: first_year {meta['first_year']} is after last_year {meta['last_year']}")
    meta["series"] = meta["series"] or metadata.series(meta["title"])
    text = clean.clean_text(raw)
    if not text.strip():
        raise InputError(f"{path}: no text left after removing page furniture")
    warnings += [f"{row.doc_id}: {n}" for n in notes[len(source.notes):]]
    return Document(meta, path, text, hashlib.sha256(path.read_bytes()).hexdigest(), detected, warnings, notes,
                    clean.clean_text(source.ocr_text) if source.ocr_text else "")
