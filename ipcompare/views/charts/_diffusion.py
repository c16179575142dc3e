"""Diffusion charts: the adoption curve (share of provinces that have taken an item up, by year) and
the province x year strip."""
from __future__ import annotations

import pandas as pd

from .. import frames
from ..frames import Tables, province_name
from ._style import OKABE_ITO, heatmap, labels, lines, source_line

LABELS = labels({
    "zh": {
        "curve_all": "国家指引各项任务在各省的采纳曲线（细线：每项任务；粗线：平均）",
        "curve_item": "「{item}」的采纳曲线", "share_provinces": "已采纳的省份占比", "year": "年份", "mean": "平均",
        "strip_all": "各省逐年已采纳的国家任务占比（– 无观察）", "strip_item": "「{item}」：各省采纳的年份（● 采纳当年；– 无观察：首份计划之前或采纳、末份计划之后）",
    },
    "en": {
        "curve_all": "Adoption of the guideline's tasks by the provinces (thin: each task; thick: mean)",
        "curve_item": "Adoption of “{item}”", "share_provinces": "share of provinces that took it up", "year": "year",
        "mean": "mean", "strip_all": "Share of the national tasks each province has taken up, by year (– not observed)",
        "strip_item": "“{item}”: the year each province took it up (● the year of adoption; – not observed: before its first plan, after adoption or its last plan)",
    },
})


def _rows(t: Tables, item: str | None):
    return t["adoption"] if item is None else frames.adoption(t, item)


def _name(t: Tables, item: str, rows) -> str:
    return str(rows["title"].iloc[0]) if len(rows) and rows["kind"].iloc[0] == "nat_task" else item


def adoption_curve(t: Tables, lang: str = "zh", interactive: bool = False, item: str | None = None):
    """Share of provinces that have taken up each national task by year (thin lines, their mean thick),
    or one ``item`` (a national task id or any phrase)."""
    L, rows = LABELS[lang], _rows(t, item)
    curve = frames.adoption_curve(rows)
    title = L["curve_all"] if item is None else L["curve_item"].format(item=_name(t, item, rows))
    series = [(c, curve[c], OKABE_ITO[7], 0.8) for c in curve.columns] if item is None else []
    series.append((L["mean"] if item is None else _name(t, item, rows), curve.mean(axis=1), OKABE_ITO[5], 2.5))
    docs = sorted(set(d for cell in rows["plans"] for d in cell.split("; ") if d))
    return lines(series, title, source_line(t, docs, lang), interactive, L["year"], L["share_provinces"], percent=True)


def adoption_strip(t: Tables, lang: str = "zh", interactive: bool = False, item: str | None = None):
    """Province x year: share of the national tasks taken up by then, or for one ``item`` when each
    province took it up (● that year; blank before its first plan)."""
    L, rows = LABELS[lang], _rows(t, item)
    strip = frames.adoption_strip(rows)
    strip = strip.set_axis([province_name(p, lang) for p in strip.index]).set_axis([str(y) for y in strip.columns], axis=1)
    docs = sorted(set(d for cell in rows["plans"] for d in cell.split("; ") if d))
    if item is None:
        text = strip.map(lambda v: "–" if pd.isna(v) else f"{v:.0%}")
        title = L["strip_all"]
    else:
        first = rows.groupby("province", sort=False)["adoption_year"].first()  # the strip's order
        text = pd.DataFrame([["–" if pd.isna(v) else "●" if pd.notna(first[p]) and str(int(first[p])) == y else ""
                             for y, v in strip.loc[province_name(p, lang)].items()] for p in first.index],
                            index=strip.index, columns=strip.columns)
        title = L["strip_item"].format(item=_name(t, item, rows))
    return heatmap(strip.fillna(0), title, source_line(t, docs, lang), interactive, xlabel=L["year"],
                   ylabel=L["province"], width=8.0, text=text, lang=lang)

