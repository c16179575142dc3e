"""Corrections that teach: a project's blind answers recalibrate coverage's thresholds and the
confidence once there are enough of them (calibration.MIN_LEARN), the right way on a part held out;
--no-learn keeps the shipped calibration."""
import shutil

import numpy as np
import pandas as pd

import ipcompare
from ipcompare import cli, tables
from ipcompare.analysis import calibration
from ipcompare.analysis import coverage as cov

STRICT = (0.2, 0.15)  # a stricter labeller: covered only when an assigned task matches closely


def strict_answers(table: pd.DataFrame, docs) -> pd.DataFrame:
    """Blind answers of a labeller stricter than the shipped rule, for the rows of ``docs``."""
    rows = table[table["doc_id"].isin(docs)]
    return pd.DataFrame({"kind": "coverage", "id": rows["nat_task"] + " x " + rows["doc_id"], "doc_id": rows["doc_id"],
                         "person": [cov.row_verdict(r, *STRICT) for r in rows.itertuples()],
                         "machine": rows["auto_verdict"], "workbook": "review-2026-12-08.xlsx", "notes": ""})


def held_out_accuracy(table, docs, thresholds) -> float:
    rows = table[~table["doc_id"].isin(docs)]
    person = [cov.row_verdict(r, *STRICT) for r in rows.itertuples()]
    return float(np.mean([cov.row_verdict(r, *thresholds) == p for r, p in zip(rows.itertuples(), person)]))


def test_a_projects_labels_move_the_thresholds_the_right_way(run_result):
    table = run_result[1].tables["coverage"]
    learn_on = ["GZ2025", "HB2025"]  # GZSVC2023 and SX2022 held out
    answers = strict_answers(table, learn_on)
    learned = cov.learned_thresholds(table, answers)
    assert learned[0] > cov.T_COVERED and learned[1] > cov.T_PARTIAL  # towards the labeller's stricter rule
    before, after = (held_out_accuracy(table, learn_on, t) for t in ((cov.T_COVERED, cov.T_PARTIAL), learned))
    assert after > before + 0.1  # 0.83 -> 0.98 on the 46 held-out pairs
    assert cov.learned_thresholds(table, answers, learn=False) == (cov.T_COVERED, cov.T_PARTIAL)
    few = answers.iloc[: calibration.MIN_LEARN - 1]
    assert cov.learned_thresholds(table, few) == (cov.T_COVERED, cov.T_PARTIAL)  # too few to learn from


def test_run_learns_and_no_learn_keeps_the_shipped_calibration(run_result, tmp_path, capsys):
    shutil.copytree(run_result[0].root / "data", tmp_path / "data")  # with its cache
    project = ipcompare.Project(tmp_path)
    shipped = run_result[1].tables["coverage"]
    strict_answers(shipped, ["GZ2025", "HB2025"]).to_csv(project.annotations / "validation.csv", index=False)
    assert cli.main(["--root", str(tmp_path), "run", "--no-charts", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "learned: coverage recalibrated on 92 bundled and 46 of the project's validated decisions" in out
    summary = tables.read_table("calibration", project.processed).set_index("kind")
    assert summary.loc["coverage", "learned"] and summary.loc["coverage", "t_covered"] > cov.T_COVERED
    learned = tables.read_table("coverage", project.processed)
    assert (learned["auto_verdict"] != shipped["auto_verdict"]).any()
    assert cli.main(["--root", str(tmp_path), "run", "--no-charts", "--quiet", "--no-learn"]) == 0
    assert "(--no-learn): the shipped calibration" in capsys.readouterr().out
    kept = tables.read_table("coverage", project.processed)
    pd.testing.assert_frame_equal(kept[["auto_verdict", "p_correct", "review"]], shipped[["auto_verdict", "p_correct", "review"]])


def test_the_report_says_what_was_learned(run_result):
    from ipcompare.views import methods

    t = dict(run_result[1].tables)
    assert methods._learned(t, "en") == ""
    t["calibration"] = t["calibration"].assign(learned=[True, False, False], project_labels=[46, 0, 0],
                                               t_covered=[0.1978, np.nan, np.nan], t_partial=[0.1435, np.nan, np.nan])
    text = methods.validation_section(t, "en", {})["method"]
    assert "coverage verdicts (coverage thresholds T_COVERED 0.1978, T_PARTIAL 0.1435) recalibrated" in text
    assert "覆盖判断（覆盖阈值 T_COVERED 0.1978、T_PARTIAL 0.1435）以附带标注加上本项目的 46 项重新校准" in \
        methods.validation_section(t, "zh", {})["method"]
