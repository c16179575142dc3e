"""Plans the project has never seen (issue 12): the seeds as other sites publish them (one line,
task-division lists, ASCII punctuation, traditional characters, digests, site notices, pinyin, tables
without 序号, a city plan ...) parse to their exact tasks; what is not the plan's is kept as noise
with its reason; ``add`` asks only for what identifies a document; bad input stays clean."""
from __future__ import annotations


import pandas as pd
import pytest

import variants as V
from conftest import REPO, copy_project
from quality import assert_measured
from ipcompare import InputError
from ipcompare.add import add
from ipcompare.extraction.outline import extract
from ipcompare.reading import clean, divisions, metadata, readers
from test_bad_input import ran, renders, snapshot  # noqa: F401 (fixtures)

RAW = REPO / "data" / "raw"
SEED_COUNTS = {"GZ2025": 34, "GZSVC2023": 16, "HB2025": 28, "SX2022": 18}  # work tasks of each seed


def read(path):
    """A file's tasks and notes, read as a run reads it."""
    found = extract("D", clean.clean_text(readers.read(path).text))
    return found.tasks, found.notes


@pytest.fixture(scope="module")
def seeds():
    texts, tasks = {}, {}
    for doc, name in V.SEEDS.items():
        texts[doc] = clean.clean_text(readers.read(RAW / name).text)
        tasks[doc] = extract(doc, texts[doc]).tasks
    assert {d: sum(t["kind"] == "task" for t in ts) for d, ts in tasks.items()} == SEED_COUNTS
    return texts, tasks


@pytest.fixture(scope="module")
def variants(seeds, tmp_path_factory):
    """Each variant written to a file: (variant, path)."""
    folder = tmp_path_factory.mktemp("variants")
    out = []
    for v in V.build(*seeds):
        path = folder / f"{v.name}_{v.seed}.txt"
        path.write_text(v.text, encoding="utf-8")
        out.append((v, path))
    return out


def test_there_are_at_least_15_variants_of_every_kind_asked(variants):
    kinds = {v.name for v, _ in variants}
    assert len(variants) >= 15 and {"one_line", "division_list", "ascii", "traditional_ascii", "digest", "site_notice",
                                    "pinyin", "no_number_column", "table_of_contents", "city"} <= kinds


@pytest.mark.parametrize("i", range(21))
def test_every_variant_parses_to_its_exact_tasks(seeds, variants, i):
    v, path = variants[i]
    tasks, notes = read(path)
    assert V.observed(tasks) == v.expected(seeds[1][v.seed])  # numbers, kinds, titles, content, lead units
    noise = [t for t in tasks if t["kind"] == "noise"]
    assert len(noise) == v.noise and all(t["kind_reason"] for t in noise)
    if v.noise:  # the reason is said in a note (a warning of the run)
        assert any(n.startswith(f"{v.noise} numbered items are not tasks") for n in notes)


def test_noise_carries_its_reason_and_stays_out_of_the_numbering(variants):
    tasks = {v.name: read(p)[0] for v, p in variants if v.name in ("digest", "site_notice", "table_of_contents")}
    digest = [t for t in tasks["digest"] if t["kind"] == "noise"]
    assert [t["kind_reason"] for t in digest] == ["digest before '全文如下:'"] * 6
    assert [t["task_id"] for t in digest] == [f"D-noise{k}" for k in range(1, 7)]
    assert [t["task_id"] for t in tasks["digest"] if t["kind"] == "task"][:2] == ["D-1", "D-2"]  # not restarted
    notice = [t for t in tasks["site_notice"] if t["kind"] == "noise"]
    assert notice[0]["kind_reason"].startswith("site notice (") and "下载" in notice[2]["kind_reason"]
    assert not any("客服" in t["text"] or "下载" in t["text"] for t in tasks["site_notice"] if t["kind"] == "task")
    toc = [t for t in tasks["table_of_contents"] if t["kind"] == "noise"]
    assert {t["kind_reason"] for t in toc} == {"table of contents (目录)"}
    preamble = [t for t in extract("S", clean.clean_text((RAW / V.SEEDS["GZSVC2023"]).read_text("utf-8"))).tasks
                if t["kind"] == "preamble"]
    assert [t["kind_reason"] for t in preamble] == ["titled 指导思想", "titled 发展目标"]


