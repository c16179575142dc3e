"""What changed in a province's plan against its predecessor: tasks kept, revised, new, dropped by theme; targets moved."""
from __future__ import annotations

import pandas as pd

from .. import frames
from ..frames import Tables, province_name, theme_names
from ._style import OKABE_ITO, Panel, bars, labels, shorten, source_line

CHANGE_COLORS = {"continued": OKABE_ITO[4], "revised": OKABE_ITO[1], "new": OKABE_ITO[2], "dropped": OKABE_ITO[5]}
CHANGE_HATCHES = {"continued": "", "revised": "", "new": "///", "dropped": "..."}
CHANGE_PATTERNS = {"continued": "", "revised": "", "new": "/", "dropped": "."}
LABELS = labels({
    "zh": {
        "changes": "{province}：{doc} 相对 {predecessor} 的变化", "changes_tasks": "任务（按主题）",
        "continued": "延续", "revised": "修改", "new": "新增", "dropped": "删除",
        "changes_targets": "量化目标（前 → 后）", "target_change": "变化幅度", "no_targets": "无可比目标",
    },
    "en": {
        "changes": "{province}: {doc} against {predecessor}", "changes_tasks": "Tasks (by theme)",
        "continued": "continued", "revised": "revised", "new": "new", "dropped": "dropped",
        "changes_targets": "Quantitative targets (before → after)", "target_change": "change",
        "no_targets": "no comparable targets",
    },
})


def _number(x: float) -> str:
    return f"{x:g}"


def changes(t: Tables, lang: str = "zh", interactive: bool = False, province: str = "", doc_id: str = ""):
    """A province's latest plan (or ``doc_id``) against its predecessor: tasks continued, revised, new
    and dropped per theme (merges and splits count once); targets before -> after as a relative change."""
    L = LABELS[lang]
    if not (province or (province := next(iter(frames.changed_provinces(t)), ""))):
        raise ValueError("no document has a predecessor: nothing changed to chart")
    ch = frames.changes(t, province, doc_id)
    names = theme_names(lang)
    counts = pd.crosstab(ch.tasks["theme"], ch.tasks["change"]).reindex(
        index=[k for k in names if k in set(ch.tasks["theme"])], columns=list(CHANGE_COLORS), fill_value=0)
    hover = ch.tasks.groupby(["theme", "change"])["label"].agg("<br>".join).unstack().reindex_like(counts).fillna("")
    tasks = counts.rename(index=names).rename(columns=L)
    moved = ch.targets[ch.targets["direction"].isin(["raised", "lowered", "unchanged"])]
    label = [f"{shorten(r.counts, 14)} {_number(r.before)}→{_number(r.after)}{r.unit}" for r in moved.itertuples()]
    ratio = pd.DataFrame({L["target_change"]: (moved["after"] / moved["before"] - 1).to_numpy(float)}, index=label)
    panels = [
        Panel(L["changes_tasks"], tasks, list(CHANGE_COLORS.values()), list(CHANGE_HATCHES.values()),
              list(CHANGE_PATTERNS.values()), xlabel=L["n_tasks"], annotate=True,
              hover=hover.set_axis(tasks.index).set_axis(tasks.columns, axis=1)),
        Panel(L["changes_targets"], ratio, [OKABE_ITO[0]], percent=True, xlabel=L["target_change"], empty=L["no_targets"]),
    ]
    title = L["changes"].format(province=province_name(ch.province, lang), doc=ch.doc_id, predecessor=ch.predecessor_id)
    return bars(panels, title, source_line(t, [ch.predecessor_id, ch.doc_id], lang), interactive, ncols=2, width=13.0)


def changes_shows(t: Tables, province: str = "", doc_id: str = "") -> dict:
    """What :func:`changes` shows (its redraw key, by name): the plan's changes rows (with their tasks'
    themes), its target changes, and the two documents."""
    ch = frames.changes(t, province or next(iter(frames.changed_provinces(t)), ""), doc_id)
    docs = t["documents"]
    return {"its changes": ch.tasks, "its target changes": ch.targets,
            "the two documents": docs[docs["doc_id"].isin([ch.doc_id, ch.predecessor_id])]}
