"""What changed: successors made from the bundled Hubei plan and guideline with known edits, through the pipeline."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import ipcompare
from ipcompare import demo, tables
from ipcompare.analysis import changes, coverage
from ipcompare.views import charts

from conftest import copy_project
from test_charts import check_static

HB_FILE, NAT_FILE = "hubei_2025_work_points.txt", "nat2024_cnipa_annual_guideline.txt"
HB2026 = demo.EXAMPLE  # its edits: see ipcompare.demo
# HB2027: HB2026 reworded throughout, unchanged in substance.
HB2027 = demo.Edits(year=(2026, 2027), reword=["*"])
# NAT2025: item 18 dropped (19-23 renumbered 18-22), 22 reworded, the optional duty of 20 made required.
NAT2025 = demo.Edits(year=(2024, 2025), drop=["18"], reword=["22"], replace={"各省选做": "各省必做"})


def _add(project, doc_id: str, source: str, edits: demo.Edits, series: str = "") -> None:
    raw = project.raw
    (raw / f"{doc_id.lower()}.txt").write_text(demo.successor((raw / source).read_text("utf-8"), edits), "utf-8")
    manifest = pd.read_csv(raw / "manifest.csv", dtype=str, keep_default_na=False)
    row = {"doc_id": doc_id, "file": f"{doc_id.lower()}.txt", "source": "demonstration successor (tests)"}
    manifest = pd.concat([manifest, pd.DataFrame([row])], ignore_index=True).fillna("")
    manifest.to_csv(raw / "manifest.csv", index=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(tables without NAT2025, tables with it): the seed corpus plus HB2026 and HB2027, then NAT2025 added."""
    first = copy_project(tmp_path_factory.mktemp("plans"))
    _add(first, "HB2026", HB_FILE, HB2026)
    _add(first, "HB2027", "hb2026.txt", HB2027)
    before = ipcompare.run(first.root, progress=False).tables
    second = ipcompare.Project(tmp_path_factory.mktemp("guidelines"))
    shutil.copytree(first.root / "data", second.root / "data")
    _add(second, "NAT2025", NAT_FILE, NAT2025)
    return before, ipcompare.run(second.root, progress=False).tables, second


def _rows(t, doc):
    c = t["changes"]
    return {(r.task_id, r.predecessor_task_id): r.change for r in c[c["doc_id"] == doc].itertuples()}


def test_series_and_predecessors(runs):
    docs = runs[1]["documents"].set_index("doc_id")
    assert docs.loc["HB2025", "series"] == docs.loc["HB2026", "series"] == "知识产权工作要点"
    assert docs.loc["NAT2025", "series"] == "推动知识产权高质量发展年度工作指引"
    assert changes.predecessors(runs[1]["documents"]) == {"HB2026": "HB2025", "HB2027": "HB2026", "NAT2025": "NAT2024"}
    # a sectoral opinion is no predecessor of the annual plan, unless the manifest says they are one series
    same = runs[1]["documents"].assign(series=lambda d: d["series"].where(~d["doc_id"].isin(["GZ2025", "GZSVC2023"]), "贵州"))
    assert changes.predecessors(same)["GZ2025"] == "GZSVC2023"


def test_known_edits_are_reported_exactly(runs):
    got = _rows(runs[0], "HB2026")
    old = [f"HB2025-{n}" for n in range(1, 29) if n not in (4, 17, 20)]  # 25 items kept, in order
    new = [f"HB2026-{n}" for n in range(1, 26)]
    expected = dict.fromkeys(zip(new, old), "continued")
    for n in (8, 14):
        expected[(new[old.index(f"HB2025-{n}")], f"HB2025-{n}")] = "revised"
    del expected[("HB2026-17", "HB2025-19")]
    expected[("HB2026-17", "HB2025-19; HB2025-20")] = "revised"  # the merge lists both ids
    expected |= {("HB2026-26", ""): "new", ("HB2026-27", ""): "new", ("", "HB2025-4"): "dropped", ("", "HB2025-17"): "dropped"}
    assert got == expected
    c = runs[0]["changes"].set_index("task_id")
    assert c.loc["HB2026-17", "relation"] == "merge"
    assert c.loc["HB2026-7", "terms_added"] and c.loc["HB2026-7", "terms_removed"]  # 提升专利申请质量, reworded
    assert (c.loc[c["change"] == "continued", "similarity"] >= changes.T_MATCH).all()
    dropped = c[c["change"] == "dropped"]
    assert (dropped["similarity"] < changes.T_MATCH).all() and (dropped["nearest"] != "").all()


