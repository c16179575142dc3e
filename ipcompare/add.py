"""``ipcompare add INPUT ...``: copy new plans into ``data/raw/`` and record them in the manifest.

Inputs are files, folders (recursive), glob patterns, lists (a text file of paths or addresses) and
web addresses (:mod:`ipcompare.reading.fetch`). Nothing is asked. Each file is read and its metadata
detected exactly as a run does (:func:`ipcompare.reading.manifest.load_document`); what the text does
not state is taken from the file's ``--meta`` row (or a cover notice's), then its file and folder
names, then the options; they never override the text. Only the level, province (implied for a
national document, inferred from a city's name) and years must be known; a refusal names the option
that gives the one missing. The document must yield tasks. A file whose text (decoded, simplified,
whitespace aside) is already in the manifest, or earlier in the batch, is refused, whatever its
encoding or format. A new manifest row holds only what the text does not state: the run detects the
rest from the text again. The manifest is written once, at the end, in one move.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from . import tables
from .errors import InputError
from .extraction.outline import extract
from .lock import locked
from .project import Project
from .reading import clean, fetch, metadata, readers
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
    src: Path | None = None  # the file given

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
    first, last = m.group(1), m.group(2) or m.group(1)
    if first > last:
        raise InputError(f"{where}: first_year {first} is after last_year {last}")
    return first, last


@dataclass
class Refused:
    """An input :func:`add_many` did not add: ``kind`` refused, duplicate (of a document in the
    manifest) or repeated (a duplicate of another file of the same batch), and why."""

    input: str
    reason: str
    kind: str = "refused"


@dataclass
class Batch:
    """What :func:`add_many` added and refused, input by input."""

    added: list[Added] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """The table printed at the end of a batch: each input added or not, and the counts."""
        verb = "would add" if self.dry_run else "added"
        lines = [f"{verb:<9} {a.doc_id:<10} {a.meta['province']}{a.meta['city']} {a.meta['first_year']}-"
                 f"{a.meta['last_year']}  {a.n_tasks:>3} tasks  {a.file.name}" for a in self.added]
        lines += [f"{r.kind:<9} {r.reason}" for r in self.refused]
        counts = {k: sum(r.kind == k for r in self.refused) for k in ("refused", "duplicate", "repeated")}  # not notices
        lines.append(f"{len(self.added)} {verb}, {counts['refused']} refused, {counts['duplicate']} already in the "
                     f"corpus, {counts['repeated']} repeated in this batch")
        return "\n".join(lines)


@dataclass
class _Options:
    """What applies to every file of a batch where neither its text nor its names state it."""

    province: str | None = None
    years: str | None = None
    level: str | None = None
    city: str | None = None
    title: str | None = None
    source: str | None = None


def add(root: Path | str, file: Path | str, *, doc_id: str | None = None, **options) -> Added:
    """Copy ``file`` into the project's ``data/raw/`` and append its row to the manifest; a refusal
    is an :class:`InputError`. ``options``: those of :func:`add_many`."""
    src = Path(file)
    if not src.is_file():
        raise InputError(f"{src}: no such file")
    batch = add_many(root, [src], doc_id=doc_id, **options)
    if batch.refused:
        raise InputError(batch.refused[0].reason)
    return batch.added[0]


@locked
def add_many(root: Path | str, inputs: list[Path | str], *, province: str | None = None, years: str | None = None,
             level: str | None = None, city: str | None = None, title: str | None = None,
             source: str | None = None, doc_id: str | None = None, meta: Path | str | None = None,
             dry_run: bool = False, progress: bool = False) -> Batch:
    """Add files, folders (recursively), glob patterns and lists (a text file of paths, one a line):
    each file is read and added or refused with its reason; the manifest is written once, in one
    move, after every file is decided (an interruption leaves it as it was). What a file's text does
    not state is taken from its ``--meta`` CSV row, then its names (:func:`metadata.from_names`),
    then the options."""
    project = Project(Path(root))
    options, where = _Options(province, years, level, city, title, source), str(inputs[0]) if inputs else "add"
    _years(years, where)
    check_row(pd.Series({c: "" for c in MANIFEST_COLUMNS} | {"doc_id": doc_id or "NEW", "file": "options",
              "province": province or "", "city": city or "", "level": level or ""}), where, project.raw)
    rows = _meta_rows(Path(meta)) if meta else {}
    manifest = read_manifest(project.raw)
    with tempfile.TemporaryDirectory() as downloads:
        files, batch = _expand(inputs, Path(downloads))
        if doc_id and len(files) != 1:
            raise InputError(f"--doc-id {doc_id}: give it with one file only")
        if doc_id and doc_id in set(manifest.doc_id):
            raise InputError(f"{files[0].path}: doc_id {doc_id} is already in the manifest")
        known = _Known(project, manifest)
        new_rows: list[pd.Series] = []
        for file in tqdm(files, desc="add", unit="file", disable=not progress or len(files) < 2):
            src = file.path
            given = file.given | (rows.get(src.name) or rows.get(str(src)) or {})
            try:
                added, row = _prepare(project, src, file.names, options, given, doc_id, known)
            except _Refusal as refusal:
                batch.refused.append(refusal.refused)
                continue
            except InputError as err:
                notice = file.attaching and "no numbered task found" in str(err)
                batch.refused.append(Refused(given.get("source", str(src)), f"{given.get('source', src)}: a cover notice: "
                                             "its plan is read from its attachments" if notice else str(err),
                                             "notice" if notice else "refused"))
                continue
            batch.added.append(added)
            new_rows.append(row)
        batch.dry_run = dry_run
        if not dry_run and new_rows:
            _commit(project, manifest, new_rows, batch.added)
    return batch


class _Refusal(Exception):
    def __init__(self, refused: Refused):
        self.refused = refused


@dataclass
class _Input:
    """A file to add: its names (stem, then its folders' inside the given folder, innermost first,
    then the given folder's own name), what is known of it besides (a download's source and notice)
    and whether it is a page attaching documents (left out quietly when it holds no task)."""

    path: Path
    names: list[str]
    given: dict[str, str] = field(default_factory=dict)
    attaching: bool = False


def _expand(inputs: list[Path | str], downloads: Path) -> tuple[list[_Input], Batch]:
    """The files the inputs name (web addresses downloaded into ``downloads``); inputs naming no
    file are refused."""
    files: list[_Input] = []
    batch = Batch()
    for given in map(str, inputs):
        path = Path(given)
        if fetch.is_address(given):
            try:
                got = fetch.download(given, downloads)
            except InputError as err:
                batch.refused.append(Refused(given, str(err)))
                continue
            files += [_Input(d.path, [d.path.stem], d.notice | {"source": d.source}, d.attaching) for d in got]
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            files += [_Input(p, [p.stem, *(q.name for q in p.relative_to(path).parents if q.name), path.resolve().name])
                      for p in found]
            if not found:
                batch.refused.append(Refused(given, f"{given}: no file in the folder"))
        elif path.is_file() and is_list(path):
            lines = [ln.strip() for ln in path.read_text("utf-8-sig").splitlines()]
            listed = [ln if Path(ln).is_absolute() or fetch.is_address(ln) else str(path.parent / ln)
                      for ln in lines if ln and not ln.startswith("#")]
            more, sub = _expand(listed, downloads)
            files += more
            batch.refused += sub.refused
        elif path.is_file():
            files.append(_Input(path, [path.stem, path.resolve().parent.name]))
        elif matches := sorted(glob.glob(given, recursive=True)):
            more, sub = _expand(matches, downloads)
            files += more
            batch.refused += sub.refused
        else:
            batch.refused.append(Refused(given, f"{given}: no such file or folder"))
    return files, batch


def is_list(path: Path) -> bool:
    """Whether a text file is a list of inputs: every line (# comments aside) a path that exists
    (relative to the list's folder) or a web address."""
    if path.suffix.lower() not in (".txt", ".lst", ".list") or path.stat().st_size > 2**20:
        return False
    try:
        lines = [ln.strip() for ln in path.read_text("utf-8-sig").splitlines() if ln.strip() and not ln.startswith("#")]
    except UnicodeDecodeError:
        return False
    try:
        return bool(lines) and all(fetch.is_address(ln) or (len(ln) < 1000 and (path.parent / ln).exists()) for ln in lines)
    except OSError:  # a line too long or odd for a path: a plan, not a list
        return False


def _meta_rows(path: Path) -> dict[str, dict[str, str]]:
    """``--meta`` CSV rows by their ``file`` (as given, or its name): manifest columns, ``year`` as
    ``--year`` takes it."""
    df = tables.read_user_csv(path, ["file", "year", *MANIFEST_COLUMNS[2:]], required=["file"])
    out = {}
    for i, r in df.iterrows():
        row = {k: v for k, v in r.items() if v and k != "file"}
        if "year" in row:
            row["first_year"], row["last_year"] = _years(row.pop("year"), f"{path} row {i + 2}")
        out[r.file] = out[Path(r.file).name] = row
    return out


class _Known:
    """Texts already in the manifest (read when first needed) and in this batch, by digest."""

    def __init__(self, project: Project, manifest: pd.DataFrame):
        self.project, self.manifest = project, manifest
        self.batch: dict[str, str] = {}
        self.ids = set(manifest.doc_id)
        self.files = set(manifest.file)
        self._digests: dict[str, tuple[str, str]] | None = None

    def corpus(self, digest: str) -> tuple[str, str] | None:
        if self._digests is None:
            self._digests = {}
            for row in self.manifest.itertuples():
                known = self.project.raw / row.file
                if known.is_file():
                    self._digests.setdefault(_text_digest(known, self.project.cache), (row.file, row.doc_id))
        return self._digests.get(digest)


def _fill(row: pd.Series, found: dict, names: dict[str, str], options: _Options, given: dict[str, str]) -> list[str]:
    """Fill the row's place and years the text does not state: from the file's ``--meta`` row, its
    names, then the options. Notes on given values the text overrides."""
    notes = []
    option_place = {"province": options.province or "", "city": options.city or "", "level": options.level or ""}
    first, last = _years(options.years, "--year")
    option_years = {"first_year": first, "last_year": last}
    for keys, stated, offered in ((("province", "city", "level"), "province" in found, option_place),
                                  (("first_year", "last_year"), "first_year" in found, option_years)):
        sources = [{k: given[k] for k in keys if given.get(k)}, {k: names[k] for k in keys if k in names},
                   {k: v for k, v in offered.items() if v}]
        if stated:
            notes += [f"{k} {v!r} given, {found[k]!r} stated in the text: the text's is kept"
                      for k, v in (sources[2] | sources[0]).items() if k in found and v != str(found[k])]
            continue
        chosen = next((s for s in sources if s), {})
        for k in keys:
            row[k] = chosen.get(k, "") if chosen else row[k]
    if not found.get("title") or found.get("title_from"):
        row["title"] = given.get("title") or options.title or ""
    for k in ("issuer", "issue_date", "doc_number", "series"):
        row[k] = given.get(k, "")
    return notes


def _prepare(project: Project, src: Path, names: list[str], options: _Options, given: dict[str, str],
             doc_id: str | None, known: _Known) -> tuple[Added, pd.Series]:
    """Read one file and decide: its manifest row and what it holds, or a refusal."""
    if src.suffix.lower() not in readers.SUPPORTED:
        raise InputError(f"{src}: unsupported file type {src.suffix or '(none)'}; supported: {', '.join(readers.SUPPORTED)}")
    source = readers.read(src, project.cache)
    digest = text_digest(clean.clean_text(source.text))
    if hit := known.corpus(digest):
        raise _Refusal(Refused(str(src), f"{src}: same content as {hit[0]} (doc_id {hit[1]}) already in the manifest; "
                               "not added", "duplicate"))
    if digest in known.batch:
        raise _Refusal(Refused(str(src), f"{src}: same content as {known.batch[digest]} in this batch; not added",
                               "repeated"))
    row = pd.Series({c: "" for c in MANIFEST_COLUMNS} | {
        "doc_id": doc_id or given.get("doc_id") or "NEW", "file": src.name,
        "source": given.get("source") or options.source or f"added with `ipcompare add` from {src.name}"})
    notes = _fill(row, metadata.detect(clean.normalize(source.text)), metadata.from_names(names), options, given)
    check_row(row, str(src), project.raw)
    if row.doc_id != "NEW" and row.doc_id in known.ids:
        raise InputError(f"{src}: doc_id {row.doc_id} is already in the manifest")
    doc = load_document(row, src.parent, options=True, cache=project.cache, source=source)
    if row.doc_id == "NEW":
        city_mark = "M" if doc.meta["level"] == "municipal" else ""
        base = f"{CODES[doc.meta['province']]}{city_mark}{doc.meta['first_year']}"
        row["doc_id"] = next(d for d in [base] + [f"{base}_{k}" for k in range(2, 1000)] if d not in known.ids)
    found = extract(row.doc_id, doc.text)
    if not found.tasks:
        raise InputError(f"{src}: {'; '.join(found.notes + doc.notes)}; not added")
    dest = _destination(project, src, row.doc_id, known)
    row["file"] = dest.name
    known.batch[digest], known.ids, known.files = str(src), known.ids | {row.doc_id}, known.files | {dest.name}
    tasks = sum(t["kind"] == "task" for t in found.tasks)
    meta = doc.meta | {"doc_id": row.doc_id}
    return Added(row.doc_id, dest, meta, doc.detected, tasks, notes + doc.notes + found.notes,
                 [w.split(": ", 1)[1] for w in doc.warnings], src), row  # warnings without the doc_id prefix


def _destination(project: Project, src: Path, doc_id: str, known: _Known) -> Path:
    """Where ``src`` goes in data/raw: where it is when it is there, else under its name, else
    ``<doc_id>_<name>``; a file left there by an interrupted batch (in no manifest row, the same
    bytes) is taken over."""
    for dest in (project.raw / src.name, project.raw / f"{doc_id}_{src.name}"):
        if dest.resolve() == src.resolve():
            return dest
        if dest.name in known.files:
            continue
        if not dest.exists() or dest.read_bytes() == src.read_bytes():
            return dest
    raise InputError(f"{src}: {project.raw / f'{doc_id}_{src.name}'} already exists; rename the file")


def _commit(project: Project, manifest: pd.DataFrame, rows: list[pd.Series], added: list[Added]) -> None:
    """Copy the files into data/raw, then replace the manifest in one move; on an error the copies
    made are removed and the manifest is as it was."""
    copied = []
    try:
        for a in added:
            if a.file.resolve() != a.src.resolve() and not a.file.exists():
                shutil.copyfile(a.src, a.file)
                copied.append(a.file)
        _write_manifest(project.raw / "manifest.csv", pd.concat([manifest, pd.DataFrame(rows)], ignore_index=True))
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise


def _write_manifest(path: Path, manifest: pd.DataFrame) -> None:
    """Replace the manifest in one move (keeping a BOM if it had one)."""
    encoding = "utf-8-sig" if path.read_bytes().startswith(b"\xef\xbb\xbf") else "utf-8"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        manifest.to_csv(tmp, index=False, lineterminator="\n", encoding=encoding)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