def test_inline_markers_split_only_where_the_numbering_continues():
    text = "一、加强保护 (一)司法保护 1.推进审判。新建1.5万件 2.优化配置。加大力度 二 促进转化 (一)完善机制 3.深入开展。推动落实"
    assert clean.clean_text(text).split("\n") == [
        "一、加强保护", "(一)司法保护", "1.推进审判。新建1.5万件", "2.优化配置。加大力度", "二、促进转化", "(一)完善机制",
        "3.深入开展。推动落实"]
    assert clean.clean_text("一 流 的服务 3.5亿") == "一流的服务3.5亿"  # a PDF's spaced characters are no marker


@pytest.mark.parametrize("text, lead, responsible", [
    ("1.推进立法工作 牵头单位:省知识产权局 责任单位:省司法厅、省法院", "省知识产权局", "省司法厅; 省法院"),
    ("1.推进立法工作。开展立法调研。[牵头单位:省知识产权局,责任单位:省司法厅]", "省知识产权局", "省司法厅"),
    ("1.推进立法工作。开展立法调研。(省知识产权局,省教育厅牵头,省司法厅负责)", "省知识产权局; 省教育厅", "省司法厅"),
])
def test_unit_labels_without_brackets_and_ascii_commas(text, lead, responsible):
    task = extract("D", clean.clean_text(text)).tasks[0]
    assert (task["title"], task["lead_units"], task["responsible_units"]) == ("推进立法工作", lead, responsible)


def test_ascii_copy_pinyin_and_page_furniture_are_normalised():
    assert clean.normalize("推进工作. 二.促进区(qū)域(yù)协同.") == "推进工作。 二、促进区域协同。"
    assert clean.normalize("增长1.5%.版本v1.2") == "增长1.5%.版本v1.2"
    head = "贵州省知识产权强省建设推进计划"  # a running header on two pages: gone there, kept as the title
    lines = [head, "一、加强保护", "1.推进工作。", "- 1 -", head, "2.优化配置。", "第2页 共3页", head, "3.深入开展。"]
    assert clean.clean_text("\n".join(lines)).split("\n") == [head, "一、加强保护", "1.推进工作。", "2.优化配置。", "3.深入开展。"]


def test_divisions_table_and_city_detection():
    table = divisions.table()
    assert sum(d.type in ("地级市", "地区", "自治州", "盟") for d in table) == 333
    assert len({d.province for d in table}) == 31 and all(d.province in metadata.PROVINCES for d in table)
    assert metadata.place("武汉市知识产权局") == ("湖北", "武汉市")
    assert metadata.place("黔东南州市场监督管理局") == ("贵州", "黔东南苗族侗族自治州")
    assert metadata.place("湖北省武汉市人民政府") == ("湖北", "武汉市")
    assert metadata.place("湖北省知识产权局", "支持武汉市建设") == ("湖北", "")  # a city named after its province's office
    assert metadata.place("吉林省知识产权局") == ("吉林", "") and metadata.place("海南省人民政府") == ("海南", "")
    assert metadata.place("国家知识产权局") == ("全国", "")


