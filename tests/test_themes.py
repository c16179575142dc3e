"""Shared themes on the seed corpus: quality on the dev gold, stability, overrides, outputs, evaluation."""
import json

import numpy as np
import pandas as pd
import pytest

from conftest import GOLD, stage_with_overrides
from quality import assert_measured
from ipcompare import cache, cli, tables
from ipcompare.analysis import evaluate, seeded, themes
from ipcompare.errors import InputError

THEME_TABLES = ("themes", "theme_terms", "theme_by_document", "theme_by_province")


@pytest.fixture(scope="module")
def tasks(run_result):
    return run_result[1].tables["tasks"]


@pytest.fixture(scope="module")
def model(tasks):
    return themes.ThemeModel().fit(tasks)


def test_themes_come_from_themes_md():
    ids = themes.theme_ids()
    assert ids[:3] == ["governance", "legal", "creation"] and ids[-1] == "culture" and len(ids) == 13
    assert themes.load_themes()[5].zh == "保护"
    assert set(themes.seed_words()) == set(ids) and all(themes.seed_words().values())


def test_seed_matching_prefers_the_longest_word():
    found = themes.seed_matches("建设知识产权保护示范区,开展數據知識產權登记")
    assert found["保护示范区"] == 1 and "保护" not in found and found["数据知识产权"] == 1


def test_seed_tree_matches_as_the_longest_first_alternation(tasks):
    """The prefix-tree regex finds what the plain alternation of the words, longest first, finds: in every
    seed task, and where words are prefixes of one another."""
    import re

    from ipcompare.analysis import instruments

    for seeds in (themes.seed_words(), instruments.seed_words()):
        tree, owners = seeded.compile_seeds(tuple(seeds.items()))
        plain = re.compile("|".join(map(re.escape, sorted(owners, key=lambda w: (-len(w), w)))))
        for text in tasks["text"]:
            assert tree.findall(text) == plain.findall(text)
    tree = re.compile(seeded._trie(["保护", "保护示范", "保护示范区", "示范"]))
    assert tree.findall("保护示范保护示范区示范保") == ["保护示范", "保护示范区", "示范"]


def test_dev_gold_scores(model, tasks):
    gold = tables.read_user_csv(GOLD / "themes_dev.csv", evaluate.THEME_GOLD_COLUMNS)
    predicted = model.transform(tasks).set_index("task_id")["theme"]
    assert_measured(evaluate.theme_scores(gold, predicted), "themes_dev")


def test_extra_gold_scores(model, tasks):
    """Labels by the project's engineers for HB2025 and GZSVC2023 (tests/gold/README.md): scored, never fitted."""
    gold = tables.read_user_csv(GOLD / "themes_extra.csv", evaluate.THEME_GOLD_COLUMNS)
    assert len(gold) == 46 and set(gold.task_id.str.split("-").str[0]) == {"HB2025", "GZSVC2023"}
    assert_measured(evaluate.theme_scores(gold, model.transform(tasks).set_index("task_id")["theme"]), "themes_extra")


def test_leave_one_document_out(tasks):
    """Each document themed by a model fitted without it: how themes carry to a plan never seen."""
    gold = pd.concat([tables.read_user_csv(GOLD / f, evaluate.THEME_GOLD_COLUMNS)
                      for f in ("themes_dev.csv", "themes_extra.csv")])
    predicted = evaluate.leave_one_out_labels(tasks, tasks.task_id)
    assert_measured(evaluate.theme_scores(gold, predicted), "themes_loo")


def test_transform_columns_and_preamble(model, tasks):
    out = model.transform(tasks)
    assert list(out.index) == list(tasks.index)
    preamble = out[tasks.kind == "preamble"]
    assert (preamble.theme == themes.NON_TASK).all() and len(preamble) == 4
    work = out[tasks.kind == "task"]
    assert work.theme.isin(themes.theme_ids()).all()
    assert work.confidence.between(0, 1).all() and (work.evidence != "").all()
    assert (work.secondary != work.theme).all()


