"""Shared styling and drawing of every chart: palette, CJK fonts, labels, source line, bar and heatmap
renderers for matplotlib and plotly, and saving (PNG 200 dpi, SVG, self-contained HTML).

Chinese is drawn with the OFL font Noto Sans SC shipped by the ``pylopdf-fonts-zh-cn`` dependency
(or an installed system CJK font); colours are colour-blind safe (Okabe-Ito, cividis), and every
static chart carries a source line naming its documents and date. All text that reaches plotly is
HTML-escaped here or by the chart that builds it.
"""
from __future__ import annotations

import hashlib
import html
import io
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from plotly.subplots import make_subplots

from .. import frames
from ..frames import Tables, place_name
from ..webfont import FAMILY, font_face

DPI = 200
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
# Themes outnumber the eight colours: the next eight reuse them with a hatch (bars) or marker shape.
HATCHES, PATTERNS, MARKERS, SYMBOLS = ["", "///", "..."], ["", "/", "."], ["o", "s", "^"], ["circle", "square", "triangle-up"]
SEQUENTIAL = "cividis"
# Installed CJK fonts tried after the bundled one (first found wins in matplotlib; browsers take any).
SYSTEM_CJK = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
              "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei"]
# In pages: the subset the page embeds first (views/webfont.py), then installed fonts.
WEB_FONTS = f"{FAMILY}, Noto Sans SC, " + ", ".join(SYSTEM_CJK) + ", sans-serif"

MAX_ROWS = 40  # a longer category axis shows its largest rows and one row for the rest (cap_rows)
MAX_SOURCES = 12  # documents named in a source line; the rest are counted

COMMON_LABELS = {
    "zh": {
        "source": "来源：{docs}。ipcompare 制图，{date}。", "doc_sep": "；", "n_tasks": "任务数", "share": "占比",
        "theme": "主题", "province": "省份", "document": "文件", "no_data": "无数据",
        "rest_sum": "其余 {n} 项（合计）", "rest_mean": "其余 {n} 项（平均）", "more_docs": "等 {n} 份文件",
        "with_cities": "（各省为其省本级计划；城市计划各自单列）",
        "without_cities": "（各省为其省本级计划；未含城市计划 {n} 份）",
    },
    "en": {
        "source": "Source: {docs}. Chart: ipcompare, {date}.", "doc_sep": "; ", "n_tasks": "tasks",
        "share": "share", "theme": "theme", "province": "province", "document": "document",
        "no_data": "no data",
        "rest_sum": "other {n} (total)", "rest_mean": "other {n} (mean)", "more_docs": "and {n} more documents",
        "with_cities": " (provinces: their own plans; each city plan a row of its own)",
        "without_cities": " (provinces: their own plans; city plans left out: {n})",
    },
}


# ---------------------------------------------------------------- fonts, styles, text


@cache
def use_cjk_font() -> str:
    """Make matplotlib draw Chinese: register the bundled Noto Sans SC, put CJK fonts first; return the family used."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    try:
        import pylopdf_fonts_zh_cn

        path = str(pylopdf_fonts_zh_cn.sans_path())
        font_manager.fontManager.addfont(path)
        bundled = [font_manager.FontProperties(fname=path).get_name()]
    except (ImportError, OSError, RuntimeError):
        bundled = []
    cjk = bundled + [f for f in SYSTEM_CJK if f in installed]
    if not cjk:
        raise RuntimeError("no CJK font: reinstall ipcompare (pylopdf-fonts-zh-cn) or install fonts-noto-cjk")
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = cjk + [f for f in matplotlib.rcParams["font.sans-serif"] if f not in cjk]
    return cjk[0]


def labels(own: dict[str, dict]) -> dict[str, dict]:
    """A chart family's labels by language, with the shared ones (source line, common words) added."""
    return {lang: COMMON_LABELS[lang] | own[lang] for lang in own}


def theme_style(i: int) -> dict:
    """Colour and second cue (hatch, pattern, marker) of the i-th theme in taxonomy order."""
    k = i // len(OKABE_ITO) % len(HATCHES)
    return {"color": OKABE_ITO[i % len(OKABE_ITO)], "hatch": HATCHES[k], "pattern": PATTERNS[k],
            "marker": MARKERS[k], "symbol": SYMBOLS[k]}


