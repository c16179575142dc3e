"""Convergence charts: how alike the provinces' latest plans are (clustered heatmap) and whether the
plans of each year grow more alike."""
from __future__ import annotations

import pandas as pd

from .. import frames
from ..frames import Tables, province_name
from ._style import OKABE_ITO, heatmap, labels, lines, source_line

LABELS = labels({
    "zh": {
        "similarity": "各省最新计划的相似度（{basis}；按聚类排序）", "text": "文本：TF-IDF 余弦", "themes": "主题构成：余弦",
        "convergence": "各年计划的平均相似度（上升：趋同）", "year": "年份", "mean_similarity": "平均相似度",
    },
    "en": {
        "similarity": "How alike the provinces' latest plans are ({basis}; clustered order)",
        "text": "text: TF-IDF cosine", "themes": "themes: cosine of profiles",
        "convergence": "Mean similarity of each year's plans (rising: converging)", "year": "year",
        "mean_similarity": "mean similarity",
    },
})


def _docs(t: Tables, rows: pd.DataFrame) -> list[str]:
    return sorted({d for col in ("docs_a", "docs_b") for cell in rows[col] for d in cell.split("; ") if d})


def similarity(t: Tables, lang: str = "zh", interactive: bool = False, basis: str = "text"):
    """Heatmap, province x province: similarity of their latest plans on ``basis`` (text or themes),
    provinces in the order of a hierarchical clustering."""
    L = LABELS[lang]
    m = frames.similarity_matrix(t, basis)
    names = [province_name(p, lang) for p in m.index]
    shown = m.set_axis(names).set_axis(names, axis=1)
    text = shown.map(lambda v: f"{v:.2f}")
    rows = t["similarity"][t["similarity"]["scope"] == "latest"]
    return heatmap(shown, L["similarity"].format(basis=L[basis]), source_line(t, _docs(t, rows), lang), interactive,
                   width=max(5.0, 1.0 + 0.7 * len(m)), text=text, lang=lang)


def convergence(t: Tables, lang: str = "zh", interactive: bool = False):
    """Lines over the years: mean similarity (themes, text) of the provinces' plans of each year."""
    L = LABELS[lang]
    c = frames.convergence(t)
    series = [(L[b], c[b], colour, 2.5) for b, colour in (("text", OKABE_ITO[5]), ("themes", OKABE_ITO[4]))]
    rows = t["similarity"][t["similarity"]["scope"] != "latest"]
    return lines(series, L["convergence"], source_line(t, _docs(t, rows), lang), interactive, L["year"], L["mean_similarity"])
