"""Run the whole pipeline: raw corpus → processed tables (→ themes → coverage → changes → charts).

Outputs are written as a new generation beside the current one and published, tables and reports
together, by one atomic switch once every stage has succeeded (:mod:`ipcompare.publish`), so a
failed or killed run leaves earlier outputs exactly as they were. ``data/annotations/`` (manual
corrections) is only ever read.

Reruns do only the new work (:mod:`ipcompare.cache`, under ``data/cache/``): each document's
reading and extraction is kept by the hash of its file, its manifest row and the code that reads
it; tokens by the hash of their text (:mod:`ipcompare.analysis.segment`); the themes and coverage stages, the
table files and the charts (:mod:`ipcompare.views.report`) by the hash of their input tables,
annotations, options, code and resources; within those stages (and changes), each document's rows by
the hash of the document and of what it is compared with (the fitted theme model, its guideline, its
predecessor), so a new plan is themed and aligned alone. Outputs are the same, cached or not.
"""
from __future__ import annotations

import json
import pickle
import subprocess
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd
from tqdm import tqdm  # not tqdm.auto: it warns in notebooks without ipywidgets

from . import codebook, publish, tables, workers
from .cache import Store, code_version, digest, frame_key
from .errors import InputError
from .lock import locked
from .analysis import search
from .extraction import document, indicators
from .project import Project
from .reading.manifest import read_manifest

# What each cached step depends on besides its inputs: modules (with what they import), package
# data files, and the libraries whose version changes the result.
DOCUMENT_CODE = (("extraction.document",), ("indicators.md", "divisions.csv"),
                 ("opencc", "charset-normalizer", "trafilatura", "pdfplumber", "python-docx"))
STAGE_DATA = ("themes.md", "theme_lexicon.txt", "ip_dictionary.txt", "stopwords.txt", "synonyms.txt",
              "calibration_labels.csv")
INSTRUMENT_DATA = (*STAGE_DATA, "instruments.md", "instrument_lexicon.txt")
STAGE_LIBRARIES = ("jieba", "opencc", "numpy", "scipy", "scikit-learn", "pandas")


@dataclass
class RunResult:
    """What a run produced: the tables by name, and the warnings raised on the way."""

    tables: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the run
    pdfs: subprocess.Popen | None = None  # the process still making the Word reports' PDFs (wait() for them)
    redrawn: dict[str, list[str]] = field(default_factory=dict)  # charts drawn (lang/stem): the declared inputs that changed


def _document_key(row: pd.Series, raw: Path) -> str | None:
    """Cache key of a manifest row: its cells, its file's content and the reading code (None: no file)."""
    path = raw / row.file
    if not path.is_file():
        return None
    return digest(code_version(*DOCUMENT_CODE), json.dumps(dict(row), sort_keys=True), path.read_bytes())


