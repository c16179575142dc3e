"""A manifest row to its rows of the documents, tasks, targets and texts tables (read, clean, extract)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import tables
from ..errors import InputError
from ..reading.manifest import MANIFEST_COLUMNS, load_document, text_digest
from ..reading.markers import marker
from . import indicators
from .outline import extract


def read_document(row: pd.Series, raw: Path, cache: Path | None = None) -> dict:
    """One manifest row's rows of the documents, tasks, targets and texts tables, and its warnings
    (``cache``: where pages read by OCR are kept)."""
    doc = load_document(row, raw, cache=cache)
    found = extract(row.doc_id, doc.text)
    if not found.tasks:
        raise InputError(f"{doc.path}: {'; '.join(found.notes + doc.notes)}")
    target_rows, last_year = [], int(doc.meta["last_year"])
    for task in found.tasks:
        task["province"] = doc.meta["province"]
        found_here = found.task_targets[task["task_id"]] if task["kind"] == "task" else []
        for t, read in zip(found_here, indicators.read(found_here, task["content"], last_year, task["title"])):
            target_rows.append({"doc_id": row.doc_id, "task_id": task["task_id"], "scope": "task", **t.__dict__, **read})
    for t, read in zip(found.doc_targets, indicators.read(found.doc_targets, doc.text, last_year)):
        target_rows.append({"doc_id": row.doc_id, "task_id": "", "scope": "document", **t.__dict__, **read})
    kinds = [t["kind"] for t in found.tasks]
    document = {
        **{k: doc.meta[k] for k in MANIFEST_COLUMNS},
        "detected": tables.join_list(doc.detected),
        "n_tasks": kinds.count("task"),
        "n_preamble": kinds.count("preamble"),
        "targets": tables.join_list(t.text for t in found.doc_targets),
        "sha256": doc.sha256,
        "text_sha256": text_digest(doc.text),
        "notes": tables.join_list(doc.notes + _read_by_ocr(found.tasks, doc.ocr_text) + found.notes),
    }
    text = {"doc_id": row.doc_id, "province": doc.meta["province"], "text": doc.text}
    return {"document": document, "tasks": found.tasks, "targets": target_rows, "text": text, "path": str(doc.path),
            "warnings": doc.warnings + [f"{row.doc_id}: {n}" for n in found.notes + _cut_short(found.tasks, doc.text)]}


_SENTENCE_ENDS = set("。.!！?？;；)）〕】]」』”\"…")


def _cut_short(tasks: list[dict], text: str) -> list[str]:
    """A warning when the file looks cut short: its last task stops mid-sentence while the others end
    theirs, or its text ends with a section heading (一、 (一) 第一章) with nothing under it."""
    contents = [t["content"].rstrip() for t in tasks if t["kind"] == "task" and t["content"].strip()]
    ends = [c[-1] in _SENTENCE_ENDS for c in contents]
    last = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
    if (marker(last) or ("",))[0] in ("chapter", "cn", "cn_paren") and last[-1] not in _SENTENCE_ENDS:  # not a task
        return [f"the text ends with the heading {last[:20]!r} and nothing under it: the file looks cut short after "
                f"{len(ends)} tasks; check that every task is there"]
    if len(ends) < 3 or ends[-1] or sum(ends[:-1]) < 0.8 * (len(ends) - 1):
        return []
    return [f"the last task ends mid-sentence (...{contents[-1][-15:]}) while the others end theirs: the file looks "
            f"cut short after {len(ends)} tasks; check that every task is there"]


def _read_by_ocr(tasks: list[dict], ocr_text: str) -> list[str]:
    """A note naming the tasks read from pages read by OCR (their text starts there), if any."""
    if not ocr_text:
        return []
    squashed = "".join(ocr_text.split())
    ids = [t["task_id"] for t in tasks if "".join(t["text"].split())[:20] in squashed]
    if len(ids) == len(tasks):
        return [f"all {len(ids)} items read by OCR"]
    return [f"items read by OCR: {', '.join(ids)}"] if ids else []
