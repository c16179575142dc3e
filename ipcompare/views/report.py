"""The report: every chart under ``figures/<lang>/`` (PNG, SVG, HTML) and ``index.html``.

``index.html`` (English) and ``index.zh.html`` (Chinese) summarise the corpus, the themes, the
coverage gaps of each province and the evidence tables. Each is one offline file: plotly.js is
embedded once, every chart is interactive, the page carries the subset of its font it needs, and
all document text is HTML-escaped: the pages are Jinja2 templates (``views/templates/``) with
autoescape on. The chart pages share ``figures/plotly.min.js`` and the ``font.woff2`` beside them.

In a corpus of more than :data:`STATIC_PLACES` places, the per-place charts (:data:`PER_PLACE`:
profiles, what changed) are drawn interactive only (no matplotlib at all: their PNG and SVG are
most of the charts' time, and a new plan changes every profile); :func:`static_figures` (the
``figures`` command) draws a place's on demand, into the same cache, where later runs find them.
"""
from __future__ import annotations

import base64
import html
import io
import pickle
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple

import jinja2
import pandas as pd
from markupsafe import Markup
from tqdm import tqdm

from .. import codebook, tables, workers
from ..cache import Store, code_version, content_key, digest, value_key
from ..errors import InputError
from . import charts, frames, webfont, word
from . import methods
from .frames import Tables, place_name, province_name, theme_names

