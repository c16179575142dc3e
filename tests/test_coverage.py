"""Coverage on the seed corpus: national duties, dev-gold quality, province union, gaps, overrides, evaluation."""
import json

import pandas as pd
import pytest

import variants
from conftest import GOLD, REPO, copy_project, stage_with_overrides
from quality import assert_measured
import ipcompare
from ipcompare import cli, tables
from ipcompare.analysis import coverage, evaluate, requirements
from ipcompare.errors import InputError

COVERAGE_TABLES = ("requirements", "coverage", "coverage_by_province", "gaps", "local_initiatives")
# Duty level of each national task, read by hand from its 任务分工 cell (tests/gold/national_duties.csv).
LEVELS = {1: "必做", 2: "必做", 3: "条件", 4: "必做", 5: "条件", 6: "条件", 7: "必做", 8: "必做", 9: "必做",
          10: "必做", 11: "必做", 12: "条件", 13: "必做", 14: "必做", 15: "必做", 16: "必做", 17: "必做",
          18: "none", 19: "none", 20: "选做", 21: "必做", 22: "必做", 23: "必做"}


@pytest.fixture(scope="module")
def out(run_result):
    project, _ = run_result
    return {name: tables.read_table(name, project.processed) for name in COVERAGE_TABLES}


def stage(run_result, tmp_path, overrides: str | None = None, **options) -> dict[str, pd.DataFrame]:
    files = {} if overrides is None else {"coverage_overrides.csv": "nat_task,doc_id,verdict,note\n" + overrides}
    return stage_with_overrides(coverage.stage, run_result, tmp_path, files, **options)


def test_units_carry_the_duties_of_all_23_national_tasks(run_result):
    units = coverage.reference_units(run_result[1].tables["tasks"], "NAT2024").set_index("task_id")
    gold = pd.read_csv(GOLD / "national_duties.csv", dtype=str, keep_default_na=False).set_index("nat_task")
    assert list(units.index) == list(gold.index) and (units.ref_set == "task_list").all()
    assert units.title.to_dict() == gold.short_name.to_dict()
    assert units.duty.to_dict() == gold.province_duty.to_dict()
    assert units.duty_level.to_dict() == {f"NAT2024-{k}": v for k, v in LEVELS.items()}
    # what is asked of regions, labels dropped; the whole task where nothing is asked of them
    assert units.loc["NAT2024-5", "content"].startswith("完善与审查协作中心合作长效工作机制")
    assert units.loc["NAT2024-19", "content"].startswith("积极参与外观设计法条约外交会议")


@pytest.mark.parametrize("duty, level", [
    ("各省必做", "必做"), ("各省必做; 数据知识产权试点省份必做", "必做"), ("各省选做", "选做"),
    ("涉及省份必做", "条件"), ("第一批、第二批示范区必做", "条件"), ("none", "none"), ("", "none"),
])
def test_duty_level(duty, level):
    assert coverage.duty_level(duty) == level


def test_reference_is_the_latest_national_task_list_unless_set(run_result):
    t = run_result[1].tables
    docs, tasks = t["documents"], t["tasks"]
    assert coverage.reference_document(docs, tasks) == "NAT2024"
    newer = docs[docs.doc_id == "NAT2024"].assign(doc_id="NAT2026", first_year="2026", last_year="2026")
    newer_tasks = tasks[tasks.doc_id == "NAT2024"].assign(doc_id="NAT2026")
    docs2, tasks2 = pd.concat([docs, newer]), pd.concat([tasks, newer_tasks])
    assert coverage.reference_document(docs2, tasks2) == "NAT2026"
    assert coverage.reference_document(docs2, tasks2, "NAT2024") == "NAT2024"
    with pytest.raises(InputError, match="GZ2025: not a national document with a task list"):
        coverage.reference_document(docs, tasks, "GZ2025")


# Quality: the measured values and their margins (1.5 labelled items) are in tests/quality.csv.
# Thresholds are calibrated on coverage_dev.csv only; the other files (tests/gold/README.md) are
# scored, never fitted.
def test_dev_gold_scores(run_result):
    """The client's labels (GZ2025), on which the thresholds are calibrated."""
    scores = evaluate.coverage(GOLD / "coverage_dev.csv", run_result[0].processed)
    assert scores["n"] == 23 and not scores["missing"]
    assert_measured(scores, "coverage_dev")


