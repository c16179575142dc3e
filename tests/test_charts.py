"""Charts: every chart in both forms and languages, real Chinese glyphs, nothing clipped; the views behind them."""
import math
import pickle
import re
import warnings
from collections import Counter
from functools import cache

import plotly.graph_objects as go
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

import ipcompare
from ipcompare.analysis import places
from ipcompare.views import charts, frames, report

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def tables(run_result):
    project, _ = run_result
    return ipcompare.Corpus.load(project.processed)


@cache
def _cmap(path: str) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True, fontNumber=0).getBestCmap())


def test_bundled_cjk_font_is_used():
    family = charts.use_cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert family == "Noto Sans SC" and path.endswith("NotoSansSC-Regular.otf")
    assert {ord(c) for c in "知识产权保护覆盖●◐○"} <= _cmap(path)


def _charts(t):
    return [(stem, name, options) for stem, name, options in report.chart_list(t)]


def check_static(fig, stem: str, lang: str) -> None:
    """Drawn without a missing glyph, Chinese in real glyphs, nothing clipped, with its source line."""
    canvas = FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a warning
        canvas.draw()
    drawn = [t for t in fig.findobj(Text) if t.get_visible() and CJK.search(t.get_text())]
    assert drawn or lang == "en", stem  # in Chinese, the source line at least (来源)
    for text in drawn:
        cmap = _cmap(font_manager.findfont(text.get_fontproperties()))
        missing = {c for c in text.get_text() if not c.isspace() and ord(c) not in cmap}
        assert not missing, (stem, text.get_text())
    box = fig.get_tightbbox(canvas.get_renderer())  # everything drawn, in inches
    width, height = fig.get_size_inches()
    assert box.x0 >= -0.01 and box.y0 >= -0.01 and box.x1 <= width + 0.01 and box.y1 <= height + 0.01, stem
    assert "ipcompare" in fig.get_supxlabel()  # the source line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_static_charts_draw_real_glyphs_and_clip_nothing(tables, lang):
    stems = _charts(tables)
    # every chart applies to the seed corpus but changes: no seed plan has a predecessor (test_changes.py)
    assert {name for _, name, _ in stems} == set(charts.CHARTS) - {"changes"}
    for stem, name, options in stems:
        check_static(charts.CHARTS[name](tables, lang=lang, **options), stem, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_interactive_charts(tables, lang):
    for stem, name, options in _charts(tables):
        fig = charts.CHARTS[name](tables, lang=lang, interactive=True, **options)
        assert isinstance(fig, go.Figure) and fig.data, stem
        assert "<script>" not in fig.to_json()  # text is escaped


def test_english_labels_come_from_the_taxonomy(tables):
    fig = tables.chart("theme_shares", lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "Protection & enforcement" in labels
    assert "GZSVC2023 Guizhou 2023-2030" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert list(frames.theme_names("zh").values())[0] == "统筹与组织保障"


def test_static_and_html_files(tables, tmp_path):
    fig = tables.chart("gaps", lang="zh")
    charts.save(fig, tmp_path / "g.png", tmp_path / "g.svg")
    from PIL import Image

    assert Image.open(tmp_path / "g.png").info["dpi"][0] >= 199.5
    assert "<text" not in (tmp_path / "g.svg").read_text()  # glyphs as paths: no font needed to view
    charts.save(tables.chart("gaps", interactive=True), tmp_path / "g.html")
    page = (tmp_path / "g.html").read_text()
    assert not re.search(r"<script[^>]*\bsrc=", page) and len(page) > 3_000_000  # plotly.js inside: works offline


def test_coverage_grid_follows_the_guideline_sections(tables):
    grid, marks = charts.coverage_grid(tables, "zh")
    headers = [i for i, label in enumerate(grid.index) if label.startswith("【")]
    assert len(headers) == 7 and headers[0] == 0  # the task list's seven sections, each a header row
    assert len(grid) - len(headers) == 23 and list(grid.columns)[0].startswith("GZ2025")
    assert grid.index[1].startswith("1. ") and grid.index[1].endswith("必做")
    assert set(marks.to_numpy().ravel()) - {""} <= {m + s for m in "●◐○" for s in ("", "*", "?")}
    assert marks.map(lambda m: m.endswith("?")).to_numpy().sum() == tables.coverage["review"].sum()  # flagged: ?


def test_keyness_log_likelihood():
    terms = places.keyness(Counter(a=10, b=2, c=1), Counter(a=1, b=20, d=5))
    assert list(terms["term"]) == ["a"]  # b is over-used in the reference, c is too rare
    c, d = 13, 26
    e1, e2 = c * 11 / (c + d), d * 11 / (c + d)
    assert terms["g2"][0] == pytest.approx(2 * (10 * math.log(10 / e1) + 1 * math.log(1 / e2)), abs=1e-3)


def test_profile(tables):
    prof = tables.profile("贵州")
    assert set(prof.documents["doc_id"]) == {"GZ2025", "GZSVC2023"}
    assert prof.themes[["share", "mean"]].sum().to_list() == pytest.approx([1, 1], abs=1e-3)
    assert len(prof.terms) and not prof.terms["term"].str.contains("贵州").any()
    assert prof.units.index[0] == "省知识产权局" and prof.units["lead"].iloc[0] > 0
    assert tables.profile("湖北").targets["text"].str.contains("高价值专利培育中心").any()


def test_corpus_views_and_diff(tables):
    assert tables.provinces == ["贵州", "湖北", "山西"]
    assert tables.tasks is tables["tasks"] and "coverage" in dir(tables)
    with pytest.raises(AttributeError, match="no table"):
        tables.nothing
    assert pickle.loads(pickle.dumps(tables)).documents.equals(tables.documents)  # no __getattr__ recursion
    changed = dict(tables)
    changed["tasks"] = tables.tasks[tables.tasks["doc_id"] != "SX2022"].copy()
    changed["tasks"].loc[changed["tasks"]["task_id"] == "GZ2025-3", "text"] = "改写"
    tasks = ipcompare.diff(ipcompare.Corpus(changed), tables)["tasks"]
    assert tasks["change"].value_counts().to_dict() == {"added": 18, "changed": 1}
    assert list(tasks["task_id"][:2]) == ["SX2022-1", "SX2022-2"]  # table order, not string order
    assert all(len(df) == 0 for df in ipcompare.diff(tables, tables).values())


def test_long_category_axes_are_capped_with_a_row_for_the_rest():
    from ipcompare.views.charts import _style

    frame = pd.DataFrame({"a": range(100), "b": [1] * 100}, index=[f"doc{i}" for i in range(100)])
    capped = _style.cap_rows(frame, "en", mean=False)
    assert len(capped) == _style.MAX_ROWS and list(capped.index[:2]) == ["doc61", "doc62"]  # the largest, in order
    assert capped.index[-1] == "other 61 (total)" and capped.iloc[-1]["a"] == sum(range(61))
    assert capped.sum().tolist() == frame.sum().tolist()  # nothing lost
    shares = _style.cap_rows(frame / 100, "zh", mean=True)
    assert shares.index[-1] == "其余 61 项（平均）" and shares.iloc[-1]["b"] == pytest.approx(0.01)
    fig = _style.bars([_style.Panel("", frame, ["#000", "#111"])], "t", "s", interactive=True, lang="en")
    assert len(fig.data[0].y) == _style.MAX_ROWS


def test_instrument_matrix_rows_are_capped_by_whole_provinces_or_documents():
    """60 rows (20 documents x 3 types): the 12 documents with most tasks, then one group for the rest."""
    from ipcompare.analysis.instruments import taxonomy
    from ipcompare.views.charts import _style

    kinds, fields = ([c.id for c in taxonomy()[k]] for k in ("types", "fields"))
    docs = pd.DataFrame({"doc_id": [f"D{i}" for i in range(20)], "province": "湖北", "level": "provincial",
                         "city": "", "first_year": "2025", "last_year": "2025"})
    rows = pd.DataFrame([(d, "湖北", k, f, i + 1, 0.0) for i, d in enumerate(docs.doc_id) for k in kinds for f in fields],
                        columns=["doc_id", "province", "type", "field", "n_tasks", "share"])
    t = {"documents": docs, "instrument_by_document": rows}
    fig = charts.instrument_matrix(t, "en", interactive=True, by="document")
    y, text = list(fig.data[0].y), fig.data[0].text
    assert len(y) == 3 * (_style.MAX_ROWS // 3) == 39
    assert y[0].startswith("D8 ") and y[-4].startswith("D19 ") and y[-1] == "other 8 (total) · Demand-side"
    rest = [int(c.split()[0]) for row in text[-3:] for c in row]
    assert sum(rest) == sum(range(1, 9)) * len(kinds) * len(fields)  # nothing lost
    assert text[-1][0].endswith(f"({1 / len(kinds) / len(fields):.0%})")  # share of the rest's own tasks
    capped = _style.cap_groups(frames.instrument_matrix(t, "n_tasks", "document"), "zh")
    assert capped.index[-1][0] == "其余 8 项（合计）" and capped.to_numpy().sum() == rows.n_tasks.sum()
    assert len(charts.instrument_matrix(t, "zh", by="document").axes[0].get_yticks()) == 39  # static too


def test_coverage_by_province_states_it_and_lists_each_plan_on_hover(tables):
    fig = charts.CHARTS["coverage"](tables, "en", interactive=True)
    assert "best verdict over its plans" in fig.layout.title.text
    assert len(fig.data[0].x) == tables.coverage_by_province["province"].nunique()
    hover = "".join(h for row in fig.data[0].customdata for h in row)
    assert "GZSVC2023 (2023-2030, predates)" in hover and "GZ2025 (2025)" in hover