def test_reworded_throughout_is_never_new_or_dropped(runs):
    got = runs[0]["changes"][runs[0]["changes"]["doc_id"] == "HB2027"]
    assert set(got["change"]) <= {"continued", "revised"} and len(got) == 27
    assert (got["task_id"].str.replace("HB2027", "") == got["predecessor_task_id"].str.replace("HB2026", "")).all()
    assert (got["change"] == "revised").sum() >= 20


def test_targets_that_moved(runs):
    moved = runs[0]["target_changes"]
    moved = moved[moved["doc_id"] == "HB2026"]
    changed = moved[moved["direction"] != "unchanged"]
    assert changed[["counts", "before", "after", "unit", "direction", "task_id", "predecessor_task_id"]].values.tolist() == [
        ["高价值专利培育中心", 10.0, 15.0, "家", "raised", "HB2026-4", "HB2025-5"],
        ["知识产权质押融资", 320.0, 350.0, "亿元", "raised", "", ""],
    ]
    assert len(moved) == 15  # every other target of the plan is found again, unchanged


def test_guideline_of_each_plans_year(runs):
    before, after, _ = runs
    cov = after["coverage"].drop_duplicates("doc_id").set_index("doc_id")
    assert cov["ref_doc"].to_dict() == {"GZ2025": "NAT2025", "GZSVC2023": "NAT2024", "HB2025": "NAT2025",
                                        "SX2022": "NAT2024", "HB2026": "NAT2025", "HB2027": "NAT2025"}
    assert cov["predates"].to_dict() == {"GZ2025": False, "GZSVC2023": True, "HB2025": False, "SX2022": True,
                                         "HB2026": False, "HB2027": False}
    # Older plans: the same verdicts as without the newer guideline, to the byte (the order of their
    # evidence follows the themes, which every new document may move below 2,000 tasks).
    verdicts = ["nat_task", "ref_doc", "predates", "verdict", "auto_verdict", "score", "own_score", "assigned_ids"]
    for doc in ("SX2022", "GZSVC2023"):
        x, y = (t["coverage"].loc[t["coverage"]["doc_id"] == doc, verdicts].reset_index(drop=True) for t in (before, after))
        assert x.to_csv() == y.to_csv()
    docs, tasks = after["documents"], after["tasks"]
    assert set(coverage.reference_documents(docs, tasks, "NAT2024").values()) == {"NAT2024"}
    gaps = after["gaps"]
    assert set(gaps.loc[gaps["province"] == "湖北", "nat_task"].str[:7]) == {"NAT2025"}


def test_guideline_changes(runs):
    c = runs[1]["changes"]
    c = c[c["doc_id"] == "NAT2025"].set_index("predecessor_task_id")
    assert c.loc["NAT2024-18", "change"] == "dropped"
    assert c.loc["NAT2024-20", ["task_id", "change", "duty_before", "duty_after"]].tolist() == [
        "NAT2025-19", "revised", "各省选做", "各省必做"]
    assert c.loc["NAT2024-22", "change"] == "revised"
    assert set(c.drop(index=["NAT2024-18", "NAT2024-20", "NAT2024-22"])["change"]) == {"continued"}


def test_tables_documented_and_corpus_view(runs):
    project = runs[2]
    for name in ("changes", "target_changes"):
        assert list(tables.read_table(name, project.processed).columns) == list(tables.SCHEMAS[name].columns)
    corpus = ipcompare.Corpus.load(project.processed)
    hubei = corpus.changes("湖北")
    assert (hubei.doc_id, hubei.predecessor_id) == ("HB2027", "HB2026")
    assert corpus.changes("湖北", "HB2026").tasks["theme"].ne("").all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_changes_chart(runs, lang, tmp_path):
    corpus = ipcompare.Corpus.load(runs[2].processed)
    fig = corpus.chart("changes", lang=lang, province="湖北", doc_id="HB2026")
    check_static(fig, "changes", lang)
    charts.save(fig, tmp_path / "changes.png")
    page = corpus.chart("changes", lang=lang, interactive=True, province="湖北", doc_id="HB2026")
    assert len(page.data) >= 4 and "HB2026" in page.layout.title.text