def test_thresholds_are_calibrated_on_the_dev_labels_only(run_result):
    """The module's thresholds are what --calibrate finds on the dev labels (see coverage.py)."""
    scores = evaluate.coverage(GOLD / "coverage_dev.csv", run_result[0].processed, calibrate=True)
    best = scores["calibration"]
    assert (best["T_COVERED"], best["T_PARTIAL"]) == pytest.approx((coverage.T_COVERED, coverage.T_PARTIAL), abs=1e-4)
    assert best["accuracy"] == scores["accuracy"]


def test_extra_gold_scores(run_result):
    """Labels by the project's engineers for HB2025 and SX2022 (held out: never fitted)."""
    scores = evaluate.coverage(GOLD / "coverage_extra.csv", run_result[0].processed)
    assert scores["n"] == 46 and not scores["missing"]
    assert_measured(scores, "coverage_extra")


def test_more_gold_scores(run_result):
    """Blind labels for GZSVC2023 (held out: never fitted), a service-industry policy predating the guideline."""
    scores = evaluate.coverage(GOLD / "coverage_more.csv", run_result[0].processed)
    assert scores["n"] == 23 and not scores["missing"]
    assert_measured(scores, "coverage_more")


def test_calibration_leave_one_document_out(run_result):
    """Each labelled document scored with the thresholds fitted on the other documents' labels: how
    the calibration generalises to a plan it has not seen (pooled over the 92 held-out pairs)."""
    files = [GOLD / f"coverage_{s}.csv" for s in ("dev", "extra", "more")]
    loo = evaluate.coverage_leave_one_out(files, run_result[0].processed)
    assert loo["n"] == 92 and set(loo["per_document"]) == {"GZ2025", "HB2025", "SX2022", "GZSVC2023"}
    assert_measured(loo, "coverage_loo")  # pooled; then each document's
    for doc, scores in loo["per_document"].items():
        assert_measured(scores, f"coverage_loo_{doc}")


def test_requirements_split_what_a_task_asks(out):
    reqs = out["requirements"]
    assert reqs.req_id.is_unique and set(reqs.nat_task) == {f"NAT2024-{k}" for k in LEVELS}
    n7 = reqs[reqs.nat_task == "NAT2024-7"]
    assert n7.req_id.tolist() == [f"NAT2024-7.{k}" for k in range(1, 7)] and (n7.scope == "各地区").all()
    # a lead-in (对照..., 结合实际) stays with the action it introduces
    assert n7.text.iloc[1] == "对照行动方案任务要求,在6月底前制定出台本地区细化落实方案"
    assert n7.text.iloc[2].startswith("结合实际,组建本地区推进落实专利转化运用专项行动任务的工作专班")
    assert set(reqs.loc[reqs.nat_task == "NAT2024-3", "scope"]) == {"有关省份", "有关地市"}
    assert set(reqs.loc[reqs.nat_task == "NAT2024-19", "scope"]) == {"国家知识产权局"}  # nothing asked of regions
    assert reqs.loc[reqs.asks_plan, "req_id"].tolist() == ["NAT2024-1.2"]
    assert (reqs.key_terms != "").mean() > 0.95 and "纲要" in tables.split_list(reqs.set_index("req_id").key_terms["NAT2024-1.2"])


def test_requirement_split_rules():
    assert requirements.split("结合实际,探索开展立法实践,助力地方经济高质量发展。有序开展普法宣传") == [
        "结合实际,探索开展立法实践,助力地方经济高质量发展", "有序开展普法宣传"]
    assert requirements.labelled_parts("各地区:甲。有关省份:乙。") == [("各地区", "甲。"), ("有关省份", "乙。")]
    assert requirements.labelled_parts("积极参与全球治理") == [("", "积极参与全球治理")]
    assert requirements.found("高校", "支持高等学校建设知识产权学院") and not requirements.found("高校", "企业")
    assert requirements.is_annual_plan("2025年全省知识产权工作要点")
    assert not requirements.is_annual_plan("关于加快推动知识产权服务业高质量发展的若干意见")


def test_the_plan_itself_meets_the_requirement_to_draw_it_up(out):
    """The known false gap GZ2025 x NAT2024-1 (制定印发本地区年度工作计划): an annual plan is that plan."""
    cov = out["coverage"].set_index(["nat_task", "doc_id"])
    for doc in ("GZ2025", "HB2025", "SX2022"):
        row = cov.loc[("NAT2024-1", doc)]
        assert f"NAT2024-1.2: {doc}" in tables.split_list(row.met_requirements) and row.verdict == "covered"
    assert "NAT2024-1.2" in tables.split_list(cov.loc[("NAT2024-1", "GZSVC2023"), "missing_requirements"])


