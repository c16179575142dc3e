"""``ipcompare add FILE``: copy a new plan into ``data/raw/`` and record it in the manifest.

Nothing is asked. The file is read and its metadata detected exactly as a run does
(:func:`ipcompare.reading.manifest.load_document`); options fill in or override what the text does not state.
Only the level, province (implied for a national document, inferred from a city's name) and years
must be known; an error names the option that gives the one missing. The document must yield
tasks. A file whose text (decoded, simplified, whitespace aside) is already in the manifest is
refused, whatever its encoding or format. The new manifest row holds only what the options set:
the run detects the rest from the text again.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError
from .extraction.outline import extract
from .lock import locked
from .project import Project
from .reading import clean, metadata, readers
from .reading.manifest import MANIFEST_COLUMNS, check_row, load_document, read_manifest, text_digest

# Province codes for new doc ids (ISO 3166-2:CN, as in GZ2025, HB2025, SX2022); NAT for national documents.
CODES = dict(zip(metadata.PROVINCES, "BJ TJ HE SX NM LN JL HL SH JS ZJ AH FJ JX SD HA HB HN GD GX HI CQ SC GZ YN "
                                     "XZ SN GS QH NX XJ".split())) | {metadata.NATIONAL: "NAT"}


@dataclass
class Added:
    """A document recorded by :func:`add`."""

    doc_id: str
    file: Path
    meta: dict[str, str]
    detected: list[str]
    n_tasks: int
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. lines OCR read with low confidence

    def summary(self) -> str:
        m = self.meta
        lines = [f"added {self.doc_id}: {self.file}",
                 f"  {m['province']}{m['city']} {m['first_year']}-{m['last_year']} {m['level']}  《{m['title']}》",
                 f"  文号 {m['doc_number'] or '(none)'}  date {m['issue_date'] or '(none)'}  issuer {m['issuer'] or '(none)'}",
                 f"  {self.n_tasks} tasks; detected from the text: {', '.join(self.detected) or 'nothing'}"]
        scanned = ["  read by OCR: check the tasks above against the scan (tasks.csv, documents.csv notes)"
                   ] if any("read by OCR" in n for n in self.notes) else []
        return "\n".join(lines + [f"  note: {n}" for n in self.notes] + scanned + [f"  warning: {w}" for w in self.warnings])


def _text_digest(path: Path, cache: Path | None = None) -> str:
    """:func:`text_digest` of a file's cleaned text, or "" for a file that cannot be read (scanned
    pages: OCR'd once, kept in ``cache``)."""
    try:
        return text_digest(clean.clean_text(readers.read(path, cache).text))
    except InputError:
        return ""


def _years(years: str | None, where: str) -> tuple[str, str]:
    """``2025`` → (2025, 2025); ``2024-2025`` → (2024, 2025); None → ("", "")."""
    if not years:
        return "", ""
    if not (m := re.fullmatch(r"\s*(\d{4})\s*(?:[-~至—]\s*(\d{4}))?\s*", years)):
        raise InputError(f"{where}: --year {years!r} must be a year (2025) or a span (2024-2025)")
    return m.group(1), m.group(2) or m.group(1)


@locked
def add(root: Path | str, file: Path | str, *, province: str | None = None, years: str | None = None,
        level: str | None = None, title: str | None = None, doc_id: str | None = None,
        source: str | None = None, city: str | None = None) -> Added:
    """Copy ``file`` into the project's ``data/raw/`` and append its row to the manifest."""
    project, src = Project(Path(root)), Path(file)
    if not src.is_file():
        raise InputError(f"{src}: no such file")
    manifest = read_manifest(project.raw)
    digest = text_digest(clean.clean_text(readers.read(src, project.cache).text))
    for row in manifest.itertuples():
        known = project.raw / row.file
        if known.is_file() and _text_digest(known, project.cache) == digest:
            raise InputError(f"{src}: same content as {row.file} (doc_id {row.doc_id}) already in the manifest; not added")
    first, last = _years(years, str(src))
    row = pd.Series({c: "" for c in MANIFEST_COLUMNS} | {
        "doc_id": doc_id or "NEW", "file": src.name, "level": level or "", "province": province or "",
        "city": city or "", "first_year": first, "last_year": last, "title": title or "",
        "source": source or f"added with `ipcompare add` from {src.name}",
    })
    check_row(row, str(src), project.raw)
    if doc_id in set(manifest.doc_id):
        raise InputError(f"{src}: doc_id {doc_id} is already in the manifest")
    doc = load_document(row, src.parent, options=True, cache=project.cache)
    if not doc_id:
        city_mark = "M" if doc.meta["level"] == "municipal" else ""
        base = f"{CODES[doc.meta['province']]}{city_mark}{doc.meta['first_year']}"
        doc_id = next(d for d in [base] + [f"{base}_{k}" for k in range(2, 1000)] if d not in set(manifest.doc_id))
    found = extract(doc_id, doc.text)
    if not found.tasks:
        raise InputError(f"{src}: {'; '.join(found.notes + doc.notes)}; not added")
    dest = project.raw / src.name
    copy = dest.resolve() != src.resolve()  # a file already in data/raw is recorded where it is
    if copy and dest.exists():
        dest = project.raw / f"{doc_id}_{src.name}"
        if dest.exists():
            raise InputError(f"{src}: {dest} already exists; rename the file")
    row["doc_id"], row["file"] = doc_id, dest.name
    if copy:
        shutil.copyfile(src, dest)
    try:
        _write_manifest(project.raw / "manifest.csv", pd.concat([manifest, row.to_frame().T], ignore_index=True))
    except BaseException:
        if copy:
            dest.unlink(missing_ok=True)
        raise
    tasks = sum(t["kind"] == "task" for t in found.tasks)
    return Added(doc_id, dest, doc.meta, doc.detected, tasks, doc.notes + found.notes,
                 [w.split(": ", 1)[1] for w in doc.warnings])  # without the doc_id prefix


def _write_manifest(path: Path, manifest: pd.DataFrame) -> None:
    """Replace the manifest in one move (keeping a BOM if it had one)."""
    encoding = "utf-8-sig" if path.read_bytes().startswith(b"\xef\xbb\xbf") else "utf-8"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        manifest.to_csv(tmp, index=False, lineterminator="\n", encoding=encoding)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