LANGS = ("zh", "en")
VIEW_DATA = ("themes.md", "instruments.md", "indicators.md", "divisions.csv", "tiles.csv")  # package data the charts and pages name
INDEX = {"en": "index.html", "zh": "index.zh.html"}
WORD = {"en": "report.en.docx", "zh": "report.zh.docx"}
PER_PLACE = tuple(name for name, chart in charts.DECLARED.items() if chart.per_place)  # drawn once per place
STATIC_PLACES = 12  # beyond this many places, a run draws per-place charts interactive only (`figures`: the rest)
ASKED = Path("figures") / "places.txt"  # under reports/: the places `figures` drew (a run keeps them drawn)
HEAVY = ("coverage", "targets_compared")  # the slowest charts: sent to the workers first
TEXT = {
    "en": {
        "title": "IP policy plans compared", "other": "中文版", "made": "Made by ipcompare on {date}.",
        "corpus": "Corpus", "themes": "Themes", "instruments": "Policy instruments",
        "coverage": "Coverage of the national guideline",
        "provinces": "Provinces", "evidence": "Evidence",
        "corpus_intro": "{n_docs} documents, {n_tasks} tasks, {n_targets} quantitative targets.",
        "themes_intro": "Each task has one primary theme ({codebook}); shares are of each document's tasks.",
        "instruments_intro": "Each task is coded by the policy instrument it uses (data/instruments.md: Rothwell "
                             "and Zegveld's supply-side, environmental and demand-side tools) and by the field of "
                             "the IP chain its theme belongs to; shares are of each province's tasks. Every task's code, "
                             "with the words that decided it: data/processed/instruments.csv.",
        "instrument_shares": "Instrument types per province (share of its tasks)",
        "coverage_intro": "Verdicts on each national task-list item, per provincial document and per province "
                          "(best over its documents). Documents issued before the guideline are marked.",
        "gaps": "Gaps of {province}", "no_gaps": "No gaps.", "local": "Local initiatives (no national counterpart)",
        "targets": "Quantitative targets", "no_targets": "No quantitative targets.",
        "evidence_intro": "Every verdict with the provincial tasks it rests on (open to read).",
        "files": "files", "themes_table": "Themes", "explore": "Targets compared and keywords",
        "explore_intro": "Each quantitative target read as an indicator (data/indicators.md), in its base unit: a "
                         "province's latest document with such a target, and the national document's figure. "
                         "Below, the words that occur together in tasks (nodes.csv and edges.csv open in Gephi).",
        "indicator_columns": ["indicator", "kind", "province", "value", "unit", "bound", "year", "document", "task",
                              "as printed", "national"],
        "doc_columns": ["doc_id", "province", "years", "title", "issuer", "issue date", "document number", "tasks"],
        "changes": "What changed",
        "changes_intro": "Each plan against its predecessor (the latest earlier plan of the same province, level "
                         "and series): tasks continued, revised (merges and splits list every id), new and "
                         "dropped, and the targets that moved.",
        "changes_of": "{province}: {doc} against {predecessor}", "changes_count": "{counts}.",
        "moved": "Targets that moved", "no_moved": "No target moved.", "no_changes": "No plan has a predecessor.",
        "change_names": {"continued": "continued", "revised": "revised", "new": "new", "dropped": "dropped"},
        "travel": "How policy travels",
        "travel_intro": "Text reuse: the wording of the national guideline inside each provincial task, found by local "
                        "alignment on characters (reuse.csv: every span with its source task; reuse_tasks.csv: each "
                        "task copied, adapted or local). Below, the longest reused spans, marked 【】 in their task.",
        "reuse_spans": "Longest reused spans",
        "reuse_columns": ["task", "source task", "identity", "task text (reused wording in 【】)"],
    },
    "zh": {
        "title": "知识产权政策规划比较", "other": "English", "made": "ipcompare 生成于 {date}。",
        "corpus": "文件概况", "themes": "主题", "instruments": "政策工具", "coverage": "国家工作指引的覆盖情况",
        "provinces": "各省特点", "evidence": "证据",
        "corpus_intro": "共 {n_docs} 份文件、{n_tasks} 项任务、{n_targets} 个量化目标。",
        "themes_intro": "每项任务归入一个主要主题（{codebook}）；占比按各文件的任务数计算。",
        "instruments_intro": "每项任务按其所用的政策工具编码（data/instruments.md：Rothwell 与 Zegveld 的供给型、"
                             "环境型、需求型工具），并按其主题所属的知识产权链条环节归类；占比按各省的任务数计算。"
                             "每项任务的编码及其依据词见 data/processed/instruments.csv。",
        "instrument_shares": "各省政策工具类型（占其任务数的比例）",
        "coverage_intro": "国家任务清单逐项的覆盖判断：按省级文件，以及按省份（取其各文件中最好的判断）。"
                          "早于指引发布的文件已标明。",
        "gaps": "{province}的缺口", "no_gaps": "无缺口。", "local": "地方特色任务（无国家对应任务）",
        "targets": "量化目标", "no_targets": "无量化目标。",
        "evidence_intro": "每项判断及其依据的省级任务（点击展开）。",
        "files": "文件", "themes_table": "主题", "explore": "目标比较与关键词",
        "explore_intro": "每个量化目标归入一个指标（data/indicators.md），换算为基本单位：各省含该目标的最新文件，"
                         "以及全国文件的数值。下方为同现于任务中的关键词（nodes.csv、edges.csv 可用 Gephi 打开）。",
        "indicator_columns": ["指标", "类型", "省份", "数值", "单位", "界限", "年份", "文件", "任务", "原文", "全国"],
        "doc_columns": ["文件", "省份", "年份", "标题", "发文机关", "发文日期", "文号", "任务数"],
        "changes": "新计划的变化",
        "changes_intro": "各计划与其上一份计划（同一省份、层级和系列的上一份）相比：延续、修改（合并与拆分列出全部编号）、"
                         "新增和删除的任务，以及数值有变化的量化目标。",
        "changes_of": "{province}：{doc} 相对 {predecessor}", "changes_count": "{counts}。",
        "moved": "有变化的量化目标", "no_moved": "量化目标均无变化。", "no_changes": "没有计划有上一份计划。",
        "change_names": {"continued": "延续", "revised": "修改", "new": "新增", "dropped": "删除"},
        "travel": "政策的传播",
        "travel_intro": "文本复用：国家工作指引的原文在各省任务中的位置，以字符局部比对求得（reuse.csv：每一段复用文字及其出处任务；"
                        "reuse_tasks.csv：每项任务为照抄、改写或自拟）。下表为最长的复用段落，在任务原文中以【】标出。",
        "reuse_spans": "最长的复用段落",
        "reuse_columns": ["任务", "出处任务", "相同字符比例", "任务原文（复用文字在【】中）"],
    },
}
CHARTS_OF = {  # charts of each section of the index page
    "corpus": ["documents", "structure", "fields", "targets"],
    "themes": ["theme_shares", "theme_counts", "theme_terms", "task_map"],
    "instruments": ["instrument_matrix", "instrument_types"],
    "coverage": ["coverage", "gaps"],
    "explore": ["targets_compared", "network"],
    "travel": ["map_coverage", "reuse", "reuse_sections", "map_reuse", "adoption_curve", "adoption_strip", "similarity",
               "convergence"],
}
REUSE_SHOWN = 40  # spans listed in the report (all of them: reuse.csv)
CSS = webfont.FAMILY.join(["""body{font-family:""", ""","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
max-width:1200px;margin:auto;padding:1em 2em;color:#222}h1{margin-bottom:0}nav a{margin-right:1em}table{border-collapse:
collapse;font-size:13px;margin:.5em 0 1.5em}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f3f3f3}.files{font-size:12px;color:#666}details{margin:1em 0}summary{cursor:pointer}"""])