def test_each_row_accounts_for_every_requirement(out):
    cov, reqs = out["coverage"], out["requirements"]
    per_unit = reqs.groupby("nat_task").req_id.apply(list)
    for row in cov.itertuples():
        met, partly = ([e.split(": ")[0] for e in tables.split_list(c)] for c in (row.met_requirements, row.partly_met_requirements))
        assert sorted(met + partly + tables.split_list(row.missing_requirements)) == sorted(per_unit[row.nat_task])
        assert (row.requirements_met, row.requirements_total) == (len(met), len(per_unit[row.nat_task]))
        assert row.requirements_answered == len(met) + len(partly)
        evidence = {e.split(": ")[1] for e in tables.split_list(row.met_requirements)}
        assert all(e == row.doc_id or e.startswith(row.doc_id + "-") for e in evidence)


def test_coverage_rows_evidence_and_document_years(out):
    cov = out["coverage"]
    assert len(cov) == 23 * 4 and cov.groupby("doc_id").size().eq(23).all()
    docs = cov.drop_duplicates("doc_id").set_index("doc_id")
    assert docs.doc_years.to_dict() == {"GZ2025": "2025", "GZSVC2023": "2023-2030", "HB2025": "2025", "SX2022": "2022-2023"}
    assert docs.predates.to_dict() == {"GZ2025": False, "GZSVC2023": True, "HB2025": False, "SX2022": True}
    for row in cov.itertuples():
        ids, titles, scores = (tables.split_list(c) for c in (row.evidence_ids, row.evidence_titles, row.evidence_scores))
        assert len(ids) == len(titles) == len(scores) == 3 and all(i.startswith(row.doc_id) for i in ids)
        # ordered by similarity, a task sharing the unit's theme ranking THEME_BONUS higher
        assert round(row.score, 3) - coverage.THEME_BONUS - 0.001 <= float(scores[0]) <= round(row.score, 3)
        assert row.own_score <= row.score
        assert row.verdict == coverage.row_verdict(row)
    gz = cov[cov.doc_id == "GZ2025"].set_index("nat_task")
    assert gz.loc["NAT2024-7", "evidence_ids"].startswith("GZ2025-12") and gz.loc["NAT2024-7", "verdict"] == "covered"
    assert "机构改革" in tables.split_list(gz.loc["NAT2024-21", "missing_terms"])


@pytest.mark.parametrize("args, expected", [
    ((0.3, 0.3, 0, False, 2, 4), "covered"),   # an assigned task, half the requirements answered
    ((0.3, 0.3, 0, False, 1, 4), "partial"),   # close, but one requirement of four: done in passing
    ((0.3, 0.0, 0, False, 2, 4), "partial"),   # broad, but its tasks belong to other national tasks
    ((0.05, 0.0, 0, False, 2, 6), "partial"),  # weak matches answering a third of it
    ((0.05, 0.0, 0, False, 1, 4), "absent"),
    ((0.05, 0.0, 1, False, 1, 4), "partial"),  # one clause of four done
    ((0.05, 0.0, 1, False, 1, 18), "absent"),  # one phrase of eighteen: shared wording, not work done
    ((0.05, 0.0, 2, False, 2, 18), "partial"),
    ((0.05, 0.0, 0, True, 1, 4), "covered"),   # the plan itself is the work asked for
    ((0.3, 0.3, 0, False, 0, 0), "covered"),   # no requirements: similarity alone
])
def test_verdict_rule(args, expected):
    assert coverage.verdict(*args) == expected


def test_a_close_task_answering_a_minor_part_is_partial(out):
    """Rows with an assigned task over T_COVERED but under a third of the requirements answered are not
    covered (partial when related, else absent)."""
    cov = out["coverage"]
    narrow = (cov.own_score >= coverage.T_COVERED) & (cov.requirements_answered < cov.requirements_total / 3)
    rows = cov[narrow & ~cov.apply(coverage.plan_met, axis=1)]
    some_met = rows.requirements_met.gt(0) & rows.requirements_met.ge(coverage.R_MET_SHARE * rows.requirements_total)
    related = rows.score.ge(coverage.T_PARTIAL) | some_met
    assert len(rows) >= 10 and (rows.verdict == related.map({True: "partial", False: "absent"})).all()


