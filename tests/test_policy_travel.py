"""How policy travels (issue 28): profiles without the genre's boilerplate, text reuse, diffusion,
convergence and the tile map of China, on the seed corpus and on synthetic plans made from it."""
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import ipcompare
import reuse_variants
from ipcompare.analysis import convergence, diffusion, reuse
from ipcompare.reading.metadata import PROVINCES
from ipcompare.views import charts, frames

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_scale  # noqa: E402

BOILERPLATE_SEEN = ("中心", "联动", "政治", "举办", "完成", "习近平", "争取")  # Hubei's profile before the stop list


@pytest.fixture(scope="module")
def corpus(run_result):
    project, _ = run_result
    return ipcompare.Corpus.load(project.processed)


def test_profile_terms_leave_out_the_genre(corpus):
    terms = corpus.profile("湖北").terms
    assert len(terms) >= 10 and not set(terms["term"]) & set(BOILERPLATE_SEEN)
    assert list(terms["weight"]) == sorted(terms["weight"], reverse=True)
    assert {"数据交易", "专精特新"} <= set(terms["term"].head(5))  # domain compounds first


def test_profile_leaves_out_the_units_panel_when_a_plan_names_none(corpus):
    assert corpus.profile("湖北").units.empty and not corpus.profile("贵州").units.empty
    visible = lambda fig: [ax for ax in fig.axes if ax.get_visible()]  # noqa: E731
    assert len(visible(charts.profile(corpus, province="湖北"))) == 2
    assert len(visible(charts.profile(corpus, province="贵州"))) == 3
    assert len(charts.profile(corpus, province="湖北", interactive=True).layout.annotations) >= 2


# -- text reuse ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted(corpus):
    """Synthetic tasks with guideline wording planted (tests/reuse_variants.py), aligned to the guideline."""
    work = corpus.tasks[corpus.tasks["kind"] == "task"]
    guideline = work[work["doc_id"] == "NAT2024"]
    tasks = reuse_variants.make(guideline, work.loc[work["province"] != "全国", "content"].tolist(), n=120)
    frame = pd.DataFrame({"task_id": [t.task_id for t in tasks], "content": [t.content for t in tasks], "doc_id": "SYN"})
    spans, rows = reuse.task_reuse(frame, {"guideline": (guideline, {"SYN": "NAT2024"}),
                                           "predecessor": (guideline.iloc[:0], {})})
    classes = {r["task_id"]: r["class"] for r in rows}
    return tasks, pd.DataFrame(spans), classes, reuse_variants.score(tasks, pd.DataFrame(spans), classes).set_index("kind")


def test_reuse_finds_planted_guideline_spans(planted):
    tasks, spans, classes, scores = planted
    assert scores.loc[["verbatim", "copied"], ["precision", "recall"]].min().min() >= 0.95
    assert scores.loc[["synonyms", "reordered"], ["precision", "recall"]].min().min() >= 0.85
    assert scores.loc["none", "found"] <= 0.01 * scores.loc["none", "tasks"] and scores.loc["none", "copied"] == 0
    assert scores.loc["none", "local"] >= 0.99 * scores.loc["none", "tasks"]
    assert scores.loc["copied", "copied"] == scores.loc["copied", "tasks"]
    assert scores.loc[["synonyms", "reordered"], "tasks"].min() >= 50  # enough edited clauses to judge
    verbatim = spans[spans["task_id"].str.startswith("SYN-verbatim")]
    assert (verbatim["identity"] == 1).mean() >= 0.95 and (verbatim["text"] == verbatim["source_text"]).mean() >= 0.95


def test_reuse_tables_of_the_seed_corpus(run_result):
    _, result = run_result
    t = result.tables
    spans, per_task, per_doc = t["reuse"], t["reuse_tasks"], t["reuse_by_document"]
    work = t["tasks"][(t["tasks"]["kind"] == "task") & (t["tasks"]["province"] != "全国")]
    assert set(per_task["task_id"]) == set(work["task_id"]) and set(per_doc["doc_id"]) == set(work["doc_id"])
    assert (per_task["ref_doc"] == "NAT2024").all()
    # every span is the guideline's wording: its text and the source's agree on most characters
    content = work.set_index("task_id")["content"]
    assert all(content[r.task_id][r.start:r.end] == r.text for r in spans.itertuples())
    assert (spans["matched"] >= reuse.MIN_SPAN).all() and spans["source_task"].str.startswith("NAT2024-").all()
    hb = spans[spans["task_id"] == "HB2025-17"]  # 海外知识产权纠纷应对指导中心: the guideline's own name for it
    assert hb["text"].str.contains("海外知识产权纠纷应对指导").any()
    assert per_doc.set_index("doc_id")["guideline_share"].between(0, 0.5).all()


# -- the tile map -------------------------------------------------------------------------------

