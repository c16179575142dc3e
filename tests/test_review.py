"""The review workbook on the seed corpus: export (deterministic, flagged first, blind sample hidden),
a round trip filled from the gold files whose agreement equals `evaluate`, refused workbooks, idempotence."""
import shutil

import pandas as pd
import pytest
from conftest import GOLD
from openpyxl import load_workbook

from ipcompare import Project, cli, tables
from ipcompare.analysis import evaluate
from ipcompare.views import review


@pytest.fixture
def proj(run_result, tmp_path):
    """A writable copy of the seed run (its data/ folder)."""
    shutil.copytree(run_result[0].root / "data", tmp_path / "data", ignore=shutil.ignore_patterns("cache"))
    return Project(tmp_path)


def gold_answers():
    """Every bundled label (coverage of 4 plans, themes of 5 documents, instruments of 2), by kind and id."""
    return review.answers_from_labels(GOLD)


def fill(path, answers, edit=None):
    """:func:`review.fill`, then ``edit(wb)`` spoils the workbook."""
    review.fill(path, answers)
    if edit:
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path


def annotations(project):
    return {p.name: p.read_bytes() for p in sorted(project.annotations.glob("*"))}


def test_the_workbook_is_deterministic_and_holds_both_parts(proj):
    path = review.export(proj, sample=12, seed=3, date="2026-12-08")
    first = path.read_bytes()
    assert review.export(proj, sample=12, seed=3, date="2026-12-08").read_bytes() == first
    assert path.name == "review-2026-12-08.xlsx"
    wb = load_workbook(path)
    assert {"about", *review.KINDS} <= set(wb.sheetnames)
    ws = wb["coverage"]
    rows = pd.DataFrame(list(ws.values)[1:], columns=[c.value for c in ws[1]])
    flagged, blind = rows[rows.part == review.PARTS["a"]], rows[rows.part == review.PARTS["b"]]
    table = tables.read_table("coverage", proj.processed)
    assert len(flagged) + len(set(blind.id) & set(table.loc[table.review, "nat_task"] + " x " + table.loc[table.review, "doc_id"])) == table.review.sum()
    assert len(blind) == 12 and blind.machine.isna().all() and blind.p_correct.isna().all()  # hidden
    assert blind.met_requirements.isna().all() and blind.requirements.str.len().gt(0).all()  # the texts, not the reading
    themes = pd.DataFrame(list(wb["themes"].values)[1:], columns=[c.value for c in wb["themes"][1]])
    assert themes.loc[themes.part == review.PARTS["b"], ["secondary", "evidence"]].isna().all().all()
    assert blind.doc_id.value_counts().max() - blind.doc_id.value_counts().min() <= 1  # stratified: 4 plans of 23
    levels = flagged.duty_level.map(["必做", "选做", "条件", "none"].index).tolist()
    assert levels == sorted(levels)  # required duties first
    assert flagged.requirements.str.len().gt(0).all() and flagged.matched_tasks.str.contains(":").all()
    dv = ws.data_validations.dataValidation
    assert dv and dv[0].type == "list" and "values!" in dv[0].formula1


def test_round_trip_agreement_equals_evaluate(proj, capsys):
    path = review.export(proj, sample=200, seed=0, date="2026-12-08")  # every decision in the blind part
    answers = gold_answers()
    before = {k: tables.read_table(k, proj.processed) for k in ("coverage", "themes", "instruments")}
    assert cli.main(["--root", str(proj.root), "review", "--import", str(fill(path, answers))]) == 0
    out = capsys.readouterr().out
    validation = tables.read_user_csv(proj.annotations / review.VALIDATION, review.VALIDATION_COLUMNS)
    result = review.agreement(validation)
    cov = before["coverage"].assign(id=lambda d: d.nat_task + " x " + d.doc_id).set_index("id")
    ids = [i for i in answers["coverage"] if i in cov.index]
    expected = evaluate.label_scores([answers["coverage"][i] for i in ids], cov.loc[ids, "auto_verdict"])
    assert result["coverage"]["n"] == len(ids) == 92
    assert result["coverage"]["accuracy"] == expected["accuracy"] and result["coverage"]["kappa"] == expected["kappa"]
    themes_ids = list(validation.loc[validation.kind == "themes", "id"])  # the work tasks (no preamble item)
    assert len(themes_ids) >= 115
    t = before["themes"].set_index("task_id")
    exp = evaluate.label_scores([answers["themes"][i] for i in themes_ids], t.loc[themes_ids, "auto_theme"])
    assert result["themes"]["accuracy"] == exp["accuracy"] and result["themes"]["kappa"] == exp["kappa"]
    ins = evaluate.instruments(GOLD / "instruments_dev.csv", proj.processed)
    assert result["instruments"]["accuracy"] == ins["type"]["accuracy"]
    assert result["instruments"]["kappa"] == ins["type"]["kappa"]
    assert result["instruments_subtype"]["accuracy"] == ins["subtype"]["accuracy"]
    lo, hi = result["coverage"]["interval"]
    assert lo < result["coverage"]["accuracy"] < hi and -1 <= result["coverage"]["alpha"] <= 1
    assert "Krippendorff's alpha" in out and "confusion" in out
    overrides = tables.read_user_csv(proj.annotations / "coverage_overrides.csv", ["nat_task", "doc_id", "verdict", "note"])
    assert len(overrides) == 92
    kept = annotations(proj)
    assert cli.main(["--root", str(proj.root), "review", "--import", str(path)]) == 0  # twice: nothing added twice
    assert annotations(proj) == kept


