"""Policy-instrument charts: the instrument type x IP-chain field matrix, instrument-type shares."""
from __future__ import annotations

import pandas as pd

from .. import frames
from ..frames import Tables, instrument_names
from ._style import Panel, bars, cap_groups, docs_of, heatmap, labels, place_scope, row_labels, source_line, theme_style

LABELS = labels({
    "zh": {
        "instrument_matrix": "政策工具 × 知识产权链条环节：任务数（颜色深浅：占其任务的比例）",
        "instrument_types": "各类政策工具的任务占比", "field": "链条环节",
    },
    "en": {
        "instrument_matrix": "Policy instrument x field of the IP chain: tasks (shade: share of its tasks)",
        "instrument_types": "Share of tasks by policy-instrument type", "field": "field of the IP chain",
    },
})


def instrument_matrix(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "province", cities: bool = True):
    """Heatmap, per province from its provincial plans (``cities``: and per city) or per document, one
    row per instrument type x a column per IP-chain field:
    shade = share of that province's tasks, the count of tasks written in each cell (hover: the share
    too), as these studies print it. Beyond :data:`~._style.MAX_ROWS` rows, the provinces (documents)
    with the most tasks and one group for the rest (:func:`~._style.cap_groups`)."""
    L, names = LABELS[lang], instrument_names(lang)
    full = frames.instrument_matrix(t, "n_tasks", by, cities)
    counts = cap_groups(full, lang)
    totals = counts.groupby(level=0, sort=False).transform("sum").sum(axis=1)
    shares = counts.div(totals.where(totals > 0, 1), axis=0)  # of the province's (the rest's) tasks
    keys = list(dict.fromkeys(full.index.get_level_values(0)))
    key_names = dict(zip(keys, row_labels(t, keys, by, lang)))
    rows = [f"{key_names.get(k, k)} · {names[kind]}" for k, kind in counts.index]
    cells = zip(counts.to_numpy().ravel(), shares.to_numpy().ravel())
    text = [f"{n:.0f} ({s:.0%})" if interactive else f"{n:.0f}" for n, s in cells]  # static: small files
    text = pd.DataFrame(pd.Series(text).to_numpy().reshape(counts.shape))
    shown = shares.set_axis(rows).rename(columns=names)
    return heatmap(shown, L["instrument_matrix"] + place_scope(t, by, cities, lang), source_line(t, docs_of(t, keys, by), lang), interactive,
                   xlabel=L["field"], ylabel=L[by], width=9.0, text=text, lang=lang)


def instrument_types(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "province", cities: bool = True):
    """Stacked bars: the tasks of each province's own plans (``cities``: and of each city's) or of
    each document by instrument type, as shares of its tasks."""
    L, names = LABELS[lang], instrument_names(lang)
    counts, share = frames.instrument_types(t, "n_tasks", by, cities), frames.instrument_types(t, "share", by, cities)
    keys = list(counts.index)
    frame = share.set_axis(row_labels(t, keys, by, lang)).rename(columns=names)
    hover = counts.astype(int).astype(str).set_axis(frame.index).set_axis(frame.columns, axis=1)
    styles = [theme_style(i) for i in range(frame.shape[1])]
    panel = Panel("", frame, [s["color"] for s in styles], [s["hatch"] for s in styles],
                  [s["pattern"] for s in styles], xlabel=L["share"], percent=True, hover=hover)
    return bars([panel], L["instrument_types"] + place_scope(t, by, cities, lang), source_line(t, docs_of(t, keys, by), lang), interactive, width=9.0,
                lang=lang)
