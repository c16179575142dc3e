"""Every table the pipeline writes: its columns, documented in one place, validated when written.

Conventions for all tables:

* CSV, UTF-8 with BOM (Excel opens Chinese correctly), ``\\n`` line ends, rows in a fixed order.
* List fields hold their items joined by ``"; "`` (see :func:`join_list` / :func:`split_list`).
* Outline paths join their levels with ``" > "``.
* Empty text is an empty cell, never ``nan``.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import publish
from .errors import InputError

LIST_SEP = "; "
PATH_SEP = " > "


def join_list(items) -> str:
    """Join list items in the documented list form, dropping blanks and repeats (order kept)."""
    return LIST_SEP.join(dict.fromkeys(s for s in (str(i).strip() for i in items) if s))


def split_list(cell) -> list[str]:
    """Inverse of :func:`join_list`."""
    if cell is None or pd.isna(cell) or not str(cell).strip():
        return []
    return [part.strip() for part in str(cell).split(LIST_SEP.strip()) if part.strip()]


def split(df: pd.DataFrame, column: str, names) -> dict[str, dict[str, list]]:
    """The rows of ``df`` whose ``column`` is each of ``names``, each part as plain lists by column
    (quick to pickle and to put together again with :func:`join`)."""
    rows, lists = df.groupby(column, sort=False).indices, df.to_dict("list")  # the whole table boxed at once
    none = np.zeros(0, int)
    return {n: {c: [v[i] for i in rows.get(n, none).tolist()] for c, v in lists.items()} for n in names}


def join(parts, columns: list[str]) -> pd.DataFrame:
    """One table of the ``parts`` made by :func:`split`, one after the other (text columns when empty)."""
    parts = list(parts)
    if not any(p[columns[0]] for p in parts):
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    return pd.DataFrame({c: [v for p in parts for v in p[c]] for c in columns})


def _text(doc: str, **kw) -> pa.Column:
    return pa.Column(str, description=doc, **kw)


def _int(doc: str, nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", description=doc, nullable=nullable, coerce=True)


def _float(doc: str, nullable: bool = False) -> pa.Column:
    return pa.Column(float, description=doc, nullable=nullable, coerce=True)


def _bool(doc: str) -> pa.Column:
    return pa.Column(bool, description=doc, coerce=True)


# The unit of the per-place tables (theme_by_province, instrument_by_province): a place is a
# province's own plans (provincial; 全国: the national ones) or one city's plans (municipal), never both.
PLACE_CITY = ("Empty: the province's own plans; a city's full name (贵阳市): that city's plans, which are "
              "not counted in its province's rows")
# Calibrated confidence of an automatic decision and the review flag (ipcompare.analysis.calibration).
CALIBRATED = ("Estimated probability, 0-1, that the automatic decision is right (logistic calibration of its "
              "margins on the bundled hand labels; 1 for manual decisions and preamble items)")
REVIEW = "True when p_correct is below the kind's review cut: a person should check this decision"


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "documents": pa.DataFrameSchema(
        {
            "doc_id": _text("Stable document id from the manifest (e.g. GZ2025)", unique=True),
            "file": _text("Path of the source file relative to data/raw/"),
            "level": _text("national, provincial or municipal (a city, prefecture 州/盟 or district)",
                           checks=pa.Check.isin(["national", "provincial", "municipal"])),
            "province": _text("Province short name (贵州, 湖北 ...); 全国 for national documents; a city's province"),
            "city": _text("Municipal documents: the city's full name (武汉市, 黔东南苗族侗族自治州; "
                          "ipcompare/data/divisions.csv); empty otherwise"),
            "first_year": _int("First year the document covers"),
            "last_year": _int("Last year the document covers"),
            "title": _text("Title of the plan itself (not of the covering notice)"),
            "issuer": _text("Issuing body"),
            "issue_date": _text("Issue date YYYY-MM-DD (发文日期/生成日期, else the date signed)"),
            "doc_number": _text("Document number 文号, e.g. 鄂知发〔2025〕2号"),
            "source": _text("Where the file came from"),
            "series": _text("Series (manifest, else the title without years, place names and punctuation): a "
                            "document succeeds the latest earlier one of its level, province, city and series"),
            "detected": _text("List: fields detected from the text (others come from the manifest)"),
            "n_tasks": _int("Number of work tasks extracted"),
            "n_preamble": _int("Number of preamble items (指导思想, 发展目标 ...) kept as non-tasks"),
            "targets": _text("List: document-level quantitative targets (主要预期目标 ...)"),
            "sha256": _text("SHA-256 of the raw file"),
            "text_sha256": _text("SHA-256 of the cleaned text without whitespace: the same for a copy "
                                 "in another encoding, format or script (duplicates are judged by it)"),
            "notes": _text("List: how the file was read (encoding, traditional → simplified, pages read by OCR "
                           "with their mean confidence and the items read from them, blank pages ...) and what "
                           "the extraction could not recognise; with a study's own codebook (data/codebook), "
                           "which files of it coded the tasks"),
        },
        strict=True, ordered=True,
    ),
    "tasks": pa.DataFrameSchema(
        {
            "task_id": _text("<doc_id>-<number as printed> (GZ2025-12, GZSVC2023-八, NAT2024-8)", unique=True),
            "doc_id": _text("Document id"),
            "province": _text("Province of the document (全国 for national)"),
            "seq": _int("Order of the item within its document, from 1"),
            "number": _text("Item number as printed (12, 八)"),
            "kind": _text("task; preamble for 指导思想/发展目标-style items; noise for numbered lists that "
                          "are not the plan's (digest before 全文如下, table of contents, site notice)",
                          checks=pa.Check.isin(["task", "preamble", "noise"])),
            "kind_reason": _text("Why an item is not a task: titled 指导思想 / under 总体要求 (preamble), "
                                 "digest before '全文如下:' / table of contents / site notice (付费, 下载) (noise)"),
            "section_path": _text("Outline numbers of the enclosing sections (一 > (一))"),
            "section_titles": _text("Titles of the enclosing sections, same order as section_path"),
            "title": _text("First sentence (or heading) of the item"),
            "text": _text("Full cleaned text of the item as printed"),
            "content": _text("text without unit/deadline annotations: what is analysed"),
            "lead_units": _text("List: lead units (牵头单位, X牵头)"),
            "responsible_units": _text("List: responsible units (责任单位, X负责, 按职责分工负责, 配合, 局内)"),
            "deadlines": _text("List: deadlines as printed (2023年12月底前完成, 持续推进, 6月底前)"),
            "targets": _text("List: quantitative targets as printed (新建10家高价值专利培育中心)"),
            "national_measures": _text("National task list only: what CNIPA itself does"),
            "regional_measures": _text("National only: what regions must do (各地区/有关省份/有关地市/各地方知识产权局负责)"),
            "duty_province": _text("National list only: provincial duty as printed (各省必做; ...); none if none"),
            "duty_local": _text("National list only: duty of cities and other localities as printed"),
        },
        strict=True, ordered=True,
    ),
    "targets": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "task_id": _text("Task id; empty for a document-level target"),
            "scope": _text("task or document", checks=pa.Check.isin(["task", "document"])),
            "text": _text("The target as printed (新建10家高价值专利培育中心)"),
            "qualifier": _text("Verb or bound before the number (新建, 超, 突破, 达到 ...; may be empty)"),
            "number": _float("The number as printed (23 in 23万件; Chinese numerals read: 十五 → 15)"),
            "unit": _text("Unit as printed, with its magnitude (家, 亿元, 万件, %)"),
            "counts": _text("What is counted (高价值专利培育中心, 知识产权质押融资)"),
            "indicator": _text("Indicator id of data/indicators.md (invention_patents ...), or other"),
            "indicator_word": _text("The indicator's word found in counts, the target, its sentence or its "
                                    "task title (the evidence); empty for other"),
            "value": _float("The number in the base unit (23万件 → 230000, 320亿元 → 32000000000; 6 significant "
                            "digits)"),
            "base_unit": _text("The indicator's base unit (件, 元, 件/万人, %), or the unit without its magnitude"),
            "bound": _text("at_least (超, 突破, 以上), at_most (控制在, 以内), about (左右) or exact",
                           checks=pa.Check.isin(["at_least", "at_most", "about", "exact"])),
            "kind": _text("new (新建/新增/培育 ...: an addition), growth (增长 %) or level (a stock, rate or time)",
                          checks=pa.Check.isin(["new", "growth", "level"])),
            "year": _int("Year the target is for: 到2025年/2026年底前 in its sentence, else the document's last year"),
        },
        strict=True, ordered=True,
    ),
    "targets_by_indicator": pa.DataFrameSchema(
        {
            "indicator": _text("Indicator id (data/indicators.md)"),
            "indicator_zh": _text("Its Chinese name"),
            "indicator_en": _text("Its English name"),
            "kind": _text("new, growth or level (targets table): values of different kinds are not compared"),
            "base_unit": _text("Unit of value"),
            "province": _text("Province (全国 for a national document; the city for a municipal one)"),
            "doc_id": _text("The province's latest document with such a target (by last year, first year, issue date)"),
            "task_id": _text("Task of the target; empty for a document-level one"),
            "year": _int("Year the target is for"),
            "value": _float("The target in the base unit (its document-level target first, else its first)"),
            "bound": _text("at_least, at_most, about or exact"),
            "text": _text("The target as printed"),
            "n_targets": _int("Targets of this indicator and kind in that document"),
            "national_value": _float("The latest national document's value for the indicator and kind, if any",
                                     nullable=True),
            "national_doc_id": _text("That national document; empty without one"),
        },
        strict=True, ordered=True,
    ),
    # Keyword co-occurrence network of the corpus's work tasks (ipcompare.analysis.search), in the
    # column names Gephi's spreadsheet import reads (Id/Label, Source/Target/Type/Weight).
    "nodes": pa.DataFrameSchema(
        {
            "Id": _text("A word (the project's tokens, stopwords out): one of the 60 held by the most tasks",
                        unique=True),
            "Label": _text("The same word, as Gephi labels it"),
            "frequency": _int("Work tasks holding the word"),
            "community": _int("Louvain community over the edge weights (seed 0), numbered by size from 1"),
        },
        strict=True, ordered=True,
    ),
    "edges": pa.DataFrameSchema(
        {
            "Source": _text("A word (nodes.Id)"),
            "Target": _text("Another word, after Source in code-point order"),
            "Type": _text("Undirected", checks=pa.Check.isin(["Undirected"])),
            "Weight": _int("Work tasks holding both words (at least 2)"),
            "pmi": _float("Pointwise mutual information log(n_ab·N / n_a·n_b); only pairs above 0 (more often "
                          "together than chance) are edges"),
        },
        strict=True, ordered=True,
    ),
    "texts": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id", unique=True),
            "province": _text("Province (全国 for national)"),
            "text": _text("The document's whole cleaned text (what kwic searches)"),
        },
        strict=True, ordered=True,
    ),
    # Themes stage (ipcompare.analysis.themes): one row per task (non-tasks get theme non_task).
    "themes": pa.DataFrameSchema(
        {
            "task_id": _text("Task id", unique=True),
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "theme": _text("Primary theme id (themes.md), or non_task for preamble items"),
            "theme_zh": _text("Chinese name of the primary theme"),
            "theme_en": _text("English name of the primary theme"),
            "confidence": _float("Confidence of the primary theme, 0-1: margin between the two best "
                                 "theme scores (1 for preamble items and manual themes)"),
            "secondary": _text("Secondary theme id where the runner-up is at least half as strong, else empty"),
            "source": _text("auto, or manual when data/annotations/theme_overrides.csv decided",
                            checks=pa.Check.isin(["auto", "manual"])),
            "auto_theme": _text("The automatic primary theme (kept when a manual override applies)"),
            "evidence": _text("List: the words that decided the automatic theme"),
            "note": _text("Note of the manual override, if any"),
            "representative": _int("1-3 for the most representative tasks of their theme (1 = most), else 0"),
            "p_correct": _float(CALIBRATED),
            "review": _bool(REVIEW),
        },
        strict=True, ordered=True,
    ),
    "theme_terms": pa.DataFrameSchema(
        {
            "theme": _text("Theme id"),
            "rank": _int("Rank of the term within its theme, from 1"),
            "term": _text("Distinctive term (c-TF-IDF over the tokens of the theme's tasks)"),
            "score": _float("c-TF-IDF score"),
        },
        strict=True, ordered=True,
    ),
    "theme_by_document": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "theme": _text("Theme id"),
            "n_tasks": _int("Tasks of the document with this primary theme (every theme listed, 0 included)"),
            "share": _float("n_tasks / work tasks of the document (non_task items excluded)"),
        },
        strict=True, ordered=True,
    ),
    "theme_by_province": pa.DataFrameSchema(
        {
            "province": _text("Province (全国 for national documents)"),
            "city": _text(PLACE_CITY),
            "theme": _text("Theme id"),
            "n_tasks": _int("Tasks of the place (all its documents) with this primary theme, 0 included"),
            "share": _float("n_tasks / work tasks of the place (non_task items excluded)"),
        },
        strict=True, ordered=True,
    ),
    # Instruments stage (ipcompare.analysis.instruments): one row per work task (preamble items are no tasks);
    # ids of ipcompare/data/instruments.md.
    "instruments": pa.DataFrameSchema(
        {
            "task_id": _text("Task id", unique=True),
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "type": _text("Instrument type: supply, environment or demand",
                          checks=pa.Check.isin(["supply", "environment", "demand"])),
            "type_zh": _text("Chinese name of the type (供给型 ...)"),
            "type_en": _text("English name of the type"),
            "subtype": _text("Instrument sub-type id (talent, regulation, overseas ...), one of its type"),
            "subtype_zh": _text("Chinese name of the sub-type"),
            "subtype_en": _text("English name of the sub-type"),
            "field": _text("IP-chain field from the task's theme (creation, utilisation, protection, management, "
                           "service); empty when the theme has none"),
            "field_zh": _text("Chinese name of the field (创造 ...)"),
            "field_en": _text("English name of the field"),
            "confidence": _float("Margin between the chosen sub-type's score and the runner-up's, "
                                 "can be slightly negative when the type decided (1 for manual rows)"),
            "secondary": _text("Strongest other sub-type when at least half as strong, else empty"),
            "clauses": _text("List: for a task with a secondary, each clause's sub-type in text order "
                             "('1 planning; 2 regulation'), else empty"),
            "evidence": _text("List: the words that decided the automatic sub-type"),
            "source": _text("auto, or manual when data/annotations/instrument_overrides.csv decided",
                            checks=pa.Check.isin(["auto", "manual"])),
            "auto_subtype": _text("The automatic sub-type (kept when a manual override applies)"),
            "note": _text("Note of the manual override, if any"),
            "p_correct": _float(CALIBRATED + " (of the instrument type)"),
            "review": _bool(REVIEW),
        },
        strict=True, ordered=True,
    ),
    "instrument_by_document": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "type": _text("Instrument type"),
            "field": _text("IP-chain field"),
            "n_tasks": _int("Tasks of the document with this type and field (every pair listed, 0 included)"),
            "share": _float("n_tasks / the document's tasks with a field"),
        },
        strict=True, ordered=True,
    ),
    "instrument_by_province": pa.DataFrameSchema(
        {
            "province": _text("Province (全国 for national documents)"),
            "city": _text(PLACE_CITY),
            "type": _text("Instrument type"),
            "field": _text("IP-chain field"),
            "n_tasks": _int("Tasks of the place (all its documents) with this type and field, 0 included"),
            "share": _float("n_tasks / the place's tasks with a field"),
        },
        strict=True, ordered=True,
    ),
    # Coverage stage (ipcompare.analysis.coverage): reference units (the national task list, optionally the
    # body measures assigned to local offices) x provincial documents; how verdicts are decided and
    # the calibrated thresholds: see the ipcompare.analysis.coverage docstring.
    "requirements": pa.DataFrameSchema(
        {
            "nat_task": _text("National task id (the reference unit)"),
            "req_id": _text("Requirement id: <nat_task>.<n>, n from 1 in the order of the text"),
            "scope": _text("Duty scope: the label of the part it comes from (各地区, 有关省份, 有关地市 ...), "
                           "empty when the task has no labelled part"),
            "text": _text("The requirement: one clause of what the task asks (its lead-in kept)"),
            "key_terms": _text("List: its heaviest words in the guideline's TF-IDF weights (one must be in "
                               "a task meeting it, in some form: data/synonyms.txt)"),
            "asks_plan": _bool("True when it asks for the annual plan itself (an annual plan meets it)"),
        },
        strict=True, ordered=True,
    ),
    "coverage": pa.DataFrameSchema(
        {
            "nat_task": _text("National task id (NAT2024-7), the reference unit"),
            "nat_title": _text("Its short name"),
            "ref_set": _text("task_list (the national task list) or body (a body measure assigned to local offices)",
                             checks=pa.Check.isin(["task_list", "body"])),
            "ref_doc": _text("Guideline the document is aligned to: that of its first year, else the latest earlier "
                             "one, else the earliest later one (then predates); --reference forces one"),
            "doc_id": _text("Provincial document id"),
            "province": _text("Province"),
            "doc_years": _text("Years the document covers (2022-2023)"),
            "predates": _bool("True when the document was issued before the reference guideline's year"),
            "duty": _text("Duty of the document's level as printed: provincial (各省必做 ...) for a provincial "
                          "plan, 地市 (地市:强市建设城市必做 ...) for a municipal one; none if none"),
            "duty_level": _text("必做 (every province must), 选做 (may), 条件 (conditional: 涉及省份必做 ...) or none",
                                checks=pa.Check.isin(["必做", "选做", "条件", "none"])),
            "verdict": _text("covered, partial or absent", checks=pa.Check.isin(["covered", "partial", "absent"])),
            "score": _float("Similarity of the best-matching provincial task, 0-1"),
            "own_score": _float("Best similarity among the tasks assigned to this unit (0 if none)"),
            "evidence_ids": _text("List: best-matching provincial task ids (top 3)"),
            "evidence_titles": _text("List: their titles"),
            "evidence_scores": _text("List: their similarities"),
            "assigned_ids": _text("List: the document's tasks whose most similar unit is this one, best first"),
            "matched_terms": _text("List: key terms of the unit found in the evidence tasks"),
            "missing_terms": _text("List: key terms of the unit not found in them"),
            "requirements_met": _int("Requirements of the unit (requirements.csv) the document meets"),
            "requirements_answered": _int("Requirements at least partly met (met, by the plan itself or partly): "
                                          "covered needs a third of them (coverage.R_BREADTH)"),
            "requirements_total": _int("Requirements of the unit"),
            "met_requirements": _text("List: each requirement met, '<req_id>: <task_id>' (the task meeting it; "
                                      "the doc_id when the plan itself does)"),
            "partly_met_requirements": _text("List: each requirement partly met, '<req_id>: <best task_id>'"),
            "missing_requirements": _text("List: ids of the requirements not met"),
            "source": _text("auto, or manual when data/annotations/coverage_overrides.csv decided",
                            checks=pa.Check.isin(["auto", "manual"])),
            "auto_verdict": _text("The automatic verdict (kept when a manual override applies)"),
            "note": _text("Note of the manual override, if any"),
            "p_correct": _float(CALIBRATED),
            "review": _bool(REVIEW),
        },
        strict=True, ordered=True,
    ),
    "coverage_by_province": pa.DataFrameSchema(
        {
            "province": _text("Province"),
            "nat_task": _text("National task id"),
            "nat_title": _text("Its short name"),
            "ref_set": _text("task_list or body", checks=pa.Check.isin(["task_list", "body"])),
            "ref_doc": _text("Guideline of the national task"),
            "duty": _text("Provincial duty as printed"),
            "duty_level": _text("必做, 选做, 条件 or none", checks=pa.Check.isin(["必做", "选做", "条件", "none"])),
            "verdict": _text("Best verdict over the province's documents",
                             checks=pa.Check.isin(["covered", "partial", "absent"])),
            "score": _float("Score of the document giving that verdict"),
            "best_doc": _text("That document"),
            "evidence_ids": _text("List: its best-matching tasks (top 3)"),
            "doc_verdicts": _text("List: each document with its years (and 'predates' when issued before the "
                                  "reference guideline) and its verdict"),
            "all_predate": _bool("True when every document of the province predates the reference guideline"),
            "source": _text("auto or manual: how the deciding verdict was set", checks=pa.Check.isin(["auto", "manual"])),
        },
        strict=True, ordered=True,
    ),
    "gaps": pa.DataFrameSchema(
        {
            "province": _text("Province"),
            "rank": _int("Order in which to act, from 1: 必做, then 选做, then conditional duties (check whether "
                         "the condition applies); absent before partial; then national order"),
            "nat_task": _text("National task id"),
            "nat_title": _text("Its short name"),
            "duty": _text("Provincial duty as printed"),
            "duty_level": _text("必做, 选做 or 条件", checks=pa.Check.isin(["必做", "选做", "条件"])),
            "verdict": _text("absent or partial (best over the province's documents)",
                             checks=pa.Check.isin(["partial", "absent"])),
            "score": _float("Score of the best document"),
            "best_doc": _text("Document giving the verdict"),
            "evidence_ids": _text("List: its best-matching tasks (what a partial verdict rests on)"),
            "doc_verdicts": _text("List: each document with its years, 'predates' if issued before the guideline, "
                                  "and its verdict"),
            "all_predate": _bool("True when every document predates the guideline (the gap may be one of timing)"),
            "source": _text("auto or manual", checks=pa.Check.isin(["auto", "manual"])),
        },
        strict=True, ordered=True,
    ),
    "local_initiatives": pa.DataFrameSchema(
        {
            "task_id": _text("Provincial task with no national counterpart (every unit under the partial threshold)"),
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "doc_years": _text("Years the document covers"),
            "title": _text("Task title"),
            "section_titles": _text("Its section titles"),
            "theme": _text("Its primary theme (themes table), empty without it"),
            "nearest_nat": _text("Most similar national unit all the same"),
            "nearest_score": _float("Its similarity"),
        },
        strict=True, ordered=True,
    ),
    # Changes stage (ipcompare.analysis.changes): each document against its predecessor (same level,
    # province and series); how tasks are aligned and the thresholds: see that module's docstring.
    "changes": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "predecessor_id": _text("Its predecessor: the latest earlier document of the same level, province, city and series"),
            "task_id": _text("List: the document's task(s) of this row (several: a split); empty when dropped"),
            "predecessor_task_id": _text("List: the predecessor's task(s) (several: a merge); empty when new"),
            "change": _text("continued (same text, figures aside), revised (same task, wording or duty changed), "
                            "new or dropped", checks=pa.Check.isin(["continued", "revised", "new", "dropped"])),
            "relation": _text("merge (several predecessor tasks), split (several tasks), regroup (both) or empty",
                              checks=pa.Check.isin(["", "merge", "split", "regroup"])),
            "similarity": _float("Similarity of the aligned tasks, 0-1 (the lowest pair of a group); for new and "
                                 "dropped tasks, that of the nearest task on the other side"),
            "nearest": _text("New or dropped: the most similar task on the other side all the same"),
            "title": _text("List: title(s) of the task(s)"),
            "predecessor_title": _text("List: title(s) of the predecessor's task(s)"),
            "terms_added": _text("List: terms of the task(s) not in the predecessor's (revised)"),
            "terms_removed": _text("List: terms of the predecessor's task(s) no longer there (revised)"),
            "duty_before": _text("Guidelines: provincial duty of the predecessor's task(s) (各省选做 ...)"),
            "duty_after": _text("Guidelines: provincial duty of the task(s) (各省必做 ...)"),
        },
        strict=True, ordered=True,
    ),
    "target_changes": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "predecessor_id": _text("Its predecessor"),
            "counts": _text("What the target counts (高价值专利培育中心, 知识产权质押融资)"),
            "before": _float("The predecessor's value, in this row's unit (empty: a new target)", nullable=True),
            "after": _float("The document's value (empty: a dropped target)", nullable=True),
            "unit": _text("Unit as printed (家, 亿元, 万件, %)"),
            "direction": _text("raised, lowered, unchanged, new or dropped",
                               checks=pa.Check.isin(["raised", "lowered", "unchanged", "new", "dropped"])),
            "text_before": _text("The predecessor's target as printed"),
            "text_after": _text("The document's target as printed"),
            "task_id": _text("Task stating it (empty: document-level)"),
            "predecessor_task_id": _text("The predecessor's task stating it (empty: document-level)"),
        },
        strict=True, ordered=True,
    ),
    # Validation (ipcompare.analysis.validation): the blind answers of review workbooks (data/annotations/validation.csv)
    # and, per kind, the labels the confidence is calibrated on.
    "validation": pa.DataFrameSchema(
        {
            "kind": _text("coverage, themes or instruments", checks=pa.Check.isin(["coverage", "themes", "instruments"])),
            "id": _text("The decision: '<nat_task> x <doc_id>' for coverage, else the task id"),
            "doc_id": _text("Its document"),
            "person": _text("The person's answer, coded blind (a verdict, theme id or instrument sub-type id)"),
            "machine": _text("The automatic decision when the workbook was imported"),
            "workbook": _text("The review workbook the answer came from (reviews/review-<date>.xlsx)"),
            "notes": _text("The person's notes"),
        },
        strict=True, ordered=True,
    ),
    "calibration": pa.DataFrameSchema(
        {
            "kind": _text("coverage, themes or instruments"),
            "bundled_labels": _int("Hand labels bundled with ipcompare the confidence is calibrated on"),
            "project_labels": _int("The project's blind answers (validation.csv) of decisions in the tables"),
            "learned": _bool("True when the project's answers recalibrated the kind (at least "
                             "calibration.MIN_LEARN of them, run without --no-learn)"),
            "t_covered": _float("Coverage's T_COVERED in force (learned or shipped); empty for other kinds", nullable=True),
            "t_partial": _float("Coverage's T_PARTIAL in force; empty for other kinds", nullable=True),
        },
        strict=True, ordered=True,
    ),
    # Reuse stage (ipcompare.analysis.reuse): the guideline's and the predecessor's wording in each
    # provincial task, by local alignment on characters; method and cut-offs in that module's docstring.
    "reuse": pa.DataFrameSchema(
        {
            "doc_id": _text("Provincial (or municipal) document id"),
            "task_id": _text("Its task holding the reused wording"),
            "source": _text("guideline (its ref_doc, as in coverage.csv) or predecessor (changes.csv's predecessor_id)",
                            checks=pa.Check.isin(["guideline", "predecessor"])),
            "source_doc": _text("Document the wording comes from"),
            "source_task": _text("Its task the wording comes from"),
            "start": _int("Start of the span in the task's content (characters from 0)"),
            "end": _int("End of the span (exclusive)"),
            "source_start": _int("Start of the aligned text in the source task's content"),
            "source_end": _int("Its end (exclusive)"),
            "matched": _int("Characters of the span matched in the source (the rest: swapped or added wording)"),
            "identity": _float("matched / the longer of the two sides, 0-1 (1: verbatim)"),
            "score": _float("Alignment score: +1 a matched character, -0.5 an unmatched one of either side"),
            "text": _text("The span as the task prints it"),
            "source_text": _text("The aligned text of the source task"),
        },
        strict=True, ordered=True,
    ),
    "reuse_tasks": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "ref_doc": _text("Guideline it is read against (coverage.csv's ref_doc)"),
            "predecessor_id": _text("Its predecessor plan, empty if none"),
            "task_id": _text("Work task id", unique=True),
            "chars": _int("Characters of its content"),
            "guideline_share": _float("Share of its characters inside spans from the guideline, 0-1"),
            "identical_share": _float("Share inside guideline spans at least reuse.T_IDENTITY (0.9) identical"),
            "predecessor_share": _float("Share of its characters inside spans from the predecessor plan"),
            "class": _text("copied (identical_share >= reuse.T_COPIED, 0.5), adapted (guideline_share >= "
                           "reuse.T_ADAPTED, 0.1) or local", checks=pa.Check.isin(["copied", "adapted", "local"])),
            "n_spans": _int("Spans from the guideline"),
        },
        strict=True, ordered=True,
    ),
    "reuse_by_document": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id", unique=True),
            "province": _text("Province"),
            "city": _text("City of a municipal plan, else empty"),
            "ref_doc": _text("Guideline it is read against"),
            "predecessor_id": _text("Its predecessor plan, empty if none"),
            "tasks": _int("Work tasks"),
            "chars": _int("Characters of their content"),
            "guideline_share": _float("Share of those characters reused from the guideline (character-weighted)"),
            "predecessor_share": _float("Share reused from the predecessor plan"),
            "copied": _int("Tasks copied from the guideline"),
            "adapted": _int("Tasks adapting its wording"),
            "local": _int("Tasks of its own wording"),
        },
        strict=True, ordered=True,
    ),
    # Diffusion stage (ipcompare.analysis.diffusion): the year each province takes up each national task.
    "adoption": pa.DataFrameSchema(
        {
            "item": _text("National task id (or, from Corpus.diffusion, the phrase)"),
            "kind": _text("nat_task or phrase", checks=pa.Check.isin(["nat_task", "phrase"])),
            "title": _text("The national task's short name (the phrase)"),
            "province": _text("Province (its own plans, provincial level)"),
            "year": _int("Calendar year, from the province's first plan to its adoption (else to its last plan)"),
            "adopted": _int("1 in the year the province takes the item up (a plan of that first year covers it / "
                            "holds it), else 0; no rows after it", ),
            "adoption_year": _int("The province's adoption year, empty when not taken up by its last plan", nullable=True),
            "plans": _text("List: the province's plans of that year (empty: none that year)"),
            "evidence": _text("List, on the adoption row: each plan taking it up, with its best-matching task"),
        },
        strict=True, ordered=True,
    ),
    # Convergence stage (ipcompare.analysis.convergence): how alike the provinces' plans are.
    "similarity": pa.DataFrameSchema(
        {
            "scope": _text("latest (each province's latest year of plans) or a year (the plans of that year)"),
            "province_a": _text("Province"),
            "province_b": _text("The other province"),
            "year_a": _int("Year of province_a's plans compared (their first year)"),
            "year_b": _int("Year of province_b's plans compared"),
            "docs_a": _text("List: province_a's plans of that year (taken together)"),
            "docs_b": _text("List: province_b's plans of that year"),
            "themes": _float("Cosine similarity of their theme profiles (tasks per primary theme), 0-1"),
            "text": _float("Cosine similarity of their TF-IDF word vectors (work tasks' content), 0-1"),
        },
        strict=True, ordered=True,
    ),
}

# What the charts draw, per place (ipcompare.analysis.places: views only read these). A place is a
# province with plans of its own (全国: the national documents) or a city with a plan (its full name).
SCHEMAS |= {
    "distinctive_terms": pa.DataFrameSchema(
        {
            "place": _text("Place (every place but 全国)"),
            "term": _text("A term of its work tasks (segmented content; place names and genre words left out)"),
            "freq": _int("Its count in the place's work tasks"),
            "freq_other": _int("Its count in the other places' work tasks (national documents left out)"),
            "g2": _float("Dunning's log-likelihood (G²) of the place's use against the others'"),
            "weight": _float("G², times 1.5 for a domain term (dictionary word, or four characters or more): "
                             "the order terms are listed in (the first 15 of each place are kept)"),
        },
        strict=True, ordered=True,
    ),
    "task_map": pa.DataFrameSchema(
        {
            "task_id": _text("Work task id (tasks.csv, kind task)", unique=True),
            "x": _float("First coordinate: TF-IDF task vector reduced to 2-D by TruncatedSVD (seed 0)"),
            "y": _float("Second coordinate"),
        },
        strict=True, ordered=True,
    ),
    "coverage_by_place": pa.DataFrameSchema(
        {**SCHEMAS["coverage_by_province"].columns,
         "province": _text("Province, or a city's full name (its plans' best verdict, as a province's)")},
        strict=True, ordered=True,
    ),
    "place_nodes": pa.DataFrameSchema(
        {
            "place": _text("Province (its own and its cities' work tasks; 全国: the national documents')"),
            "word": _text("A word: one of the 60 held by the most of the place's work tasks"),
            "frequency": _int("The place's work tasks holding the word"),
            "community": _int("Louvain community over the edge weights (seed 0), numbered by size from 1"),
        },
        strict=True, ordered=True,
    ),
    "place_edges": pa.DataFrameSchema(
        {
            "place": _text("Province (place_nodes.place)"),
            "source": _text("A word (place_nodes.word)"),
            "target": _text("Another word, after source in code-point order"),
            "weight": _int("The place's work tasks holding both words (at least 2)"),
            "pmi": _float("Pointwise mutual information; only pairs above 0 are edges"),
        },
        strict=True, ordered=True,
    ),
}


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate ``df`` against the schema of table ``name`` (raises pandera errors on a bug)."""
    return SCHEMAS[name].validate(df, lazy=True)