def test_a_plans_rows_depend_on_it_and_the_reference_alone(run_result, out):
    """Adding or removing other plans changes none of a plan's verdicts, scores or evidence."""
    project, result = run_result
    keep = {"NAT2024", "HB2025"}
    alone = {name: df[df.doc_id.isin(keep)] for name, df in result.tables.items() if name in ("documents", "tasks", "themes")}
    got = coverage.stage(alone, project)
    expected = out["coverage"][out["coverage"].doc_id == "HB2025"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got["coverage"], expected, check_dtype=False)
    local = out["local_initiatives"]
    pd.testing.assert_frame_equal(got["local_initiatives"], local[local.doc_id == "HB2025"].reset_index(drop=True),
                                  check_dtype=False)


def test_a_web_copy_reads_as_the_original(run_result, out, tmp_path):
    """HB2025 as a web copy (ASCII punctuation, traditional characters): the same verdicts, scores,
    evidence and requirements met, and the same themes."""
    project = copy_project(tmp_path)
    path = project.raw / "hubei_2025_work_points.txt"
    path.write_text(variants.traditional(variants.ascii_punct(path.read_text(encoding="utf-8"))), encoding="utf-8")
    copy = ipcompare.run(project.root, progress=False).tables
    cols = ["nat_task", "verdict", "score", "own_score", "evidence_ids", "assigned_ids", "requirements_answered",
            "met_requirements", "partly_met_requirements", "missing_requirements"]
    pd.testing.assert_frame_equal(*(c.loc[c.doc_id == "HB2025", cols].reset_index(drop=True) for c in (copy["coverage"], out["coverage"])),
                                  check_dtype=False)
    theme = [t.loc[t.task_id.str.startswith("HB2025-"), ["task_id", "theme"]].reset_index(drop=True)
             for t in (copy["themes"], run_result[1].tables["themes"])]
    pd.testing.assert_frame_equal(*theme)


def test_a_synonym_counts_as_the_requirements_word(run_result, out):
    """HB2025-13 carries out the province's 条例, a synonym of 立法 (data/synonyms.txt): it meets NAT2024-4.2
    (探索开展知识产权立法实践) without the word 立法."""
    content = run_result[1].tables["tasks"].set_index("task_id").content["HB2025-13"]
    assert "条例" in content and "立法" not in content and "立法" in requirements.synonyms()["条例"]
    row = out["coverage"].set_index(["nat_task", "doc_id"]).loc[("NAT2024-4", "HB2025")]
    assert "NAT2024-4.2: HB2025-13" in tables.split_list(row.met_requirements)


def test_a_plan_without_tasks_covers_nothing(run_result):
    project, result = run_result
    t = {name: result.tables[name] for name in ("documents", "tasks", "themes")}
    t |= {name: t[name][t[name].doc_id != "HB2025"] for name in ("tasks", "themes")}
    for keep in (None, {"NAT2024", "HB2025"}):  # with other plans, and alone
        tbls = {n: df[df.doc_id.isin(keep)] for n, df in t.items()} if keep else t
        hb = coverage.stage(tbls, project)["coverage"].query("doc_id == 'HB2025'")
        assert len(hb) == 23 and (hb.verdict == "absent").all() and (hb.evidence_ids == "").all() and (hb.score == 0).all()


def test_province_union_of_two_documents(out):
    cov, prov = out["coverage"], out["coverage_by_province"]
    assert len(prov) == 23 * 3
    gz = prov[prov.province == "贵州"].set_index("nat_task")
    per_doc = cov[cov.province == "贵州"].pivot(index="nat_task", columns="doc_id", values="verdict")
    best = per_doc.apply(lambda r: min(r, key=coverage.VERDICTS.index), axis=1)
    assert gz.verdict.to_dict() == best.to_dict()
    assert (gz.loc[per_doc.GZ2025 != per_doc.GZSVC2023, "best_doc"] != "").all()
    assert gz.doc_verdicts.str.contains(r"GZ2025 \(2025\): ").all()
    assert gz.doc_verdicts.str.contains(r"GZSVC2023 \(2023-2030, predates\): ").all()
    assert not gz.all_predate.any() and prov[prov.province == "山西"].all_predate.all()


def test_gaps_are_duties_left_absent_or_partial_in_order(out):
    gaps, prov = out["gaps"], out["coverage_by_province"]
    expected = prov[(prov.duty_level != "none") & (prov.verdict != "covered")]
    assert sorted(zip(gaps.province, gaps.nat_task)) == sorted(zip(expected.province, expected.nat_task))
    for _, g in gaps.groupby("province", sort=False):
        assert g["rank"].tolist() == list(range(1, len(g) + 1))
        key = list(zip(g.duty_level.map(coverage.DUTY_LEVELS.index), g.verdict.map({"absent": 0, "partial": 1})))
        assert key == sorted(key)


