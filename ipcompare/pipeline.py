"""Run the whole pipeline: raw corpus → processed tables (→ themes → coverage → charts).

Outputs are produced in a staging folder and moved into ``data/processed/`` only when every stage
has succeeded, so a failed run leaves earlier outputs exactly as they were. ``data/annotations/``
(manual corrections) is only ever read.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm  # not tqdm.auto: it warns in notebooks without ipywidgets

from . import coverage, extract, fields, ingest, tables, themes
from .errors import InputError


@dataclass(frozen=True)
class Project:
    """Folder layout of a project (the repository by default)."""

    root: Path = Path(".")

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def annotations(self) -> Path:
        return self.root / "data" / "annotations"

    @property
    def reports(self) -> Path:
        return self.root / "reports"


@dataclass
class RunResult:
    """What a run produced: the tables by name, and the warnings raised on the way."""

    tables: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)


def _fmt_targets(targets) -> str:
    return tables.join_list(t.text for t in targets)


def corpus_tables(project: Project, progress: bool = True) -> RunResult:
    """documents, tasks and targets tables of the raw corpus."""
    manifest = ingest.read_manifest(project.raw)
    docs, task_rows, target_rows, warnings = [], [], [], []
    for _, row in tqdm(list(manifest.iterrows()), desc="documents", unit="doc", disable=not progress):
        doc = ingest.load_document(row, project.raw)
        if same := next((d["doc_id"] for d in docs if d["sha256"] == doc.sha256), None):
            raise InputError(f"{doc.path}: same content as document {same}; remove one of the two manifest rows")
        found = extract.extract(row.doc_id, doc.text)
        warnings += doc.warnings + [f"{row.doc_id}: {n}" for n in found.notes if found.tasks]
        if not found.tasks:
            raise InputError(f"{doc.path}: {'; '.join(found.notes + doc.notes)}")
        for task in found.tasks:
            task["province"] = doc.meta["province"]
            for t in fields.targets(task["content"]) if task["kind"] == "task" else []:
                target_rows.append({"doc_id": row.doc_id, "task_id": task["task_id"], "scope": "task", **t.__dict__})
        for t in found.doc_targets:
            target_rows.append({"doc_id": row.doc_id, "task_id": "", "scope": "document", **t.__dict__})
        task_rows += found.tasks
        kinds = pd.Series([t["kind"] for t in found.tasks])
        docs.append({
            **{k: doc.meta[k] for k in ingest.MANIFEST_COLUMNS},
            "detected": tables.join_list(doc.detected),
            "n_tasks": int((kinds == "task").sum()),
            "n_preamble": int((kinds == "preamble").sum()),
            "targets": _fmt_targets(found.doc_targets),
            "sha256": doc.sha256,
            "notes": tables.join_list(doc.notes + found.notes),
        })
    task_cols = list(tables.SCHEMAS["tasks"].columns)
    target_cols = list(tables.SCHEMAS["targets"].columns)
    return RunResult(
        {
            "documents": pd.DataFrame(docs, columns=list(tables.SCHEMAS["documents"].columns)),
            "tasks": pd.DataFrame(task_rows, columns=task_cols),
            "targets": pd.DataFrame(target_rows, columns=target_cols),
        },
        warnings,
    )


def run(root: Path | str = ".", progress: bool = True, reference: str | None = None,
        body_measures: bool = False, charts: bool = False) -> RunResult:
    """Run every stage on the project at ``root`` and replace its processed tables atomically.

    ``reference``: national document the coverage stage aligns to (default: the latest with a task
    list); ``body_measures``: also align to its body measures assigned to local offices;
    ``charts``: also write every chart and the HTML report to ``reports/`` (the CLI does, unless
    ``--no-charts``), through the same staging."""
    project = Project(Path(root))
    result = corpus_tables(project, progress)
    result.tables |= themes.stage(result.tables, project)
    result.tables |= coverage.stage(result.tables, project, reference, body_measures)
    project.processed.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=project.processed))
    try:
        staged = {tables.write_table(df, name, staging): project.processed / f"{name}.csv"
                  for name, df in result.tables.items()}
        if charts:
            from . import corpus, report

            files = report.write(corpus.Corpus(result.tables, project.processed), staging / "reports", progress)
            staged |= {f: project.reports / f.relative_to(staging / "reports") for f in files}
        tables.replace_files(staged)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result
