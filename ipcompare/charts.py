"""Report-ready charts of the processed tables: static (matplotlib) and interactive (plotly).

Every chart is a function ``chart(t, lang="zh", interactive=False, **options)``: ``t`` holds the
processed tables (a :class:`~ipcompare.corpus.Corpus` or a dict of DataFrames); it returns a
matplotlib Figure, or a plotly Figure when ``interactive``. ``lang="en"`` labels everything in
English (theme names from data/themes.md, provinces in pinyin; document text stays Chinese).
:data:`CHARTS` lists them by name; :func:`save` writes PNG (200 dpi), SVG or self-contained HTML.

Chinese is drawn with the OFL font Noto Sans SC shipped by the ``pylopdf-fonts-zh-cn`` dependency
(or an installed system CJK font); colours are colour-blind safe (Okabe-Ito, cividis), and every
static chart carries a source line naming its documents and date.
"""
from __future__ import annotations

import datetime
import html
import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib import font_manager
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from plotly.subplots import make_subplots

from . import corpus, tables
from .corpus import Tables, province_name, theme_names
from .coverage import VERDICTS

DPI = 200
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
# Themes outnumber the eight colours: the next eight reuse them with a hatch (bars) or marker shape.
HATCHES, PATTERNS, MARKERS, SYMBOLS = ["", "///", "..."], ["", "/", "."], ["o", "s", "^"], ["circle", "square", "triangle-up"]
VERDICT_COLORS = {"covered": "#0072B2", "partial": "#56B4E9", "absent": "#E69F00"}
VERDICT_MARKS = {"covered": "●", "partial": "◐", "absent": "○"}
SEQUENTIAL = "cividis"
# Installed CJK fonts tried after the bundled one (first found wins in matplotlib; browsers take any).
SYSTEM_CJK = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
              "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei"]
WEB_FONTS = "Noto Sans SC, " + ", ".join(SYSTEM_CJK) + ", sans-serif"