@cache
def _char_width(c: str) -> float:
    return 1 if unicodedata.east_asian_width(c) in "WF" else 0.55


def text_width(text: str) -> float:
    """Display width in ems (CJK characters 1, others about 0.55)."""
    return sum(map(_char_width, text))


def shorten(text: str, width: float) -> str:
    """``text`` cut to ``width`` ems with an ellipsis."""
    if text_width(text) <= width:
        return text
    used = 0
    for i, c in enumerate(text):  # the longest start of at most width - 1 ems
        used += _char_width(c)
        if used > width - 1:
            return text[:i] + "…"
    return text + "…"


def wrap(text: str, width: float) -> str:
    """``text`` broken into lines of at most ``width`` ems, at the line's last space where it has one."""
    if " " not in text and all(_char_width(c) == 1 for c in text):  # CJK only: lines of as many characters
        n = max(int(width), 1)
        return "\n".join(text[i:i + n].strip() for i in range(0, len(text), n))
    lines, line, used = [], "", 0
    for c in text:
        w = _char_width(c)
        if line and used + w > width:
            cut = line.rfind(" ") if " " in line else len(line)
            lines.append(line[:cut])
            line = line[cut:].lstrip()
            used = text_width(line)
        line += c
        used += w
    return "\n".join(x.strip() for x in lines + [line])


def doc_labels(t: Tables, doc_ids, lang: str) -> list[str]:
    """``GZ2025 贵州 2025`` for each document; a city's plan under its province: ``GZM2025 贵州·贵阳市 2025``
    (:func:`place_name`)."""
    docs = t["documents"].set_index("doc_id").loc[list(doc_ids)]
    cities = docs["city"] if "city" in docs else [""] * len(docs)
    return [f"{d} {place_name(province, city, lang)} {first if first == last else f'{first}-{last}'}"
            for d, province, city, first, last in zip(docs.index, docs["province"], cities, docs["first_year"], docs["last_year"])]


def doc_label(t: Tables, doc_id: str, lang: str) -> str:
    """The :func:`doc_labels` of one document."""
    return doc_labels(t, [doc_id], lang)[0]


def source_line(t: Tables, doc_ids, lang: str = "zh") -> str:
    """The line under a static chart: which documents it shows, and when it was made."""
    L = COMMON_LABELS[lang]
    doc_ids = list(doc_ids)
    docs = L["doc_sep"].join(doc_labels(t, doc_ids[:MAX_SOURCES], lang))
    if len(doc_ids) > MAX_SOURCES:
        docs += L["doc_sep"] + L["more_docs"].format(n=len(doc_ids) - MAX_SOURCES)
    return L["source"].format(docs=docs, date=frames.run_date(t))


def row_labels(t: Tables, keys, by: str, lang: str) -> list[str]:
    """Names of places (``by="province"``: provinces, cities under theirs: :func:`place_name`) or
    labels of documents, for rows of a chart."""
    return [place_name(*frames.place_of(t, k), lang) for k in keys] if by == "province" else doc_labels(t, keys, lang)


def docs_of(t: Tables, keys, by: str) -> list[str]:
    """The documents of those places (``by="province"``: :func:`frames.places`) or those documents, for the source line."""
    docs = t["documents"]
    return list(docs.loc[(frames.place_keys(docs) if by == "province" else docs["doc_id"]).isin(keys), "doc_id"])


def place_scope(t: Tables, by: str, cities: bool, lang: str) -> str:
    """Said in the title of a chart by province when there are city plans: provinces are their own
    plans, the cities each a row of their own (``cities``) or left out."""
    n = len(frames.city_plans(t))
    return COMMON_LABELS[lang]["with_cities" if cities else "without_cities"].format(n=n) if by == "province" and n else ""


def all_docs(t: Tables) -> list[str]:
    return list(t["documents"]["doc_id"])


# ---------------------------------------------------------------- renderers


