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
from importlib import import_module
from pathlib import Path

import pandas as pd
from tqdm import tqdm  # not tqdm.auto: it warns in notebooks without ipywidgets

from . import codebook, publish, tables, workers
from .cache import Store, code_version, digest, frame_key
from .errors import InputError
from .lock import locked
from .extraction import document, indicators
from .project import Project
from .reading.manifest import read_manifest
from .stages import Stage

# What reading a document depends on: modules (with what they import), package data files, and the
# libraries whose version changes the result.
DOCUMENT_CODE = (("extraction.document",), ("indicators.md", "divisions.csv"),
                 ("opencc", "charset-normalizer", "trafilatura", "pdfplumber", "python-docx"))
# The analysis stages in the order they run: each module declares its STAGE (:mod:`ipcompare.stages`).
STAGES = ("analysis.themes", "analysis.instruments", "analysis.coverage", "analysis.changes", "analysis.reuse",
          "analysis.diffusion", "analysis.convergence", "analysis.search", "analysis.places", "analysis.validation")


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


def stages() -> list[Stage]:
    """The declared stages of :data:`STAGES`, in order (their modules imported on first use)."""
    return [import_module(f"ipcompare.{m}").STAGE for m in STAGES]


def plan() -> str:
    """The declared steps of a run, one per line: reading, each stage (reads -> writes, data, libraries)
    and each chart with the tables it reads (``run --plan`` prints it)."""
    from .views import charts

    modules, data, libraries = DOCUMENT_CODE
    lines = ["stages, in order:", f"documents ({', '.join(modules)}): manifest, data/raw -> documents, tasks, targets, "
             f"texts, targets_by_indicator\n    data: {', '.join(data)}; libraries: {', '.join(libraries)}"]
    lines += [stage.describe() for stage in stages()]
    lines.append("charts (the tables each one reads; per place: the rows of its place and what it compares them with):")
    lines += [f"{name}: {', '.join(chart.reads)}{'; per place: ' + chart.shows.__name__ + '()' if chart.per_place else ''}"
              for name, chart in charts.DECLARED.items()]
    return "\n".join(lines)


def _stage(stage: Stage, t: dict[str, pd.DataFrame], project: Project, fingerprint, annotations: str, options: dict,
           timings: dict[str, float], progress: bool) -> dict[str, pd.DataFrame]:
    """The tables of ``stage``: those of its last run if its key is the same, else run on the tables it
    declares it reads (timed, shown as a one-step bar, checked to be the tables it declares it writes,
    kept). The key comes from the declaration alone: the stage's code, data and libraries, the
    ``fingerprint`` of each table it reads, the ``annotations`` key and the ``options`` it declares."""
    version = stage.version()
    mine = {o: options[o] for o in stage.options}
    key = digest(version, *map(fingerprint, stage.reads), *([annotations] if stage.annotations else []),
                 *([json.dumps(mine)] if mine else []))

    def made(_) -> dict[str, dict[str, pd.DataFrame]]:
        if stage.tokens:
            _segment(t["tasks"], project, progress, timings)
        start = time.perf_counter()
        with tqdm(total=1, desc=stage.name, unit="stage", disable=not progress) as bar:
            store = {"store": Store(project.cache, f"{stage.name}-documents", version)} if stage.store else {}
            out = stage(t, project, **mine, **store)
            bar.update()
        timings[stage.name] = time.perf_counter() - start
        return {stage.name: out}

    return Store(project.cache, "stages").reuse({stage.name: key}, made)[stage.name]


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
        note = f"coded with {codebook.described()}"
        t["documents"] = t["documents"].assign(notes=[tables.join_list([n, note]) for n in t["documents"]["notes"]])
    timings["documents"] = time.perf_counter() - start
    annotations, fingerprints = digest(_folder_key(project.annotations), str(learn)), {}

    def fingerprint(name: str) -> str:  # each table hashed once a run (stages add tables, never replace one)
        if name not in fingerprints:
            fingerprints[name] = frame_key(t[name])
        return fingerprints[name]

    options = {"reference": reference, "body_measures": body_measures}
    for stage in stages():
        t |= _stage(stage, t, project, fingerprint, annotations, options, timings, progress)
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