def corpus_tables(project: Project, progress: bool = True) -> RunResult:
    """documents, tasks, targets (with targets_by_indicator) and texts tables of the raw corpus (each document read once, then cached;
    the tables of a corpus whose documents all stayed the same come back from the cache at once)."""
    manifest = read_manifest(project.raw)
    if manifest.empty:
        raise InputError(f"{project.raw / 'manifest.csv'}: no document listed (only the header row); add a row per "
                         "document, or use `python -m ipcompare add FILE`")
    rows = [row for _, row in manifest.iterrows()]
    keys = [_document_key(row, project.raw) for row in rows]
    store = Store(project.cache, "documents", code_version(*DOCUMENT_CODE))
    corpus = {"<corpus>": digest(*(k or "" for k in keys))}  # its slot is no document key: those are hex
    if all(keys) and (kept := store.recall(corpus)):
        return pickle.loads(kept["<corpus>"])
    kept = store.get(k for k in keys if k)
    todo = [row for row, key in zip(rows, keys) if key not in kept]
    read = workers.imap(partial(document.read_document, raw=project.raw, cache=project.cache), todo, min_items=8)  # in manifest order
    docs, task_rows, target_rows, texts, warnings, seen, new = [], [], [], [], [], {}, {}
    try:
        for row, key in zip(tqdm(rows, desc="documents", unit="doc", disable=not progress), keys):
            if key in kept:
                doc = pickle.loads(kept[key])
            else:
                doc = next(read)
                new[key] = pickle.dumps(doc)
            if same := seen.get(doc["document"]["text_sha256"]):
                raise InputError(f"{doc['path']}: same content as document {same} (the same text); remove one of the two manifest rows")
            seen[doc["document"]["text_sha256"]] = row.doc_id
            docs.append(doc["document"])
            task_rows += doc["tasks"]
            target_rows += doc["targets"]
            texts.append(doc["text"])
            warnings += doc["warnings"]
    finally:
        store.put(new)  # what was read is kept, even when a later document stops the run
    result = RunResult(
        {
            "documents": pd.DataFrame(docs, columns=list(tables.SCHEMAS["documents"].columns)),
            "tasks": pd.DataFrame(task_rows, columns=list(tables.SCHEMAS["tasks"].columns)),
            "targets": pd.DataFrame(target_rows, columns=list(tables.SCHEMAS["targets"].columns)),
            "texts": pd.DataFrame(texts, columns=list(tables.SCHEMAS["texts"].columns)),
        },
        warnings,
    )
    result.tables["targets_by_indicator"] = indicators.by_indicator(result.tables["targets"], result.tables["documents"])
    store.keep({"<corpus>": (corpus["<corpus>"], pickle.dumps(result))})
    return result


def _folder_key(folder: Path) -> str:
    """Hash of the names and contents of the files in ``folder``."""
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    return digest(*(part for p in files for part in (p.name, p.read_bytes())))


def _segment(tasks: pd.DataFrame, project: Project, progress: bool, timings: dict[str, float]) -> None:
    """Segment every field of every task (tokens kept in the cache, with a progress bar): the themes
    and coverage stages then find them ready. Cheap when already done."""
    from .analysis import segment, vectorize

    start = time.perf_counter()
    segment.tokenize([text for f in vectorize.FIELDS for text in tasks[f]], project.cache, progress)
    timings["segment"] = timings.get("segment", 0) + time.perf_counter() - start


def _stage(project: Project, name: str, key: str, make, prepare, timings: dict[str, float],
           progress: bool) -> dict[str, pd.DataFrame]:
    """The tables of stage ``name``: those of its last run if that had the same ``key``, else
    ``prepare()`` then ``make()`` (timed, shown as a one-step bar, and kept for the next run)."""
    def made(_) -> dict[str, dict[str, pd.DataFrame]]:
        prepare()
        start = time.perf_counter()
        with tqdm(total=1, desc=name, unit="stage", disable=not progress) as bar:
            out = make()
            bar.update()
        timings[name] = time.perf_counter() - start
        return {name: out}

    return Store(project.cache, "stages").reuse({name: key}, made)[name]


def _write_tables(t: dict[str, pd.DataFrame], folder: Path, cache: Path, fingerprint) -> dict[Path, str]:
    """Each table validated and written to ``folder`` (see ``tables.write_table``), or its file of
    the last run when the table is the same (``fingerprint(name)``: the table's ``frame_key``).
    Returns the digest of each file written (the table as its file holds it) by path."""
    store, version = Store(cache, "tables"), code_version(("tables",), (), ("pandas", "pandera"))
    keys = {f"{name}.csv": digest(version, fingerprint(name)) for name in t}
    kept, new, written = store.recall(keys), {}, {}
    for name, df in t.items():
        path = folder / f"{name}.csv"
        if path.name in kept:
            path.write_bytes(data := kept[path.name])
        else:
            new[path.name] = (keys[path.name], data := tables.write_table(df, name, folder).read_bytes())
        written[path] = digest(data)
        publish.step()
    store.keep(new)
    return written


