"""Views of the processed tables shared by the charts, the report and :class:`~ipcompare.views.corpus.Corpus`.

Each function takes any mapping of table name -> DataFrame (a Corpus or a plain dict): provinces and
their names, work tasks, the theme matrix, gap counts, keyness, a province's profile and what its
latest plan changed, so every chart, report page and notebook computes a view in one place.
"""
from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import tables
from ..analysis.places import DOMAIN_WEIGHT, city_plans, order, place_docs, place_keys, places, work_tasks  # noqa: F401
from ..reading import divisions
from ..reading.metadata import NATIONAL, PROVINCES_EN

Tables = Mapping[str, pd.DataFrame]

REQUIRED = "必做"


def province_name(province: str, lang: str = "zh") -> str:
    """The province's name in ``lang`` (zh: as in the tables; en: pinyin). A city's full name (the
    ``province`` of a city's rows in targets_by_indicator) is named as its :func:`place_name`."""
    if province not in PROVINCES_EN and (city := divisions.lookup(province)):
        return place_name(city[0].province, province, lang)
    return PROVINCES_EN.get(province, province) if lang == "en" else province


def place_name(province: str, city: str = "", lang: str = "zh") -> str:
    """A document's place: its province, or a city under its province, marked as a city
    (贵州·贵阳市; en: Guiyang (city, Guizhou), Qiandongnan Prefecture (Guizhou): divisions.csv's pinyin)."""
    name = province_name(province, lang)
    if not city:
        return name
    if lang == "zh":
        return f"{name}·{city}"
    english = divisions.english(city, province)
    return f"{english} ({name})" if " " in english else f"{english} (city, {name})"


def province_slug(province: str, city: str = "") -> str:
    """ASCII file-name form of a province (guizhou, inner-mongolia, national), or of a city under it
    (guizhou-guiyang)."""
    slug = PROVINCES_EN.get(province, province) + (f" {divisions.english(city, province)}" if city else "")
    return re.sub(r"[^a-z0-9]+", "-", slug.lower().replace("ü", "u")).strip("-")


def theme_names(lang: str = "zh") -> dict[str, str]:
    """Theme id -> name in ``lang``, in taxonomy order (from data/themes.md)."""
    from ..analysis.themes import load_themes

    return {t.id: t.en if lang == "en" else t.zh for t in load_themes()}


def provinces(t: Tables) -> list[str]:
    """Provinces with a provincial document, in document order."""
    docs = t["documents"]
    return list(dict.fromkeys(docs.loc[docs["level"] == "provincial", "province"]))


def national_units(t: Tables) -> pd.DataFrame:
    """The national reference units of the coverage table (task-list rows), in document order, with their section."""
    tasks = t["tasks"]
    rows = tasks[tasks["task_id"].isin(t["coverage"]["nat_task"])]
    return rows.assign(section=rows["section_path"] + " " + rows["section_titles"])


def place_of(t: Tables, place: str) -> tuple[str, str]:
    """(province, city) of a place; city empty for a province."""
    docs = t["documents"]
    city = docs[(docs["level"] == "municipal") & (docs["city"] == place)]
    return (city["province"].iloc[0], place) if len(city) else (place, "")


def place_slug(t: Tables, place: str) -> str:
    """ASCII file-name form of a place (:func:`province_slug`: guizhou, guizhou-guiyang)."""
    return province_slug(*place_of(t, place))


def cities_of(t: Tables, province: str) -> list[str]:
    """The cities of ``province`` with plans of their own (:func:`places`), in document order."""
    return [p for p in places(t, cities=True) if p != province and place_of(t, p)[0] == province]


def profiled(t: Tables) -> list[str]:
    """Places with a profile: each province with a provincial plan, each of its cities after it."""
    return [p for p in places(t, cities=True) if p != NATIONAL]


def _by_place(frame: pd.DataFrame) -> pd.DataFrame:
    """A per-place table (theme_by_province ...) keyed by place in ``place`` (:func:`places`)."""
    return frame.assign(place=place_keys(frame)) if "city" in frame else frame.assign(place=frame["province"])


