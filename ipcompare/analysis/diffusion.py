"""Diffusion: the year each province takes up a national task or a phrase, in the province-year form
event history analysis starts from.

A province *takes up* a national task in the first year one of its own plans (provincial level; a
city's plans are its own places, as in coverage_by_province.csv) covers it (coverage.csv verdict
``covered``; the year of a plan is its first year), and a phrase in the first year one of its plans'
text holds it (traditional characters and punctuation variants folded, as ``kwic`` does).

Each province is observed from the year of its first plan to the year it takes the item up, or, if
it never does, to the year of its last plan (right-censored): one row per province and year, ``adopted``
0 until the year of adoption, 1 that year, and no rows after it (the layout of discrete-time event
history models of policy diffusion, e.g. Berry & Berry 1990). Years without a plan of the province are
kept (``plans`` empty): the researcher decides whether a province without a plan that year was at risk.
"""
from __future__ import annotations

import pandas as pd

from .. import tables
from ..stages import Stage
from .search import fold


def plan_years(documents: pd.DataFrame) -> pd.DataFrame:
    """The provinces' own plans: doc_id, province, year (first year), oldest first."""
    docs = documents[documents["level"] == "provincial"]
    out = pd.DataFrame({"doc_id": docs["doc_id"], "province": docs["province"], "year": docs["first_year"].astype(int)})
    return out.sort_values(["province", "year", "doc_id"], kind="stable", ignore_index=True)


def province_years(plans: pd.DataFrame, hits: pd.DataFrame, item: str, kind: str, title: str) -> list[dict]:
    """adoption.csv rows of one item: ``hits`` holds the plans taking it up (doc_id, evidence)."""
    evidence = dict(zip(hits["doc_id"], hits["evidence"]))
    rows = []
    for province, own in plans.groupby("province", sort=False):
        taking = own[own["doc_id"].isin(evidence)]
        adopted = int(taking["year"].min()) if len(taking) else None
        last = adopted if adopted is not None else int(own["year"].max())
        for year in range(int(own["year"].min()), last + 1):
            docs = own.loc[own["year"] == year, "doc_id"].tolist()
            took = year == adopted
            rows.append({"item": item, "kind": kind, "title": title, "province": province, "year": year,
                         "adopted": int(took), "adoption_year": adopted, "plans": tables.join_list(docs),
                         "evidence": tables.join_list(f"{d}: {evidence[d]}" if evidence[d] else d
                                                      for d in docs if d in evidence) if took else ""})
    return rows


def task_adoption(documents: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """adoption.csv: every national task of coverage.csv, by province and year."""
    plans, rows = plan_years(documents), []
    coverage = coverage[coverage["doc_id"].isin(plans["doc_id"])]
    for (nat, title), rows_of in coverage.groupby(["nat_task", "nat_title"], sort=False):
        plans_of = plans[plans["doc_id"].isin(rows_of["doc_id"])]  # the plans read against its guideline
        hits = rows_of[rows_of["verdict"] == "covered"]
        rows += province_years(plans_of, hits.assign(evidence=hits["evidence_ids"].map(
            lambda ids: tables.split_list(ids)[0] if ids else "")), nat, "nat_task", title)
    return _frame(rows) if rows else tables.empty("adoption")


def phrase_adoption(documents: pd.DataFrame, texts: pd.DataFrame, phrase: str) -> pd.DataFrame:
    """adoption.csv rows of a phrase (folded as ``kwic`` folds it): the plans whose text holds it."""
    plans, wanted = plan_years(documents), fold(phrase)
    text = texts.set_index("doc_id")["text"]
    holding = [d for d in plans["doc_id"] if d in text.index and wanted in fold(text[d])]
    hits = pd.DataFrame({"doc_id": holding, "evidence": ""})
    return _frame(province_years(plans, hits, phrase, "phrase", phrase))


def _frame(rows: list[dict]) -> pd.DataFrame:
    """adoption.csv rows as a table (adoption years whole numbers, empty when not taken up)."""
    return pd.DataFrame(rows, columns=list(tables.SCHEMAS["adoption"].columns)).astype({"adoption_year": "Int64"})


def stage(tbls: dict[str, pd.DataFrame], project=None) -> dict[str, pd.DataFrame]:
    """The adoption table (see :mod:`ipcompare.tables`) of every national task (``project``: unused; every
    stage is called alike)."""
    if "coverage" not in tbls or tbls["coverage"].empty:
        return {"adoption": tables.empty("adoption")}
    return {"adoption": task_adoption(tbls["documents"], tbls["coverage"])}


STAGE = Stage("diffusion", stage, reads=("documents", "coverage"), writes=("adoption",), data=(), tokens=False)