LABELS = {
    "zh": {
        "source": "来源：{docs}。ipcompare 制图，{date}。", "doc_sep": "；",
        "documents": "各文件的条目数", "tasks": "任务", "preamble": "总体要求类条目", "n_items": "条目数",
        "structure": "各文件的结构：各部分的任务数", "section": "部分",
        "fields": "任务要素：写明牵头单位、责任单位、时限和量化目标的任务占比",
        "has_lead": "牵头单位", "has_responsible": "责任单位", "has_deadline": "时限", "has_target": "量化目标",
        "targets": "各文件的量化目标数", "task_target": "任务中的目标", "document_target": "文件总体目标", "n_targets": "目标数",
        "theme_shares": "各主题任务占比", "theme_counts": "各主题任务数", "share": "占比", "n_tasks": "任务数",
        "theme": "主题", "province": "省份", "document": "文件",
        "theme_terms": "各主题的特征词（c-TF-IDF）", "score": "得分", "rank": "排名",
        "task_map": "任务分布图（TF-IDF + SVD 二维投影，按主题着色）",
        "coverage": "国家年度工作指引任务的覆盖情况", "national_task": "国家任务",
        "covered": "覆盖", "partial": "部分覆盖", "absent": "未覆盖", "manual": "* 人工校订",
        "duty": {"必做": "必做", "选做": "选做", "条件": "条件", "none": "无"},
        "predates": "早于指引",
        "gaps": "必做国家任务的缺口（未覆盖或部分覆盖）", "n_required": "必做任务数",
        "gap_label": "{province}（共 {n} 项必做{predates}）", "gap_predates": "，早于指引",
        "profile": "{province}：特点", "profile_themes": "主题占比（◆ 各省平均）", "mean": "各省平均",
        "profile_terms": "特征词（G²，对比其他省份）", "g2": "G²",
        "profile_units": "承担单位（任务数）", "lead": "牵头", "responsible": "参与",
        "no_data": "无数据", "no_units": "未写明承担单位",
    },
    "en": {
        "source": "Source: {docs}. Chart: ipcompare, {date}.", "doc_sep": "; ",
        "documents": "Items per document", "tasks": "tasks", "preamble": "general-requirement items", "n_items": "items",
        "structure": "Structure of each document: tasks per part", "section": "part",
        "fields": "Task details: share of tasks naming lead units, responsible units, deadlines, quantitative targets",
        "has_lead": "lead units", "has_responsible": "responsible units", "has_deadline": "deadline", "has_target": "quantitative target",
        "targets": "Quantitative targets per document", "task_target": "in tasks", "document_target": "document-level", "n_targets": "targets",
        "theme_shares": "Share of tasks by theme", "theme_counts": "Tasks by theme", "share": "share", "n_tasks": "tasks",
        "theme": "theme", "province": "province", "document": "document",
        "theme_terms": "Distinctive terms of each theme (c-TF-IDF)", "score": "score", "rank": "rank",
        "task_map": "Map of tasks (TF-IDF + SVD projection, coloured by theme)",
        "coverage": "Coverage of the national annual guideline's tasks", "national_task": "national task",
        "covered": "covered", "partial": "partial", "absent": "absent", "manual": "* manual override",
        "duty": {"必做": "required", "选做": "optional", "条件": "conditional", "none": "none"},
        "predates": "predates guideline",
        "gaps": "Gaps in required national tasks (absent or partial)", "n_required": "required tasks",
        "gap_label": "{province} (of {n} required{predates})", "gap_predates": ", predates guideline",
        "profile": "{province}: profile", "profile_themes": "Theme shares (◆ mean)", "mean": "mean of provinces",
        "profile_terms": "Distinctive terms (G² vs other provinces)", "g2": "G²",
        "profile_units": "Units carrying the plan", "lead": "lead", "responsible": "involved",
        "no_data": "no data", "no_units": "no units named",
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


def theme_style(i: int) -> dict:
    """Colour and second cue (hatch, pattern, marker) of the i-th theme in taxonomy order."""
    k = i // len(OKABE_ITO) % len(HATCHES)
    return {"color": OKABE_ITO[i % len(OKABE_ITO)], "hatch": HATCHES[k], "pattern": PATTERNS[k],
            "marker": MARKERS[k], "symbol": SYMBOLS[k]}


def _width(text: str) -> float:
    """Display width in ems (CJK characters 1, others about 0.55)."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def _short(text: str, width: float) -> str:
    """``text`` cut to ``width`` ems with an ellipsis."""
    if _width(text) <= width:
        return text
    while _width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, width: float) -> str:
    """``text`` broken into lines of at most ``width`` ems, at the line's last space where it has one."""
    lines, line = [], ""
    for c in text:
        if line and _width(line + c) > width:
            cut = line.rfind(" ") if " " in line else len(line)
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        line += c
    return "\n".join(x.strip() for x in lines + [line])


def _doc_label(t: Tables, doc_id: str, lang: str) -> str:
    doc = t["documents"].set_index("doc_id").loc[doc_id]
    years = str(doc["first_year"]) if doc["first_year"] == doc["last_year"] else f"{doc['first_year']}-{doc['last_year']}"
    return f"{doc_id} {province_name(doc['province'], lang)} {years}"


def source_line(t: Tables, doc_ids, lang: str = "zh") -> str:
    """The line under a static chart: which documents it shows, and when it was made."""
    L = LABELS[lang]
    docs = L["doc_sep"].join(_doc_label(t, d, lang) for d in doc_ids)
    return L["source"].format(docs=docs, date=datetime.date.today().isoformat())


def _all_docs(t: Tables) -> list[str]:
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


def _static(width: float, height: float) -> Chart:
    use_cjk_font()
    return Chart(figsize=(width, height), dpi=100, layout="constrained")


def _finish_static(fig: Figure, title: str, source: str) -> Figure:
    """Title on top, source line below (both wrapped to the figure width)."""
    fig.suptitle(_wrap(title, fig.get_figwidth() * 72 / 12 - 2), x=0.01, ha="left", fontsize=12)
    fig.supxlabel(_wrap(source, fig.get_figwidth() * 72 / 7 - 4), x=0.01, ha="left", fontsize=7, color="#555555")
    return fig


def _layout(fig: go.Figure, title: str, height: int, top: int = 60, **kw) -> go.Figure:
    fig.update_layout(title={"text": html.escape(title), "x": 0.01}, template="simple_white", height=height,
                      font={"family": WEB_FONTS, "size": 12}, hoverlabel={"font_family": WEB_FONTS},
                      margin={"l": 10, "r": 10, "t": top, "b": 10}, **kw)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _bars_static(ax, p: Panel) -> None:
    ax.set_title(p.title, loc="left", fontsize=10)
    if p.frame.empty:
        ax.text(0.5, 0.5, p.empty, transform=ax.transAxes, ha="center", color="#777777")
        ax.set_axis_off()
        return
    y = np.arange(len(p.frame))
    left = np.zeros(len(p.frame))
    for j, col in enumerate(p.frame.columns):
        values = p.frame[col].to_numpy(float)
        hatch = p.hatches[j] if p.hatches else ""
        ax.barh(y, values, left=left, color=p.colors[j], hatch=hatch, edgecolor="#333333" if hatch else "white",
                linewidth=0.5, label=str(col))
        left += values
    if p.marks is not None:
        ax.scatter(p.marks.to_numpy(float), y, marker="D", s=22, color="black", zorder=3, label=p.mark_label)
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


def bars(panels: list[Panel], title: str, source: str, interactive: bool, ncols: int = 1,
         width: float = 8.0, legend: bool = True):
    """Panels of horizontal bars, as a matplotlib or plotly figure."""
    nrows = -(-len(panels) // ncols)
    rows_per = max(max(len(p.frame) for p in panels), 1)
    if interactive:
        fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[html.escape(p.title) for p in panels],
                            horizontal_spacing=0.16 if ncols > 1 else 0.02, vertical_spacing=0.3 / nrows + 0.02)
        for k, p in enumerate(panels):
            _bars_plotly(fig, p, k // ncols + 1, k % ncols + 1, legend)
        return _layout(fig, title, height=int(nrows * (rows_per * 22 + 90) + 120), barmode="stack",
                       legend={"traceorder": "normal"})
    fig = _static(width, nrows * (rows_per * 0.24 + 0.9) + 1.0)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, p in zip(axes, panels):
        _bars_static(ax, p)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    if legend and any(p.legend for p in panels):
        handles = {lbl: h for ax, p in zip(axes, panels) if p.legend for h, lbl in zip(*ax.get_legend_handles_labels())}
        fig.legend(handles.values(), handles.keys(), loc="outside right upper", fontsize=8, frameon=False)
    return _finish_static(fig, title, source)


def heatmap(matrix: pd.DataFrame, title: str, source: str, interactive: bool, xlabel: str = "",
            ylabel: str = "", width: float = 9.0, text: pd.DataFrame | None = None):
    """Shares (rows top to bottom), each written in its cell with a percentage scale; or a shade behind ``text``."""
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
        return _layout(fig, title, height=len(matrix) * 40 + 320)
    fig = _static(width, len(matrix) * 0.35 + 2.4)
    ax = fig.subplots()
    im = ax.imshow(values, cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(values.max(), 1e-9), interpolation="nearest")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, text[i][j], ha="center", va="center", fontsize=7,
                color="black" if v > 0.6 * values.max() else "white")
    tilt = max(_width(str(c)) for c in matrix.columns) > width * 6 / matrix.shape[1]  # ems a column holds at 8 pt
    ax.set_xticks(range(matrix.shape[1]), list(matrix.columns), rotation=40 if tilt else 0,
                  ha="right" if tilt else "center", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), list(matrix.index), fontsize=8)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    if scale:
        bar = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01)
        bar.ax.tick_params(labelsize=7)
        bar.ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    return _finish_static(fig, title, source)


