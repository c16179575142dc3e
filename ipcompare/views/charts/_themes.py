"""Theme charts: shares and counts by document or province, distinctive terms, the task map."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from .. import frames
from ..frames import Tables, place_name, province_name, theme_names
from ._style import (
    Panel,
    all_docs,
    bars,
    docs_of,
    finish,
    heatmap,
    labels,
    layout,
    new_figure,
    place_scope,
    row_labels,
    source_line,
    theme_style,
    wrap,
)

LABELS = labels({
    "zh": {
        "theme_shares": "各主题任务占比", "theme_counts": "各主题任务数", "theme_terms": "各主题的特征词（c-TF-IDF）",
        "score": "得分", "rank": "排名", "task_map": "任务分布图（TF-IDF + SVD 二维投影，按主题着色）",
    },
    "en": {
        "theme_shares": "Share of tasks by theme", "theme_counts": "Tasks by theme",
        "theme_terms": "Distinctive terms of each theme (c-TF-IDF)", "score": "score", "rank": "rank",
        "task_map": "Map of tasks (TF-IDF + SVD projection, coloured by theme)",
    },
})


def theme_shares(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "document", cities: bool = True):
    """Heatmap, document (labelled with its province and years; or province from its own plans, and
    with ``cities`` each city's plans a row after it) x theme: share of its tasks with that primary
    theme, so each row is normalised by its own task count."""
    L = LABELS[lang]
    m = frames.theme_matrix(t, "share", by, cities)
    shown = m.set_axis(row_labels(t, m.index, by, lang)).rename(columns=theme_names(lang))
    return heatmap(shown, L["theme_shares"] + place_scope(t, by, cities, lang), source_line(t, docs_of(t, m.index, by), lang), interactive, lang=lang,
                   ylabel=L[by], width=10.0)


def theme_counts(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "province", cities: bool = True):
    """Stacked bars: tasks of each province's own plans (``cities``: and each city's) or document by primary theme."""
    L = LABELS[lang]
    m = frames.theme_matrix(t, "n_tasks", by, cities)
    frame = m.set_axis(row_labels(t, m.index, by, lang)).rename(columns=theme_names(lang))
    styles = [theme_style(i) for i in range(m.shape[1])]
    panel = Panel("", frame, [s["color"] for s in styles], [s["hatch"] for s in styles],
                  [s["pattern"] for s in styles], xlabel=L["n_tasks"], annotate=True)
    return bars([panel], L["theme_counts"] + place_scope(t, by, cities, lang), source_line(t, docs_of(t, m.index, by), lang), interactive, lang=lang, width=10.0)


def theme_terms(t: Tables, lang: str = "zh", interactive: bool = False, n: int = 8):
    """Top ``n`` distinctive terms of each theme (theme_terms.csv): a row per theme, shade = c-TF-IDF score."""
    L = LABELS[lang]
    top = t["theme_terms"][t["theme_terms"]["rank"] <= n]
    names = theme_names(lang)
    scores = top.pivot(index="theme", columns="rank", values="score").reindex(list(names))
    terms = top.pivot(index="theme", columns="rank", values="term").reindex(list(names)).fillna("")
    scores, terms = (f.set_axis(list(names.values())) for f in (scores, terms))
    return heatmap(scores / scores.max().max(), L["theme_terms"], source_line(t, all_docs(t), lang), interactive, lang=lang,
                   xlabel=L["rank"], width=11.0, text=terms)


def task_projection(t: Tables) -> pd.DataFrame:
    """Work tasks placed in 2-D (task_map.csv: TF-IDF vectors reduced by TruncatedSVD), with their primary theme."""
    work = frames.work_tasks(t).reset_index(drop=True)
    xy = work[["task_id"]].merge(t["task_map"], on="task_id", how="left")
    theme = work["task_id"].map(t["themes"].set_index("task_id")["theme"])
    return work.assign(x=xy["x"].to_numpy(), y=xy["y"].to_numpy(), theme=theme)


def task_map(t: Tables, lang: str = "zh", interactive: bool = False):
    """Every task as a point (similar tasks close together), coloured by primary theme; hover shows the task."""
    L = LABELS[lang]
    points = task_projection(t)
    names = theme_names(lang)
    if interactive:
        docs = t["documents"]
        keys = frames.place_keys(docs)
        names_of = {k: place_name(*frames.place_of(t, k), lang) for k in set(keys)}  # once per place, not per document
        place = {d: names_of[k] for d, k in zip(docs["doc_id"], keys)}
        fig = go.Figure()
        for i, (theme, name) in enumerate(names.items()):
            p = points[points["theme"] == theme]
            hover = [f"<b>{html.escape(r.task_id)}</b> {html.escape(place.get(r.doc_id, province_name(r.province, lang)))}<br>"
                     f"{html.escape(r.title)}<br>{'<br>'.join(map(html.escape, wrap(r.content[:160], 30).splitlines()))}"
                     for r in p.itertuples()]
            style = theme_style(i)
            fig.add_trace(go.Scatter(x=p["x"], y=p["y"], mode="markers", name=html.escape(name), hovertext=hover,
                                     hoverinfo="text", marker={"color": style["color"], "symbol": style["symbol"],
                                                               "size": 9, "line": {"width": 0.5, "color": "#333"}}))
        fig.update_xaxes(showticklabels=False, title_text="SVD 1")
        fig.update_yaxes(showticklabels=False, title_text="SVD 2")
        return layout(fig, L["task_map"], height=620)
    fig = new_figure(9.0, 6.5)
    ax = fig.subplots()
    for i, (theme, name) in enumerate(names.items()):
        p, style = points[points["theme"] == theme], theme_style(i)
        ax.scatter(p["x"], p["y"], s=28, color=style["color"], marker=style["marker"], edgecolor="#333333",
                   linewidth=0.4, label=name)
    ax.set(xticks=[], yticks=[], xlabel="SVD 1", ylabel="SVD 2")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside right upper", fontsize=8, frameon=False)
    return finish(fig, L["task_map"], source_line(t, all_docs(t), lang))
