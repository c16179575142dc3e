"""The report a run writes to reports/: every chart in three files per language, offline index pages, atomicity."""
import io
import re
import shutil
from collections.abc import Mapping

import pytest
from fontTools.ttLib import TTFont
from plotly.offline import get_plotlyjs

import ipcompare
from ipcompare.cache import Store
from ipcompare.views import charts, report, webfont
from ipcompare.views import figures as figure_jobs


def test_every_chart_in_both_forms_and_languages(reported):
    project, t = reported
    stems = [stem for stem, _, _ in report.chart_list(t)]
    # every chart once but the per-place ones: a profile per place (3), what changed nowhere (no predecessor)
    assert "coverage" in stems and "profile_guizhou" in stems and len(stems) == len(charts.CHARTS) - 2 + 3
    assert {"targets_compared", "network"} <= set(stems)
    expected = {f"figures/{lang}/{stem}.{ext}" for lang in report.LANGS for stem in stems for ext in ("png", "svg", "html")}
    written = {p.relative_to(project.reports).as_posix() for p in project.reports.rglob("*") if p.is_file()}
    shared = {"figures/plotly.min.js", "figures/zh/font.woff2", "figures/en/font.woff2"}
    pdfs = {"report.zh.pdf", "report.en.pdf"} if shutil.which("soffice") or shutil.which("libreoffice") else set()
    documents = {"report.zh.docx", "report.en.docx", "tables.xlsx"} | pdfs  # tables.xlsx: views/workbook.py
    assert written == expected | shared | {"index.html", "index.zh.html"} | documents
    assert not list(project.processed.glob(".staging-*"))


def test_chart_pages_share_plotly_js_and_the_report_is_small(reported):
    project, t = reported
    assert (project.reports / "figures" / "plotly.min.js").read_text("utf-8") == get_plotlyjs()
    for page in project.reports.glob("figures/*/*.html"):
        text = page.read_text("utf-8")
        assert '<script src="../plotly.min.js"></script>' in text and "url(font.woff2)" in text
        assert len(text) < 2**20  # plotly.js not inside
    assert sum(p.stat().st_size for p in project.reports.rglob("*") if p.is_file() and p.suffix != ".pdf") < 30 * 2**20
    # (the PDFs, made where LibreOffice is installed, add about 5 MB)


@pytest.mark.parametrize("lang", report.LANGS)
def test_index_embeds_a_font_with_every_character_it_shows(reported, lang):
    project, _ = reported
    page = (project.reports / report.INDEX[lang]).read_text("utf-8")
    font = TTFont(io.BytesIO(report.font_file(page)))
    assert font.flavor == "woff2" and font["name"].getDebugName(1) == "Noto Sans SC"
    cmap = font.getBestCmap()
    shown = webfont.characters(page.replace(get_plotlyjs(), ""))
    assert {"湖", "北", "G"} <= set(shown)
    assert [c for c in shown if ord(c) not in cmap and not c.isspace()] == []
    assert len(cmap) < 5000  # a subset, not the 8 MB font
    assert (project.reports / "figures" / lang / "font.woff2").read_bytes() == report.font_file(page)
    assert f"font-family:{webfont.FAMILY}" in page


@pytest.mark.parametrize("lang", report.LANGS)
def test_index_is_one_offline_page_with_every_chart(reported, lang):
    project, t = reported
    page = (project.reports / report.INDEX[lang]).read_text("utf-8")
    assert page.count(get_plotlyjs()[:500]) == 1  # plotly.js embedded once
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing loaded from elsewhere
    assert page.count("Plotly.newPlot(") == len(report.chart_list(t))
    for link in re.findall(r'href="(figures/[^"]+)"', page):
        assert (project.reports / link).is_file()
    assert "NAT2024-" in page and ("缺口" if lang == "zh" else "Gaps of Guizhou") in page
    assert ("目标比较与关键词" if lang == "zh" else "Targets compared and keywords") in page and "发明专利有效量突破23万件" in page and "32,000,000,000" in page


def test_document_text_is_escaped(reported):
    _, t = reported
    tables = dict(t)
    tables["documents"] = t.documents.assign(title="<script>alert(1)</script>")
    tables["tasks"] = t.tasks.assign(title="<b onclick=x>任务</b>")
    page = report.index_page(ipcompare.Corpus(tables), {}, "zh")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b onclick" not in page and "&lt;b onclick=x&gt;" in page


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_failed_chart_step_leaves_reports_and_tables_as_they_were(reported, monkeypatch):
    project, _ = reported
    before = snapshot(project.reports), snapshot(project.processed)

    def half_written(t, folder, *args):
        (folder / "figures").mkdir(parents=True)
        (folder / "figures" / "junk.png").write_bytes(b"partial")
        raise RuntimeError("chart failed")

    monkeypatch.setattr(report, "write_figures", half_written)
    with pytest.raises(RuntimeError, match="chart failed"):
        ipcompare.run(project.root, progress=False, charts=True)
    assert (snapshot(project.reports), snapshot(project.processed)) == before


def test_each_section_is_a_partial_and_a_function_with_autoescape_on():
    folder = report.Path(report.__file__).parent / "templates"
    for name in report.PAGE_SECTIONS:
        assert (folder / "sections" / f"{name}.html.j2").is_file()
        assert all(name in report.TEXT[lang] for lang in report.LANGS)
    assert report._templates().autoescape


class Reading(Mapping):
    """The tables, noting which of them are looked at."""

    def __init__(self, t):
        self.t, self.seen, self.folder = t, set(), t.folder

    def __getitem__(self, name):
        self.seen.add(name)
        return self.t[name]

    def __contains__(self, name):
        self.seen.add(name)
        return name in self.t

    def __iter__(self):
        return iter(self.t)

    def __len__(self):
        return len(self.t)