@pytest.mark.parametrize("spoil, message", [
    (lambda wb: wb["themes"].cell(2, 1, "GZ2025-999"), "edited"),
    (lambda wb: wb["coverage"].cell(2, [c.value for c in wb["coverage"][1]].index("answer") + 1, "done"), "is not one of"),
    (lambda wb: wb.remove(wb["instruments"]), "sheet 'instruments' is missing"),
])
def test_a_spoiled_workbook_is_refused_and_nothing_written(proj, capsys, spoil, message):
    path = fill(review.export(proj, sample=5, date="2026-12-08"), gold_answers(), spoil)
    before = annotations(proj)
    assert cli.main(["--root", str(proj.root), "review", "--import", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}: ") and message in err[0]
    assert annotations(proj) == before


def test_an_earlier_override_is_kept_unless_replace(proj, capsys):
    path = review.export(proj, sample=200, date="2026-12-08")
    item = next(iter(gold_answers()["themes"]))
    other = "foreign" if gold_answers()["themes"][item] != "foreign" else "legal"
    (proj.annotations / "theme_overrides.csv").write_text(f"task_id,theme,note\n{item},{other},mine\n", "utf-8")
    fill(path, gold_answers())
    assert cli.main(["--root", str(proj.root), "review", "--import", str(path)]) == 0
    assert f"{item} keeps its earlier override" in capsys.readouterr().out
    rows = tables.read_user_csv(proj.annotations / "theme_overrides.csv", ["task_id", "theme", "note"])
    assert rows.iloc[0].tolist() == [item, other, "mine"] and rows.task_id.is_unique
    assert cli.main(["--root", str(proj.root), "review", "--import", str(path), "--replace"]) == 0
    rows = tables.read_user_csv(proj.annotations / "theme_overrides.csv", ["task_id", "theme", "note"])
    assert rows.iloc[0].theme == gold_answers()["themes"][item] and len(rows) == len(set(rows.task_id))


def test_the_report_states_the_last_import(run_result, proj):
    from ipcompare.analysis import calibration
    from ipcompare.views import methods

    bundled = methods.validation_section(run_result[1].tables, "en", {})
    assert "No decision has been validated by a person yet" in bundled["method"]
    assert "尚无任何判断经人工验证" in methods.validation_section(run_result[1].tables, "zh", {})["method"]
    path = fill(review.export(proj, sample=15, date="2026-12-08"), gold_answers())
    review.import_workbook(proj, path)
    t = dict(run_result[1].tables, validation=calibration.read_answers(proj.annotations))
    section = methods.validation_section(t, "en", {})
    figures = review.agreement(t["validation"])
    lo, hi = figures["coverage"]["interval"]
    assert f"coverage verdicts {figures['coverage']['accuracy']:.2f} (95% CI {lo:.2f}-{hi:.2f}" in section["method"]
    row = section["agreement"].set_index("decisions").loc["coverage verdicts"]
    assert row["coded blind"] == figures["coverage"]["n"] > 0 and row["flagged for review"] == t["coverage"]["review"].sum()
    assert "Krippendorff's α" in methods.validation_section(t, "zh", {})["method"]


def test_a_bad_validation_file_stops_the_run(proj, capsys):
    (proj.annotations / "validation.csv").write_text("kind,id,doc_id,person,machine,workbook,notes\n"
                                                     "verdicts,NAT2024-1 x GZ2025,GZ2025,covered,covered,w,\n", "utf-8")
    assert cli.main(["--root", str(proj.root), "run", "--no-charts", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "validation.csv: line 2" in err[0]