def test_tiles_sit_in_their_places():
    tiles = frames.tiles()
    assert len(tiles) == 34 and not tiles[["col", "row"]].duplicated().any()  # 34 divisions, one tile each
    assert set(PROVINCES) <= set(tiles.index) and {"香港", "澳门", "台湾"} <= set(tiles.index)
    at = lambda p: tuple(tiles.loc[p, ["col", "row"]])  # noqa: E731  (x east, y south)
    east, south = lambda a, b: at(a)[0] > at(b)[0], lambda a, b: at(a)[1] > at(b)[1]  # noqa: E731
    assert east("黑龙江", "北京") and south("北京", "黑龙江")   # Heilongjiang north-east of Beijing
    assert south("海南", "广东") and east("上海", "江苏") and east("天津", "北京")
    assert all(tiles.loc["新疆", "col"] < tiles.loc[p, "col"] for p in tiles.index if p != "新疆")  # west of everything
    assert south("湖北", "河南") and south("湖南", "湖北") and east("湖北", "重庆")  # Hubei between its neighbours
    assert south("贵州", "重庆") and east("贵州", "云南") and south("广西", "贵州")  # Guizhou too
    assert east("山西", "陕西") and east("河北", "山西") and south("山西", "内蒙古")  # and Shanxi
    assert east("广东", "广西") and south("广东", "江西") and east("福建", "江西")


def test_map_colours_the_provinces_with_plans(corpus):
    values = frames.map_measure(corpus, "coverage")
    assert set(values.index) == {"贵州", "湖北", "山西"} and values.between(0, 1).all()
    gaps = frames.gap_counts(corpus)  # the same required tasks the gaps are counted on
    covered = 1 - (gaps["absent"] + gaps["partial"]) / gaps["required"]
    assert values.reindex(covered.index).round(6).tolist() == covered.round(6).tolist()
    fig = corpus.map("coverage")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 34
    shown = {t.get_text().split("\n")[0]: t for t in fig.axes[0].texts}
    assert "\n" not in shown["北京"].get_text() and "\n" in shown["贵州"].get_text()  # Beijing: no plan, no value
    grey = [p for p in fig.axes[0].patches if p.get_facecolor()[:3] == pytest.approx((0xd9 / 255,) * 3)]
    assert len(grey) == 31
    en = corpus.map(pd.Series({"湖北": 2025, "贵州": 2023}, name="first year"), lang="en", interactive=True)
    assert "Hubei<br>2025" in en.data[1].text.ravel().tolist() and en.layout.title.text.startswith("first year")


# -- diffusion ----------------------------------------------------------------------------------

PLANTED_PHRASE = "量子专利预警联盟"  # in no seed plan
PLANTED_TASK = "NAT2024-21"  # 持续深化知识产权领域改革 (必做): no seed plan, nor a synthetic one, covers it


def test_diffusion_recovers_planted_adoption_years(tmp_path, monkeypatch, run_result):
    """The benchmark's multi-year synthetic corpus (bench/bench_scale.py: a plan a year per province):
    from a chosen year on (or never), every plan of a province gets one more task, the guideline's
    task PLANTED_TASK in a province's words, naming PLANTED_PHRASE; the pipeline finds each year."""
    project, result = run_result
    nat = re.sub(r"国家知识产权局:|各地区:", "", result.tables["tasks"].set_index("task_id").loc[PLANTED_TASK, "content"])
    monkeypatch.setattr(bench_scale, "ROOT", project.root)  # the seed pool of the test's copy, not the repository's
    n_plans = bench_scale.build_corpus(tmp_path, 31 * 3 * 30, bench_scale.seed_pool())  # 2025 to 2027 (2028 partly)
    raw, planted = tmp_path / "data" / "raw", {}  # province -> the first year planted (None: never)
    for k in range(n_plans):
        province, year = PROVINCES[k % 31], 2025 + k // 31 % 10
        start = (None, 2025, 2026, 2027)[k % 31 % 4]
        planted.setdefault(province, None)
        if start is not None and year >= start:
            planted[province] = planted[province] or year
            path = next(raw.glob(f"{frames.province_slug(province).replace('-', '_')}_{year}_c1.txt"))
            text = path.read_text(encoding="utf-8").rstrip("\n")
            n = int(text.rsplit("\n", 1)[1].split(".", 1)[0])
            path.write_text(f"{text}\n{n + 1}.深化知识产权领域改革,组建{PLANTED_PHRASE}。{nat}\n", encoding="utf-8")
    t = ipcompare.run(tmp_path, progress=False).tables
    provincial = set(t["documents"].loc[t["documents"]["level"] == "provincial", "province"])  # 吉林第1市 reads as a city
    planted = {p: y for p, y in planted.items() if p in provincial}
    assert len(planted) >= 29 and sum(y is not None for y in planted.values()) >= 20
    for rows in (diffusion.phrase_adoption(t["documents"], t["texts"], PLANTED_PHRASE),
                 t["adoption"][t["adoption"]["item"] == PLANTED_TASK]):
        found = rows.groupby("province")["adoption_year"].first()
        assert {p: (None if pd.isna(y) else int(y)) for p, y in found.items()} == planted
        for province, own in rows.groupby("province"):  # province-year form: 0 until adoption, 1 that year, no rows after
            assert own["adopted"].tolist() == [0] * (len(own) - 1) + [int(planted[province] is not None)]
            assert own["year"].tolist() == list(range(2025, (planted[province] or own["year"].max()) + 1))
        curve = frames.adoption_curve(rows).iloc[:, 0]
        assert curve.round(6).tolist() == [round(sum(v is not None and v <= y for v in planted.values()) / len(planted), 6)
                                           for y in curve.index]