# ---------------------------------------------------------------- corpus overview


def documents(t: Tables, lang: str = "zh", interactive: bool = False):
    """Items per document: tasks and general-requirement (preamble) items."""
    L = LABELS[lang]
    docs = t["documents"]
    frame = pd.DataFrame({L["tasks"]: docs["n_tasks"].to_numpy(), L["preamble"]: docs["n_preamble"].to_numpy()},
                         index=[_doc_label(t, d, lang) for d in docs["doc_id"]])
    panel = Panel("", frame, [OKABE_ITO[4], OKABE_ITO[7]], xlabel=L["n_items"], annotate=True)
    return bars([panel], L["documents"], source_line(t, docs["doc_id"], lang), interactive)


def structure(t: Tables, lang: str = "zh", interactive: bool = False):
    """Tasks per top-level part of each document, one bar segment per part (shade = order of the part)."""
    L = LABELS[lang]
    tasks = corpus.work_tasks(t)
    top = tasks["section_path"].str.split(tables.PATH_SEP).str[0]
    titles = tasks["section_titles"].str.split(tables.PATH_SEP).str[0]
    parts = pd.DataFrame({"doc_id": tasks["doc_id"], "part": top, "title": titles})
    parts["k"] = parts.groupby("doc_id")["part"].transform(lambda s: pd.factorize(s)[0])
    counts = parts.pivot_table(index="doc_id", columns="k", values="part", aggfunc="size", fill_value=0)
    order = [d for d in t["documents"]["doc_id"] if d in counts.index]
    counts = counts.reindex(order)
    hover = parts.assign(name=parts["part"] + " " + parts["title"]).drop_duplicates(["doc_id", "k"]).pivot(
        index="doc_id", columns="k", values="name").reindex(index=order, columns=counts.columns).fillna("")
    frame = counts.set_axis([_doc_label(t, d, lang) for d in order]).rename(columns=lambda k: f"{L['section']} {k + 1}")
    shades = matplotlib.colormaps[SEQUENTIAL](np.linspace(0.1, 0.9, max(len(frame.columns), 1)))
    colors = [matplotlib.colors.to_hex(c) for c in shades]
    panel = Panel("", frame, colors, xlabel=L["n_tasks"], annotate=True,
                  hover=hover.set_axis(frame.index).set_axis(frame.columns, axis=1))
    return bars([panel], L["structure"], source_line(t, order, lang), interactive, legend=False)


