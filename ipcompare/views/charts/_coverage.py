"""Coverage charts: the national task x document matrix of verdicts, and each province's gaps."""
from __future__ import annotations

import html

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.colors import ListedColormap

from ...analysis.coverage import VERDICTS
from .. import frames
from ..frames import Tables, place_name, province_name
from ._style import Panel, bars, cells, doc_label, finish, labels, layout, new_figure, pin_labels, shorten, source_line, text_width

LABELS = labels({
    "zh": {
        "coverage": "国家年度工作指引任务的覆盖情况", "national_task": "国家任务", "covered": "覆盖", "partial": "部分覆盖",
        "absent": "未覆盖", "manual": "* 人工校订", "review": "? 待人工核查", "duty": {"必做": "必做", "选做": "选做", "条件": "条件", "none": "无"},
        "predates": "早于指引", "gaps": "必做国家任务的缺口（未覆盖或部分覆盖）", "n_required": "必做任务数",
        "gap_label": "{province}（共 {n} 项必做{predates}）", "gap_predates": "，早于指引",
        "by_province": "（按省份：取其各文件中最好的判断）", "by_place": "（按省份与城市：取其各文件中最好的判断）",
        "plans": "各文件",
        "requirements": "{doc} 满足要求 {met} 项、部分满足 {partly} 项 / 共 {total} 项", "via": "见", "the_plan": "本文件本身",
    },
    "en": {
        "coverage": "Coverage of the national annual guideline's tasks", "national_task": "national task",
        "covered": "covered", "partial": "partial", "absent": "absent", "manual": "* manual override",
        "review": "? to review",
        "duty": {"必做": "required", "选做": "optional", "条件": "conditional", "none": "none"},
        "predates": "predates guideline", "gaps": "Gaps in required national tasks (absent or partial)",
        "n_required": "required tasks", "gap_label": "{province} (of {n} required{predates})",
        "gap_predates": ", predates guideline",
        "by_province": " (per province: the best verdict over its plans)",
        "by_place": " (per province and city: the best verdict over its plans)", "plans": "its plans",
        "requirements": "{doc}: requirements met {met}, partly {partly}, of {total}", "via": "by", "the_plan": "the plan itself",
    },
})


VERDICT_COLORS = {"covered": "#0072B2", "partial": "#56B4E9", "absent": "#E69F00"}
VERDICT_MARKS = {"covered": "●", "partial": "◐", "absent": "○"}
REQUIREMENT_MARKS = {"met": "✓", "partly": "◐", "missing": "○"}  # glyphs of the bundled font
MARK_FILL = {"covered": "full", "partial": "left", "absent": "none"}  # the marks drawn as markers in static charts
COLUMN, NARROW, MAX_WIDTH = 1.3, 0.42, 16.0  # inches: a column with its label across, a column with it tilted, widest
MAX_HOVER_REQUIREMENTS = 4  # lines of requirements in a cell's hover (the rest as …; all in the report's evidence table)


def requirement_hover(t: Tables, lang: str = "zh", cells=None) -> dict[tuple[str, str], str]:
    """(nat_task, doc_id) -> hover lines (HTML-escaped, joined by <br>): requirements met and partly
    met of how many, then each requirement met (with the provincial task), partly met or missing;
    for those ``cells`` (nat_task, doc_id) only, when given."""
    L, out = LABELS[lang], {}
    for (nat, doc), group in frames.requirement_groups(t).items():
        if cells is not None and (nat, doc) not in cells:
            continue
        met, partly = (sum(r.status == s for r in group) for s in ("met", "partly"))
        lines = [L["requirements"].format(doc=doc, met=met, partly=partly, total=len(group))]
        for r in group[:MAX_HOVER_REQUIREMENTS]:
            via = "" if r.status == "missing" else (
                f" ({L['via']} {L['the_plan'] if r.evidence == doc else r.evidence})")
            lines.append(f"{REQUIREMENT_MARKS[r.status]} {shorten(r.text, 14)}{via}")
        if len(group) > MAX_HOVER_REQUIREMENTS:
            lines.append("…")
        out[nat, doc] = "<br>".join(html.escape(line) for line in lines)
    return out