def theme_matrix(t: Tables, value: str = "share", by: str = "province", cities: bool = False) -> pd.DataFrame:
    """Rows: provinces from their own plans (``by="province"``; ``cities``: each city's plans a row
    after its province, :func:`places`) or documents (grouped under their province: :func:`order`);
    columns: theme ids in taxonomy order."""
    frame = _by_place(t["theme_by_province"]) if by == "province" else t["theme_by_document"]
    key = "place" if by == "province" else "doc_id"
    order_ = places(t, cities) if by == "province" else order(t)
    m = frame.groupby([key, "theme"])[value].sum().unstack(fill_value=0)
    return m.reindex(index=[k for k in order_ if k in m.index], columns=list(theme_names()), fill_value=0)


def instrument_names(lang: str = "zh") -> dict[str, str]:
    """Instrument type, sub-type and field id -> name in ``lang``, in taxonomy order (data/instruments.md)."""
    from ..analysis.instruments import names

    return {k: en if lang == "en" else zh for k, (zh, en) in names().items()}


def instrument_matrix(t: Tables, value: str = "n_tasks", by: str = "province", cities: bool = False) -> pd.DataFrame:
    """Rows: (province from its provincial plans, and with ``cities`` each city after it; or
    document, instrument type), in document and taxonomy order; columns: field ids."""
    from ..analysis.instruments import taxonomy

    frame = _by_place(t["instrument_by_province"]) if by == "province" else t["instrument_by_document"]
    key = "place" if by == "province" else "doc_id"
    keys = [p for p in places(t, cities) if p != NATIONAL] if by == "province" else list(t["documents"]["doc_id"])
    keys = [k for k in keys if k in set(frame[key])]
    rows = pd.MultiIndex.from_product([keys, [c.id for c in taxonomy()["types"]]], names=[key, "type"])
    m = frame.pivot_table(index=[key, "type"], columns="field", values=value, aggfunc="sum", fill_value=0)
    return m.reindex(index=rows, columns=[c.id for c in taxonomy()["fields"]], fill_value=0)


def instrument_types(t: Tables, value: str = "n_tasks", by: str = "province", cities: bool = False) -> pd.DataFrame:
    """Rows: provinces (and cities, :func:`instrument_matrix`) or documents (document order); columns:
    instrument type ids: tasks (or shares) of each."""
    m = instrument_matrix(t, value, by, cities)
    keys, kinds = (list(dict.fromkeys(m.index.get_level_values(i))) for i in (0, 1))
    return m.sum(axis=1).unstack("type").reindex(index=keys, columns=kinds)


def gap_counts(t: Tables) -> pd.DataFrame:
    """Per province: required (必做) national tasks it leaves absent or partial (gaps.csv), of how many required."""
    required = t["coverage_by_province"]
    required = required[required["duty_level"] == REQUIRED]
    gaps = t["gaps"][t["gaps"]["duty_level"] == REQUIRED]
    counts = pd.crosstab(gaps["province"], gaps["verdict"]).reindex(columns=["absent", "partial"], fill_value=0)
    counts = counts.reindex(required["province"].unique(), fill_value=0)
    counts["required"] = required.groupby("province").size()
    counts["all_predate"] = required.groupby("province")["all_predate"].first()
    return counts.reindex([p for p in provinces(t) if p in counts.index])


def requirement_status(t: Tables) -> pd.DataFrame:
    """Each requirement of each coverage row, in requirement order: nat_task, doc_id, req_id, text,
    status (met, partly or missing), evidence (the provincial task meeting it, or the document when
    the plan itself does; the best task when partly met) and evidence_title. Empty without the
    requirements table."""
    columns = ["nat_task", "doc_id", "req_id", "text", "status", "evidence", "evidence_title"]
    if "requirements" not in t or "coverage" not in t:
        return pd.DataFrame(columns=columns)
    rows = [(r.nat_task, r.doc_id, *item.partition(": ")[::2], status)
            for r in t["coverage"].itertuples()
            for status, cell in (("met", r.met_requirements), ("partly", r.partly_met_requirements),
                                 ("missing", r.missing_requirements))
            for item in tables.split_list(cell)]
    df = pd.DataFrame(rows, columns=["nat_task", "doc_id", "req_id", "evidence", "status"])
    reqs = t["requirements"].reset_index(drop=True)
    titles = pd.concat([t["tasks"].set_index("task_id")["title"], t["documents"].set_index("doc_id")["title"]])
    df = df.assign(text=df["req_id"].map(reqs.set_index("req_id")["text"]).fillna(""),
                   evidence_title=df["evidence"].map(titles).fillna(""),
                   _order=df["req_id"].map(pd.Series(reqs.index, index=reqs["req_id"])))
    return df.sort_values(["_order", "doc_id"], kind="stable")[columns].reset_index(drop=True)


