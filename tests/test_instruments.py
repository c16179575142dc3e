"""Policy instruments on the seed corpus: taxonomy, clauses, quality on the dev gold (also leave one
document out), overrides, outputs, evaluation."""
import json

import numpy as np
import pytest
from conftest import GOLD, stage_with_overrides
from quality import assert_measured

from ipcompare import cli, tables
from ipcompare.analysis import evaluate, instruments, themes
from ipcompare.errors import InputError

TABLES = ("instruments", "instrument_by_document", "instrument_by_province")
SUBTYPES = {
    "supply": ["talent", "funding", "information", "infrastructure", "technology"],
    "environment": ["planning", "regulation", "finance", "tax", "strategic"],
    "demand": ["procurement", "demonstration", "outsourcing", "overseas", "trade"],
}


@pytest.fixture(scope="module")
def work(run_result):
    tasks = run_result[1].tables["tasks"]
    return tasks[tasks.kind == "task"].reset_index(drop=True)


@pytest.fixture(scope="module")
def gold():
    return tables.read_user_csv(GOLD / "instruments_dev.csv", evaluate.INSTRUMENT_GOLD_COLUMNS)


def test_taxonomy_comes_from_instruments_md():
    t = instruments.taxonomy()
    assert [c.id for c in t["types"]] == list(SUBTYPES)
    assert {k: [c.id for c in t["subtypes"] if c.parent == k] for k in SUBTYPES} == SUBTYPES
    assert instruments.names()["regulation"] == ("法规管制", "Regulation & enforcement")
    assert instruments.names()["supply"][0] == "供给型" and instruments.names()["service"][0] == "服务"
    assert set(instruments.seed_words()) == {s for ss in SUBTYPES.values() for s in ss}
    assert all(instruments.seed_words().values())


def test_every_theme_has_one_field():
    fields = instruments.field_of_theme()
    assert sorted(fields) == sorted(themes.theme_ids())
    assert set(fields.values()) == {"creation", "utilisation", "protection", "management", "service"}
    assert fields["protection"] == "protection" and fields["conversion"] == "utilisation"


def test_clauses_are_cut_at_sentence_ends_and_unit_brackets():
    text = "加强知识产权金融工作。推广质押贷款〔人民银行〕。探索保险;鼓励融资担保〔省委金融办〕。一、"
    assert instruments.clauses(text) == ["加强知识产权金融工作", "推广质押贷款", "探索保险", "鼓励融资担保"]
    model = instruments.InstrumentModel()
    assert model._seed_text("开展执法〔责任单位:贵州金融监管局〕") == "开展执法"  # unit names are no means


def test_type_is_decided_before_sub_type():
    """Two supply sub-types together outweigh the best single environment sub-type."""
    model = instruments.InstrumentModel()
    ids = list(model.ids_)
    scores = np.zeros((1, len(ids)))
    for subtype, score in (("talent", .3), ("funding", .3), ("regulation", .4)):
        scores[0, ids.index(subtype)] = score
    top, second = model._rank(scores)
    assert (model.ids_[top[0]], model.ids_[second[0]]) == ("talent", "regulation")


def test_dev_gold_scores(run_result, gold):
    project, _ = run_result
    result = evaluate.instruments(GOLD / "instruments_dev.csv", project.processed)
    assert result["n"] == 62 and not result["missing"]
    assert_measured(result["type"], "instruments_dev_type")
    assert_measured(result["subtype"], "instruments_dev_subtype")


