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
from . import clean, metadata, readers

MANIFEST_COLUMNS = [
    "doc_id", "file", "level", "province", "first_year", "last_year",
    "title", "issuer", "issue_date", "doc_number", "source",
]
DETECTABLE = ["level", "province", "first_year", "last_year", "title", "issuer", "issue_date", "doc_number"]
REQUIRED_AFTER_DETECTION = ["level", "province", "first_year", "last_year", "title"]
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
    if row.level not in ("", "national", "provincial"):
        raise InputError(f"{where}: level {row.level!r} must be national or provincial")
    if row.province not in ("", metadata.NATIONAL, *metadata.PROVINCES):
        raise InputError(f"{where}: unknown province {row.province!r} (use a short name such as 湖北)")
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


def load_document(row: pd.Series, raw_dir: Path, fill_hint: str = "fill them in the manifest") -> Document:
    """Read one manifest row's file, clean it and resolve its metadata (manifest wins).
    Traditional characters are converted to simplified here, before cleaning (see :mod:`readers`)."""
    path = Path(raw_dir) / row.file
    if not path.exists():
        raise InputError(f"{path}: file listed in the manifest ({row.doc_id}) does not exist")
    source = readers.read(path)
    raw = source.text
    found = metadata.detect(clean.normalize(raw))
    meta, detected, warnings = dict(row), [], []
    for key in DETECTABLE:
        auto = str(found.get(key, ""))
        if not meta[key] and auto:
            meta[key], detected = auto, detected + [key]
        elif meta[key] and auto and meta[key] != auto:
            warnings.append(f"{row.doc_id}: manifest {key} {meta[key]!r} overrides {auto!r} found in the text")
    if not meta["level"] and meta["province"]:  # a province set in the manifest implies the level
        meta["level"] = "national" if meta["province"] == metadata.NATIONAL else "provincial"
    missing = [k for k in REQUIRED_AFTER_DETECTION if not meta[k]]
    if missing:
        raise InputError(f"{path}: cannot detect {', '.join(missing)}; {fill_hint}")
    if int(meta["first_year"]) > int(meta["last_year"]):
        raise InputError(f"{path}: first_year {meta['first_year']} is after last_year {meta['last_year']}")
    text = clean.clean_text(raw)
    if not text.strip():
        raise InputError(f"{path}: no text left after removing page furniture")
    return Document(meta, path, text, hashlib.sha256(path.read_bytes()).hexdigest(), detected, warnings, source.notes)
