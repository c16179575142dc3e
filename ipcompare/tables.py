"""Every table the pipeline writes: its columns, documented in one place, validated when written.

Conventions for all tables:

* CSV, UTF-8 with BOM (Excel opens Chinese correctly), ``\\n`` line ends, rows in a fixed order.
* List fields hold their items joined by ``"; "`` (see :func:`join_list` / :func:`split_list`).
* Outline paths join their levels with ``" > "``.
* Empty text is an empty cell, never ``nan``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .errors import InputError

LIST_SEP = "; "
PATH_SEP = " > "


def join_list(items) -> str:
    """Join list items in the documented list form, dropping blanks and repeats (order kept)."""
    return LIST_SEP.join(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))


def split_list(cell) -> list[str]:
    """Inverse of :func:`join_list`."""
    if cell is None or pd.isna(cell) or not str(cell).strip():
        return []
    return [part.strip() for part in str(cell).split(LIST_SEP.strip()) if part.strip()]


def _text(doc: str, **kw) -> pa.Column:
    return pa.Column(str, description=doc, **kw)


def _int(doc: str, nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", description=doc, nullable=nullable, coerce=True)


def _float(doc: str, nullable: bool = False) -> pa.Column:
    return pa.Column(float, description=doc, nullable=nullable, coerce=True)


def _bool(doc: str) -> pa.Column:
    return pa.Column(bool, description=doc, coerce=True)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "documents": pa.DataFrameSchema(
        {
            "doc_id": _text("Stable document id from the manifest (e.g. GZ2025)", unique=True),
            "file": _text("Path of the source file relative to data/raw/"),
            "level": _text("national or provincial", checks=pa.Check.isin(["national", "provincial"])),
            "province": _text("Province short name (贵州, 湖北 ...); 全国 for national documents"),
            "first_year": _int("First year the document covers"),
            "last_year": _int("Last year the document covers"),
            "title": _text("Title of the plan itself (not of the covering notice)"),
            "issuer": _text("Issuing body"),
            "issue_date": _text("Issue date YYYY-MM-DD (发文日期/生成日期, else the date signed)"),
            "doc_number": _text("Document number 文号, e.g. 鄂知发〔2025〕2号"),
            "source": _text("Where the file came from"),
            "detected": _text("List: fields detected from the text (others come from the manifest)"),
            "n_tasks": _int("Number of work tasks extracted"),
            "n_preamble": _int("Number of preamble items (指导思想, 发展目标 ...) kept as non-tasks"),
            "targets": _text("List: document-level quantitative targets (主要预期目标 ...)"),
            "sha256": _text("SHA-256 of the raw file"),
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
            "kind": _text("task, or preamble for 指导思想/发展目标-style items",
                          checks=pa.Check.isin(["task", "preamble"])),
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
            "value": _float("The number as printed"),
            "unit": _text("Unit as printed, with its magnitude (家, 亿元, 万件, %)"),
            "counts": _text("What is counted (高价值专利培育中心, 知识产权质押融资)"),
        },
        strict=True, ordered=True,
    ),
    # Themes stage (ipcompare.themes): one row per task (non-tasks get theme non_task).
    "themes": pa.DataFrameSchema(
        {
            "task_id": _text("Task id", unique=True),
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "theme": _text("Primary theme id (themes.md), or non_task for preamble items"),
            "theme_zh": _text("Chinese name of the primary theme"),
            "theme_en": _text("English name of the primary theme"),
            "confidence": _float("Confidence of the primary theme, 0-1"),
            "secondary": _text("Secondary theme id where one is strong, else empty"),
            "source": _text("auto, or manual when data/annotations/theme_overrides.csv decided",
                            checks=pa.Check.isin(["auto", "manual"])),
            "auto_theme": _text("The automatic primary theme (kept when a manual override applies)"),
            "evidence": _text("List: the words that decided the automatic theme"),
            "note": _text("Note of the manual override, if any"),
        },
        strict=True, ordered=True,
    ),
    "theme_terms": pa.DataFrameSchema(
        {
            "theme": _text("Theme id"),
            "rank": _int("Rank of the term within its theme, from 1"),
            "term": _text("Distinctive term (c-TF-IDF)"),
            "score": _float("c-TF-IDF score"),
        },
        strict=True, ordered=True,
    ),
    "theme_by_document": pa.DataFrameSchema(
        {
            "doc_id": _text("Document id"),
            "province": _text("Province"),
            "theme": _text("Theme id"),
            "n_tasks": _int("Tasks of the document with this primary theme"),
            "share": _float("n_tasks / tasks of the document"),
        },
        strict=True, ordered=True,
    ),
    "theme_by_province": pa.DataFrameSchema(
        {
            "province": _text("Province"),
            "theme": _text("Theme id"),
            "n_tasks": _int("Tasks of the province (all its documents) with this primary theme"),
            "share": _float("n_tasks / tasks of the province"),
        },
        strict=True, ordered=True,
    ),
    # Coverage stage (ipcompare.coverage): national tasks x provincial documents.
    "coverage": pa.DataFrameSchema(
        {
            "nat_task": _text("National task id (NAT2024-7)"),
            "nat_title": _text("Its short name"),
            "doc_id": _text("Provincial document id"),
            "province": _text("Province"),
            "doc_years": _text("Years the document covers (2022-2023)"),
            "predates": _bool("True when the document was issued before the reference guideline's year"),
            "duty": _text("Provincial duty as printed (各省必做 ...), none if none"),
            "duty_level": _text("必做, 选做, 条件 (conditional) or none"),
            "verdict": _text("covered, partial or absent", checks=pa.Check.isin(["covered", "partial", "absent"])),
            "score": _float("Alignment score of the best match, 0-1"),
            "evidence_ids": _text("List: best-matching provincial task ids (top 3)"),
            "evidence_titles": _text("List: their titles"),
            "evidence_scores": _text("List: their scores"),
            "source": _text("auto, or manual when data/annotations/coverage_overrides.csv decided",
                            checks=pa.Check.isin(["auto", "manual"])),
            "auto_verdict": _text("The automatic verdict (kept when a manual override applies)"),
            "note": _text("Note of the manual override, if any"),
        },
        strict=True, ordered=True,
    ),
}


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate ``df`` against the schema of table ``name`` (raises pandera errors on a bug)."""
    return SCHEMAS[name].validate(df, lazy=True)


def empty(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``."""
    return pd.DataFrame({c: pd.Series(dtype=str) for c in SCHEMAS[name].columns})


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
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return validate(df, name)


def describe(name: str) -> pd.DataFrame:
    """The documentation of table ``name``: one row per column (column, dtype, description)."""
    schema = SCHEMAS[name]
    return pd.DataFrame(
        [(c, str(col.dtype), col.description) for c, col in schema.columns.items()],
        columns=["column", "dtype", "description"],
    )


def replace_files(staged: dict[Path, Path]) -> None:
    """Move staged files onto their targets (each move atomic), once everything has been produced."""
    for tmp, target in staged.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
