"""The project's validated decisions and what they taught: the blind answers ``review --import``
keeps in ``data/annotations/validation.csv`` (``validation`` table) and, per kind, the labels the
confidence is calibrated on (``calibration`` table: bundled and the project's own, whether the
project's taught it, :data:`ipcompare.analysis.calibration.MIN_LEARN`, and coverage's thresholds)."""
from __future__ import annotations

import pandas as pd

from ..project import Project
from ..stages import Stage
from . import calibration, coverage


def decision_ids(kind: str, t: dict[str, pd.DataFrame]) -> pd.Series:
    """The ids of the kind's decisions in the tables (coverage: '<nat_task> x <doc_id>')."""
    if kind == "coverage":
        return t["coverage"]["nat_task"] + " x " + t["coverage"]["doc_id"]
    return t[kind]["task_id"]


def stage(t: dict[str, pd.DataFrame], project: Project) -> dict[str, pd.DataFrame]:
    """The validation and calibration tables (see :mod:`ipcompare.tables`)."""
    answers = calibration.read_answers(project.annotations)
    bundled = calibration.read_labels()["kind"].value_counts()
    rows = []
    for kind in calibration.KINDS:
        if kind not in t:
            continue
        known = set(decision_ids(kind, t))
        own = answers[(answers["kind"] == kind) & answers["id"].isin(known)].drop_duplicates("id", keep="last")
        learned = calibration.learns(own, project.learn)
        t_covered, t_partial = coverage.learned_thresholds(t["coverage"], answers, project.learn) \
            if kind == "coverage" else (float("nan"), float("nan"))
        rows.append({"kind": kind, "bundled_labels": int(bundled.get(kind, 0)), "project_labels": len(own),
                     "learned": learned, "t_covered": t_covered, "t_partial": t_partial})
    return {"validation": answers, "calibration": pd.DataFrame(rows, columns=["kind", "bundled_labels", "project_labels",
                                                                            "learned", "t_covered", "t_partial"])}


STAGE = Stage("validation", stage, reads=("themes", "instruments", "coverage"), writes=("validation", "calibration"),
              annotations=True, tokens=False)
