"""Ambitions compared: per indicator, each province's latest target as a dot, the national figure as a line."""
from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ...extraction.indicators import indicators
from ..frames import NATIONAL, Tables, province_name
from ._style import OKABE_ITO, finish, labels, layout, new_figure, pin_labels, source_line, wrap

LABELS = labels({
    "zh": {"targets_compared": "目标比较：各省最新文件的量化目标（虚线：全国文件）", "national": "全国",
           "new": "新增", "growth": "增长", "none": "没有可比较的省级量化目标"},
    "en": {"targets_compared": "Ambitions compared: each province's latest target (dashed: national document)",
           "national": "national", "new": "new", "growth": "growth", "none": "no provincial target to compare"},
})
UNITS_EN = {"件": "", "元": "yuan", "次": "times", "家": "", "个": "", "所": "", "件/万人": "",
            "月": "months", "工作日": "working days", "人次": "person-times", "人": "people", "分": "points"}
BOUNDS = {"at_least": "≥", "at_most": "≤", "about": "≈", "exact": ""}


def amount(value: float, lang: str) -> str:
    """23万 / 320亿 (zh), 230k / 32bn (en); small numbers as they are."""
    steps = [(1e8, "亿"), (1e4, "万")] if lang == "zh" else [(1e9, "bn"), (1e6, "m"), (1e3, "k")]
    for size, name in steps:
        if abs(value) >= size:
            return f"{value / size:.4g}{name}"
    return f"{value:.4g}"


def _panels(t: Tables, lang: str) -> list[tuple[str, object, object]]:
    """(title, provincial rows, national value or NaN) per indicator and kind with a provincial target."""
    by = t["targets_by_indicator"]
    names = {i.id: i for i in indicators()}
    panels = []
    for (ind, kind), rows in by.groupby(["indicator", "kind"], sort=False):
        local = rows[rows["province"] != NATIONAL]
        if local.empty:
            continue
        unit = rows["base_unit"].iloc[0]
        unit = UNITS_EN.get(unit, unit) if lang == "en" else unit
        name = names[ind].en if lang == "en" else names[ind].zh
        extra = ", ".join(x for x in (LABELS[lang].get(kind, ""), unit) if x)
        national = pd.to_numeric(rows["national_value"], errors="coerce").iloc[0]  # NaN: no national figure
        panels.append((f"{name} ({extra})" if extra else name, local, national))
    return panels


def targets_compared(t: Tables, lang: str = "zh", interactive: bool = False, ncols: int = 3):
    """Per indicator (and kind: a level, an addition, a growth), one dot per province at its latest
    plan's target, ≥/≤/≈ for its bound; a dashed line at the national document's figure where one is stated."""
    L = LABELS[lang]
    panels = _panels(t, lang)
    nrows = max(math.ceil(len(panels) / ncols), 1)
    docs = list(dict.fromkeys(d for _, rows, _ in panels for d in rows["doc_id"]))
    if interactive:
        fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[html.escape(p[0]) for p in panels] or [L["none"]],
                            horizontal_spacing=0.12, vertical_spacing=0.35 / nrows)
        for k, (_, rows, national) in enumerate(panels):
            r, c = k // ncols + 1, k % ncols + 1
            names = [html.escape(province_name(p, lang)) for p in rows["province"]]
            hover = [html.escape(f"{d} {tid} · {txt}") for d, tid, txt in zip(rows["doc_id"], rows["task_id"], rows["text"])]
            fig.add_trace(go.Scatter(x=rows["value"], y=names, mode="markers+text", showlegend=False,
                                     text=[BOUNDS[b] + amount(v, lang) for b, v in zip(rows["bound"], rows["value"])],
                                     textposition="top center", hovertext=hover, hoverinfo="text",
                                     marker={"size": 11, "color": OKABE_ITO[4]}), row=r, col=c)
            if national == national:  # not NaN
                fig.add_vline(x=national, line_dash="dash", line_color=OKABE_ITO[5], row=r, col=c,
                              annotation_text=html.escape(f"{L['national']} {amount(national, lang)}"))
            fig.update_xaxes(rangemode="tozero", row=r, col=c)
        per_panel = max((len(rows) for _, rows, _ in panels), default=1)
        return layout(fig, L["targets_compared"], height=nrows * (120 + 30 * per_panel) + 120)
    per_panel = max((len(rows) for _, rows, _ in panels), default=1)
    fig = new_figure(12, nrows * (1.1 + 0.3 * per_panel) + 1.2)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (title, rows, national) in zip(axes, panels):
        y = range(len(rows))
        ax.scatter(rows["value"], y, s=40, color=OKABE_ITO[4], zorder=3)
        for yi, v, b in zip(y, rows["value"], rows["bound"]):
            ax.annotate(BOUNDS[b] + amount(v, lang), (v, yi), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=8, in_layout=False)  # inside the axes: not measured for the layout
        top = max(rows["value"].max(), national if national == national else 0)
        if national == national:
            ax.axvline(national, ls="--", color=OKABE_ITO[5], lw=1)
            ax.annotate(f"{L['national']} {amount(national, lang)}", (national, len(rows) - 0.4), fontsize=7,
                        color=OKABE_ITO[5], ha="right", rotation=90, va="top", in_layout=False)
        ax.set_xlim(0, top * 1.3 or 1)
        ax.set_ylim(-0.7, len(rows) - 0.2)
        ax.set_yticks(list(y), [province_name(p, lang) for p in rows["province"]], fontsize=8)
        ax.xaxis.set_major_formatter(lambda v, _: amount(v, lang))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(wrap(title, 22), loc="left", fontsize=9, y=1.0)  # pinned (pin_labels)
        ax.spines[["top", "right"]].set_visible(False)
        pin_labels(ax)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    if not panels:
        axes[0].set_visible(True)
        axes[0].text(0.5, 0.5, L["none"], ha="center", transform=axes[0].transAxes)
        axes[0].set_axis_off()
    return finish(fig, L["targets_compared"], source_line(t, docs, lang))
