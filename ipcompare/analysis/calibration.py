"""Calibrated confidence: for every automatic decision, the estimated probability that it is right,
and whether a person should review it.

**Labels.** ``data/calibration_labels.csv`` (package data) holds every hand label bundled with the
project (tests/gold: coverage_dev, coverage_extra and coverage_more, 92 verdicts of 4 plans;
themes_dev, themes_extra and themes_unseen, 130 themes of 5 documents; instruments_dev, 62
instrument types of 2 plans) with what the bundled run decided and the margins it decided on.
:func:`ipcompare.analysis.evaluate.calibration_labels` makes it again from a run of the bundled
corpus (``python -m ipcompare evaluate calibration --write-labels``, in the repository, after
``python -m ipcompare run``).

**Margins.** Themes and instruments: ``confidence`` of themes.csv / instruments.csv, the margin between
the best and the second class score. Coverage: the verdict and its distance to the rule's
boundaries (:func:`features`): for a covered verdict the log-ratio of the assigned task's similarity
to ``T_COVERED`` and the share of requirements answered beyond ``R_BREADTH``; for partial the
log-ratio of the best similarity to ``T_PARTIAL`` and how far the answered share is from ``R_BREADTH``;
for absent that log-ratio (log-ratios clipped to [-2, 3]: a similarity of 0 says no more than a small one).

**Calibration.** A logistic regression (scikit-learn, C = 1, on standardised features) of "the
decision equals the label" on those features: ``p_correct``. **Review cut**: a decision less likely
to be right than the kind's aim (:data:`TARGET`, the issue's: 0.93 coverage, 0.97 themes, 0.95
instrument types) is flagged, so every decision kept is expected right at least that often; when
that would flag more than :data:`MAX_FLAGGED` of the labelled decisions (35%, 20%, 25%), the cut
flagging that share instead (the least confident first): a person's time is the budget. ``review`` is
true below the cut. Manual decisions are right by definition (``p_correct`` 1, not flagged).

**Learning.** A project's own labels are the blind answers of its review workbooks
(``data/annotations/validation.csv``, :mod:`ipcompare.views.review`). Once it holds
:data:`MIN_LEARN` of a kind, ``run`` fits that kind on the bundled labels plus its own (its answer
replaces a bundled label of the same decision): the calibration (:func:`for_project`) and, for
coverage, the thresholds (``coverage.learned_thresholds``); ``run --no-learn`` keeps the shipped ones.

**Measured** by leave-one-document-out (:func:`ipcompare.analysis.evaluate.calibration_leave_one_out`): each labelled document's decisions get
the probability and cut fitted on the other documents' labels (for coverage also the thresholds,
``evaluate.calibrate_coverage``); the flagged share and the accuracy of the decisions not flagged
are pooled over the documents (tests/gold/README.md gives the figures).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .. import tables
from ..errors import InputError


KINDS = ("coverage", "themes", "instruments")
TARGET = {"coverage": 0.93, "themes": 0.97, "instruments": 0.95}  # accuracy aimed at among decisions not flagged
MAX_FLAGGED = {"coverage": 0.35, "themes": 0.20, "instruments": 0.25}  # share of decisions a person reviews at most
LABELS = "calibration_labels.csv"
LABEL_COLUMNS = ["kind", "doc_id", "item", "gold", "predicted", "margin", "score", "own_score", "requirements_met",
                 "requirements_answered", "requirements_total", "met_requirements"]
GOLD = {"coverage": ["coverage_dev", "coverage_extra", "coverage_more"],
        "themes": ["themes_dev", "themes_extra", "themes_unseen"], "instruments": ["instruments_dev"]}
VALIDATION = "validation.csv"  # of data/annotations: the blind answers of review workbooks
# A kind is recalibrated on the bundled labels plus the project's own once the project holds at least
# this many blind answers of it: a document's worth (the bundled labels hold 18 to 34 per document),
# and enough to know the accuracy of the rest within about 0.15 (Wilson 95% interval at 30); with
# fewer, one answer moves a threshold or the cut.
MIN_LEARN = 30
NUMBERS = ["margin", "score", "own_score", "requirements_met", "requirements_answered", "requirements_total"]


def _log_ratio(x, t) -> np.ndarray:
    return np.clip(np.log((np.asarray(x, dtype=float) + 1e-3) / t), -2, 3)


def features(kind: str, rows: pd.DataFrame, bounds: tuple[float, ...] = ()) -> np.ndarray:
    """The calibration features of decisions (``margin`` for themes and instruments; for coverage
    rows with their ``predicted`` verdict, scores and requirement counts, and ``bounds``: the rule's
    T_COVERED, T_PARTIAL and R_BREADTH): see the module docstring."""
    if kind != "coverage":
        return rows[["margin"]].to_numpy(dtype=float)
    t_covered, t_partial, r_breadth = bounds
    v = rows["predicted"].to_numpy()
    a, b = _log_ratio(rows["own_score"], t_covered), _log_ratio(rows["score"], t_partial)
    breadth = rows["requirements_answered"].to_numpy(float) / np.maximum(rows["requirements_total"].to_numpy(float), 1)
    breadth -= r_breadth
    covered, partial, absent = (v == "covered"), (v == "partial"), (v == "absent")
    return np.column_stack([covered, partial, covered * a, partial * b, absent * b, covered * breadth,
                            partial * np.abs(breadth)]).astype(float)


@dataclass
class Calibration:
    """A fitted calibration of one kind: ``p(rows)`` the probability each decision is right, ``cut``
    the review cut, ``bounds`` coverage's rule constants, ``n`` labels and ``documents`` it was fitted on."""

    kind: str
    model: Pipeline
    cut: float
    bounds: tuple[float, ...]
    n: int
    documents: tuple[str, ...]

    def p(self, rows: pd.DataFrame) -> np.ndarray:
        if rows.empty:
            return np.zeros(0)
        return np.round(self.model.predict_proba(features(self.kind, rows, self.bounds))[:, 1], 4)