def _themes(t: dict[str, pd.DataFrame], project: Project, version: str) -> dict[str, pd.DataFrame]:
    from .analysis import themes

    return themes.stage(t, project, Store(project.cache, "themes-documents", version))


def _instruments(t: dict[str, pd.DataFrame], project: Project, version: str) -> dict[str, pd.DataFrame]:
    from .analysis import instruments

    return instruments.stage(t, project, Store(project.cache, "instruments-documents", version))


def _coverage(t: dict[str, pd.DataFrame], project: Project, version: str, reference: str | None,
              body_measures: bool) -> dict[str, pd.DataFrame]:
    from .analysis import coverage

    return coverage.stage(t, project, reference, body_measures, Store(project.cache, "coverage-documents", version))


def _changes(t: dict[str, pd.DataFrame], project: Project, version: str) -> dict[str, pd.DataFrame]:
    from .analysis import changes

    return changes.stage(t, project, Store(project.cache, "changes-documents", version))


def _reuse(t: dict[str, pd.DataFrame], project: Project, version: str) -> dict[str, pd.DataFrame]:
    from .analysis import reuse

    return reuse.stage(t, project, Store(project.cache, "reuse-documents", version))


def _diffusion(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .analysis import diffusion

    return diffusion.stage(t)


def _convergence(t: dict[str, pd.DataFrame], project: Project) -> dict[str, pd.DataFrame]:
    from .analysis import convergence

    return convergence.stage(t, project)


@locked
def run(root: Path | str = ".", progress: bool = True, reference: str | None = None,
        body_measures: bool = False, charts: bool = False, figures=(), learn: bool = True) -> RunResult:
    """Run every stage on the project at ``root`` and replace its processed tables atomically.

    ``reference``: national document the coverage stage aligns every plan to (default: the
    guideline of each plan's year, see :func:`ipcompare.analysis.coverage.reference_documents`); ``body_measures``: also align to its body measures assigned to local offices;
    ``charts``: also write every chart and the HTML report to ``reports/`` (the CLI does, unless
    ``--no-charts``), through the same staging; ``figures``: places (or ``["all"]``) whose per-place charts
    get their PNG and SVG in a corpus of many places (:func:`ipcompare.views.report.write_figures`), as do
    those the ``figures`` command drew before (:func:`~ipcompare.views.report.places_asked`); ``learn``: False
    keeps the shipped calibration whatever the project's validated decisions (:mod:`ipcompare.analysis.calibration`).
    ``RunResult.timings`` has the seconds of each stage."""
    project = Project(Path(root), learn)
    codebook.use(project.codebook)  # the study's own themes and instruments, when it has them
    start = time.perf_counter()
    result = corpus_tables(project, progress)
    t, timings = result.tables, result.timings
    if codebook.study_files():  # each document's notes say which codebook coded it
        t["documents"] = t["documents"].assign(notes=[tables.join_list([n, f"coded with {codebook.described()}"] if n else
                                                                       [f"coded with {codebook.described()}"])
                                                      for n in t["documents"]["notes"]])
    timings["documents"] = time.perf_counter() - start
    annotations, fingerprints = digest(_folder_key(project.annotations), str(learn)), {}

    def fingerprint(name: str) -> str:  # each table hashed once a run (stages add tables, never replace one)
        if name not in fingerprints:
            fingerprints[name] = frame_key(t[name])
        return fingerprints[name]

    def prepare() -> None:
        _segment(t["tasks"], project, progress, timings)

    version = code_version(("analysis.themes",), STAGE_DATA, STAGE_LIBRARIES)
    t |= _stage(project, "themes", digest(version, *map(fingerprint, ("documents", "tasks")), annotations),
                lambda: _themes(t, project, version), prepare, timings, progress)
    version = code_version(("analysis.instruments",), INSTRUMENT_DATA, STAGE_LIBRARIES)
    t |= _stage(project, "instruments", digest(version, *map(fingerprint, ("documents", "tasks", "themes")), annotations),
                lambda: _instruments(t, project, version), prepare, timings, progress)
    version = code_version(("analysis.coverage",), STAGE_DATA, STAGE_LIBRARIES)
    key = digest(version, *map(fingerprint, ("documents", "tasks", "themes")), annotations,
                 json.dumps([reference, body_measures]))
    t |= _stage(project, "coverage", key, lambda: _coverage(t, project, version, reference, body_measures),
                prepare, timings, progress)
    version = code_version(("analysis.changes",), STAGE_DATA, STAGE_LIBRARIES)
    t |= _stage(project, "changes", digest(version, *map(fingerprint, ("documents", "tasks", "targets"))),
                lambda: _changes(t, project, version), prepare, timings, progress)
    version = code_version(("analysis.reuse",), STAGE_DATA, STAGE_LIBRARIES)
    t |= _stage(project, "reuse", digest(version, *map(fingerprint, ("documents", "tasks"))),
                lambda: _reuse(t, project, version), lambda: None, timings, progress)
    version = code_version(("analysis.diffusion",), (), STAGE_LIBRARIES)
    t |= _stage(project, "diffusion", digest(version, *map(fingerprint, ("documents", "coverage"))),
                lambda: _diffusion(t), lambda: None, timings, progress)
    version = code_version(("analysis.convergence",), STAGE_DATA, STAGE_LIBRARIES)
    t |= _stage(project, "convergence", digest(version, *map(fingerprint, ("documents", "tasks", "themes"))),
                lambda: _convergence(t, project), prepare, timings, progress)
    version = code_version(("analysis.search",), STAGE_DATA, STAGE_LIBRARIES + ("networkx",))
    t |= _stage(project, "network", digest(version, fingerprint("tasks")),
                lambda: search.gephi_tables(search.network(t["tasks"], cache_dir=project.cache)), prepare, timings,
                progress)
    from .analysis import places  # what the charts draw, per place: views only read tables

    version = code_version(("analysis.places",), STAGE_DATA + ("boilerplate.txt", "divisions.csv"),
                           STAGE_LIBRARIES + ("networkx",))
    t |= _stage(project, "places", digest(version, *map(fingerprint, ("documents", "tasks", "coverage",
                                                                      "coverage_by_province"))),
                lambda: places.stage(t, project), prepare, timings, progress)
    from .analysis import validation  # the blind answers of review workbooks (data/annotations/validation.csv)

    t |= validation.stage(t, project)
    if not (t["documents"].level == "national").any():
        result.warnings.append("no national document in the manifest (level national): the coverage, gaps and "
                               "requirements tables are empty and charts show no national figure; add the guideline")
    start = time.perf_counter()
    generation = publish.begin(project)  # tables and reports written beside the current ones, then switched at once
    try:
        written = _write_tables(t, generation.processed, project.cache, fingerprint)
        timings["tables"] = time.perf_counter() - start
        files = []
        if charts:
            from .views import corpus, report, workbook

            start = time.perf_counter()
            figures = [*figures, *report.places_asked(t, project.reports)]  # drawn with `figures` before: kept up to date
            result.redrawn = {}  # (a RunResult kept by an older cache has no such field)
            drawn = corpus.Corpus({name: tables.read_table(name, generation.processed) for name in t}, project.processed)
            files = report.write(drawn, generation.reports, progress, project.cache,  # as from data/processed alone
                                 {path.stem: key for path, key in written.items()}, figures, result.redrawn)
            files.append(workbook.write(t, generation.reports / workbook.NAME))  # the tables for Excel
            timings["charts"] = time.perf_counter() - start
        publish.carry(project, generation)
        if charts:
            report.remove_stale(generation.reports, files)
        publish.commit(project, generation)
    except BaseException:
        publish.discard(generation)
        raise
    if charts:  # the PDFs of the Word reports, made by LibreOffice after the run (where it is installed)
        from .views import report, word

        result.pdfs = word.pdfs_later([project.reports / name for name in report.WORD.values()], project.cache)
    return result