def fields(t: Tables, lang: str = "zh", interactive: bool = False):
    """Share of each document's tasks that name lead units, responsible units, a deadline, a target."""
    L = LABELS[lang]
    tasks = corpus.work_tasks(t)
    cols = {"has_lead": "lead_units", "has_responsible": "responsible_units", "has_deadline": "deadlines",
            "has_target": "targets"}
    shares = pd.DataFrame({L[k]: tasks[c].ne("") for k, c in cols.items()}).groupby(tasks["doc_id"]).mean()
    order = [d for d in t["documents"]["doc_id"] if d in shares.index]
    shares = shares.reindex(order).set_axis([_doc_label(t, d, lang) for d in order])
    return heatmap(shares, L["fields"], source_line(t, order, lang), interactive, width=7.5)


def targets(t: Tables, lang: str = "zh", interactive: bool = False):
    """Quantitative targets per document: stated in tasks, or for the whole document."""
    L = LABELS[lang]
    counts = pd.crosstab(t["targets"]["doc_id"], t["targets"]["scope"]).reindex(
        index=list(t["documents"]["doc_id"]), columns=["task", "document"], fill_value=0)
    frame = counts.set_axis([L["task_target"], L["document_target"]], axis=1).set_axis(
        [_doc_label(t, d, lang) for d in counts.index])
    panel = Panel("", frame, [OKABE_ITO[2], OKABE_ITO[0]], xlabel=L["n_targets"], annotate=True)
    return bars([panel], L["targets"], source_line(t, counts.index, lang), interactive)


# ---------------------------------------------------------------- themes


def _row_labels(t: Tables, keys, by: str, lang: str) -> list[str]:
    return [province_name(k, lang) if by == "province" else _doc_label(t, k, lang) for k in keys]


def _docs_of(t: Tables, keys, by: str) -> list[str]:
    docs = t["documents"]
    return list(docs.loc[docs["province" if by == "province" else "doc_id"].isin(keys), "doc_id"])


def theme_shares(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "document"):
    """Heatmap, document (labelled with its province and years; or province) x theme: share of its
    tasks with that primary theme, so each document is normalised by its own task count."""
    L = LABELS[lang]
    m = corpus.theme_matrix(t, "share", by)
    shown = m.set_axis(_row_labels(t, m.index, by, lang)).rename(columns=theme_names(lang))
    return heatmap(shown, L["theme_shares"], source_line(t, _docs_of(t, m.index, by), lang), interactive,
                   ylabel=L[by], width=10.0)


def theme_counts(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "province"):
    """Stacked bars: tasks of each province (or document) by primary theme."""
    L = LABELS[lang]
    m = corpus.theme_matrix(t, "n_tasks", by)
    frame = m.set_axis(_row_labels(t, m.index, by, lang)).rename(columns=theme_names(lang))
    styles = [theme_style(i) for i in range(m.shape[1])]
    panel = Panel("", frame, [s["color"] for s in styles], [s["hatch"] for s in styles],
                  [s["pattern"] for s in styles], xlabel=L["n_tasks"], annotate=True)
    return bars([panel], L["theme_counts"], source_line(t, _docs_of(t, m.index, by), lang), interactive, width=10.0)


