"""Text-reuse charts: how much of each place's plans is the guideline's wording, and from which part of it."""
from __future__ import annotations

from .. import frames
from ..frames import Tables
from ._style import OKABE_ITO, Panel, bars, docs_of, heatmap, labels, place_scope, row_labels, shorten, source_line

LABELS = labels({
    "zh": {
        "reuse": "文本复用：各地计划中国家指引的原文", "reuse_classes": "任务占比：照抄 / 改写 / 自拟",
        "copied": "照抄指引", "adapted": "改写指引", "local": "自拟",
        "reuse_share": "字数占比：出自指引（◆ 出自上一版计划）", "from_guideline": "出自指引",
        "from_predecessor": "出自上一版计划", "reuse_sections": "文本复用：各地计划复用的指引原文出自指引哪一部分（占其字数）",
        "section": "指引的部分",
    },
    "en": {
        "reuse": "Text reuse: the guideline's wording in each place's plans",
        "reuse_classes": "Tasks: copied / adapted / local", "copied": "copied from the guideline",
        "adapted": "adapting its wording", "local": "own wording",
        "reuse_share": "Characters from the guideline (◆ from the predecessor plan)", "from_guideline": "from the guideline",
        "from_predecessor": "from the predecessor plan",
        "reuse_sections": "Text reuse: the part of the guideline each place's reused wording comes from (share of its characters)",
        "section": "part of the guideline",
    },
})


def reuse(t: Tables, lang: str = "zh", interactive: bool = False, cities: bool = True):
    """Per place: its tasks copied from the guideline, adapting it, or local (shares, stacked), and the
    share of its characters in spans reused from the guideline (◆: from its predecessor plan)."""
    L = LABELS[lang]
    m = frames.reuse_by_place(t, cities)
    names = row_labels(t, list(m.index), "province", lang)
    classes = m[list(frames.REUSE_CLASSES)].set_axis(names).set_axis([L[c] for c in frames.REUSE_CLASSES], axis=1)
    panels = [
        Panel(L["reuse_classes"], classes, [OKABE_ITO[5], OKABE_ITO[0], OKABE_ITO[7]], xlabel=L["share"], percent=True),
        Panel(L["reuse_share"], m[["guideline_share"]].set_axis(names).set_axis([L["from_guideline"]], axis=1),
              [OKABE_ITO[5]], marks=m["predecessor_share"].set_axis(names), mark_label=L["from_predecessor"],
              xlabel=L["share"], percent=True),
    ]
    return bars(panels, L["reuse"] + place_scope(t, "province", cities, lang),
                source_line(t, docs_of(t, list(m.index), "province"), lang), interactive, ncols=2, width=12.0, lang=lang)


def reuse_sections(t: Tables, lang: str = "zh", interactive: bool = False, cities: bool = True):
    """Heatmap, place x top-level section of the guideline: share of the place's characters reused from it."""
    L = LABELS[lang]
    m = frames.reuse_by_section(t, cities)
    shown = m.set_axis(row_labels(t, list(m.index), "province", lang)).set_axis([shorten(c, 14) for c in m.columns], axis=1)
    text = shown.map(lambda v: f"{v:.1%}")  # shares of a plan's characters are small: one decimal
    return heatmap(shown, L["reuse_sections"] + place_scope(t, "province", cities, lang),
                   source_line(t, docs_of(t, list(m.index), "province"), lang), interactive,
                   xlabel=L["section"], ylabel=L["province"], width=10.0, text=text, lang=lang)