def requirement_groups(t: Tables) -> dict[tuple[str, str], list]:
    """:func:`requirement_status` rows (named tuples) of each coverage row (nat_task, doc_id), in that
    table's order (a loop over plain tuples: a pandas group per row costs a millisecond)."""
    groups: dict[tuple[str, str], list] = {}
    for r in requirement_status(t).itertuples(index=False):
        groups.setdefault((r.nat_task, r.doc_id), []).append(r)
    return groups


def requirement_summary(t: Tables) -> pd.DataFrame:
    """Per coverage row (nat_task, doc_id): ``requirements`` (met / total), ``met`` (each requirement met:
    its id, then the provincial task meeting it, or "plan" when the plan itself does) and ``missing``
    (the ids of those not met, partly met ones as "(partly) <id> ← <best task>"); the texts are in
    requirements.csv and the coverage chart's hover."""
    def item(r) -> str:
        shown = r.req_id if r.status == "missing" else f"{r.req_id} ← {'plan' if r.evidence == r.doc_id else r.evidence}"
        return f"(partly) {shown}" if r.status == "partly" else shown

    rows = [(nat, doc, f"{sum(r.status == 'met' for r in g)}/{len(g)}",
             tables.join_list(item(r) for r in g if r.status == "met"), tables.join_list(item(r) for r in g if r.status != "met"))
            for (nat, doc), g in requirement_groups(t).items()]
    return pd.DataFrame(rows, columns=["nat_task", "doc_id", "requirements", "met", "missing"])


def run_date(t: Tables) -> str:
    """The date charts and reports show (ISO): ``SOURCE_DATE_EPOCH`` when set (reproducible builds),
    else the newest modification time of the inputs (data/raw, data/annotations) when ``t`` was loaded
    from data/processed, else today; the same inputs give the same date, so the same files."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    folder = getattr(t, "folder", None)
    inputs = [p for sub in ("raw", "annotations") for p in (folder.parent / sub).rglob("*") if p.is_file()] if folder else []
    if not inputs:
        return datetime.date.today().isoformat()
    return datetime.date.fromtimestamp(max(p.stat().st_mtime for p in inputs)).isoformat()


def cache_dir(t: Tables) -> Path | None:
    """The project's token cache (data/cache, written by the pipeline) when ``t`` was loaded from data/processed."""
    folder = getattr(t, "folder", None)
    return folder.parent / "cache" if folder is not None and (folder.parent / "cache").is_dir() else None


def _unit(name: str) -> str:
    """A unit without its parenthesised departments: 省知识产权局(保护处) -> 省知识产权局."""
    return re.sub(r"[(（][^)）]*[)）]", "", name).strip()


def lead_units(t: Tables, province: str) -> pd.DataFrame:
    """Units carrying a place's tasks (:func:`places`): how many tasks each leads and shares, most first."""
    tasks = work_tasks(t)
    tasks = tasks[tasks["doc_id"].isin(place_docs(t, province))]
    count = lambda col: Counter(_unit(u) for cell in tasks[col] for u in tables.split_list(cell))  # noqa: E731
    out = pd.DataFrame({"lead": count("lead_units"), "responsible": count("responsible_units")}).fillna(0).astype(int)
    out.index.name = "unit"
    return out.assign(total=out.sum(axis=1)).sort_values(["total", "lead"], ascending=False).drop(columns="total")