def test_leave_one_document_out(run_result, capsys):
    """``evaluate instruments --leave-one-out``: each labelled document coded by a model fitted on
    the other documents only (tests/quality.csv), by the code themes use (evaluate.leave_one_out_labels)."""
    project, _ = run_result
    args = ["--root", str(project.root), "evaluate", "instruments", "--gold", str(GOLD / "instruments_dev.csv")]
    assert cli.main([*args, "--leave-one-out", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert_measured(scores["type"], "instruments_loo_type")
    assert_measured(scores["subtype"], "instruments_loo_subtype")
    per_document = {d: (scores["type"]["per_document"][d], a) for d, a in scores["subtype"]["per_document"].items()}
    assert per_document == {"GZ2025": (0.9706, 0.9412), "HB2025": (0.8929, 0.8214)}  # 34 and 28 labels
    assert cli.main([*args, "--leave-one-out"]) == 0
    assert "leave one document out, accuracy of each document: GZ2025 0.9706, HB2025 0.8929" in capsys.readouterr().out


def test_outputs_are_written_documented_and_consistent(run_result):
    project, result = run_result
    df = {name: tables.read_table(name, project.processed) for name in TABLES}
    inst = df["instruments"]
    assert len(inst) == 128 and (inst.source == "auto").all() and (inst.subtype == inst.auto_subtype).all()
    assert (inst.subtype.map(instruments.type_of()) == inst.type).all() and (inst.evidence != "").all()
    theme = result.tables["themes"].set_index("task_id").theme
    assert (inst.field == theme[inst.task_id].map(instruments.field_of_theme()).to_numpy()).all()
    mixed = inst[inst.secondary != ""]
    assert (mixed.clauses != "").mean() >= 0.9 and (inst[inst.secondary == ""].clauses == "").all()
    row = inst.set_index("task_id").loc["GZ2025-5"]  # 推进保护体系建设。印发…推进计划。推进维权援助工作体系建设。
    assert (row.subtype, row.secondary, row.clauses) == ("planning", "regulation", "2 planning; 3 regulation")
    by_doc = df["instrument_by_document"]
    assert len(by_doc) == 5 * 3 * 5 and by_doc.groupby("doc_id").share.sum().round(3).eq(1).all()
    assert by_doc.groupby("doc_id").n_tasks.sum().to_dict() == {
        "NAT2024": 32, "GZ2025": 34, "GZSVC2023": 16, "HB2025": 28, "SX2022": 18}
    assert df["instrument_by_province"].province.nunique() == 4


def test_instrument_tables_are_byte_identical_across_runs(run_result, tmp_path):
    project, result = run_result
    for run in ("1", "2"):
        (tmp_path / run).mkdir()
        out = instruments.stage(result.tables, type(project)(tmp_path / run))
        for name in TABLES:
            tables.write_table(out[name], name, tmp_path / run)
    for name in TABLES:
        assert (tmp_path / "1" / f"{name}.csv").read_bytes() == (tmp_path / "2" / f"{name}.csv").read_bytes()


def with_overrides(run_result, tmp_path, rows: str, header="task_id,subtype,note"):
    return stage_with_overrides(instruments.stage, run_result, tmp_path, {instruments.OVERRIDES: f"{header}\n{rows}"})


def test_manual_override_on_top_of_automatic(run_result, tmp_path):
    out = with_overrides(run_result, tmp_path, "GZ2025-17,tax,checked by hand\n")["instruments"]
    row = out.set_index("task_id").loc["GZ2025-17"]
    assert (row.subtype, row.type, row.source, row.auto_subtype, row.note) == (
        "tax", "environment", "manual", "finance", "checked by hand")
    assert row.subtype_zh == "税收优惠" and row.confidence == 1.0
    assert (out[out.task_id != "GZ2025-17"].source == "auto").all()


@pytest.mark.parametrize("row, problem", [
    ("GZ2025-999,tax,\n", "line 2: unknown task_id 'GZ2025-999'"),
    ("GZ2025-17,supply,\n", "unknown subtype 'supply'"),
    ("GZ2025-17,tax,\nGZ2025-17,trade,\n", "overridden twice"),
])
def test_bad_override_is_a_one_line_input_error(run_result, tmp_path, row, problem):
    with pytest.raises(InputError) as err:
        with_overrides(run_result, tmp_path, row)
    assert str(err.value).startswith(str(tmp_path / "data" / "annotations" / instruments.OVERRIDES))
    assert problem in str(err.value) and "\n" not in str(err.value)


def test_evaluate_cli(run_result, tmp_path, capsys):
    project, _ = run_result
    gold = tmp_path / "gold.csv"
    gold.write_text((GOLD / "instruments_dev.csv").read_text("utf-8") + "XX2030-1,demand,trade\n", "utf-8")
    assert cli.main(["--root", str(project.root), "evaluate", "instruments", "--gold", str(gold), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["missing"] == ["XX2030-1"] and result["n"] == 62
    assert set(result["subtype"]) >= {"accuracy", "macro_f1", "kappa", "confusion"}
    assert cli.main(["--root", str(project.root), "evaluate", "instruments", "--gold", str(gold)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("type:\n") and "\nsubtype:\n" in out
    assert "missing from the corpus (1): XX2030-1" in out
    gold.write_text("task_id,type,subtype\nGZ2025-1,supply,regulation\n", "utf-8")
    assert cli.main(["--root", str(project.root), "evaluate", "instruments", "--gold", str(gold)]) == 2
    assert "line 2: unknown type or sub-type 'supply', 'regulation'" in capsys.readouterr().err


def test_views_count_every_task_once(run_result):
    from ipcompare.views import frames

    result = run_result[1]
    m = frames.instrument_matrix(result.tables)
    assert list(m.columns) == ["creation", "utilisation", "protection", "management", "service"]
    assert m.groupby(level=0, sort=False).sum().sum(axis=1).to_dict() == {"贵州": 50, "湖北": 28, "山西": 18}
    shares = frames.instrument_types(result.tables, "share")
    assert list(shares.index) == ["贵州", "湖北", "山西"] and shares.sum(axis=1).round(3).eq(1).all()
    by_doc = frames.instrument_types(result.tables, by="document")
    assert by_doc.index[0] == "NAT2024" and by_doc.sum(axis=1).to_dict()["GZSVC2023"] == 16