def theme_terms(t: Tables, lang: str = "zh", interactive: bool = False, n: int = 8):
    """Top ``n`` distinctive terms of each theme (theme_terms.csv): a row per theme, shade = c-TF-IDF score."""
    L = LABELS[lang]
    top = t["theme_terms"][t["theme_terms"]["rank"] <= n]
    names = theme_names(lang)
    scores = top.pivot(index="theme", columns="rank", values="score").reindex(list(names))
    terms = top.pivot(index="theme", columns="rank", values="term").reindex(list(names)).fillna("")
    scores, terms = (f.set_axis(list(names.values())) for f in (scores, terms))
    return heatmap(scores / scores.max().max(), L["theme_terms"], source_line(t, _all_docs(t), lang), interactive,
                   xlabel=L["rank"], width=11.0, text=terms)


def task_projection(t: Tables) -> pd.DataFrame:
    """Tasks placed in 2-D: TF-IDF vectors (:mod:`ipcompare.vectorize`) reduced by TruncatedSVD (fixed seed)."""
    from sklearn.decomposition import TruncatedSVD

    from . import vectorize

    work = corpus.work_tasks(t).reset_index(drop=True)
    tokens = vectorize.field_tokens(work, corpus.cache_dir(t))
    X = vectorize.task_matrix(vectorize.fit_vectorizer(vectorize.task_documents(tokens)), tokens)
    xy = TruncatedSVD(n_components=2, random_state=0).fit_transform(X)
    theme = work["task_id"].map(t["themes"].set_index("task_id")["theme"])
    return work.assign(x=xy[:, 0], y=xy[:, 1], theme=theme)


def task_map(t: Tables, lang: str = "zh", interactive: bool = False):
    """Every task as a point (similar tasks close together), coloured by primary theme; hover shows the task."""
    L = LABELS[lang]
    points = task_projection(t)
    names = theme_names(lang)
    if interactive:
        fig = go.Figure()
        for i, (theme, name) in enumerate(names.items()):
            p = points[points["theme"] == theme]
            hover = [f"<b>{html.escape(r.task_id)}</b> {html.escape(province_name(r.province, lang))}<br>"
                     f"{html.escape(r.title)}<br>{'<br>'.join(map(html.escape, _wrap(r.content[:160], 30).splitlines()))}"
                     for r in p.itertuples()]
            style = theme_style(i)
            fig.add_trace(go.Scatter(x=p["x"], y=p["y"], mode="markers", name=html.escape(name), hovertext=hover,
                                     hoverinfo="text", marker={"color": style["color"], "symbol": style["symbol"],
                                                               "size": 9, "line": {"width": 0.5, "color": "#333"}}))
        fig.update_xaxes(showticklabels=False, title_text="SVD 1")
        fig.update_yaxes(showticklabels=False, title_text="SVD 2")
        return _layout(fig, L["task_map"], height=620)
    fig = _static(9.0, 6.5)
    ax = fig.subplots()
    for i, (theme, name) in enumerate(names.items()):
        p, style = points[points["theme"] == theme], theme_style(i)
        ax.scatter(p["x"], p["y"], s=28, color=style["color"], marker=style["marker"], edgecolor="#333333",
                   linewidth=0.4, label=name)
    ax.set(xticks=[], yticks=[], xlabel="SVD 1", ylabel="SVD 2")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside right upper", fontsize=8, frameon=False)
    return _finish_static(fig, L["task_map"], source_line(t, _all_docs(t), lang))


# ---------------------------------------------------------------- coverage