@dataclass
class Profile:
    """What is particular to one place: a province's own plans, or a city's (see :func:`profile`)."""

    province: str
    documents: pd.DataFrame  # its documents
    themes: pd.DataFrame     # index theme id: share (the place), mean (all provinces' own plans), difference
    terms: pd.DataFrame      # distinctive terms: term, freq, freq_other, g2, weight (their order)
    targets: pd.DataFrame    # its quantitative targets (targets.csv rows, with the task title)
    units: pd.DataFrame      # index unit: tasks it leads, tasks it shares
    city: str = ""           # the city, for a city's profile (province: its province)


def profile(t: Tables, province: str) -> Profile:
    """Theme shares against the mean of all provinces' own plans, distinctive terms, targets and lead
    units of a place (:func:`profiled`: ``province``, or a city's full name)."""
    docs = t["documents"][t["documents"]["doc_id"].isin(place_docs(t, province))]
    shares = theme_matrix(t, cities=True).drop(index=NATIONAL, errors="ignore")
    mean = shares.loc[[p for p in places(t) if p in shares.index]].mean()  # provinces' own plans
    themes = pd.DataFrame({"share": shares.loc[province], "mean": mean})
    home, city = place_of(t, province)
    return Profile(home, docs, themes.assign(difference=themes["share"] - themes["mean"]),
                   distinctive_terms(t, province), place_targets(t, province), lead_units(t, province), city)


def distinctive_terms(t: Tables, place: str) -> pd.DataFrame:
    """A place's distinctive terms (its rows of distinctive_terms.csv, in their order): term, freq,
    freq_other, g2, weight."""
    rows = t["distinctive_terms"]
    return rows[rows["place"] == place].drop(columns="place").reset_index(drop=True)


def place_targets(t: Tables, place: str) -> pd.DataFrame:
    """The quantitative targets of a place's documents (:func:`place_docs`; targets.csv rows, with the task title)."""
    titles = t["tasks"].set_index("task_id")["title"]
    targets = t["targets"][t["targets"]["doc_id"].isin(place_docs(t, place))]
    return targets.assign(task_title=targets["task_id"].map(titles).fillna("")).reset_index(drop=True)


@dataclass
class Changes:
    """What changed in one document against its predecessor (see :func:`changes`)."""

    province: str
    doc_id: str
    predecessor_id: str
    tasks: pd.DataFrame    # its changes.csv rows, with the theme of each row's (first) task and a label
    targets: pd.DataFrame  # its target_changes.csv rows


def changed_provinces(t: Tables) -> list[str]:
    """Places (:func:`places`: provinces, 全国 for guidelines, cities) with a document that has a
    predecessor, in document order."""
    docs = t["documents"]
    return list(dict.fromkeys(place_keys(docs)[docs["doc_id"].isin(set(t["changes"]["doc_id"]))]))


def changes(t: Tables, province: str, doc_id: str = "") -> Changes:
    """The latest document of a place (``province``, or a city's full name) that has a predecessor
    (or ``doc_id``) against it."""
    docs = t["documents"]
    mine = docs[docs["doc_id"].isin(place_docs(t, province)) & docs["doc_id"].isin(set(t["changes"]["doc_id"]))]
    if doc_id:
        mine = mine[mine["doc_id"] == doc_id]
    if mine.empty:
        raise ValueError(f"{doc_id or province}: no document with a predecessor")
    doc = mine.assign(_y=pd.to_numeric(mine["first_year"])).sort_values("_y", kind="stable")["doc_id"].iloc[-1]
    rows = t["changes"][t["changes"]["doc_id"] == doc]
    first = rows["task_id"].where(rows["task_id"] != "", rows["predecessor_task_id"]).map(lambda s: tables.split_list(s)[0])
    theme = t["themes"].set_index("task_id")["theme"] if "themes" in t else pd.Series(dtype=str)
    title = rows["title"].where(rows["title"] != "", rows["predecessor_title"])
    rows = rows.assign(theme=first.map(theme).fillna(""), label=first + " " + title)
    return Changes(province, doc, rows["predecessor_id"].iloc[0], rows.reset_index(drop=True),
                   t["target_changes"][t["target_changes"]["doc_id"] == doc].reset_index(drop=True))


# -- how policy travels: reuse, diffusion, convergence, maps (issue 28) ---------------------------

REUSE_CLASSES = ("copied", "adapted", "local")