def empty_project(root):
    """A project with an empty manifest."""
    project = copy_project(root)
    for f in project.raw.iterdir():
        if f.name != "manifest.csv":
            f.unlink()
    manifest = project.raw / "manifest.csv"
    manifest.write_text(manifest.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    return project


def test_add_needs_only_level_province_and_years_for_every_variant(variants, tmp_path):
    for i, (v, path) in enumerate(variants):
        project = empty_project(tmp_path / str(i))
        meta = {"province": v.metadata.get("province") or ("贵州" if v.seed.startswith("GZ") else
                                                          {"HB2025": "湖北", "SX2022": "山西"}[v.seed]),
                "years": {"GZSVC2023": "2023", "SX2022": "2022-2023"}.get(v.seed, "2025")}
        added = add(project.root, path, **meta)
        assert added.n_tasks == SEED_COUNTS[v.seed] and added.meta["title"], v.name


def test_a_title_not_stated_falls_back_to_the_first_heading_with_a_note(tmp_path):
    project = empty_project(tmp_path / "p")
    plan = tmp_path / "plan.txt"
    tasks = "1.推进立法。开展知识产权保护立法调研,形成条例草案并提请审议。\n2.加强执法。开展知识产权行政执法专项行动,查办一批案件。\n"
    plan.write_text("首页 > 政务公开\n2026年全市知识产权工作要点\n发布时间:2026-01-05\n一、加强保护\n" + tasks, "utf-8")
    added = add(project.root, plan, province="湖北")
    assert added.meta["title"] == "2026年全市知识产权工作要点" and added.meta["first_year"] == "2026"
    assert any("taken from the first heading-like line" in n for n in added.notes)
    plan.write_text(tasks, "utf-8")
    with pytest.raises(InputError, match=r"plan.txt: cannot detect the years; give --year$"):
        add(project.root, plan, province="湖北")
    added = add(project.root, plan, province="湖北", years="2026", doc_id="HB2026b")
    assert added.meta["title"] == "plan" and "the file name is used" in added.notes[0]
    national = tmp_path / "nat.txt"
    national.write_text("2026年工作指引\n" + tasks.replace("推进", "部署"), "utf-8")
    assert add(project.root, national, level="national").meta["province"] == "全国"  # implied


def test_a_city_plan_is_municipal_with_its_province_inferred(variants, tmp_path):
    v, path = next((v, p) for v, p in variants if v.name == "city" and v.seed == "GZ2025")
    project = empty_project(tmp_path / "p")
    with pytest.raises(InputError, match="city '火星市' is no prefecture-level division"):
        add(project.root, path, city="火星市")
    with pytest.raises(InputError, match="city '武汉市' is not in province '贵州'"):
        add(project.root, path, city="武汉市", province="贵州")
    added = add(project.root, path)  # nothing given: 贵阳市 → 贵州, municipal
    assert (added.meta["level"], added.meta["province"], added.meta["city"]) == ("municipal", "贵州", "贵阳市")
    assert added.doc_id == "GZM2025" and added.n_tasks == 34


def test_a_copy_in_another_encoding_is_a_duplicate(tmp_path):
    project = copy_project(tmp_path / "p")
    gbk = tmp_path / "hubei_copy.txt"
    gbk.write_bytes((RAW / V.SEEDS["HB2025"]).read_text("utf-8").replace("\n", "\r\n").encode("gb18030"))
    with pytest.raises(InputError, match=r"same content as hubei_2025_work_points.txt \(doc_id HB2025\)"):
        add(project.root, gbk)


MUNICIPAL = "一、加强保护\n1.推进立法。开展知识产权保护立法调研,形成条例草案并提请审议。\n"
NOTICE_ONLY = ("温馨提示:\n1.本站文档均为用户上传,付费完成后未能成功下载的用户请联系客服处理。\n"
               "2.下载的文档不会出现本站水印,收入归上传者所有。\n")


def _with_city_column(project, doc_id, file, text, city="", **meta):
    """Add a manifest row (with a city column) for a new file."""
    (project.raw / file).write_text(text, "utf-8")
    m = pd.read_csv(project.raw / "manifest.csv", dtype=str, keep_default_na=False)
    m = pd.concat([m, pd.DataFrame([{"doc_id": doc_id, "file": file, "city": city, **meta}])]).fillna("")
    m.to_csv(project.raw / "manifest.csv", index=False)
    return file


@pytest.mark.parametrize("name, make, message", [
    ("a city that matches no division", lambda p: _with_city_column(p, "MARS2025", "mars.txt", MUNICIPAL, city="火星市",
                                                                   first_year="2025", last_year="2025") and "manifest.csv",
     "city '火星市' is no prefecture-level division"),
    ("a municipal plan with no province", lambda p: _with_city_column(p, "CITY2025", "city.txt", MUNICIPAL, level="municipal",
                                                                     first_year="2025", last_year="2025"),
     "cannot detect the province; fill province in the manifest"),
    ("a file that is all noise", lambda p: _with_city_column(p, "NOISE2025", "noise.txt", NOTICE_ONLY, province="湖北",
                                                            first_year="2025", last_year="2025"),
     "2 numbered items are not tasks: site notice"),
])
def test_bad_new_input_stops_the_run_with_one_line(ran, name, make, message):  # noqa: F811
    import ipcompare

    culprit = make(ran)
    before = snapshot(ran)
    with pytest.raises(InputError) as err:
        ipcompare.run(ran.root, progress=False)
    line = str(err.value)
    assert "\n" not in line and culprit in line and message in line, line
    assert snapshot(ran) == before


@pytest.fixture(scope="module")
def city_run(variants, tmp_path_factory):
    """The corpus with the city plan made from GZ2025 (贵阳市) added and run, charts and report included."""
    import ipcompare

    v, path = next((v, p) for v, p in variants if v.name == "city" and v.seed == "GZ2025")
    project = copy_project(tmp_path_factory.mktemp("city"))
    added = add(project.root, path, years="2025")  # level, province and city come from the text
    return project, added, ipcompare.run(project.root, progress=False, charts=True)


def test_a_municipal_plan_runs_end_to_end(city_run):
    project, added, result = city_run
    t = result.tables
    doc = t["documents"].set_index("doc_id").loc[added.doc_id]
    assert (doc.level, doc.province, doc.city, doc.n_tasks) == ("municipal", "贵州", "贵阳市", 34)
    assert "city" in doc.detected and "level" in doc.detected
    nat = t["tasks"][t["tasks"].doc_id == "NAT2024"].set_index("task_id")
    cov = t["coverage"]
    mine = cov[cov.doc_id == added.doc_id].set_index("nat_task")
    assert len(mine) == 23 and mine.verdict.isin(["covered", "partial", "absent"]).all()
    local = nat.loc[mine.index, "duty_local"].replace("", "none")
    assert (mine.duty == local).all() and (mine.duty != "none").sum() >= 5  # read against the 地市 duties
    assert mine.loc["NAT2024-3", "duty"].startswith("地市:")
    provincial = cov[cov.doc_id == "GZ2025"].set_index("nat_task")
    assert (provincial.duty == nat.loc[provincial.index, "duty_province"]).all()
    assert not t["coverage_by_province"].doc_verdicts.str.contains(added.doc_id).any()  # not its province's plan
    assert (t["themes"].doc_id == added.doc_id).sum() == 34
    for lang in ("zh", "en"):
        for chart in ("coverage", "theme_shares", "documents"):
            assert (project.reports / "figures" / lang / f"{chart}.png").stat().st_size > 10_000
    assert "贵州·贵阳市" in (project.reports / "index.zh.html").read_text("utf-8")
    assert "Guiyang (city, Guizhou)" in (project.reports / "index.html").read_text("utf-8")
    from ipcompare.views import frames

    from ipcompare.views.charts import coverage_grid

    docs = frames.order(t)  # a city's plan beside its province's own, in charts
    assert docs.index(added.doc_id) == docs.index("GZSVC2023") + 1
    grid, _ = coverage_grid(t, "zh", "province")  # the default matrix: the city a column of its own, after 贵州
    keys = grid.attrs["keys"]
    assert keys.index("贵阳市") == keys.index("贵州") + 1 and list(grid.columns)[keys.index("贵阳市")] == "贵州·贵阳市"
    assert (grid[grid.columns[keys.index("贵阳市")]].replace("", None).dropna()
            == mine.loc[[r for r in grid.attrs["nat_tasks"] if r], "verdict"].to_numpy()).all()


def test_a_city_is_a_place_of_its_own(city_run):
    """A city's plan is counted as the city's, not its province's: in the per-place tables, the
    cross-province charts (a row of its own, said in the title; or left out) and the profiles."""
    from ipcompare.views import charts, frames

    project, added, result = city_run
    t, city = result.tables, added.doc_id
    work = t["themes"][t["themes"].theme != "non_task"]
    for name, rows in (("theme_by_province", work), ("instrument_by_province", t["instruments"])):
        by = t[name].groupby(["province", "city"])["n_tasks"].sum()
        assert by[("贵州", "")] == rows.doc_id.isin(["GZ2025", "GZSVC2023"]).sum(), name
        assert by[("贵州", "贵阳市")] == (rows.doc_id == city).sum() > 0, name
        assert by[("湖北", "")] == (rows.province == "湖北").sum(), name
    assert "贵阳市" not in frames.theme_matrix(t).index
    places = list(frames.theme_matrix(t, cities=True).index)
    assert places.index("贵阳市") == places.index("贵州") + 1
    assert frames.profiled(t) == ["贵州", "贵阳市", "湖北", "山西"]
    for lang, row, note, left_out in (("zh", "贵州·贵阳市", "城市计划各自单列", "未含城市计划 1 份"),
                                      ("en", "Guiyang (city, Guizhou)", "each city plan a row", "city plans left out: 1")):
        fig = charts.theme_counts(t, lang, interactive=True)
        assert row in fig.data[0].y and note in fig.layout.title.text
        fig = charts.theme_counts(t, lang, interactive=True, cities=False)
        assert row not in fig.data[0].y and left_out in fig.layout.title.text
        assert any(y.startswith(row) for y in charts.instrument_matrix(t, lang, interactive=True).data[0].y)
    own, mine = frames.profile(t, "贵州"), frames.profile(t, "贵阳市")
    assert city not in set(own.documents.doc_id) and list(mine.documents.doc_id) == [city]
    assert (mine.province, mine.city) == ("贵州", "贵阳市") and set(mine.targets.doc_id) <= {city}
    assert (mine.themes["share"] != own.themes["share"]).any()
    assert (project.reports / "figures" / "en" / "profile_guizhou-guiyang.png").stat().st_size > 10_000
    hover = "".join(h for trace in charts.task_map(t, "en", interactive=True).data for h in trace.hovertext)
    assert f"<b>{city}-1</b> Guiyang (city, Guizhou)<br>" in hover and "<b>GZ2025-1</b> Guizhou<br>" in hover


def test_themes_carry_to_the_guideline_body_measures(run_result):
    """themes_unseen.csv (kinds of task rare in the seeds: ministry law revisions, enforcement,
    monitoring): with the model fitted on the corpus, and with NAT2024 left out of the fit."""
    from ipcompare.analysis import evaluate

    project, _ = run_result
    gold = REPO / "tests" / "gold" / "themes_unseen.csv"
    assert_measured(evaluate.themes(gold, project.processed), "themes_unseen")
    unseen = evaluate.themes(gold, project.processed, leave_one_out=True)
    assert unseen["n"] == 9 and list(unseen["per_document"]) == ["NAT2024"]
    assert_measured(unseen, "themes_unseen_loo")


RARE = [  # kinds of task rare in the seeds, in general IP-policy wording (not from any labelled task)
    ("配合司法部做好专利法实施细则修正草案的审议工作,推进配套规章的制定。", "legal"),
    ("会同海关总署开展知识产权海关保护专项行动,加强口岸执法,查处进出口侵权货物。", "protection"),
    ("开展打击侵权假冒“铁拳”“昆仑”专项行动,查处一批侵权假冒案件。", "protection"),
    ("深化职务科技成果所有权或长期使用权改革,开展科技成果评价改革试点。", "conversion"),
    ("推进知识产权综合管理体制改革,完善央地协同工作机制。", "governance"),
    ("建立健全技术经理人队伍,支持概念验证和中试平台建设,推广先使用后付费模式。", "conversion"),
]


def test_rare_kinds_of_task_get_the_theme_their_scope_says(run_result):
    from ipcompare.analysis.themes import ThemeModel

    _, result = run_result
    tasks = result.tables["tasks"]
    new = pd.DataFrame({c: "" for c in tasks.columns}, index=range(len(RARE)))
    new["task_id"], new["doc_id"], new["kind"] = [f"NEW-{i}" for i in range(len(RARE))], "NEW", "task"
    new["content"] = new["text"] = [text for text, _ in RARE]
    new["title"] = new["content"].str.split(",").str[0]
    out = ThemeModel().fit(tasks).transform(new)
    assert list(out.theme) == [theme for _, theme in RARE]
    assert all(len(e.split("; ")) >= 2 for e in out.evidence)  # each decided by words that say why