def test_theme_terms_and_representative_tasks(model, tasks):
    terms = model.theme_terms_
    assert terms.groupby("theme").size().max() <= seeded.N_TERMS
    assert "质押融资" in terms[terms.theme == "finance"].term.tolist()
    auto = model.transform(tasks)
    rank = themes.representatives(auto)
    protection = auto[auto.theme == "protection"]
    best = protection.sort_values(["score", "task_id"], ascending=[False, True]).task_id[:themes.N_REPRESENTATIVE]
    assert sorted(rank[auto.task_id.isin(best)]) == list(range(1, themes.N_REPRESENTATIVE + 1))
    assert (rank[auto.theme == themes.NON_TASK] == 0).all() and (rank > 0).sum() == 13 * themes.N_REPRESENTATIVE


def test_a_plan_outside_the_fit_sample_is_themed_by_the_fitted_model(model, tasks, tmp_path, monkeypatch):
    """A large corpus (here: more than 100 work tasks) is fitted on a sample of its documents; a plan
    added outside the sample is themed by the model kept from the last run, and alone."""
    monkeypatch.setattr(themes, "MAX_FIT_TASKS", 100)
    before = tasks[tasks.doc_id != "SX2022"]
    sample = set(themes.fit_sample(tasks).doc_id)
    assert sample == set(themes.fit_sample(before).doc_id) and 0 < len(sample) < 4 and "SX2022" not in sample
    store = cache.Store(tmp_path, "themes")
    themes.auto_themes(before, store=store)
    calls = []
    for name in ("fit", "transform"):
        original = getattr(themes.ThemeModel, name)
        monkeypatch.setattr(themes.ThemeModel, name, lambda self, t, _o=original, _n=name: calls.append(
            (_n, set(t.doc_id))) or _o(self, t))
    got = themes.auto_themes(tasks, store=store)
    assert calls == [("transform", {"SX2022"})]
    pd.testing.assert_frame_equal(got, themes.auto_themes(tasks))  # the same as without the store


def test_results_do_not_depend_on_row_order(model, tasks):
    shuffled = tasks.sample(frac=1, random_state=7)
    again = themes.ThemeModel().fit(shuffled).transform(shuffled).loc[tasks.index]
    pd.testing.assert_frame_equal(again, model.transform(tasks))


def test_adding_or_removing_a_document_moves_few_other_tasks(model, tasks):
    """Corpus without each document vs the full corpus (= adding it back): <= 5% of the rest move."""
    full = model.transform(tasks).set_index("task_id").theme
    for doc_id in tasks.doc_id.unique():
        rest = tasks[tasks.doc_id != doc_id]
        without = themes.ThemeModel().fit(rest).transform(rest).set_index("task_id").theme
        changed = (without != full[without.index]).mean()
        assert changed <= 0.05, f"without {doc_id}: {changed:.1%} of the other tasks changed theme"


def with_overrides(run_result, tmp_path, rows: str, header="task_id,theme,note") -> dict[str, pd.DataFrame]:
    return stage_with_overrides(themes.stage, run_result, tmp_path, {themes.OVERRIDES: f"{header}\n{rows}"})


def test_manual_override_on_top_of_automatic(run_result, tmp_path):
    out = with_overrides(run_result, tmp_path, "GZ2025-12,finance,checked by hand\n")
    row = out["themes"].set_index("task_id").loc["GZ2025-12"]
    auto = run_result[1].tables["themes"].set_index("task_id").loc["GZ2025-12"]
    assert auto.theme != "finance" and auto.source == "auto"
    assert (row.theme, row.source, row.auto_theme, row.note) == ("finance", "manual", auto.theme, "checked by hand")
    assert row.theme_zh == "知识产权金融" and row.confidence == 1.0
    others = out["themes"][out["themes"].task_id != "GZ2025-12"]
    assert (others.source == "auto").all() and (others.theme == others.auto_theme).all()