def reuse_by_place(t: Tables, cities: bool = True) -> pd.DataFrame:
    """Per place (:func:`places`, national documents left out): share of its work tasks copied,
    adapted and local, and the share of its characters reused from its guideline(s) and from its
    predecessor plans (character-weighted over its documents: reuse_by_document.csv)."""
    docs = t["reuse_by_document"].merge(t["documents"][["doc_id", "level"]], on="doc_id")
    frame = docs.assign(place=place_keys(docs))
    frame = frame.assign(g=frame["guideline_share"] * frame["chars"], p=frame["predecessor_share"] * frame["chars"])
    s = frame.groupby("place").sum(numeric_only=True)
    out = s[list(REUSE_CLASSES)].div(s["tasks"].clip(lower=1), axis=0)
    out["guideline_share"] = s["g"] / s["chars"].clip(lower=1)
    out["predecessor_share"] = s["p"] / s["chars"].clip(lower=1)
    return out.reindex([p for p in places(t, cities) if p in out.index])


def reuse_by_section(t: Tables, cities: bool = True) -> pd.DataFrame:
    """Place x top-level section of the guideline: share of the place's characters (its work tasks'
    content) reused from that section's tasks."""
    spans = t["reuse"][t["reuse"]["source"] == "guideline"]
    tasks = t["tasks"].set_index("task_id")
    section = spans["source_task"].map(tasks["section_titles"].map(lambda s: s.split(tables.PATH_SEP)[0]))
    spans = spans.assign(section=section.fillna(""), chars=spans["end"] - spans["start"])
    spans = spans.merge(t["documents"][["doc_id", "province", "city", "level"]], on="doc_id")
    spans = spans.assign(place=place_keys(spans))
    docs = t["reuse_by_document"].merge(t["documents"][["doc_id", "level"]], on="doc_id")
    total = docs.assign(place=place_keys(docs)).groupby("place")["chars"].sum()
    m = spans.pivot_table(index="place", columns="section", values="chars", aggfunc="sum", fill_value=0)
    sections = list(dict.fromkeys(tasks.loc[tasks.index.isin(spans["source_task"]), "section_titles"]
                                  .map(lambda s: s.split(tables.PATH_SEP)[0])))
    keys = [p for p in places(t, cities) if p in total.index]
    return m.reindex(index=keys, columns=sections, fill_value=0).div(total.reindex(keys).clip(lower=1), axis=0)


def reuse_marked(t: Tables) -> pd.DataFrame:
    """The guideline spans of reuse.csv, longest first, each with its task's content with the span
    marked 【】 (``marked``)."""
    spans = t["reuse"][t["reuse"]["source"] == "guideline"] if "reuse" in t else tables.empty("reuse")
    content = t["tasks"].set_index("task_id")["content"]
    spans = spans.assign(length=spans["end"] - spans["start"]).sort_values(
        ["length", "task_id", "start"], ascending=[False, True, True], kind="stable")
    marked = [f"{c[:a]}【{c[a:b]}】{c[b:]}" for c, a, b in zip(spans["task_id"].map(content), spans["start"], spans["end"])]
    return spans.assign(marked=marked).drop(columns="length").reset_index(drop=True)