def coverage_grid(t: Tables, lang: str = "zh", by: str = "document") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verdicts, national task x document (or province), rows grouped under section header rows.

    Returns (verdict grid with "" on header rows, cell marks: verdict symbol, * when manual, ? when
    flagged for review: by province, the verdict of the plan deciding the cell).
    """
    L = LABELS[lang]
    cov = t["coverage_by_place"] if by == "province" else t["coverage"]
    key = "province" if by == "province" else "doc_id"
    nat = frames.national_units(t).set_index("task_id")
    duty = cov.drop_duplicates("nat_task").set_index("nat_task")["duty_level"]
    verdict = cov.pivot(index="nat_task", columns=key, values="verdict")
    manual = cov.pivot(index="nat_task", columns=key, values="source") == "manual"
    order = frames.places(t, cities=True) if by == "province" else frames.order(t)  # a city beside its province
    keys = [k for k in order if k in verdict.columns]
    rows, labels = [], []
    for section, group in nat[nat.index.isin(verdict.index)].groupby("section", sort=False):
        rows.append(None)
        labels.append(f"【{shorten(section, 24)}】")
        for task_id, task in group.iterrows():
            rows.append(task_id)
            level = L["duty"].get(duty.get(task_id, "none"), duty.get(task_id, ""))
            labels.append(f"{task['number']}. {shorten(task['title'], 16)} · {level}")
    grid = pd.DataFrame([verdict.loc[r, keys] if r else [""] * len(keys) for r in rows], columns=keys)
    marks = grid.apply(lambda c: c.map(lambda v: VERDICT_MARKS.get(v, "")))
    stars = pd.DataFrame([manual.loc[r, keys] if r else [False] * len(keys) for r in rows], columns=keys)
    marks = marks + stars.replace({True: "*", False: ""})
    review = t["coverage"].set_index(["nat_task", "doc_id"])["review"]
    deciding = cov["best_doc"] if by == "province" else cov["doc_id"]
    flagged = cov.assign(_review=[bool(review.get(pair, False)) for pair in zip(cov["nat_task"], deciding)])
    flagged = flagged.pivot(index="nat_task", columns=key, values="_review")
    asks = pd.DataFrame([flagged.loc[r, keys] if r else [False] * len(keys) for r in rows], columns=keys)
    marks = marks + asks.astype(bool).replace({True: "?", False: ""})
    predates = cov.drop_duplicates(key).set_index(key)["all_predate" if by == "province" else "predates"]
    cols = [(place_name(*frames.place_of(t, k), lang) if by == "province" else doc_label(t, k, lang))
            + (f"\n({L['predates']})" if predates[k] else "") for k in keys]
    grid = grid.set_axis(labels).set_axis(cols, axis=1)
    grid.attrs = {"nat_tasks": rows, "keys": keys}  # what each row and column is
    return grid, marks.set_axis(labels).set_axis(cols, axis=1)


def coverage(t: Tables, lang: str = "zh", interactive: bool = False, by: str = "province"):
    """National task x province (the best verdict over its plans; or x document): covered / partial /
    absent, duty level in the row label; by province, the hover lists each plan's verdict."""
    L = LABELS[lang]
    grid, marks = coverage_grid(t, lang, by)
    plans = best = None
    if by == "province":  # each plan's verdict, in the hover; the plan deciding each cell
        cov = t["coverage_by_place"]
        pairs = list(zip(cov["nat_task"], cov["province"]))
        plans, best = dict(zip(pairs, cov["doc_verdicts"])), dict(zip(pairs, cov["best_doc"]))
    code = grid.replace({v: i for i, v in enumerate(VERDICTS)}).replace("", np.nan).astype(float)
    colors = [VERDICT_COLORS[v] for v in VERDICTS]
    legend = [f"{VERDICT_MARKS[v]} {L[v]}" for v in VERDICTS] + [L["manual"], L["review"]]
    title = L["coverage"] + ((L["by_place"] if frames.city_plans(t) else L["by_province"]) if by == "province" else "")
    if interactive:
        scale = [[k / 3, c] for i, c in enumerate(colors) for k in (i, i + 1)]
        header = [lbl.startswith("【") for lbl in grid.index]
        ylabels = [f"<b>{html.escape(lbl)}</b>" if h else html.escape(lbl) for lbl, h in zip(grid.index, header)]
        xlabels = [html.escape(c).replace("\n", "<br>") for c in grid.columns]
        hover = [[f"{html.escape(lbl)}<br>{html.escape(col)}: {L.get(v, v)}" for col, v in zip(grid.columns, row)]
                 for lbl, row in zip(grid.index, grid.to_numpy())]
        if plans is not None:
            for i, task in enumerate(grid.attrs["nat_tasks"]):
                for j, key in enumerate(grid.attrs["keys"]):
                    if task and (task, key) in plans:
                        detail = "<br>".join(html.escape(d) for d in plans[task, key].split("; "))
                        hover[i][j] += f"<br>{L['plans']}:<br>{detail}"
        deciding = {(i, j): (task, best.get((task, key)) if best is not None else key)  # the document deciding each cell
                    for i, task in enumerate(grid.attrs["nat_tasks"]) if task for j, key in enumerate(grid.attrs["keys"])}
        detail = requirement_hover(t, lang, set(deciding.values()))  # its requirements
        for (i, j), cell in deciding.items():
            if cell in detail:
                hover[i][j] += f"<br>{detail[cell]}"
        fig = go.Figure(go.Heatmap(z=code.to_numpy(), x=xlabels, y=ylabels, text=marks.to_numpy(),
                                   texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>",
                                   colorscale=scale, zmin=-0.5, zmax=2.5, showscale=False, xgap=2, ygap=2))
        for v, c in zip(VERDICTS, colors):  # legend entries for the three colours
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=html.escape(f"{VERDICT_MARKS[v]} {L[v]}"),
                                     marker={"color": c, "symbol": "square", "size": 12}))
        fig.update_yaxes(autorange="reversed", showgrid=False)
        fig.update_xaxes(side="top", showgrid=False)
        return layout(fig, title + "  ·  " + L["manual"] + "  ·  " + L["review"], height=len(grid) * 22 + 260, top=130,
                       legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
    column, tilt = _columns(list(grid.columns))
    longest = max(text_width(line) for c in grid.columns for line in c.split("\n")) * 8 / 72  # inches at 8 pt
    fig = new_figure(3.6 + column * grid.shape[1], len(grid) * 0.24 + 2.2 + (longest * 0.87 if tilt else 0))
    ax = fig.subplots()
    cells(ax, code.to_numpy(), cmap=ListedColormap(colors), vmin=-0.5, vmax=2.5, edgecolors="white", linewidth=1.5)
    _draw_marks(ax, grid, marks)
    ax.set_xticks(range(grid.shape[1]), list(grid.columns), fontsize=8, rotation=60 if tilt else 0,
                  ha="left" if tilt else "center", rotation_mode="anchor" if tilt else "default")
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(grid)), list(grid.index), fontsize=8)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    pin_labels(ax)
    handles = [matplotlib.patches.Patch(color=c) for c in colors] + [matplotlib.patches.Patch(color="none")] * 2
    fig.legend(handles, legend, loc="outside right upper", fontsize=8, frameon=False)
    return finish(fig, title, source_line(t, list(dict.fromkeys(t["coverage"]["doc_id"])), lang))