def empty(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``."""
    return join([], list(SCHEMAS[name].columns))


def write_table(df: pd.DataFrame, name: str, directory: Path) -> Path:
    """Validate and write ``df`` as ``<directory>/<name>.csv`` (UTF-8 with BOM, floats to 6 significant digits)."""
    df = validate(df.reset_index(drop=True), name)
    path = Path(directory) / f"{name}.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.6g")
    return path


def read_table(name: str, directory: Path) -> pd.DataFrame:
    """Read a processed table written by :func:`write_table`, with its documented dtypes."""
    path = Path(directory) / f"{name}.csv"
    if not path.exists():
        raise InputError(f"{path}: table not found; run `python -m ipcompare run` first")
    data = path.read_bytes()
    publish.check(path, data)
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for c, col in SCHEMAS[name].columns.items():  # text stays text; "" is a missing number, "False" is False
        if c in df and str(col.dtype) == "bool":
            df[c] = df[c].map({"True": True, "False": False})
        elif c in df and str(col.dtype) in ("Int64", "float64"):
            df[c] = df[c].replace("", pd.NA)
    return validate(df, name)


def read_user_csv(path: Path, columns: list[str], required: list[str] | None = None) -> pd.DataFrame:
    """A CSV a person edits (manifest, overrides, gold): text cells, stripped, blanks as "".

    ``columns``: the allowed columns, in output order; ``required`` (default: all of them) must be
    present, the others are filled with "". Any problem is an :class:`InputError` naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text (saved by Excel as GBK?); save it as 'CSV UTF-8'") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{path}: not a readable CSV ({str(err).splitlines()[0]})") from None
    missing = [c for c in (columns if required is None else required) if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")
    unknown = [c for c in df.columns if c not in columns]
    if unknown:
        raise InputError(f"{path}: unknown column(s) {', '.join(map(str, unknown))}; expected {', '.join(columns)}")
    return df.reindex(columns=columns, fill_value="").apply(lambda col: col.str.strip())


def describe(name: str) -> pd.DataFrame:
    """The documentation of table ``name``: one row per column (column, dtype, description)."""
    schema = SCHEMAS[name]
    return pd.DataFrame(
        [(c, str(col.dtype), col.description) for c, col in schema.columns.items()],
        columns=["column", "dtype", "description"],
    )