def test_report_section(runs, tmp_path):
    from ipcompare.views import report

    corpus = ipcompare.Corpus.load(runs[2].processed)
    assert ("changes_hubei", "changes", {"province": "湖北"}) in report.chart_list(corpus)
    page = report.index_page(corpus, {}, "en")
    section = page[page.index('<section id="changes">'):page.index('<section id="evidence">')]
    assert "Hubei: HB2027 against HB2026" in section and "National: NAT2025 against NAT2024" in section
    assert "各省选做" in section and "各省必做" in section  # the guideline's changed duty


def test_a_new_plan_aligns_with_its_predecessor_only(runs, tmp_path, monkeypatch):
    from ipcompare.cache import Store

    t, project = runs[0], runs[2]
    older = {n: t[n][t[n]["doc_id"] != "HB2027"] for n in ("documents", "tasks", "targets")}
    store = Store(tmp_path, "changes-documents")
    first = changes.stage(older, project, store)
    calls, compare = [], changes.compare
    monkeypatch.setattr(changes, "compare", lambda *a: calls.append(a) or compare(*a))
    both = changes.stage({n: t[n] for n in older}, project, store)
    assert [len(c[1]) for c in calls] == [27]  # HB2027 against HB2026, nothing else
    kept = both["changes"][both["changes"]["doc_id"] == "HB2026"].reset_index(drop=True)
    assert kept.equals(first["changes"][first["changes"]["doc_id"] == "HB2026"].reset_index(drop=True))


def test_pairs_weighted_at_once_as_each_alone(runs):
    """The stage weights every pair in one batch: each pair's similarities are those of the pair alone,
    to the bit, and the word counts are scikit-learn's."""
    from sklearn.feature_extraction.text import CountVectorizer

    tasks = runs[1]["tasks"]
    work = tasks[tasks["kind"] == "task"].reset_index(drop=True)
    of = {d: g for d, g in work.groupby("doc_id")}
    pairs = [("HB2025", "HB2026"), ("HB2026", "HB2027"), ("NAT2024", "NAT2025"), ("GZ2025", "HB2025")]
    c = changes.counts(work)
    batch = changes.pair_similarities(c, [(changes.rows_of(c, of[b]), changes.rows_of(c, of[a])) for b, a in pairs])
    for (b, a), sim in zip(pairs, batch):
        assert (sim == changes.similarity(of[b], of[a])).all() and sim.shape == (len(of[b]), len(of[a]))
    assert batch[1].diagonal().min() >= changes.T_MATCH  # HB2027 is HB2026 reworded
    tokens = [list(t) for t in changes.tokenize(work["content"].tolist())]
    words = CountVectorizer(analyzer=lambda t: t).fit(tokens + changes.tokenize(work["title"].tolist()))
    assert (words.transform(tokens) != c.content).nnz == 0


def test_reuse_of_the_predecessor_plan(runs):
    """The successors' tasks against their predecessor's (reuse.csv, reuse_tasks.csv): a continued task
    is its predecessor task's wording, a new one is not, and a plan reworded throughout still reuses it."""
    t = runs[0]
    share = t["reuse_tasks"].set_index("task_id")["predecessor_share"]
    rows = t["changes"][t["changes"]["doc_id"] == "HB2026"]
    continued, new = rows[rows["change"] == "continued"], rows[rows["change"] == "new"]
    assert len(continued) >= 15 and (share[continued["task_id"]] >= 0.9).all()
    assert len(new) == 2 and (share[new["task_id"]] < 0.2).all()
    spans = t["reuse"][(t["reuse"]["doc_id"] == "HB2026") & (t["reuse"]["source"] == "predecessor")]
    source = spans.groupby("task_id")["source_task"].agg(set)
    assert all(source[a] == {b} for a, b in zip(continued["task_id"], continued["predecessor_task_id"]))
    docs = t["reuse_by_document"].set_index("doc_id")
    assert docs.loc["HB2026", "predecessor_id"] == "HB2025" and docs.loc["HB2026", "predecessor_share"] >= 0.9
    assert docs.loc["HB2027", "predecessor_share"] >= 0.6  # reworded throughout: synonyms swapped in every task