def _columns(names: list[str]) -> tuple[float, bool]:
    """Width of a column of the static matrix, and whether the labels are tilted: across while they
    fit a column of :data:`COLUMN` and the matrix :data:`MAX_WIDTH`; else narrow columns, tilted labels."""
    fits = all(text_width(line) * 8 / 72 <= COLUMN for c in names for line in c.split("\n"))
    return (COLUMN, False) if fits and len(names) * COLUMN <= MAX_WIDTH else (NARROW, True)


def _draw_marks(ax, grid: pd.DataFrame, marks: pd.DataFrame) -> None:
    """The cells' verdict marks (●, ◐, ○: :data:`VERDICT_MARKS`) as one set of markers per verdict,
    white on covered; a * beside a manual verdict, a ? beside one flagged for review."""
    for v in VERDICTS:
        rows, cols = np.nonzero(grid.to_numpy() == v)
        colour = "white" if v == "covered" else "black"
        ax.plot(cols, rows, ls="", marker="o", ms=6.5, mew=0.6, color=colour, fillstyle=MARK_FILL[v])  # as the 8 pt glyphs
    for flag in ("*", "?"):
        for i, j in zip(*np.nonzero(marks.map(lambda m: m.endswith(flag)).to_numpy())):
            ax.text(j + 0.16, i, flag, va="center", fontsize=8,
                    color="white" if grid.iat[i, j] == "covered" else "black", in_layout=False)


def gaps(t: Tables, lang: str = "zh", interactive: bool = False):
    """Per province: required (必做) national tasks left absent or only partial (best verdict over its documents)."""
    L = LABELS[lang]
    counts = frames.gap_counts(t)
    label = {p: L["gap_label"].format(province=province_name(p, lang), n=r.required,
                                      predates=L["gap_predates"] if r.all_predate else "") for p, r in counts.iterrows()}
    frame = counts[["absent", "partial"]].set_axis([L["absent"], L["partial"]], axis=1).rename(index=label)
    panel = Panel("", frame, [VERDICT_COLORS["absent"], VERDICT_COLORS["partial"]], xlabel=L["n_required"], annotate=True)
    return bars([panel], L["gaps"], source_line(t, list(dict.fromkeys(t["coverage"]["doc_id"])), lang), interactive, lang=lang)
