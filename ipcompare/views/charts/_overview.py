"""Corpus overview charts: items per document, structure, task details, targets."""
from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd

from ... import tables
from .. import frames
from ..frames import Tables
from ._style import OKABE_ITO, SEQUENTIAL, Panel, bars, heatmap, labels, row_labels, source_line

LABELS = labels({
    "zh": {
        "documents": "各文件的条目数", "tasks": "任务", "preamble": "总体要求类条目", "n_items": "条目数",
        "structure": "各文件的结构：各部分的任务数", "section": "部分", "fields": "任务要素：写明牵头单位、责任单位、时限和量化目标的任务占比",
        "has_lead": "牵头单位", "has_responsible": "责任单位", "has_deadline": "时限", "has_target": "量化目标",
        "targets": "各文件的量化目标数", "task_target": "任务中的目标", "document_target": "文件总体目标", "n_targets": "目标数",
    },
    "en": {
        "documents": "Items per document", "tasks": "tasks", "preamble": "general-requirement items",
        "n_items": "items", "structure": "Structure of each document: tasks per part", "section": "part",
        "fields": "Task details: share of tasks naming lead units, responsible units, deadlines, quantitative targets",
        "has_lead": "lead units", "has_responsible": "responsible units", "has_deadline": "deadline",
        "has_target": "quantitative target", "targets": "Quantitative targets per document",
        "task_target": "in tasks", "document_target": "document-level", "n_targets": "targets",
    },
})


def documents(t: Tables, lang: str = "zh", interactive: bool = False):
    """Items per document: tasks and general-requirement (preamble) items."""
    L = LABELS[lang]
    docs = t["documents"]
    frame = pd.DataFrame({L["tasks"]: docs["n_tasks"].to_numpy(), L["preamble"]: docs["n_preamble"].to_numpy()},
                         index=row_labels(t, docs["doc_id"], "document", lang))
    panel = Panel("", frame, [OKABE_ITO[4], OKABE_ITO[7]], xlabel=L["n_items"], annotate=True)
    return bars([panel], L["documents"], source_line(t, docs["doc_id"], lang), interactive, lang=lang)


def structure(t: Tables, lang: str = "zh", interactive: bool = False):
    """Tasks per top-level part of each document, one bar segment per part (shade = order of the part)."""
    L = LABELS[lang]
    tasks = frames.work_tasks(t)
    top = tasks["section_path"].str.split(tables.PATH_SEP).str[0]
    titles = tasks["section_titles"].str.split(tables.PATH_SEP).str[0]
    parts = pd.DataFrame({"doc_id": tasks["doc_id"], "part": top, "title": titles})
    parts["k"] = parts.groupby("doc_id")["part"].transform(lambda s: pd.factorize(s)[0])
    counts = parts.pivot_table(index="doc_id", columns="k", values="part", aggfunc="size", fill_value=0)
    order = [d for d in t["documents"]["doc_id"] if d in counts.index]
    counts = counts.reindex(order)
    hover = parts.assign(name=parts["part"] + " " + parts["title"]).drop_duplicates(["doc_id", "k"]).pivot(
        index="doc_id", columns="k", values="name").reindex(index=order, columns=counts.columns).fillna("")
    frame = counts.set_axis(row_labels(t, order, "document", lang)).rename(columns=lambda k: f"{L['section']} {k + 1}")
    shades = matplotlib.colormaps[SEQUENTIAL](np.linspace(0.1, 0.9, max(len(frame.columns), 1)))
    colors = [matplotlib.colors.to_hex(c) for c in shades]
    panel = Panel("", frame, colors, xlabel=L["n_tasks"], annotate=True,
                  hover=hover.set_axis(frame.index).set_axis(frame.columns, axis=1))
    return bars([panel], L["structure"], source_line(t, order, lang), interactive, lang=lang, legend=False)


def fields(t: Tables, lang: str = "zh", interactive: bool = False):
    """Share of each document's tasks that name lead units, responsible units, a deadline, a target."""
    L = LABELS[lang]
    tasks = frames.work_tasks(t)
    cols = {"has_lead": "lead_units", "has_responsible": "responsible_units", "has_deadline": "deadlines",
            "has_target": "targets"}
    shares = pd.DataFrame({L[k]: tasks[c].ne("") for k, c in cols.items()}).groupby(tasks["doc_id"]).mean()
    order = [d for d in t["documents"]["doc_id"] if d in shares.index]
    shares = shares.reindex(order).set_axis(row_labels(t, order, "document", lang))
    return heatmap(shares, L["fields"], source_line(t, order, lang), interactive, lang=lang, width=7.5)


def targets(t: Tables, lang: str = "zh", interactive: bool = False):
    """Quantitative targets per document: stated in tasks, or for the whole document."""
    L = LABELS[lang]
    counts = pd.crosstab(t["targets"]["doc_id"], t["targets"]["scope"]).reindex(
        index=list(t["documents"]["doc_id"]), columns=["task", "document"], fill_value=0)
    frame = counts.set_axis([L["task_target"], L["document_target"]], axis=1).set_axis(
        row_labels(t, counts.index, "document", lang))
    panel = Panel("", frame, [OKABE_ITO[2], OKABE_ITO[0]], xlabel=L["n_targets"], annotate=True)
    return bars([panel], L["targets"], source_line(t, counts.index, lang), interactive, lang=lang)
