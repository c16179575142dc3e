"""The report pages in a real browser (headless Chromium, Debian's `chromium`, driven by Playwright):
no script error, every chart drawn, the embedded font loaded, nothing fetched from the network."""
import os
import shutil

import pytest

from ipcompare.views import report, webfont

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and not os.environ.get("CI"):  # .ci/run installs it: CI always runs this test
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser, path):
    """The page at ``path`` once loaded and its fonts ready, with the script errors and requests it made."""
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.fonts.status === 'loaded'")
    return page, errors, requests


def covers(page, text: str) -> bool:
    """Whether the page's own font face (not a system font) has the glyphs of ``text``."""
    return page.evaluate(f"async () => (await document.fonts.load('12px {webfont.FAMILY}', {text!r})).length") == 1


@pytest.mark.parametrize("lang", report.LANGS)
def test_report_page_renders_every_chart_with_its_own_font(reported, browser, lang):
    project, t = reported
    page, errors, requests = open_page(browser, project.reports / report.INDEX[lang])
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    n_charts = len(report.chart_list(t))
    assert page.evaluate("document.querySelectorAll('.js-plotly-plot').length") == n_charts
    assert page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].filter("
                         "d => d.querySelector('svg.main-svg .trace, svg.main-svg .hm image')).length") == n_charts  # drawn
    faces = page.evaluate("[...document.fonts].map(f => [f.family, f.status])")
    assert [webfont.FAMILY, "loaded"] in faces
    assert covers(page, "湖北省知识产权" if lang == "zh" else "Hubei 湖北")
    family = page.evaluate("getComputedStyle(document.querySelector('.js-plotly-plot .gtitle')).fontFamily")
    assert family.startswith(webfont.FAMILY)  # the charts' text too
    page.close()


def test_a_chart_page_loads_the_shared_script_and_font(reported, browser):
    project, _ = reported
    page, errors, _ = open_page(browser, project.reports / "figures" / "zh" / "coverage.html")
    assert errors == []
    assert page.evaluate("document.querySelectorAll('.js-plotly-plot svg.main-svg .hm image').length") == 1
    assert [webfont.FAMILY, "loaded"] in page.evaluate("[...document.fonts].map(f => [f.family, f.status])")
    assert covers(page, "覆盖")
    page.close()


@pytest.mark.parametrize("lang", report.LANGS)
def test_the_map_page_draws_its_tiles_with_their_names(reported, browser, lang):
    project, _ = reported
    page, errors, _ = open_page(browser, project.reports / "figures" / lang / "map_coverage.html")
    assert errors == []
    assert page.evaluate("document.querySelectorAll('.js-plotly-plot svg.main-svg .hm image').length") == 2  # grey and coloured tiles
    names = page.evaluate("[...document.querySelectorAll('.js-plotly-plot text')].map(t => t.textContent).join(' ')")
    assert all(name in names for name in (("黑龙江", "湖北", "新疆") if lang == "zh" else ("Heilongjiang", "Hubei", "Xinjiang")))
    assert covers(page, "黑龙江湖北新疆海南")
    page.close()