def coverage_grid(t: Tables, lang: str = "zh", by: str = "document") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verdicts, national task x document (or province), rows grouped under section header rows.

    Returns (verdict grid with "" on header rows, cell marks: verdict symbol, * when manual).
    """
    L = LABELS[lang]
    cov = t["coverage_by_province"] if by == "province" else t["coverage"]
    key = "province" if by == "province" else "doc_id"
    nat = corpus.national_units(t).set_index("task_id")
    duty = cov.drop_duplicates("nat_task").set_index("nat_task")["duty_level"]
    verdict = cov.pivot(index="nat_task", columns=key, values="verdict")
    manual = cov.pivot(index="nat_task", columns=key, values="source") == "manual"
    keys = [k for k in dict.fromkeys(t["documents"][key]) if k in verdict.columns]
    rows, labels = [], []
    for section, group in nat[nat.index.isin(verdict.index)].groupby("section", sort=False):
        rows.append(None)
        labels.append(f"【{_short(section, 24)}】")
        for task_id, task in group.iterrows():
            rows.append(task_id)
            level = L["duty"].get(duty.get(task_id, "none"), duty.get(task_id, ""))
            labels.append(f"{task['number']}. {_short(task['title'], 16)} · {level}")
    grid = pd.DataFrame([verdict.loc[r, keys] if r else [""] * len(keys) for r in rows], columns=keys)
    marks = grid.apply(lambda c: c.map(lambda v: VERDICT_MARKS.get(v, "")))
    stars = pd.DataFrame([manual.loc[r, keys] if r else [False] * len(keys) for r in rows], columns=keys)
    marks = marks + stars.replace({True: "*", False: ""})
    predates = cov.drop_duplicates(key).set_index(key)["all_predate" if by == "province" else "predates"]
    cols = [(province_name(k, lang) if by == "province" else _doc_label(t, k, lang))
            + (f"\n({L['predates']})" if predates[k] else "") for k in keys]
    return grid.set_axis(labels).set_axis(cols, axis=1), marks.set_axis(labels).set_axis(cols, axis=1)


def coverage(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "document"):
    """National task x document (or province): covered / partial / absent, duty level in the row label."""
    L = LABELS[lang]
    grid, marks = coverage_grid(t, lang, by)
    code = grid.replace({v: i for i, v in enumerate(VERDICTS)}).replace("", np.nan).astype(float)
    colors = [VERDICT_COLORS[v] for v in VERDICTS]
    legend = [f"{VERDICT_MARKS[v]} {L[v]}" for v in VERDICTS] + [L["manual"]]
    title = L["coverage"]
    if interactive:
        scale = [[k / 3, c] for i, c in enumerate(colors) for k in (i, i + 1)]
        header = [lbl.startswith("【") for lbl in grid.index]
        ylabels = [f"<b>{html.escape(lbl)}</b>" if h else html.escape(lbl) for lbl, h in zip(grid.index, header)]
        xlabels = [html.escape(c).replace("\n", "<br>") for c in grid.columns]
        hover = [[f"{html.escape(lbl)}<br>{html.escape(col)}: {L.get(v, v)}" for col, v in zip(grid.columns, row)]
                 for lbl, row in zip(grid.index, grid.to_numpy())]
        fig = go.Figure(go.Heatmap(z=code.to_numpy(), x=xlabels, y=ylabels, text=marks.to_numpy(),
                                   texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>",
                                   colorscale=scale, zmin=-0.5, zmax=2.5, showscale=False, xgap=2, ygap=2))
        for v, c in zip(VERDICTS, colors):  # legend entries for the three colours
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=html.escape(f"{VERDICT_MARKS[v]} {L[v]}"),
                                     marker={"color": c, "symbol": "square", "size": 12}))
        fig.update_yaxes(autorange="reversed", showgrid=False)
        fig.update_xaxes(side="top", showgrid=False)
        return _layout(fig, title + "  ·  " + L["manual"], height=len(grid) * 22 + 260, top=130,
                       legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
    fig = _static(3.6 + 1.3 * grid.shape[1], len(grid) * 0.24 + 2.2)
    ax = fig.subplots()
    ax.imshow(code.to_numpy(), cmap=ListedColormap(colors), vmin=-0.5, vmax=2.5, aspect="auto", interpolation="nearest")
    for (i, j), m in np.ndenumerate(marks.to_numpy()):
        ax.text(j, i, m, ha="center", va="center", fontsize=8, color="white" if code.iat[i, j] == 0 else "black")
    ax.set_xticks(range(grid.shape[1]), list(grid.columns), fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(grid)), list(grid.index), fontsize=8)
    ax.set_xticks(np.arange(-0.5, grid.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, len(grid)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    ax.spines[:].set_visible(False)
    handles = [matplotlib.patches.Patch(color=c) for c in colors] + [matplotlib.patches.Patch(color="none")]
    fig.legend(handles, legend, loc="outside right upper", fontsize=8, frameon=False)
    return _finish_static(fig, title, source_line(t, list(dict.fromkeys(t["coverage"]["doc_id"])), lang))


def gaps(t: Tables, lang: str = "zh", interactive: bool = False):
    """Per province: required (必做) national tasks left absent or only partial (best verdict over its documents)."""
    L = LABELS[lang]
    counts = corpus.gap_counts(t)
    label = {p: L["gap_label"].format(province=province_name(p, lang), n=r.required,
                                      predates=L["gap_predates"] if r.all_predate else "") for p, r in counts.iterrows()}
    frame = counts[["absent", "partial"]].set_axis([L["absent"], L["partial"]], axis=1).rename(index=label)
    panel = Panel("", frame, [VERDICT_COLORS["absent"], VERDICT_COLORS["partial"]], xlabel=L["n_required"], annotate=True)
    return bars([panel], L["gaps"], source_line(t, list(dict.fromkeys(t["coverage"]["doc_id"])), lang), interactive)


# ---------------------------------------------------------------- province profile


def profile(t: Tables, lang: str = "zh", interactive: bool = False, province: str = "", n_units: int = 12):
    """One province: theme shares against the mean of provinces, distinctive terms, units carrying its plan."""
    L = LABELS[lang]
    prof = corpus.profile(t, province or corpus.provinces(t)[0])
    themes = prof.themes.rename(index=theme_names(lang))
    units = prof.units.head(n_units).set_axis([L["lead"], L["responsible"]], axis=1)
    panels = [
        Panel(L["profile_themes"], themes[["share"]].set_axis([province_name(prof.province, lang)], axis=1),
              [OKABE_ITO[4]], marks=themes["mean"], mark_label=L["mean"], percent=True, xlabel=L["share"]),
        Panel(L["profile_terms"], prof.terms.set_index("term")[["g2"]].set_axis([L["g2"]], axis=1),
              [OKABE_ITO[5]], xlabel=L["g2"], empty=L["no_data"]),
        Panel(L["profile_units"], units.set_axis([_short(u, 12) for u in units.index]),
              [OKABE_ITO[0], OKABE_ITO[1]], xlabel=L["n_tasks"], empty=L["no_units"]),
    ]
    title = L["profile"].format(province=province_name(prof.province, lang))
    return bars(panels, title, source_line(t, prof.documents["doc_id"], lang), interactive, ncols=3, width=13.0)


CHARTS = {
    "documents": documents,
    "structure": structure,
    "fields": fields,
    "targets": targets,
    "theme_shares": theme_shares,
    "theme_counts": theme_counts,
    "theme_terms": theme_terms,
    "task_map": task_map,
    "coverage": coverage,
    "gaps": gaps,
    "profile": profile,
}
# Tables a chart needs non-empty (the themes and coverage stages may have produced nothing).
NEEDS = {
    "theme_shares": ("theme_by_province",), "theme_counts": ("theme_by_province",), "theme_terms": ("theme_terms",),
    "task_map": ("themes",), "coverage": ("coverage",), "gaps": ("coverage_by_province",),
    "profile": ("theme_by_province",),
}


# SVG without a date (same chart, same file); PNG with the fastest compression (files about 6% larger).
SAVE_OPTIONS = {".svg": {"metadata": {"Date": None}}, ".png": {"pil_kwargs": {"compress_level": 1}}}


@cache
def plotly_js() -> str:
    """plotly.js itself (4.8 MB), for pages that work offline."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def html_div(fig: go.Figure) -> str:
    """The chart of a plotly figure as an HTML div (plotly.js not included)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def html_page(div: str) -> str:
    """A page of one chart's :func:`html_div`, plotly.js inside: it works offline."""
    return (f'<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n<body>\n'
            f"<script>{plotly_js()}</script>\n{div}\n</body>\n</html>\n")


def save(fig, *paths: Path | str) -> None:
    """Write ``fig`` by suffix: .png (200 dpi) or .svg for matplotlib, .html (plotly.js inside, offline) for plotly."""
    for path in map(Path, paths):
        if isinstance(fig, go.Figure):
            path.write_text(html_page(html_div(fig)), encoding="utf-8")
        else:
            fig.savefig(path, dpi=DPI, **SAVE_OPTIONS.get(path.suffix, {}))
            fig.set_layout_engine("none")  # laid out once: the next format reuses the positions