def review_cut(p: np.ndarray, target: float, max_flagged: float) -> float:
    """The review cut: ``target`` (a decision less likely than that to be right is flagged), raised no
    higher than the cut that flags ``max_flagged`` of the decisions ``p`` (the least confident first)."""
    order = np.sort(p)
    budget = int(np.floor(max_flagged * len(order)))
    return float(min(target, order[budget])) if len(order) else target


def fit(kind: str, labels: pd.DataFrame, bounds: tuple[float, ...] = ()) -> Calibration:
    """Calibrate ``kind`` on labelled decisions (rows of the labels table: ``predicted``, ``gold``,
    the margins; coverage: ``predicted`` by the rule with ``bounds``)."""
    right = labels["predicted"].to_numpy() == labels["gold"].to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0)).fit(features(kind, labels, bounds), right)
    calibration = Calibration(kind, model, 0.0, bounds, len(labels), tuple(sorted(set(labels["doc_id"]))))
    calibration.cut = review_cut(calibration.p(labels), TARGET[kind], MAX_FLAGGED[kind])
    return calibration


def read_labels(path: Path | None = None) -> pd.DataFrame:
    """The labels table (default: the bundled ``data/calibration_labels.csv``), numbers as numbers."""
    source = path or resources.files("ipcompare") / "data" / LABELS
    with source.open("rb") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for c in NUMBERS:
        df[c] = pd.to_numeric(df[c])
    return df


@cache
def shipped(kind: str, bounds: tuple[float, ...] = ()) -> Calibration:
    """The calibration of ``kind`` on the bundled labels (coverage: ``bounds`` are the shipped rule's,
    with which the labels' verdicts were made)."""
    labels = read_labels()
    return fit(kind, labels[labels["kind"] == kind].reset_index(drop=True), bounds)