def chart_list(t: Tables) -> list[tuple[str, str, dict]]:
    """(file stem, chart name, options) of every chart the tables allow: each chart, and a profile per
    province and city (:func:`frames.profiled`) and what changed in each province whose latest plan has a predecessor."""
    stems = [(name, name, {}) for name in charts.CHARTS if name not in PER_PLACE]
    stems += [(f"profile_{frames.place_slug(t, p)}", "profile", {"province": p}) for p in frames.profiled(t)]
    if "changes" in t:
        stems += [(f"changes_{frames.place_slug(t, p)}", "changes", {"province": p}) for p in frames.changed_provinces(t)]
    return [s for s in stems if all(n in t and len(t[n]) for n in charts.DECLARED[s[1]].needs)]


def chart_places(t: Tables) -> dict[str, str]:
    """The places that have per-place charts (:data:`PER_PLACE`), in report order: place -> slug."""
    return {o["province"]: frames.place_slug(t, o["province"]) for _, name, o in chart_list(t) if name in PER_PLACE}


def resolve_places(t: Tables, names) -> list[str]:
    """The places named (their name, 湖北 or 贵阳市, or their file slug, hubei; ``all``: every place);
    an unknown one is an :class:`InputError` listing the known ones."""
    known = chart_places(t)
    if "all" in names:
        return list(known)
    by_slug = {slug: place for place, slug in known.items()}
    for name in names:
        if name not in known and name not in by_slug:
            listed = ", ".join(f"{p} ({s})" for p, s in known.items()) or "none"
            raise InputError(f"{name}: no such place with per-place charts; known: {listed}")
    return list(dict.fromkeys(by_slug.get(n, n) for n in names))


def static_places(t: Tables, asked=()) -> set[str]:
    """Places whose per-place charts a run draws in static form too: every place when the corpus has at
    most :data:`STATIC_PLACES`, else those ``asked`` (:func:`resolve_places`: an unknown one is an error either way)."""
    places, asked = chart_places(t), set(resolve_places(t, asked))
    return set(places) if len(places) <= STATIC_PLACES else asked


class Drawing(NamedTuple):
    """What the cache keeps of a chart: its PNG (256 colours) and SVG (None for an interactive-only
    job), the plotly div (its page is made of it), and the chart's title and source line (the Word
    reports' caption)."""
    png: bytes | None
    svg: bytes | None
    div: str
    title: str
    source: str


Job = tuple[str, str, str, dict, bool]  # lang, stem, chart name, options, static (PNG and SVG too)


def _slot(job: Job) -> str:
    """A job's cache slot: ``lang/stem``, and ``lang/stem/interactive`` for the interactive form alone."""
    return f"{job[0]}/{job[1]}" + ("" if job[4] else "/interactive")


def _weight(job: Job) -> tuple:
    """Sort key putting the heaviest jobs first (the workers end together): static before
    interactive-only, cross-province before per-place charts, :data:`HEAVY` first."""
    return not job[4], job[2] in PER_PLACE, job[2] not in HEAVY


def _paths(folder: Path, lang: str, stem: str) -> list[Path]:
    return [folder / "figures" / lang / f"{stem}.{ext}" for ext in ("png", "svg", "html")]


def _draw(t: Tables, folder: Path, job: Job) -> bytes:
    """Draw chart ``job`` in ``folder/figures/<lang>/``: its HTML, and when static its PNG and SVG
    (an interactive-only job draws nothing with matplotlib); return its :class:`Drawing`, pickled."""
    lang, stem, name, options, static = job
    paths = _paths(folder, lang, stem)
    interactive = charts.CHARTS[name](t, lang=lang, interactive=True, **options)
    paths[2].write_text(charts.html_page(div := charts.html_div(interactive), shared=True), encoding="utf-8")
    if not static:
        return pickle.dumps(Drawing(None, None, div, html.unescape(interactive.layout.title.text or ""), ""))
    fig = charts.CHARTS[name](t, lang=lang, **options)
    paths[0].write_bytes(png := word.compact_png(charts.pixels(fig)))  # no PNG of full colour written and read
    charts.save(fig, paths[1])
    return pickle.dumps(Drawing(png, paths[1].read_bytes(), div, *fig.caption))


