"""Hostile text in a plan never becomes markup: through every interactive chart and both report pages.

Plan text reaches a browser in two ways: as cells of the report's HTML tables, and as strings inside
plotly figures, which plotly.js renders as a small HTML subset (<b>, <br>, <a href>, <i>, <span> ...).
Every free-text column of the tables gets hostile markup appended; the test parses each page, each
chart file and each figure's strings, and asserts that no tag of the text survives as markup and that
the text is shown literally instead.
"""
import json
from html.parser import HTMLParser

import pytest

from ipcompare.views import charts, report

PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '"><svg onload=alert(3)>',
            '<a href="javascript:alert(4)">链接</a>', '<b>加粗</b><br>换行', "<a href='https://example.org'>站外</a>",
            "<i>斜体</i>"]
HOSTILE = " " + " ".join(PAYLOADS)
# Free-text columns of each table (ids and numbers are left alone: they join the tables).
TEXT_COLUMNS = {
    "documents": ["title", "issuer"],
    "tasks": ["title", "content", "text", "section_titles", "lead_units", "responsible_units"],
    "targets": ["text", "counts"],
    "themes": ["evidence"],
    "theme_terms": ["term"],
    "coverage": ["nat_title", "evidence_titles", "matched_terms", "missing_terms"],
    "coverage_by_province": ["nat_title"],
    "gaps": ["nat_title"],
    "local_initiatives": ["title", "section_titles"],
    "reuse": ["text", "source_text"],
    "adoption": ["title"],
}
FIGURE_MARKUP = {"b", "br", "extra"}  # what the charts write into plotly strings (<extra> ends a hovertemplate)
PAGE_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "h1", "h2", "h3", "h4", "p", "a", "nav", "table",
             "thead", "tbody", "tr", "th", "td", "details", "summary", "div", "span", "figure", "figcaption", "ul", "li",
             "section", "header", "footer", "main", "br", "b", "strong", "em", "small", "caption"}


class Markup(HTMLParser):
    """The tags (with attributes) and the text a browser would see, script and style contents aside."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.scripts, self._raw = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._raw = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._raw = None

    def handle_data(self, data):
        (self.scripts if self._raw == "script" else self.text if self._raw is None else []).append(data)


def parse(markup: str) -> Markup:
    parser = Markup()
    parser.feed(markup)
    parser.close()
    return parser


def strings(node):
    """Every string inside a plotly figure's JSON."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


@pytest.fixture(scope="module")
def hostile(run_result):
    tables = dict(run_result[1].tables)
    for name, columns in TEXT_COLUMNS.items():
        tables[name] = tables[name].assign(**{c: tables[name][c].astype(str) + HOSTILE for c in columns})
    return tables


def chart_jobs(t):
    return [(name, options) for _, name, options in report.chart_list(t)]  # every chart the tables allow


@pytest.mark.parametrize("lang", report.LANGS)
def test_no_plan_text_becomes_markup_in_any_interactive_chart(hostile, lang):
    shown = {}
    for name, options in chart_jobs(hostile):
        fig = charts.CHARTS[name](hostile, lang=lang, interactive=True, **options)
        found = [parse(s) for s in strings(json.loads(fig.to_json()))]
        tags = {(t, json.dumps(a)) for p in found for t, a in p.tags}
        assert all(t in FIGURE_MARKUP and a == "{}" for t, a in tags), f"{name}: markup from the text: {tags}"
        shown[name] = "".join("".join(p.text) for p in found)
    # the text did reach the charts, shown literally (in full in the task map's hover, cut short in labels)
    assert all(p in shown["task_map"] for p in PAYLOADS)
    assert all("<" in shown[name] for name in ("coverage", "profile", "structure"))


def test_no_plan_text_becomes_markup_in_the_report_pages_or_chart_files(hostile, tmp_path):
    files = report.write(hostile, tmp_path)
    pages = [f for f in files if f.suffix == ".html"]
    assert {p.name for p in pages} >= set(report.INDEX.values())
    for page in pages:
        found = parse(page.read_text("utf-8"))
        for tag, attrs in found.tags:
            assert tag in PAGE_TAGS, f"{page.name}: <{tag}> from the text"
            assert not any(k.startswith("on") for k in attrs), f"{page.name}: event handler {attrs}"
            assert not attrs.get("href", "").lower().startswith(("javascript:", "http")), f"{page.name}: link {attrs}"
            assert "src" not in attrs or (page.parent / attrs["src"]).is_file(), f"{page.name}: loads {attrs['src']}"
        assert not any("alert(" in s and "Plotly" not in s for s in found.scripts), f"{page.name}: text in a script"
        if page.name in report.INDEX.values():
            text = "".join(found.text)
            assert all(p in text for p in PAYLOADS), f"{page.name}: the text is not shown literally"