def test_each_chart_reads_only_what_it_declares(reported):
    """A chart touches no table beyond its declared reads (charts.DECLARED: its cache key), and a
    per-place chart's declared views (what its key is made of) cover every table its drawing touches."""
    _, t = reported
    for _, name, options in report.chart_list(t):
        drawn = Reading(t)
        for lang, interactive in (("zh", False), ("en", True)):
            charts.CHARTS[name](drawn, lang=lang, interactive=interactive, **options)
        chart = charts.DECLARED[name]
        assert drawn.seen <= set(chart.reads), name
        if chart.per_place:  # the rows and views a per-place chart shows come from the same tables
            declared = Reading(t)
            assert all(len(frame) for frame in list(chart.shows(declared, **options).values())[:2])
            assert drawn.seen <= declared.seen <= set(chart.reads), name


def test_a_corpus_of_many_places_has_its_per_place_charts_interactive_only(at_scale):
    """Beyond report.STATIC_PLACES places: no PNG or SVG of a profile (matplotlib never called for one),
    every other chart in both forms, and the index pages still show every chart."""
    project, t, calls = at_scale
    stems = {stem: name for stem, name, _ in report.chart_list(t)}
    assert calls == [True] * 6  # 3 profiles x 2 languages, interactive only; the rest came from the cache
    for lang in report.LANGS:
        folder = project.reports / "figures" / lang
        for stem, name in stems.items():
            static = name not in report.PER_PLACE
            assert (folder / f"{stem}.html").is_file()
            assert (folder / f"{stem}.png").is_file() == (folder / f"{stem}.svg").is_file() == static, stem
        page = (project.reports / report.INDEX[lang]).read_text("utf-8")
        assert page.count("Plotly.newPlot(") == len(stems)


def test_the_static_files_of_a_chart_drawn_interactive_only_are_removed(tmp_path):
    figures = tmp_path / "figures" / "en"
    figures.mkdir(parents=True)
    for name in ("profile_hubei.png", "profile_hubei.svg", "profile_hubei.html", "coverage.png", "coverage.html"):
        (figures / name).write_text("x")
    written = [figures / "profile_hubei.html", figures / "coverage.html", figures / "coverage.png"]
    assert sorted(p.name for p in report.remove_stale(tmp_path, written)) == ["profile_hubei.png", "profile_hubei.svg"]
    assert sorted(p.name for p in figures.iterdir()) == ["coverage.html", "coverage.png", "profile_hubei.html"]


def test_workers_get_the_heaviest_charts_first(reported):
    _, t = reported
    jobs = [(lang, stem, name, options, name not in report.PER_PLACE or lang == "zh")
            for lang in report.LANGS for stem, name, options in report.chart_list(t)]
    order = [(job[2], job[4]) for job in sorted(jobs, key=figure_jobs._weight)]
    assert {name for name, _ in order[:4]} == set(report.HEAVY)
    assert [name in report.PER_PLACE for name, static in order if static][-3:] == [True] * 3  # then per place
    assert all(name in report.PER_PLACE for name, static in order if not static)  # interactive-only last
    assert order.index(("profile", False)) == len(order) - 3


def test_places_drawn_static_all_in_a_small_corpus_else_those_asked(reported, monkeypatch):
    _, t = reported
    assert report.static_places(t) == {"贵州", "湖北", "山西"}  # 3 places: all, as ever
    monkeypatch.setattr(figure_jobs, "STATIC_PLACES", 1)
    assert report.static_places(t) == set()
    assert report.static_places(t, ["hubei", "山西"]) == {"湖北", "山西"}
    assert report.static_places(t, ["all"]) == {"贵州", "湖北", "山西"}
    with pytest.raises(ipcompare.InputError, match="河南: no such place"):
        report.static_places(t, ["河南"])


def test_a_run_keeps_drawing_the_places_asked_for(reported, tmp_path, monkeypatch):
    """In a corpus of many places, a run draws the static charts of the places the `figures` command
    drew (reports/figures/places.txt), with its own tables; a place drawn only because the corpus was
    small loses them (its PNG would be of older tables)."""
    source, _ = reported
    root = tmp_path / "project"
    shutil.copytree(source.root, root)
    figures = root / "reports" / "figures"
    monkeypatch.setattr(figure_jobs, "STATIC_PLACES", 1)
    t = ipcompare.Corpus.load(root / "data" / "processed")
    Store(root / "data" / "cache", "charts").keep({f"{lang}/{stem}": ("0" * 64, b"") for lang in report.LANGS  # forgotten
                                                  for stem, name, _ in report.chart_list(t) if name in report.PER_PLACE})
    keys = report.file_keys(root / "data" / "processed")
    report.static_figures(t, root / "reports", ["hubei"], root / "data" / "cache", keys)
    report.static_figures(t, root / "reports", ["湖北"], root / "data" / "cache", keys)  # listed once
    assert (figures / "places.txt").read_text("utf-8") == "湖北\n"
    assert report.places_asked(t, root / "reports") == ["湖北"]
    (figures / "zh" / "profile_hubei.png").write_bytes(b"an earlier drawing")
    assert (figures / "zh" / "profile_guizhou.png").exists()  # drawn by the small corpus's run
    ipcompare.run(root, progress=False, charts=True)
    assert (figures / "zh" / "profile_hubei.png").read_bytes().startswith(b"\x89PNG")  # drawn again
    assert (figures / "en" / "profile_hubei.svg").exists()
    assert not (figures / "zh" / "profile_guizhou.png").exists() and (figures / "zh" / "profile_guizhou.html").exists()