def _write(folder: Path, lang: str, stem: str, d: Drawing) -> list[Path]:
    """Write a kept :class:`Drawing`'s files (its PNG and SVG only if it has them)."""
    paths = _paths(folder, lang, stem)
    paths[2].write_text(charts.html_page(d.div, shared=True), encoding="utf-8")
    if d.png is None:
        return paths[2:]
    paths[0].write_bytes(d.png)
    paths[1].write_bytes(d.svg)
    return paths


def table_keys_of(t: Tables, known: dict | None = None) -> dict[str, str]:
    """Each table's key: ``known[name]`` where given (the pipeline passes the digest of each written
    file), else its :func:`~ipcompare.cache.content_key`."""
    known = known or {}
    return {name: known.get(name) or content_key(t[name]) for name in t}


def file_keys(folder: Path) -> dict[str, str]:
    """The key of each table file in ``folder`` as the pipeline gives it (the digest of its bytes)."""
    return {path.stem: digest(path.read_bytes()) for path in Path(folder).glob("*.csv")}


def chart_inputs(t: Tables, jobs: list[Job], table_keys: dict[str, str]) -> dict[str, dict[str, str]]:
    """The inputs of each chart job by its slot (``lang/stem``, ``/interactive`` for the interactive form
    alone), each by name with its key: the charts' code, the day (the source line has the date), the
    job, and only what the chart declares (:data:`charts.DECLARED`): its tables, or for a per-place
    chart the rows and cross-place values it shows. ``table_keys``: each table's key (:func:`table_keys_of`)."""
    version = code_version(("views.report",), VIEW_DATA, ("matplotlib", "plotly", "pylopdf-fonts-zh-cn"))
    day, shown, out = frames.run_date(t), {}, {}
    for job in jobs:
        lang, stem, name, options, static = job
        chart = charts.DECLARED[name]
        if chart.per_place and stem not in shown:
            shown[stem] = {part: value_key(value) for part, value in chart.shows(t, **options).items()}
        parts = shown[stem] if chart.per_place else {n: table_keys.get(n, "absent") for n in chart.reads}
        out[_slot(job)] = {"code": version, "date": day, "job": repr((lang, stem, options, static)), **parts}
    return out


def _key(inputs: dict[str, str]) -> str:
    """A chart job's cache key: the digest of its :func:`chart_inputs`."""
    return digest(*(part for item in inputs.items() for part in item))