def test_local_initiatives_have_no_national_counterpart(out):
    local = out["local_initiatives"]
    assert (local.nearest_score < coverage.T_PARTIAL).all()
    assert {"HB2025-26", "HB2025-27"} <= set(local.task_id)  # party building, cadres: nothing national asks for them
    assert not set(local.task_id) & {"GZ2025-12", "HB2025-11", "SX2022-4"}


def test_body_measures_are_an_optional_second_set(run_result, tmp_path, out):
    got = stage(run_result, tmp_path, body_measures=True)["coverage"]
    body = got[got.ref_set == "body"]
    assert set(body.nat_task) == {"NAT2024-四", "NAT2024-十", "NAT2024-十一"} and (body.duty_level == "none").all()
    listed = got[got.ref_set == "task_list"].reset_index(drop=True)
    pd.testing.assert_frame_equal(listed, out["coverage"], check_dtype=False)


def test_manual_override_on_top_of_automatic(run_result, tmp_path):
    got = stage(run_result, tmp_path, "NAT2024-21,GZ2025,covered,see GZ2025-32\n")
    row = got["coverage"].set_index(["nat_task", "doc_id"]).loc[("NAT2024-21", "GZ2025")]
    assert (row.verdict, row.source, row.auto_verdict, row.note) == ("covered", "manual", "absent", "see GZ2025-32")
    assert (got["coverage"].source == "manual").sum() == 1
    prov = got["coverage_by_province"].set_index(["province", "nat_task"]).loc[("贵州", "NAT2024-21")]
    assert (prov.verdict, prov.source, prov.best_doc) == ("covered", "manual", "GZ2025")
    assert "NAT2024-21" not in set(got["gaps"].loc[got["gaps"].province == "贵州", "nat_task"])


@pytest.mark.parametrize("rows, problem", [
    ("NAT2024-99,GZ2025,covered,\n", "unknown nat_task 'NAT2024-99'"),
    ("NAT2024-1,XX2025,covered,\n", "unknown doc_id 'XX2025'"),
    ("NAT2024-1,NAT2024,covered,\n", "unknown doc_id 'NAT2024'"),
    ("NAT2024-1,GZ2025,done,\n", "unknown verdict 'done'"),
    ("NAT2024-1,GZ2025,covered,\nNAT2024-1,GZ2025,absent,\n", "overridden twice"),
])
def test_bad_override_is_a_one_line_input_error(run_result, tmp_path, rows, problem):
    with pytest.raises(InputError) as err:
        stage(run_result, tmp_path, rows)
    message = str(err.value)
    assert message.startswith(str(tmp_path / "data" / "annotations" / "coverage_overrides.csv"))
    assert problem in message and "\n" not in message


def test_cli_reports_bad_override_and_exits_2(project, capsys):
    (project.annotations / "coverage_overrides.csv").write_text("nat_task,verdict\nNAT2024-1,covered\n", "utf-8")
    assert cli.main(["--root", str(project.root), "run", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "coverage_overrides.csv: missing column(s) doc_id, note; expected nat_task, doc_id, verdict, note" in err[0]


def test_committed_overrides_file_has_only_the_header():
    assert (REPO / "data" / "annotations" / "coverage_overrides.csv").read_text("utf-8") == "nat_task,doc_id,verdict,note\n"


def test_evaluate_cli_text_and_json(run_result, tmp_path, capsys):
    root = str(run_result[0].root)
    gold = GOLD / "coverage_dev.csv"
    assert cli.main(["--root", root, "evaluate", "coverage", "--gold", str(gold)]) == 0
    text = capsys.readouterr().out
    assert "accuracy" in text and "addressed_f1" in text and "evidence_top3" in text and "confusion" in text
    assert cli.main(["--root", root, "evaluate", "coverage", "--gold", str(gold), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 23 and set(result["confusion"]) == {"covered", "partial", "absent"}
    no_evidence = tmp_path / "gold.csv"
    no_evidence.write_text("nat_task,doc,label\nNAT2024-7,GZ2025,covered\nNAT2024-7,XX1,absent\n", "utf-8")
    result = evaluate.coverage(no_evidence, run_result[0].processed)
    assert result["n"] == 1 and result["missing"] == ["NAT2024-7 x XX1"] and result["n_evidence"] == 0
    no_evidence.write_text("nat_task,doc,label\nNAT2024-7,GZ2025,yes\n", "utf-8")
    assert cli.main(["--root", root, "evaluate", "coverage", "--gold", str(no_evidence)]) == 2
    assert "line 2: unknown label 'yes'" in capsys.readouterr().err
