"""The province profile: theme shares against the mean, distinctive terms, units carrying the plan."""
from __future__ import annotations

from .. import frames
from ..frames import Tables, place_name, theme_names
from ._style import OKABE_ITO, Panel, bars, labels, shorten, source_line

LABELS = labels({
    "zh": {
        "profile": "{province}：特点", "profile_themes": "主题占比（◆ 各省平均）", "mean": "各省平均",
        "own_plans": "（省本级计划；其城市另见各自的特点）", "profile_terms": "特征词（G²，对比其他省市）", "g2": "G²（领域词 ×{w}）", "profile_units": "承担单位（任务数）", "lead": "牵头",
        "responsible": "参与"
    },
    "en": {
        "profile": "{province}: profile", "profile_themes": "Theme shares (◆ mean)",
        "own_plans": " (its own plans; its cities have profiles of their own)",
        "mean": "mean of provinces", "profile_terms": "Distinctive terms (G² vs other places)",
        "g2": "G² (domain terms ×{w})",
        "profile_units": "Units carrying the plan", "lead": "lead", "responsible": "involved",
    },
})


def profile(t: Tables, lang: str = "zh", interactive: bool = False, province: str = "", n_units: int = 12):
    """One province's own plans (or a city's: ``province`` its full name, :func:`frames.profiled`): theme
    shares against the mean of provinces, distinctive terms, units carrying its plan (when it names any)."""
    L = LABELS[lang]
    prof = frames.profile(t, province or frames.profiled(t)[0])
    name = place_name(prof.province, prof.city, lang)
    themes = prof.themes.rename(index=theme_names(lang))
    g2 = L["g2"].format(w=frames.DOMAIN_WEIGHT)
    units = prof.units.head(n_units).set_axis([L["lead"], L["responsible"]], axis=1)
    panels = [
        Panel(L["profile_themes"], themes[["share"]].set_axis([name], axis=1),
              [OKABE_ITO[4]], marks=themes["mean"], mark_label=L["mean"], percent=True, xlabel=L["share"]),
        Panel(L["profile_terms"], prof.terms.set_index("term")[["weight"]].set_axis([g2], axis=1),
              [OKABE_ITO[5]], xlabel=g2, empty=L["no_data"]),
    ]
    if len(units):  # a plan that names no unit gets no empty panel
        panels.append(Panel(L["profile_units"], units.set_axis([shorten(u, 12) for u in units.index]),
                            [OKABE_ITO[0], OKABE_ITO[1]], xlabel=L["n_tasks"]))
    title = L["profile"].format(province=name) + (L["own_plans"] if not prof.city and frames.cities_of(t, prof.province) else "")
    return bars(panels, title, source_line(t, prof.documents["doc_id"], lang), interactive, lang=lang, ncols=len(panels), width=4.4 * len(panels))


def profile_shows(t: Tables, province: str = "") -> dict:
    """What the profile of a place shows (its redraw key, by name): its documents, its theme shares, the
    mean of provinces, its distinctive terms (against the other places), its units, and the province's
    cities (its title)."""
    prof = frames.profile(t, province or frames.profiled(t)[0])
    return {"its documents": prof.documents, "its theme shares": prof.themes[["share"]],
            "mean of provinces": prof.themes[["mean"]], "its distinctive terms": prof.terms, "its units": prof.units,
            "its cities": [prof.city, frames.cities_of(t, prof.province)]}