def _why(store: Store, inputs: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Why each chart slot of ``inputs`` is drawn: the inputs whose key changed since its last drawing
    (["new"]: never drawn with this cache; ["not kept"]: its drawing was lost)."""
    before = {slot: pickle.loads(value) for slot, value in store.get(inputs).items()}
    return {slot: ([n for n, key in now.items() if before[slot].get(n) != key] or ["not kept"]) if slot in before
            else ["new"] for slot, now in inputs.items()}


def draw_jobs(t: Tables, folder: Path, jobs: list[Job], progress: bool = False, cache_dir: Path | None = None,
              table_keys: dict | None = None) -> tuple[dict[tuple[str, str], Drawing], dict[str, list[str]]]:
    """Each job's :class:`Drawing` by (lang, stem), its files written under ``folder/figures/<lang>/``,
    and the slots of those drawn (not in the cache) with why (:func:`_why`: the declared inputs that changed).

    With a ``cache_dir``, a job whose :func:`_key` key is that of its last drawing there is
    written from it, not drawn again; an interactive-only job takes the static drawing of the same
    chart when there is one (a ``figures`` call made it). The rest is drawn by worker processes
    (:mod:`ipcompare.workers`), heaviest first (:func:`_weight`).
    """
    twins = [(*j[:4], True) for j in jobs if not j[4]]  # an interactive job's static form
    inputs = chart_inputs(t, jobs + twins, table_keys_of(t, table_keys))
    keys = {slot: _key(i) for slot, i in inputs.items()}
    store, kept_inputs = Store(cache_dir, "charts"), Store(cache_dir, "chart-inputs")
    kept = store.recall(keys)
    found = {s: kept.get(s.removesuffix("/interactive")) or kept.get(s) for s in map(_slot, jobs)}
    for lang in LANGS:
        (folder / "figures" / lang).mkdir(parents=True, exist_ok=True)
    if any(j[4] for j in jobs if not found[_slot(j)]):
        charts.use_cjk_font()  # here, not once in each worker
    todo = sorted((j for j in jobs if not found[_slot(j)]), key=_weight)
    why = _why(kept_inputs, {_slot(j): inputs[_slot(j)] for j in todo})
    made = workers.imap(partial(_draw, t, folder), todo, min_items=4)
    made = dict(zip(map(_slot, todo), tqdm(made, desc="charts", unit="chart", total=len(todo), disable=not progress)))
    store.keep({slot: (keys[slot], value) for slot, value in made.items()})
    kept_inputs.put({slot: pickle.dumps(inputs[slot]) for slot in made})
    out = {}
    for job in jobs:  # in the jobs' order
        d = out[job[0], job[1]] = pickle.loads(found[_slot(job)] or made[_slot(job)])
        if found[_slot(job)]:
            _write(folder, job[0], job[1], d)
    return out, why


def write_figures(t: Tables, folder: Path, progress: bool = False, cache_dir: Path | None = None,
                  table_keys: dict | None = None, figures=(), redrawn: dict | None = None
                  ) -> tuple[list[Path], dict[tuple[str, str], Drawing]]:
    """Every chart in both languages under ``folder/figures/<lang>/``: its HTML, and its PNG and SVG
    unless it is a per-place chart of a place outside :func:`static_places` (``figures``: places
    asked for; the ``figures`` command draws the others on demand, :func:`static_figures`).

    Returns the files written and each chart's :class:`Drawing` by (lang, stem), for the index pages
    and the Word reports (:func:`draw_jobs`: the cache and the workers).
    """
    static = static_places(t, figures)
    jobs = [(lang, stem, name, options, name not in PER_PLACE or options["province"] in static)
            for lang in LANGS for stem, name, options in chart_list(t)]
    made, why = draw_jobs(t, folder, jobs, progress, cache_dir, table_keys)
    if redrawn is not None:
        redrawn.update(why)
    files = [p for (lang, stem), d in made.items() for p in _paths(folder, lang, stem)[0 if d.png else 2:]]
    return files, made


def static_figures(t: Tables, folder: Path, places, cache_dir: Path | None = None,
                   table_keys: dict | None = None, progress: bool = False) -> tuple[list[Path], int]:
    """The PNG and SVG (and HTML) of the per-place charts of ``places`` (:func:`resolve_places`) in both
    languages under ``folder/figures/<lang>/``, from the cache where they were drawn before, and the
    places added to the :data:`ASKED` list (:func:`places_asked`); returns the files written and how
    many charts were drawn (not from the cache)."""
    names = resolve_places(t, places)
    jobs = [(lang, stem, name, options, True) for lang in LANGS for stem, name, options in chart_list(t)
            if name in PER_PLACE and options["province"] in names]
    _, why = draw_jobs(t, folder, jobs, progress, cache_dir, table_keys)
    asked = _asked(folder) + (["all"] if "all" in places else names)
    (folder / ASKED).write_text("\n".join(dict.fromkeys(asked)) + "\n", encoding="utf-8")
    return [p for j in jobs for p in _paths(folder, j[0], j[1])], len(why)


def places_asked(t: Tables, folder: Path) -> list[str]:
    """The places :func:`static_figures` drew under ``folder`` (its :data:`ASKED` list; ``all`` for
    every place) that still have per-place charts: a run draws their static charts again with its
    tables, so a chart once asked for stays up to date."""
    known = chart_places(t)
    return [name for name in _asked(folder) if name == "all" or name in known]


def _asked(folder: Path) -> list[str]:
    """The :data:`ASKED` list under ``folder``, as written."""
    return (folder / ASKED).read_text("utf-8").split() if (folder / ASKED).exists() else []


def remove_stale(folder: Path, written) -> list[Path]:
    """Remove the PNG and SVG under ``folder/figures/`` of the charts whose HTML is among the files
    ``written`` but not they (interactive only this run: the static files were of older tables)."""
    written = set(map(Path, written))
    stale = [p.with_suffix(ext) for p in written if p.suffix == ".html" and p.parent.parent == folder / "figures"
             for ext in (".png", ".svg") if p.with_suffix(ext) not in written and p.with_suffix(ext).exists()]
    for path in stale:
        path.unlink()
    return stale


# ---------------------------------------------------------------- the index pages (Jinja2 templates)
# A section of the page is a partial, templates/sections/<id>.html.j2, and the function giving its
# context (listed in PAGE_SECTIONS, in page order; its heading is TEXT[lang][id]). Everything a
# template prints is escaped unless marked safe (chart divs): autoescape is on.

def _cell(value) -> str:
    """A table cell's text: empty for a missing value, floats to 4 significant digits."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


@cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["cell"] = _cell
    return env


def _charts(divs: dict, lang: str, stems) -> list[dict]:
    """The drawn charts among ``stems``: their stem and interactive div (plotly's own markup, not escaped)."""
    return [{"stem": s, "div": Markup(divs[lang, s])} for s in stems if (lang, s) in divs]


def _documents(t: Tables, lang: str) -> pd.DataFrame:
    docs = t["documents"]
    return pd.DataFrame(dict(zip(TEXT[lang]["doc_columns"], [
        docs["doc_id"], [place_name(p, c, lang) for p, c in zip(docs["province"], docs["city"])],
        docs["first_year"].astype(str) + "-" + docs["last_year"].astype(str), docs["title"], docs["issuer"],
        docs["issue_date"], docs["doc_number"], docs["n_tasks"]])))


def _gaps(t: Tables, province: str) -> pd.DataFrame:
    gaps = t["gaps"][t["gaps"]["province"] == province]
    titles = t["tasks"].set_index("task_id")["title"]
    evidence = gaps["evidence_ids"].map(lambda ids: tables.join_list(f"{i} {titles.get(i, '')}" for i in tables.split_list(ids)))
    return gaps[["rank", "nat_task", "nat_title", "duty", "verdict", "doc_verdicts"]].assign(evidence=evidence)


def corpus_section(t: Tables, lang: str, divs: dict) -> dict:
    docs = t["documents"]
    return {"n_docs": len(docs), "n_tasks": int(docs["n_tasks"].sum()), "n_targets": len(t["targets"]),
            "documents": _documents(t, lang), "charts": _charts(divs, lang, CHARTS_OF["corpus"])}


def themes_section(t: Tables, lang: str, divs: dict) -> dict:
    """The themes' charts, and the codebook they come from (the package's data/themes.md, or the study's
    data/codebook files)."""
    files = codebook.study_files()
    return {"charts": _charts(divs, lang, CHARTS_OF["themes"]),
            "codebook": f"data/codebook: {', '.join(files)}" if files else "data/themes.md"}


def instruments_section(t: Tables, lang: str, divs: dict) -> dict:
    shares = None
    if "instrument_by_province" in t and len(t["instrument_by_province"]):
        shares = frames.instrument_types(t, "share", cities=True).round(3)
        shares = shares.rename(columns=frames.instrument_names(lang)).rename_axis(None, axis=1)
        shares.insert(0, TEXT[lang]["doc_columns"][1], [province_name(p, lang) for p in shares.index])
    return {"charts": _charts(divs, lang, CHARTS_OF["instruments"]), "shares": shares}


def coverage_section(t: Tables, lang: str, divs: dict) -> dict:
    gaps = [(TEXT[lang]["gaps"].format(province=province_name(p, lang)), _gaps(t, p)) for p in frames.provinces(t)
            if "gaps" in t]
    local = None
    if "local_initiatives" in t and len(t["local_initiatives"]):
        local = t["local_initiatives"][["task_id", "province", "title", "theme", "nearest_nat", "nearest_score"]]
        local = local.assign(theme=local["theme"].map(theme_names(lang)).fillna(local["theme"]))
    return {"charts": _charts(divs, lang, CHARTS_OF["coverage"]), "gaps": gaps, "local": local}


def provinces_section(t: Tables, lang: str, divs: dict) -> dict:
    provinces = []
    for p in frames.profiled(t):  # a province's own plans, then each of its cities
        targets = frames.place_targets(t, p)[["doc_id", "task_id", "task_title", "text", "number", "unit", "counts"]]
        place = frames.place_of(t, p)
        provinces.append({"name": place_name(*place, lang), "targets": targets,
                          "charts": _charts(divs, lang, [f"profile_{frames.place_slug(t, p)}"])})
    return {"provinces": provinces}


def changes_section(t: Tables, lang: str, divs: dict) -> dict:
    plans = []
    for p in frames.changed_provinces(t) if "changes" in t else []:
        ch = frames.changes(t, p)
        counts = ch.tasks["change"].value_counts()
        tasks = ch.tasks[ch.tasks["change"] != "continued"][[
            "task_id", "predecessor_task_id", "change", "relation", "similarity", "nearest", "title",
            "predecessor_title", "terms_added", "terms_removed", "duty_before", "duty_after"]]
        moved = ch.targets[~ch.targets["direction"].isin(["unchanged"])][[
            "counts", "before", "after", "unit", "direction", "task_id", "predecessor_task_id"]]
        plans.append({"heading": TEXT[lang]["changes_of"].format(province=province_name(p, lang), doc=ch.doc_id,
                                                                 predecessor=ch.predecessor_id),
                      "counts": ", ".join(f"{name} {counts.get(k, 0)}" for k, name in TEXT[lang]["change_names"].items()),
                      "tasks": tasks.loc[:, (tasks != "").any()], "moved": moved,
                      "charts": _charts(divs, lang, [f"changes_{frames.place_slug(t, p)}"])})
    return {"plans": plans}


def _whole(value) -> str:
    """A target's value in full (32,000,000,000, 15.5); empty when missing."""
    return "" if pd.isna(value) else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def explore_section(t: Tables, lang: str, divs: dict) -> dict:
    by = t["targets_by_indicator"] if "targets_by_indicator" in t else tables.empty("targets_by_indicator")
    frame = pd.DataFrame(dict(zip(TEXT[lang]["indicator_columns"], [
        by["indicator_en" if lang == "en" else "indicator_zh"], by["kind"], [province_name(p, lang) for p in by["province"]],
        by["value"].map(_whole), by["base_unit"], by["bound"], by["year"], by["doc_id"], by["task_id"], by["text"],
        by["national_value"].map(_whole)])))
    return {"targets": frame, "charts": _charts(divs, lang, CHARTS_OF["explore"])}


def evidence_section(t: Tables, lang: str, divs: dict) -> dict:
    tables_ = []
    if "coverage" in t:
        cov = t["coverage"][["nat_task", "nat_title", "doc_id", "duty_level", "verdict", "score", "evidence_ids",
                             "evidence_titles", "evidence_scores", "matched_terms", "missing_terms", "source", "note"]]
        if "requirements" in t:  # each requirement met (with the provincial task) or missing
            cov = cov.merge(frames.requirement_summary(t), on=["nat_task", "doc_id"], how="left").fillna("")
        tables_.append((TEXT[lang]["coverage"], cov))
    if "themes" in t:
        th = t["themes"][["task_id", "province", "theme", "confidence", "secondary", "evidence", "source"]]
        tables_.append((TEXT[lang]["themes_table"], th.assign(theme=th["theme"].map(theme_names(lang)).fillna(th["theme"]))))
    return {"tables": tables_}


def travel_section(t: Tables, lang: str, divs: dict) -> dict:
    """How policy travels: the reuse charts and the longest reused spans, marked in their task's text."""
    spans = frames.reuse_marked(t).head(REUSE_SHOWN)
    frame = pd.DataFrame(dict(zip(TEXT[lang]["reuse_columns"], [
        spans["task_id"], spans["source_task"], spans["identity"].map("{:.0%}".format), spans["marked"]])))
    return {"charts": _charts(divs, lang, CHARTS_OF["travel"]), "reuse_spans": frame}


PAGE_SECTIONS = {"corpus": corpus_section, "themes": themes_section, "instruments": instruments_section,
                 "coverage": coverage_section, "provinces": provinces_section, "changes": changes_section,
                 "explore": explore_section, "travel": travel_section, "evidence": evidence_section}


# The "Method and validation" section (ipcompare.views.methods): its texts and context.
for _lang in LANGS:
    TEXT[_lang] |= methods.TEXT[_lang]
PAGE_SECTIONS["validation"] = methods.validation_section
VIEW_DATA += ("calibration_labels.csv",)  # the calibration's figures the section quotes


def page_sections(t: Tables, lang: str, divs: dict) -> list[dict]:
    """The contexts of the page's sections, in page order (each with its ``id``)."""
    return [{"id": name, **make(t, lang, divs)} for name, make in PAGE_SECTIONS.items()]


def index_pages(t: Tables, divs: dict, cache_dir: Path | None = None, langs=LANGS,
                sections: dict | None = None) -> dict[str, str]:
    """The self-contained report page of each language, from templates/page.html.j2: plotly.js
    embedded once, and one subset of the bundled font with the characters the pages show (:mod:`.webfont`).
    ``sections``: the :func:`page_sections` of each language, if made already."""
    template = _templates().get_template("page.html.j2")
    sections = sections or {lang: page_sections(t, lang, divs) for lang in langs}
    renders = {lang: partial(template.render, lang=lang, X=TEXT[lang], sections=sections[lang],
                             date=frames.run_date(t), other_page=INDEX["zh" if lang == "en" else "en"])
               for lang in langs}
    chars = "".join(webfont.characters(render(css="", plotly_js="")) for render in renders.values())
    face = webfont.font_face(webfont.subset(chars, cache_dir))
    return {lang: render(css=Markup(face + CSS), plotly_js=Markup(charts.plotly_js())) for lang, render in renders.items()}


def index_page(t: Tables, divs: dict, lang: str, cache_dir: Path | None = None) -> str:
    """The report page in ``lang`` alone (:func:`index_pages`)."""
    return index_pages(t, divs, cache_dir, (lang,))[lang]


def font_file(page: str) -> bytes:
    """The font subset a page from :func:`index_page` embeds."""
    start = page.index("data:font/woff2;base64,") + len("data:font/woff2;base64,")
    return base64.b64decode(page[start:page.index(")", start)])


def _made_from(t: Tables, drawings: dict, table_keys: dict[str, str]) -> dict[str, str]:
    """Per language, the digest of what its Word report and index page are made of: the code and
    templates, the day, the tables and the charts (the pages' sections are made of them)."""
    templates = sorted((Path(__file__).parent / "templates").rglob("*.j2"))
    version = code_version(("views.report",), VIEW_DATA, ("python-docx", "jinja2", "fonttools"))
    made = digest(version, frames.run_date(t), *(p.read_bytes() for p in templates),
                  *(part for name in sorted(t) for part in (name, table_keys[name])))
    return {lang: digest(made, lang, value_key([d for (lng, _), d in sorted(drawings.items()) if lng == lang]))
            for lang in LANGS}


def write(t: Tables, folder: Path, progress: bool = False, cache_dir: Path | None = None,
          table_keys: dict | None = None, figures=(), redrawn: dict | None = None) -> list[Path]:
    """Write the figures, the Word reports, the index pages and what the chart pages share
    (``figures/plotly.min.js``, each language's ``font.woff2``) under ``folder``; return the files
    written. With a ``cache_dir``, Word reports and index pages made of the same tables and charts as
    last time are taken from there (``table_keys``: :func:`table_keys_of`). Their PDFs: :func:`word.pdfs_later` (the pipeline starts it once
    the reports are in place). ``figures``: places whose per-place charts get their PNG and SVG
    however many places there are (:func:`write_figures`); ``redrawn`` gets the charts drawn (not from
    the cache), each with the declared inputs that changed (``lang/stem`` -> names)."""
    table_keys = table_keys_of(t, table_keys)  # once, for the charts and the pages
    files, drawings = write_figures(t, folder, progress, cache_dir, table_keys, figures, redrawn)
    divs = {key: d.div for key, d in drawings.items()}
    sections = cache(lambda lang: page_sections(t, lang, divs))  # made only for what is not in the cache
    made_from = _made_from(t, drawings, table_keys)

    def docx(lang: str) -> bytes:
        out = io.BytesIO()
        word.document(sections(lang), TEXT[lang], drawings, lang, frames.run_date(t)).save(out)
        return word.fixed_zip(out.getvalue())

    made = Store(cache_dir, "word").reuse(made_from, lambda langs: {lang: docx(lang) for lang in langs})
    for lang in LANGS:
        (path := folder / WORD[lang]).write_bytes(made[lang])
        files.append(path)
    (js := folder / "figures" / "plotly.min.js").write_text(charts.plotly_js(), encoding="utf-8")
    files.append(js)
    pages = Store(cache_dir, "pages").reuse({"pages": digest(*made_from.values())}, lambda _: {
        "pages": index_pages(t, divs, cache_dir, sections={lang: sections(lang) for lang in LANGS})})
    for lang, page in pages["pages"].items():
        (path := folder / INDEX[lang]).write_text(page, encoding="utf-8")
        (font := folder / "figures" / lang / "font.woff2").write_bytes(font_file(page))
        files += [path, font]
    return files
