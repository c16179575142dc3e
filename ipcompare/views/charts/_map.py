"""A tile map of China: the 34 provincial-level divisions as equal tiles in their approximate places
(``data/tiles.csv``; no boundary data to be wrong or out of date), coloured by a province-level measure."""
from __future__ import annotations

import html

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import frames
from ..frames import Tables
from ._style import SEQUENTIAL, labels, layout, new_figure, finish, source_line

NO_PLAN = "#d9d9d9"  # tile of a province without a value (no plan)
LABELS = labels({
    "zh": {
        "map_coverage": "各省覆盖国家指引必做任务的比例", "map_reuse": "各省计划中出自国家指引原文的字数占比",
        "map_theme": "各省任务中「{theme}」主题的占比", "map_values": "{name}", "no_plan": "灰色：无计划",
    },
    "en": {
        "map_coverage": "Share of the guideline's required tasks each province covers",
        "map_reuse": "Share of each province's plan text reused from the national guideline",
        "map_theme": "Share of each province's tasks on {theme}", "map_values": "{name}", "no_plan": "grey: no plan",
    },
})


def _name(province: str, lang: str) -> str:
    tiles = frames.tiles()
    return province if lang == "zh" else str(tiles.loc[province, "name_en"])


def tile_map(t: Tables, lang: str = "zh", interactive: bool = False, measure: str | pd.Series = "coverage",
             title: str = "", percent: bool | None = None):
    """Tiles of China coloured by ``measure``: a name of :data:`frames.MAP_MEASURES`, a theme id, or
    any values by province (a Series: shares, years, counts; ``title`` names it). Provinces without a
    value are grey. ``percent``: label values as percentages (default: for named measures, and values within 0-1)."""
    L = LABELS[lang]
    if isinstance(measure, str):
        values = frames.map_measure(t, measure)
        title = title or (L["map_theme"].format(theme=frames.theme_names(lang)[measure]) if measure in frames.theme_names()
                          else L[f"map_{measure}"])
    else:
        values, title = measure.dropna(), title or str(measure.name or "")
    tiles = frames.tiles()
    values = values[values.index.isin(tiles.index)].astype(float)
    percent = bool(len(values) and values.between(0, 1).all()) if percent is None else percent
    shown = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:g}")
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    lo, hi = (0.0, max(hi, 1e-9)) if percent else (lo, hi if hi > lo else lo + 1)
    docs = t["documents"]["doc_id"] if "documents" in t else []
    title = f"{title} ({L['no_plan']})" if lang == "en" else f"{title}（{L['no_plan']}）"
    if interactive:
        return _plotly(tiles, values, lang, title, shown, lo, hi, percent)
    ncol, nrow = tiles["col"].max() + 1, tiles["row"].max() + 1
    fig = new_figure(7.5, 7.5 * nrow / ncol + 0.9)
    ax = fig.subplots()
    cmap, norm = matplotlib.colormaps[SEQUENTIAL], matplotlib.colors.Normalize(lo, hi)
    for province, tile in tiles.iterrows():
        has = province in values.index
        colour = cmap(norm(values[province])) if has else NO_PLAN
        ax.add_patch(matplotlib.patches.Rectangle((tile["col"] + 0.04, -tile["row"] - 0.96), 0.92, 0.92, color=colour, lw=0))
        dark = has and norm(values[province]) < 0.6
        text = _name(province, lang) + (f"\n{shown(values[province])}" if has else "")
        ax.text(tile["col"] + 0.5, -tile["row"] - 0.5, text, ha="center", va="center", fontsize=8 if lang == "zh" else 6,
                color="white" if dark else "black", in_layout=False)
    ax.set(xlim=(0, ncol), ylim=(-nrow, 0), aspect="equal")
    ax.axis("off")
    bar = fig.colorbar(matplotlib.cm.ScalarMappable(norm, cmap), ax=ax, shrink=0.6, pad=0.01)
    bar.ax.tick_params(labelsize=7)
    if percent:
        bar.ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    return finish(fig, title, source_line(t, docs, lang))


def _plotly(tiles: pd.DataFrame, values: pd.Series, lang: str, title: str, shown, lo: float, hi: float, percent: bool):
    """The tile map as two heatmaps on the grid: grey tiles without a value, coloured tiles with one."""
    ncol, nrow = tiles["col"].max() + 1, tiles["row"].max() + 1
    z, grey, text = np.full((nrow, ncol), np.nan), np.full((nrow, ncol), np.nan), np.full((nrow, ncol), "", object)
    for province, tile in tiles.iterrows():
        r, c = tile["row"], tile["col"]
        label = html.escape(_name(province, lang))
        if province in values.index:
            z[r, c], text[r, c] = values[province], f"{label}<br>{shown(values[province])}"
        else:
            grey[r, c], text[r, c] = 0, label
    fig = go.Figure([
        go.Heatmap(z=grey, text=text, texttemplate="%{text}", colorscale=[[0, NO_PLAN], [1, NO_PLAN]], showscale=False,
                   xgap=3, ygap=3, hovertemplate="%{text}<extra></extra>"),
        go.Heatmap(z=z, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL, zmin=lo, zmax=hi, xgap=3, ygap=3,
                   colorbar={"tickformat": ".0%" if percent else ""}, hovertemplate="%{text}<extra></extra>"),
    ])
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return layout(fig, title, height=620)
