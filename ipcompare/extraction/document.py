"""A manifest row to its rows of the documents, tasks and targets tables (read, clean, extract)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import tables
from ..errors import InputError
from ..reading.manifest import MANIFEST_COLUMNS, load_document
from .outline import extract


def read_document(row: pd.Series, raw: Path) -> dict:
    """One manifest row's rows of the documents, tasks and targets tables, and its warnings."""
    doc = load_document(row, raw)
    found = extract(row.doc_id, doc.text)
    if not found.tasks:
        raise InputError(f"{doc.path}: {'; '.join(found.notes + doc.notes)}")
    target_rows = []
    for task in found.tasks:
        task["province"] = doc.meta["province"]
        for t in found.task_targets[task["task_id"]] if task["kind"] == "task" else []:
            target_rows.append({"doc_id": row.doc_id, "task_id": task["task_id"], "scope": "task", **t.__dict__})
    for t in found.doc_targets:
        target_rows.append({"doc_id": row.doc_id, "task_id": "", "scope": "document", **t.__dict__})
    kinds = [t["kind"] for t in found.tasks]
    document = {
        **{k: doc.meta[k] for k in MANIFEST_COLUMNS},
        "detected": tables.join_list(doc.detected),
        "n_tasks": kinds.count("task"),
        "n_preamble": kinds.count("preamble"),
        "targets": tables.join_list(t.text for t in found.doc_targets),
        "sha256": doc.sha256,
        "notes": tables.join_list(doc.notes + found.notes),
    }
    return {"document": document, "tasks": found.tasks, "targets": target_rows, "path": str(doc.path),
            "warnings": doc.warnings + [f"{row.doc_id}: {n}" for n in found.notes]}
