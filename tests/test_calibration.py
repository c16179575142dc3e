"""Calibrated confidence and review flags: the bundled labels table is what a run of the seed corpus
gives, every decision has a probability and a flag, the leave-one-document-out figures (tests/quality.csv)."""
import numpy as np
import pandas as pd
import pytest
from conftest import GOLD
from quality import assert_measured

from ipcompare.analysis import calibration, evaluate


def test_the_bundled_labels_are_what_the_seed_run_decides(run_result):
    project, _ = run_result
    made = evaluate.calibration_labels(project.processed, GOLD)
    shipped = calibration.read_labels()
    assert len(made) == 92 + 130 + 62
    pd.testing.assert_frame_equal(made[["kind", "doc_id", "item", "gold", "predicted"]].astype(str),
                                  shipped[["kind", "doc_id", "item", "gold", "predicted"]])
    assert np.allclose(made["margin"].astype(float).fillna(-1), shipped["margin"].fillna(-1), atol=1e-5)


@pytest.mark.parametrize("table", ["coverage", "themes", "instruments"])
def test_every_decision_has_a_probability_and_a_flag(run_result, table):
    df = run_result[1].tables[table]
    assert df["p_correct"].between(0, 1).all()
    kind = calibration.shipped(table, evaluate.coverage_bounds() if table == "coverage" else ())
    assert (df["review"] == (df["p_correct"] < kind.cut)).all()  # the flag is the stated cut, nothing else
    labels = calibration.read_labels()
    labels = labels[labels.kind == table]
    assert (kind.p(labels) < kind.cut).mean() <= calibration.MAX_FLAGGED[table]  # the budget, on the labels
    assert 0 < df["review"].mean() < 0.4


def test_a_more_certain_decision_gets_a_higher_probability():
    labels = calibration.read_labels()
    for kind in ("themes", "instruments"):
        fitted = calibration.shipped(kind)
        p = fitted.p(pd.DataFrame({"margin": [0.0, 0.2, 0.6]}))
        assert p[0] < p[1] < p[2], kind
    cov = labels[labels.kind == "coverage"].reset_index(drop=True)
    p = calibration.shipped("coverage", evaluate.coverage_bounds()).p(cov)
    right = (cov.predicted == cov.gold).to_numpy()
    assert p[right].mean() > p[~right].mean() + 0.05  # the flagged are where the errors are


def test_the_review_cut_is_the_aim_within_the_budget():
    p = np.linspace(0.5, 0.99, 50)
    assert calibration.review_cut(p, 0.6, 0.5) == 0.6  # less likely right than the aim: flagged
    assert calibration.review_cut(p, 0.97, 0.2) == pytest.approx(p[10])  # the budget: 10 of 50 flagged
    assert (p < calibration.review_cut(p, 0.97, 0.2)).mean() == 0.2


@pytest.mark.parametrize("kind", ["coverage", "themes", "instruments"])
def test_leave_one_document_out(kind):
    result = evaluate.calibration_leave_one_out(kind)
    assert_measured(result, f"calibration_loo_{kind}")


def test_evaluate_reports_the_flags(run_result):
    project, _ = run_result
    result = evaluate.coverage(GOLD / "coverage_dev.csv", project.processed)
    assert 0 < result["flagged_share"] <= 0.35 and result["unflagged_accuracy"] >= result["accuracy"]
    assert {"flagged_share", "unflagged_accuracy"} <= set(evaluate.themes(GOLD / "themes_dev.csv", project.processed))