def test_adoption_of_national_tasks_in_the_seed_corpus(corpus):
    """Three national tasks checked by hand against coverage.csv and the plans' years."""
    a = corpus.adoption
    first = a.groupby(["item", "province"])["adoption_year"].first()
    # NAT2024-1 (持续推进《纲要》和《规划》实施): covered by SX2022 (2022), HB2025, and in Guizhou by GZ2025, not GZSVC2023
    assert first["NAT2024-1"].to_dict() == {"山西": 2022, "湖北": 2025, "贵州": 2025}
    # NAT2024-7 (专利转化运用专项行动): Hubei and Guizhou in 2025; Shanxi's 2022 plan does not cover it
    assert first["NAT2024-7"].dropna().to_dict() == {"湖北": 2025, "贵州": 2025} and pd.isna(first["NAT2024-7"]["山西"])
    gz = a[(a["item"] == "NAT2024-7") & (a["province"] == "贵州")]
    assert gz["year"].tolist() == [2023, 2024, 2025] and gz["plans"].tolist() == ["GZSVC2023", "", "GZ2025"]
    assert gz["evidence"].iloc[-1] == "GZ2025: GZ2025-12" and gz["adopted"].tolist() == [0, 0, 1]
    covered = corpus.coverage[corpus.coverage["verdict"] == "covered"]
    for (item, province), year in first.dropna().items():  # every adoption is a covered verdict of a plan of that year
        docs = corpus.documents.set_index("doc_id")
        plans = covered.loc[(covered["nat_task"] == item) & (covered["province"] == province), "doc_id"]
        assert year == min(int(docs.loc[d, "first_year"]) for d in plans)
    phrase = corpus.diffusion("数据知识产权")
    assert phrase.groupby("province")["adoption_year"].first().dropna().to_dict() == {"湖北": 2025, "贵州": 2025}


# -- convergence --------------------------------------------------------------------------------

def test_similarity_of_the_provinces_plans(corpus, run_result):
    sim = corpus.similarity
    latest = sim[sim["scope"] == "latest"]
    assert len(latest) == 3 and latest[["themes", "text"]].stack().between(0, 1).all()  # 3 provinces, 3 pairs
    assert set(latest.loc[latest["province_a"] == "贵州", "docs_a"]) <= {"GZ2025"}  # Guizhou's latest year: GZ2025 alone
    assert sim["scope"].tolist().count("2025") == 1  # 2025: Hubei and Guizhou; 2022 and 2023 have one province each
    m = frames.similarity_matrix(corpus, "text")
    assert (m.to_numpy() == m.to_numpy().T).all() and (m.to_numpy().diagonal() == 1).all()
    # a fourth province whose plan is Hubei's, renumbered: as alike as can be, on both measures
    project, result = run_result
    t = result.tables
    copy = t["tasks"][t["tasks"]["doc_id"] == "HB2025"].assign(doc_id="HN2025", province="河南")
    copy["task_id"] = copy["task_id"].str.replace("HB2025", "HN2025")
    docs = pd.concat([t["documents"], t["documents"][t["documents"]["doc_id"] == "HB2025"].assign(doc_id="HN2025", province="河南")])
    themes = pd.concat([t["themes"], t["themes"][t["themes"]["task_id"].str.startswith("HB2025-")].assign(
        task_id=lambda d: d["task_id"].str.replace("HB2025", "HN2025"))])
    out = convergence.stage({"documents": docs, "tasks": pd.concat([t["tasks"], copy]), "themes": themes}, project)["similarity"]
    twin = out[(out["scope"] == "latest") & (out["province_a"] + out["province_b"]).isin(["河南湖北", "湖北河南"])]
    assert twin[["themes", "text"]].round(6).values.tolist() == [[1.0, 1.0]]
    assert out.loc[out["scope"] == "latest", "text"].drop(twin.index).max() < 0.5