@cache
def tiles() -> pd.DataFrame:
    """The tile grid of China (``data/tiles.csv``): each of the 34 provincial-level divisions as one
    equal tile (col from west, row from north) in its approximate place; index province, name_en."""
    from importlib import resources

    with (resources.files("ipcompare") / "data" / "tiles.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"province": str, "name_en": str}).set_index("province")


MAP_MEASURES = ("coverage", "reuse")  # measures Corpus.map and the report name (else: a theme id, or values)


def map_measure(t: Tables, measure: str) -> pd.Series:
    """A province-level measure by province (provinces' own plans; NaN where it has none):
    ``coverage``: share of the required (必做) national tasks of its latest guideline it covers
    (coverage_by_province.csv, the tasks gaps.csv is made of); ``reuse``: share of its plans'
    characters reused from the guideline (reuse_by_document.csv); a theme id: its share of the
    province's tasks (theme_by_province.csv)."""
    if measure == "coverage":
        rows = t["coverage_by_province"]
        year = rows["ref_doc"].map(t["documents"].set_index("doc_id")["first_year"]).astype(int)
        rows = rows[(year == year.groupby(rows["province"]).transform("max")) & (rows["duty_level"] == REQUIRED)]
        return (rows["verdict"] == "covered").groupby(rows["province"]).mean()
    if measure == "reuse":
        by = reuse_by_place(t, cities=False)["guideline_share"]
        return by.drop(index=NATIONAL, errors="ignore")
    if measure in theme_names():
        return theme_matrix(t).drop(index=NATIONAL, errors="ignore")[measure]
    raise KeyError(f"unknown measure {measure!r}: one of {', '.join(MAP_MEASURES)} or a theme id ({', '.join(theme_names())})")


def adoption(t: Tables, item: str) -> pd.DataFrame:
    """adoption.csv rows of ``item``: a national task id (from the table), else a phrase, searched
    in each province's plans (:func:`ipcompare.analysis.diffusion.phrase_adoption`)."""
    from ..analysis.diffusion import phrase_adoption

    table = t["adoption"] if "adoption" in t else tables.empty("adoption")
    if item in set(table["item"]):
        return table[table["item"] == item].reset_index(drop=True)
    return phrase_adoption(t["documents"], t["texts"], item)


def adoption_curve(rows: pd.DataFrame) -> pd.DataFrame:
    """Year x item: share of the provinces observed for an item (adoption.csv rows) that have taken
    it up by that year (cumulative), from the first year observed to the last."""
    if rows.empty:
        return pd.DataFrame()
    years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
    first = rows.groupby(["item", "province"], sort=False)["adoption_year"].first()
    n = first.groupby(level=0, sort=False).size()
    taken = {item: [float((first[item].dropna() <= y).sum() / n[item]) for y in years] for item in n.index}
    return pd.DataFrame(taken, index=pd.Index(years, name="year"))


def adoption_strip(rows: pd.DataFrame) -> pd.DataFrame:
    """Province x year: share of the items (adoption.csv rows) the province has taken up by that year
    (for one item: 1 from its adoption year on, 0 before); NaN outside the years it is observed (before
    its first plan, after its last row)."""
    if rows.empty:
        return pd.DataFrame()
    years = list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))
    first = rows.groupby(["province", "item"], sort=False)["adoption_year"].first().reset_index()
    start, end = rows.groupby("province", sort=False)["year"].min(), rows.groupby("province", sort=False)["year"].max()
    n_items = rows["item"].nunique()
    out = pd.DataFrame({y: first.assign(d=first["adoption_year"] <= y).groupby("province", sort=False)["d"].sum() / n_items
                        for y in years})
    return out.astype(float).where(pd.DataFrame({y: (start <= y) & (y <= end) for y in years}))


def similarity_matrix(t: Tables, basis: str = "text", scope: str = "latest") -> pd.DataFrame:
    """Province x province similarity (similarity.csv, ``basis`` themes or text, ``scope`` latest or a
    year), 1 on the diagonal, in the leaf order of an average-linkage clustering (similar provinces
    side by side; optimal leaf ordering)."""
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    rows = t["similarity"][t["similarity"]["scope"] == scope]
    names = sorted(set(rows["province_a"]) | set(rows["province_b"]))
    m = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for a, b, v in zip(rows["province_a"], rows["province_b"], rows[basis]):
        m.loc[a, b] = m.loc[b, a] = v
    if len(names) > 2:
        distance = squareform((1 - m.to_numpy()).clip(0), checks=False)
        tree = linkage(distance, "average")
        order = leaves_list(optimal_leaf_ordering(tree, distance))
        m = m.iloc[order, order]
    return m


def convergence(t: Tables) -> pd.DataFrame:
    """Year x basis (themes, text): mean similarity of the provinces' plans of that year (years with
    plans of two provinces or more), and the number of pairs."""
    rows = t["similarity"][t["similarity"]["scope"] != "latest"]
    out = rows.groupby("scope")[["themes", "text"]].mean().assign(pairs=rows.groupby("scope").size())
    return out.set_axis(out.index.astype(int)).rename_axis("year")