@dataclass
class Panel:
    """Horizontal bars: one bar per row of ``frame`` (top to bottom), its columns stacked."""

    title: str
    frame: pd.DataFrame
    colors: list[str]
    hatches: list[str] | None = None  # matplotlib hatch per column (second cue beside colour)
    patterns: list[str] | None = None  # the same for plotly
    marks: pd.Series | None = None  # optional value per row, drawn as a diamond (e.g. a mean)
    mark_label: str = ""
    xlabel: str = ""
    percent: bool = False
    annotate: bool = False  # write each bar's total at its end
    hover: pd.DataFrame | None = None  # plotly hover text per cell (escaped here)
    empty: str = ""  # written in the panel when it has no rows

    @property
    def legend(self) -> bool:
        """Series go in the legend when a panel has several (a single series is named by the title)."""
        return not self.frame.empty and (len(self.frame.columns) > 1 or self.marks is not None)


class Chart(Figure):
    """A matplotlib Figure that shows itself in notebooks (no pyplot, so nothing is shown twice)."""

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100)
        return buf.getvalue()


def new_figure(width: float, height: float) -> Chart:
    """A chart drawn by Agg: one renderer lays it out and draws its pixels, text measured once."""
    use_cjk_font()
    fig = Chart(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def pin_labels(ax) -> None:
    """Empty axis labels of ``ax`` left where they are. matplotlib measures every tick label again, at
    each layout pass and draw, to move an axis label clear of them, and a title (unless given its
    ``y``) clear of ticks above the axes: none of which shows for an empty label, or for a title over
    axes without ticks on top (the charts pass ``y=1.0``, where it would go)."""
    for axis in (ax.xaxis, ax.yaxis):
        if not axis.label.get_text():
            axis.set_label_coords(0.5, 0.5)


def finish(fig: Figure, title: str, source: str) -> Figure:
    """Title on top, source line below (both wrapped to the figure width); ``fig.caption`` keeps
    both unwrapped (the Word report's caption and source line)."""
    fig.caption = (title, source)
    fig.suptitle(wrap(title, fig.get_figwidth() * 72 / 12 - 2), x=0.01, ha="left", fontsize=12)
    fig.supxlabel(wrap(source, fig.get_figwidth() * 72 / 7 - 4), x=0.01, ha="left", fontsize=7, color="#555555")
    return fig


def layout(fig: go.Figure, title: str, height: int, top: int = 60, **kw) -> go.Figure:
    fig.update_layout(title={"text": html.escape(title), "x": 0.01}, template="simple_white", height=height,
                      font={"family": WEB_FONTS, "size": 12}, hoverlabel={"font_family": WEB_FONTS},
                      margin={"l": 10, "r": 10, "t": top, "b": 10}, **kw)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _barh(ax, y: np.ndarray, values: np.ndarray, left: np.ndarray, **style) -> None:
    """Horizontal bars (0.8 high about each ``y``) as one collection: as ``ax.barh`` draws them, without
    a patch per bar (each one a costly update of the axes' limits)."""
    x0, x1 = left, left + values
    boxes = np.stack([np.column_stack([x0, y - 0.4]), np.column_stack([x0, y + 0.4]),
                      np.column_stack([x1, y + 0.4]), np.column_stack([x1, y - 0.4])], axis=1)
    bars = matplotlib.collections.PolyCollection(boxes, closed=True, **style)
    bars.sticky_edges.x.extend(left)  # as barh: no margin beyond a bar's base
    ax.add_collection(bars)


def _bars_static(ax, p: Panel) -> None:
    ax.set_title(p.title, loc="left", fontsize=10, y=1.0)  # pinned: see pin_labels
    if p.frame.empty:
        ax.text(0.5, 0.5, p.empty, transform=ax.transAxes, ha="center", color="#777777")
        ax.set_axis_off()
        return
    y = np.arange(len(p.frame))
    left = np.zeros(len(p.frame))
    if p.marks is not None:  # first: the legend lists it first (drawn above the bars all the same)
        ax.scatter(p.marks.to_numpy(float), y, marker="D", s=22, color="black", zorder=3, label=p.mark_label)
    for j, col in enumerate(p.frame.columns):
        values = p.frame[col].to_numpy(float)
        hatch = p.hatches[j] if p.hatches else ""
        _barh(ax, y, values, left, facecolor=p.colors[j], hatch=hatch, edgecolor="#333333" if hatch else "white",
              linewidth=0.5, label=str(col))
        left += values
    if p.annotate:
        for yi, total in zip(y, left):
            ax.text(total, yi, f" {total:.0f}", va="center", fontsize=8)
        ax.set_xlim(0, max(left.max(), 1) * 1.12)
    ax.set_yticks(y, [str(i) for i in p.frame.index], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(p.xlabel, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    if p.percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.spines[["top", "right"]].set_visible(False)
    pin_labels(ax)


def _bars_plotly(fig: go.Figure, p: Panel, row: int, col: int, legend: bool) -> None:
    if p.frame.empty:  # an axis without traces: note in paper coordinates (plotly.js misplaces axis-domain ones)
        axes = fig.get_subplot(row, col)
        fig.add_annotation(text=html.escape(p.empty), x=sum(axes.xaxis.domain) / 2, y=sum(axes.yaxis.domain) / 2,
                           xref="paper", yref="paper", showarrow=False)
        fig.update_xaxes(visible=False, row=row, col=col)
        fig.update_yaxes(visible=False, row=row, col=col)
        return
    labels = [html.escape(str(i)) for i in p.frame.index]
    for j, name in enumerate(p.frame.columns):
        hover = None if p.hover is None else [html.escape(str(h)) for h in p.hover[name]]
        pattern = {"shape": p.patterns[j] if p.patterns else ""}
        fig.add_trace(go.Bar(y=labels, x=p.frame[name], orientation="h", name=html.escape(str(name)),
                             marker={"color": p.colors[j], "pattern": pattern}, showlegend=legend and p.legend,
                             hovertext=hover, hoverinfo="text+x" if hover else None), row=row, col=col)
    if p.marks is not None:
        fig.add_trace(go.Scatter(y=labels, x=p.marks, mode="markers", name=html.escape(p.mark_label),
                                 showlegend=legend, marker={"symbol": "diamond", "color": "black", "size": 8}),
                      row=row, col=col)
    fig.update_yaxes(autorange="reversed", row=row, col=col)
    fig.update_xaxes(title_text=p.xlabel, tickformat=".0%" if p.percent else None, row=row, col=col)


def cap_rows(frame: pd.DataFrame, lang: str, mean: bool) -> pd.DataFrame:
    """``frame`` in at most :data:`MAX_ROWS` rows: the largest by row total, in their order, then one
    row for the rest (their total, or their mean for shares)."""
    if len(frame) <= MAX_ROWS:
        return frame
    largest = np.sort(np.argsort(-frame.sum(axis=1).to_numpy(float), kind="stable")[:MAX_ROWS - 1])
    rest = frame.drop(frame.index[largest])
    label = COMMON_LABELS[lang]["rest_mean" if mean else "rest_sum"].format(n=len(rest))
    return pd.concat([frame.iloc[largest], (rest.mean() if mean else rest.sum()).to_frame(label).T])


def cap_groups(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` whose rows come in groups of the same size (first index level: a province or a
    document; second: its rows) in at most :data:`MAX_ROWS` rows: the groups with the largest
    totals, in their order, then one group for the rest (the total of each of their rows)."""
    keys = list(dict.fromkeys(frame.index.get_level_values(0)))
    keep = MAX_ROWS // max(len(frame) // max(len(keys), 1), 1)
    if len(keys) <= keep:
        return frame
    totals = frame.groupby(level=0, sort=False).sum().sum(axis=1).reindex(keys).to_numpy(float)
    top = [keys[i] for i in np.sort(np.argsort(-totals, kind="stable")[:keep - 1])]
    rest = frame.drop(index=top, level=0).groupby(level=1, sort=False).sum()
    label = COMMON_LABELS[lang]["rest_sum"].format(n=len(keys) - len(top))
    rest.index = pd.MultiIndex.from_product([[label], rest.index], names=frame.index.names)
    return pd.concat([frame.loc[top], rest])


def _capped(p: Panel, lang: str) -> Panel:
    """A panel's bars capped by :func:`cap_rows` (the rest row's mark is their mean, no hover)."""
    if len(p.frame) <= MAX_ROWS:
        return p
    frame = cap_rows(p.frame, lang, p.percent)
    marks = None if p.marks is None else pd.concat([p.marks.reindex(frame.index[:-1]),
                                                     pd.Series([p.marks.drop(frame.index[:-1]).mean()], [frame.index[-1]])])
    hover = None if p.hover is None else p.hover.reindex(frame.index).fillna("")
    return replace(p, frame=frame, marks=marks, hover=hover)


def bars(panels: list[Panel], title: str, source: str, interactive: bool, ncols: int = 1,
         width: float = 8.0, legend: bool = True, lang: str = "zh"):
    """Panels of horizontal bars (each capped to :data:`MAX_ROWS` rows), as a matplotlib or plotly figure."""
    panels = [_capped(p, lang) for p in panels]
    nrows = -(-len(panels) // ncols)
    rows_per = max(max(len(p.frame) for p in panels), 1)
    if interactive:
        fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[html.escape(p.title) for p in panels],
                            horizontal_spacing=0.16 if ncols > 1 else 0.02, vertical_spacing=0.3 / nrows + 0.02)
        for k, p in enumerate(panels):
            _bars_plotly(fig, p, k // ncols + 1, k % ncols + 1, legend)
        return layout(fig, title, height=int(nrows * (rows_per * 22 + 90) + 120), barmode="stack",
                       legend={"traceorder": "normal"})
    fig = new_figure(width, nrows * (rows_per * 0.24 + 0.9) + 1.0)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, p in zip(axes, panels):
        _bars_static(ax, p)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    if legend and any(p.legend for p in panels):
        handles = {lbl: h for ax, p in zip(axes, panels) if p.legend for h, lbl in zip(*ax.get_legend_handles_labels())}
        fig.legend(handles.values(), handles.keys(), loc="outside right upper", fontsize=8, frameon=False)
    return finish(fig, title, source)


def cells(ax, values: np.ndarray, **style):
    """A matrix of coloured cells, rows top to bottom, cell (i, j) centred at x=j, y=i (as ``imshow``
    places them) but drawn as one mesh of quadrilaterals: no image resampled to the figure's pixels."""
    n, m = values.shape
    mesh = ax.pcolormesh(np.arange(m + 1) - 0.5, np.arange(n + 1) - 0.5, values, **style)
    ax.set(xlim=(-0.5, m - 0.5), ylim=(n - 0.5, -0.5))
    return mesh


def heatmap(matrix: pd.DataFrame, title: str, source: str, interactive: bool, xlabel: str = "",
            ylabel: str = "", width: float = 9.0, text: pd.DataFrame | None = None, lang: str = "zh"):
    """Shares (rows top to bottom, capped to :data:`MAX_ROWS`), each written in its cell with a
    percentage scale; or a shade behind ``text``."""
    if text is None:
        matrix = cap_rows(matrix, lang, mean=True)
    values = matrix.to_numpy(float)
    scale = text is None
    text = [[f"{v:.0%}" for v in row] for row in values] if scale else text.to_numpy().tolist()
    if interactive:
        fig = go.Figure(go.Heatmap(z=values, x=[html.escape(str(c)) for c in matrix.columns],
                                   y=[html.escape(str(i)) for i in matrix.index],
                                   text=[[html.escape(str(v)) for v in row] for row in text],
                                   texttemplate="%{text}", colorscale=SEQUENTIAL, xgap=1, ygap=1,
                                   showscale=scale, colorbar={"tickformat": ".0%"},
                                   hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
        fig.update_yaxes(autorange="reversed", title_text=ylabel)
        fig.update_xaxes(title_text=xlabel, tickangle=-40, side="bottom")
        return layout(fig, title, height=len(matrix) * 40 + 320)
    fig = new_figure(width, len(matrix) * 0.35 + 2.4)
    ax = fig.subplots()
    im = cells(ax, values, cmap=SEQUENTIAL, vmin=0, vmax=max(values.max(), 1e-9))
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, text[i][j], ha="center", va="center", fontsize=7, in_layout=False,  # inside its cell
                color="black" if v > 0.6 * values.max() else "white")
    tilt = max(text_width(str(c)) for c in matrix.columns) > width * 6 / matrix.shape[1]  # ems a column holds at 8 pt
    ax.set_xticks(range(matrix.shape[1]), list(matrix.columns), rotation=40 if tilt else 0,
                  ha="right" if tilt else "center", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), list(matrix.index), fontsize=8)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    pin_labels(ax)
    if scale:
        bar = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01)
        bar.ax.tick_params(labelsize=7)
        bar.ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    return finish(fig, title, source)


# SVG without a date (same chart, same file); PNG with the fastest compression (files about 6% larger).
SAVE_OPTIONS = {".svg": {"metadata": {"Date": None}}, ".png": {"pil_kwargs": {"compress_level": 1}}}


@cache
def plotly_js() -> str:
    """plotly.js itself (4.8 MB), for pages that work offline."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def html_div(fig: go.Figure) -> str:
    """The chart of a plotly figure as an HTML div (plotly.js not included)."""
    spec = fig.to_json()  # its id from its content: the same chart, the same page
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False},
                       div_id=f"chart-{hashlib.sha256(spec.encode()).hexdigest()[:16]}")


def html_page(div: str, shared: bool = False) -> str:
    """A page of one chart's :func:`html_div`: plotly.js inside, it works offline on its own; or,
    ``shared`` (the report's figures/<lang>/), plotly.js from ``../plotly.min.js`` and the page
    font from ``font.woff2`` beside it."""
    if not shared:
        return (f'<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n<body>\n'
                f"<script>{plotly_js()}</script>\n{div}\n</body>\n</html>\n")
    return (f'<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><style>{font_face(url="font.woff2")}</style>\n'
            f'<script src="../plotly.min.js"></script></head>\n<body>\n{div}\n</body>\n</html>\n')


def lay_out(fig: Figure) -> Figure:
    """Place the chart's parts once, at :data:`DPI` (its layout engine, then none): each format then
    draws it once (savefig would otherwise draw it twice, a pass without output to lay it out)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        dpi = fig.dpi
        fig.set_dpi(DPI)
        engine.execute(fig)
        fig.set_dpi(dpi)
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)  # none at all ("none" keeps a placeholder, and savefig's extra pass)
    return fig


def pixels(fig: Figure) -> np.ndarray:
    """The static chart rendered at :data:`DPI` (the pixels of its PNG: height x width x RGBA), without
    encoding a PNG; its layout is kept for the next format."""
    buf = io.BytesIO()
    lay_out(fig).savefig(buf, format="rgba", dpi=DPI)
    width = int(fig.get_figwidth() * DPI)  # as Agg sizes its canvas
    return np.frombuffer(buf.getbuffer(), np.uint8).reshape(-1, width, 4)


def save(fig, *paths: Path | str) -> None:
    """Write ``fig`` by suffix: .png (200 dpi) or .svg for matplotlib, .html (plotly.js inside, offline) for plotly."""
    for path in map(Path, paths):
        if isinstance(fig, go.Figure):
            path.write_text(html_page(html_div(fig)), encoding="utf-8")
        else:  # laid out once: every format uses the same positions; SVG ids from a fixed salt
            with matplotlib.rc_context({"svg.hashsalt": "ipcompare"}):
                lay_out(fig).savefig(path, dpi=DPI, **SAVE_OPTIONS.get(path.suffix, {}))


def lines(series: list[tuple[str, pd.Series, str, float]], title: str, source: str, interactive: bool, xlabel: str,
          ylabel: str, percent: bool = False, width: float = 8.0):
    """Lines over years (x: a Series' index): ``(name, values, colour, width)`` each; lines thinner
    than 1 are left out of the legend (many series drawn as a background)."""
    years = sorted({x for _, s, _, _ in series for x in s.index})
    if interactive:
        fmt = ".0%" if percent else ".2f"
        fig = go.Figure([go.Scatter(x=list(s.index), y=s.values, mode="lines+markers", name=html.escape(str(name)),
                                    line={"color": colour, "width": w}, showlegend=w > 1,
                                    hovertemplate=f"{html.escape(str(name))} %{{x}}: %{{y:{fmt}}}<extra></extra>")
                         for name, s, colour, w in series])
        fig.update_yaxes(tickformat=fmt, range=[0, 1.05], title_text=ylabel)
        fig.update_xaxes(dtick=1, title_text=xlabel)
        return layout(fig, title, height=420)
    fig = new_figure(width, 4.2)
    ax = fig.subplots()
    for name, s, colour, w in series:
        ax.plot(s.index, s.values, color=colour, lw=w, marker="o" if w > 1 else None, ms=4, label=name if w > 1 else None)
    ax.set(ylim=(0, 1.05), xticks=years)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if any(w > 1 for *_, w in series):
        ax.legend(fontsize=8, frameon=False)
    pin_labels(ax)
    return finish(fig, title, source)