@pytest.mark.parametrize("row, problem, header", [
    ("GZ2025-999,finance,\n", "line 2: unknown task_id 'GZ2025-999'", "task_id,theme,note"),
    ("GZ2025-12,money,\n", "unknown theme 'money'", "task_id,theme,note"),
    ("GZ2025-12,finance,\nGZ2025-12,legal,\n", "overridden twice", "task_id,theme,note"),
    ("GZ2025-12,finance\n", "missing column(s) task_id, note; expected task_id, theme, note", "task,theme"),
])
def test_bad_override_is_a_one_line_input_error(run_result, tmp_path, row, problem, header):
    with pytest.raises(InputError) as err:
        with_overrides(run_result, tmp_path, row, header)
    message = str(err.value)
    assert message.startswith(str(tmp_path / "data" / "annotations" / themes.OVERRIDES))
    assert problem in message and "\n" not in message


def test_cli_reports_bad_override_and_exits_2(project, capsys):
    (project.annotations / themes.OVERRIDES).write_text("task_id,theme,note\nNOPE-1,legal,\n", "utf-8")
    assert cli.main(["--root", str(project.root), "run", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "theme_overrides.csv" in err[0] and "unknown task_id 'NOPE-1'" in err[0]


def test_outputs_are_written_documented_and_consistent(run_result):
    project, _ = run_result
    df = {name: tables.read_table(name, project.processed) for name in THEME_TABLES}
    assert len(df["themes"]) == 132 and (df["themes"].source == "auto").all()
    by_doc = df["theme_by_document"]
    assert len(by_doc) == 5 * 13 and by_doc.groupby("doc_id").share.sum().round(3).eq(1).all()
    assert by_doc.groupby("doc_id").n_tasks.sum().to_dict() == {
        "NAT2024": 32, "GZ2025": 34, "GZSVC2023": 16, "HB2025": 28, "SX2022": 18}
    assert df["theme_by_province"].province.nunique() == 4
    assert (df["themes"].representative > 0).sum() == 13 * themes.N_REPRESENTATIVE


def test_theme_tables_are_byte_identical_across_runs(run_result, tmp_path):
    project, result = run_result
    for run in ("1", "2"):
        (tmp_path / run).mkdir()
        out = themes.stage(result.tables, project)
        for name in THEME_TABLES:
            tables.write_table(out[name], name, tmp_path / run)
    for name in THEME_TABLES:
        assert (tmp_path / "1" / f"{name}.csv").read_bytes() == (tmp_path / "2" / f"{name}.csv").read_bytes()


def test_evaluate_cli_json_reports_missing_gold(run_result, tmp_path, capsys):
    project, _ = run_result
    gold = tmp_path / "gold.csv"
    gold.write_text((GOLD / "themes_dev.csv").read_text("utf-8") + "XX2030-1,legal,\n", "utf-8")
    assert cli.main(["--root", str(project.root), "evaluate", "themes", "--gold", str(gold), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["missing"] == ["XX2030-1"] and result["n"] == 75
    assert result["accuracy"] >= 0.85 and set(result) >= {"macro_f1", "kappa", "primary_or_secondary", "nmi", "ari"}
    assert cli.main(["--root", str(project.root), "evaluate", "themes", "--gold", str(gold)]) == 0
    assert "missing from the corpus (1): XX2030-1" in capsys.readouterr().out


def test_the_seeded_model_follows_scikit_learn_conventions(model, tasks):
    """Parameters in __init__ (get_params, set_params, clone), fitted attributes ending in _, and
    predict_proba giving the scores the fit found for its own work tasks."""
    from sklearn.base import clone

    assert model.get_params() == {"cache_dir": None, "seeds": None}
    again = clone(model).set_params(seeds=dict(themes.seed_words()))
    assert not hasattr(again, "scores_") and list(again.ids_) == list(model.ids_)
    work = seeded.work_tasks(tasks)
    assert np.allclose(model.predict_proba(work), model.scores_)
    assert list(work["task_id"]) == list(model.task_ids_)
