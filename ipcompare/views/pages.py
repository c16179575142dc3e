"""The report's pages: their bilingual text (:data:`TEXT`), the sections of the index pages (Jinja2
templates under ``views/templates/``, autoescape on) and what the Word reports and pages are made of.
"""
from __future__ import annotations

import base64
from functools import cache, partial
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from .. import codebook, tables
from ..cache import code_version, digest, value_key
from . import charts, frames, webfont
from . import methods
from .frames import Tables, place_name, province_name, theme_names
from .figures import LANGS, VIEW_DATA

INDEX = {"en": "index.html", "zh": "index.zh.html"}
WORD = {"en": "report.en.docx", "zh": "report.zh.docx"}
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
    version = code_version(("views.pages",), VIEW_DATA, ("python-docx", "jinja2", "fonttools"))
    made = digest(version, frames.run_date(t), *(p.read_bytes() for p in templates),
                  *(part for name in sorted(t) for part in (name, table_keys[name])))
    return {lang: digest(made, lang, value_key([d for (lng, _), d in sorted(drawings.items()) if lng == lang]))
            for lang in LANGS}
