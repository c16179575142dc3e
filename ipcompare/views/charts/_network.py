"""The keyword co-occurrence network: words as dots sized by frequency, coloured by community."""
from __future__ import annotations

import html

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..frames import Tables, province_name
from ._style import OKABE_ITO, finish, labels, layout, new_figure, source_line

LABELS = labels({
    "zh": {"network": "关键词共现网络{scope}：前{top}个高频词，连线为同现于至少2项任务（颜色：社区）",
           "all": "", "edges": "连线：最强的{n}条"},
    "en": {"network": "Keyword co-occurrence network{scope}: the {top} most frequent words, linked when in at "
                      "least 2 tasks together (colour: community)", "all": "", "edges": "lines: the {n} strongest"},
})


def network(t: Tables, lang: str = "zh", interactive: bool = False, province: str = "", top: int = 60,
            max_edges: int = 150):
    """Nodes sized by the tasks holding the word, coloured by Louvain community (Okabe-Ito, grey beyond
    eight); the ``max_edges`` strongest co-occurrences drawn, thicker for more tasks together; spring
    layout (seed 0) over all the network's weights. The network is the corpus's (nodes.csv, edges.csv)
    or ``province``'s (place_nodes.csv, place_edges.csv): its first ``top`` words (of the 60 kept)."""
    L = LABELS[lang]
    nodes, all_edges = _network(t, province)
    nodes = nodes.head(top)
    all_edges = all_edges[all_edges["source"].isin(nodes["word"]) & all_edges["target"].isin(nodes["word"])]
    graph = nx.Graph()
    graph.add_nodes_from(nodes["word"])
    graph.add_weighted_edges_from(all_edges[["source", "target", "weight"]].itertuples(index=False))
    edges = all_edges.head(max_edges)
    pos = nx.spring_layout(graph, weight="weight", seed=0) if len(graph) else {}
    xy = np.array([pos[w] for w in nodes["word"]]) if pos else np.zeros((0, 2))
    colors = [OKABE_ITO[(c - 1) % 7] if c <= 7 else OKABE_ITO[7] for c in nodes["community"]]
    sizes = nodes["frequency"].to_numpy(float)
    sizes = 8 + 30 * sizes / sizes.max() if len(sizes) else sizes
    scope = f"（{province_name(province, lang)}）" if province and lang == "zh" else (
        f" ({province_name(province, lang)})" if province else "")
    title = L["network"].format(scope=scope, top=len(nodes)) + ("；" if lang == "zh" else "; ") + \
        L["edges"].format(n=len(edges))
    widths = 0.4 + 2.6 * edges["weight"] / max(edges["weight"].max(), 1) if len(edges) else edges["weight"]
    if interactive:
        fig = go.Figure()
        for (a, b), w in zip(edges[["source", "target"]].itertuples(index=False), widths):
            fig.add_trace(go.Scatter(x=[pos[a][0], pos[b][0]], y=[pos[a][1], pos[b][1]], mode="lines",
                                     line={"width": float(w), "color": "#bbbbbb"}, hoverinfo="skip", showlegend=False))
        hover = [html.escape(f"{w}: {f} · {c}") for w, f, c in nodes[["word", "frequency", "community"]].itertuples(index=False)]
        fig.add_trace(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=[html.escape(w) for w in nodes["word"]],
                                 textposition="middle center", hovertext=hover, hoverinfo="text", showlegend=False,
                                 marker={"size": sizes, "color": colors, "line": {"width": 0.5, "color": "white"}},
                                 textfont={"size": 10}))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False, scaleanchor="x")
        return layout(fig, title, height=760)
    fig = new_figure(11, 9.5)
    ax = fig.subplots()
    for (a, b), w in zip(edges[["source", "target"]].itertuples(index=False), widths):
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#bbbbbb", lw=float(w), zorder=1)
    ax.scatter(xy[:, 0], xy[:, 1], s=(sizes * 1.6) ** 2 / 4, c=colors, edgecolors="white", linewidths=0.5, zorder=2)
    for (x, y), word in zip(xy, nodes["word"]):
        ax.text(x, y, word, ha="center", va="center", fontsize=8, zorder=3)
    ax.set_axis_off()
    docs = t["tasks"].loc[t["tasks"]["province"].eq(province) if province else slice(None), "doc_id"].unique()
    return finish(fig, title, source_line(t, docs, lang))


def _network(t: Tables, province: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes: word, frequency, community; edges: source, target, weight, strongest first) of the
    corpus's network or of ``province``'s."""
    if not province:
        return (t["nodes"].rename(columns={"Id": "word"})[["word", "frequency", "community"]],
                t["edges"].rename(columns=str.lower)[["source", "target", "weight"]])
    nodes, edges = t["place_nodes"], t["place_edges"]
    return (nodes[nodes["place"] == province].drop(columns="place").reset_index(drop=True),
            edges[edges["place"] == province].drop(columns="place").reset_index(drop=True))