def assess(rows: pd.DataFrame, manual, calibration: Calibration) -> tuple[np.ndarray, np.ndarray]:
    """``p_correct`` and ``review`` of the decisions ``rows`` (see :func:`features`); ``manual``
    (booleans) decisions are 1 and not flagged."""
    manual = np.asarray(manual, dtype=bool)
    p = np.where(manual, 1.0, calibration.p(rows)) if len(rows) else np.zeros(0)
    return p, (p < calibration.cut) & ~manual


def shares(right: np.ndarray, flagged: np.ndarray) -> dict:
    """n, accuracy, flagged share and accuracy of the decisions not flagged."""
    right, kept = np.asarray(right, bool), ~np.asarray(flagged, bool)
    return {"n": int(len(right)), "accuracy": round(float(right.mean()), 4) if len(right) else float("nan"),
            "flagged_share": round(float((~kept).mean()), 4) if len(right) else float("nan"),
            "unflagged_accuracy": round(float(right[kept].mean()), 4) if kept.any() else float("nan")}


def write_labels(labels: pd.DataFrame, path: Path) -> Path:
    """A labels table written to ``path`` (UTF-8 with BOM, as every table)."""
    labels.reindex(columns=LABEL_COLUMNS).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n",
                                                 float_format="%.6g")
    return path


def read_answers(annotations: Path) -> pd.DataFrame:
    """``validation.csv`` of a project's ``annotations`` (empty when there is none); a row of an unknown
    kind or without both answers raises InputError."""
    path = Path(annotations) / VALIDATION
    if not path.exists():
        return tables.empty("validation")
    df = tables.read_user_csv(path, list(tables.SCHEMAS["validation"].columns))
    for line, row in zip(df.index + 2, df.itertuples()):
        if row.kind not in KINDS or not row.person or not row.machine:
            raise InputError(f"{path}: line {line}: kind must be one of {', '.join(KINDS)}, with both answers")
    return df if len(df) else tables.empty("validation")


def project_labels(kind: str, rows: pd.DataFrame, answers: pd.DataFrame, gold_of: dict | None = None) -> pd.DataFrame:
    """Rows of the labels table for the project's blind ``answers`` of ``kind`` (the latest answer of a
    decision): ``rows``, the kind's automatic decisions indexed by their id (``doc_id``, ``item``,
    ``predicted`` and the margins :func:`features` reads); ``gold_of`` maps an answer to the
    calibrated level (an instrument sub-type to its type)."""
    mine = answers[(answers["kind"] == kind) & answers["id"].isin(rows.index)].drop_duplicates("id", keep="last")
    gold = mine["person"].map(gold_of) if gold_of else mine["person"]
    return rows.loc[mine["id"]].assign(kind=kind, gold=gold.to_numpy()).reset_index(drop=True).reindex(columns=LABEL_COLUMNS)


def with_bundled(kind: str, own: pd.DataFrame) -> pd.DataFrame:
    """The bundled labels of ``kind`` (less the decisions the project labelled itself) and ``own``."""
    bundled = read_labels()
    bundled = bundled[bundled["kind"] == kind]
    mine = set(zip(own["doc_id"], own["item"]))
    bundled = bundled[[pair not in mine for pair in zip(bundled["doc_id"], bundled["item"])]]
    return pd.concat([bundled, own], ignore_index=True)


def learns(own: pd.DataFrame, learn: bool) -> bool:
    """Whether a kind is recalibrated: learning is on and the project holds :data:`MIN_LEARN` labels of it."""
    return learn and len(own) >= MIN_LEARN


def for_project(kind: str, rows: pd.DataFrame, answers: pd.DataFrame, learn: bool, gold_of: dict | None = None
                ) -> Calibration:
    """The calibration of ``kind`` for a project: fitted on the bundled labels plus its own blind answers
    when it holds enough of them (:func:`learns`), else the shipped one (themes and instruments)."""
    own = project_labels(kind, rows, answers, gold_of)
    return fit(kind, with_bundled(kind, own)) if learns(own, learn) else shipped(kind)
