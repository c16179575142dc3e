"""The report: every chart under ``figures/<lang>/`` (PNG, SVG, HTML) and ``index.html``, written by
:func:`write` from the figure jobs (:mod:`ipcompare.views.figures`) and the pages (:mod:`ipcompare.views.pages`).

``index.html`` (English) and ``index.zh.html`` (Chinese) summarise the corpus, the themes, the
coverage gaps of each province and the evidence tables. Each is one offline file: plotly.js is
embedded once, every chart is interactive, the page carries the subset of its font it needs, and
all document text is HTML-escaped: the pages are Jinja2 templates (``views/templates/``) with
autoescape on. The chart pages share ``figures/plotly.min.js`` and the ``font.woff2`` beside them.
"""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from ..cache import Store, digest
from . import charts, frames, word
from .frames import Tables
# What the report's callers and tests name here (``report.write``, ``report.WORD`` ...): the figure jobs and the pages.
from .figures import (HEAVY, LANGS, PER_PLACE, STATIC_PLACES, Drawing, chart_list, file_keys,  # noqa: F401
                      places_asked, remove_stale, static_figures, static_places, table_keys_of, write_figures)
from .pages import (INDEX, PAGE_SECTIONS, TEXT, WORD, _made_from, _templates, font_file, index_page,  # noqa: F401
                    index_pages, page_sections)


def write(t: Tables, folder: Path, progress: bool = False, cache_dir: Path | None = None,
          table_keys: dict | None = None, figures=(), redrawn: dict | None = None) -> list[Path]:
    """Write the figures, the Word reports, the index pages and what the chart pages share
    (``figures/plotly.min.js``, each language's ``font.woff2``) under ``folder``; return the files
    written. With a ``cache_dir``, Word reports and index pages made of the same tables and charts as
    last time are taken from there (``table_keys``: :func:`table_keys_of`). Their PDFs: :func:`word.pdfs_later` (the pipeline starts it once
    the reports are in place). ``figures``: places whose per-place charts get their PNG and SVG
    however many places there are (:func:`write_figures`); ``redrawn`` gets the charts drawn (not from
    the cache), each with the declared inputs that changed (``lang/stem`` -> names)."""
    table_keys = table_keys_of(t, table_keys)  # once, for the charts and the pages
    files, drawings = write_figures(t, folder, progress, cache_dir, table_keys, figures, redrawn)
    divs = {key: d.div for key, d in drawings.items()}
    sections = cache(lambda lang: page_sections(t, lang, divs))  # made only for what is not in the cache
    made_from = _made_from(t, drawings, table_keys)

    def docx(lang: str) -> bytes:
        out = io.BytesIO()
        word.document(sections(lang), TEXT[lang], drawings, lang, frames.run_date(t)).save(out)
        return word.fixed_zip(out.getvalue())

    made = Store(cache_dir, "word").reuse(made_from, lambda langs: {lang: docx(lang) for lang in langs})
    for lang in LANGS:
        (path := folder / WORD[lang]).write_bytes(made[lang])
        files.append(path)
    (js := folder / "figures" / "plotly.min.js").write_text(charts.plotly_js(), encoding="utf-8")
    files.append(js)
    pages = Store(cache_dir, "pages").reuse({"pages": digest(*made_from.values())}, lambda _: {
        "pages": index_pages(t, divs, cache_dir, sections={lang: sections(lang) for lang in LANGS})})
    for lang, page in pages["pages"].items():
        (path := folder / INDEX[lang]).write_text(page, encoding="utf-8")
        (font := folder / "figures" / lang / "font.woff2").write_bytes(font_file(page))
        files += [path, font]
    return files
