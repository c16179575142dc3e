"""The Word reports a run writes (reports/report.<lang>.docx), read back with python-docx."""
import shutil

import pytest
from docx import Document
from docx.oxml.ns import qn

from ipcompare.views import report, word


def fields(doc_part_element) -> list[str]:
    return [e.text.strip() for e in doc_part_element.iter(qn("w:instrText"))]


@pytest.mark.parametrize("lang", report.LANGS)
def test_word_report_has_every_chart_captioned_and_the_key_tables(reported, lang):
    project, t = reported
    doc = Document(project.reports / report.WORD[lang])
    stems = [stem for stem, _, _ in report.chart_list(t)]
    assert len(doc.inline_shapes) == len(stems)
    label = word.WORDS[lang]["figure"]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith(label)]
    assert [c.split(word.WORDS[lang]["sep"])[0] for c in captions] == [f"{label} {i}" for i in range(1, len(stems) + 1)]
    assert fields(doc.element.body).count(f"SEQ {label} \\* ARABIC") == len(stems)
    texts = [p.text for p in doc.paragraphs]
    for caption in captions:  # each followed by its source line (documents, date)
        assert texts[texts.index(caption) + 1].startswith("来源" if lang == "zh" else "Source")
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [report.TEXT[lang][s] for s in report.PAGE_SECTIONS]
    documents = doc.tables[0]
    assert [c.text for c in documents.rows[0].cells] == report.TEXT[lang]["doc_columns"]
    assert sorted(r.cells[0].text for r in documents.rows[1:]) == sorted(t.documents["doc_id"])
    gap_rows = sum(len(tb.rows) - 1 for tb in doc.tables if tb.rows[0].cells[1].text == "nat_task")
    assert gap_rows == len(t.gaps) > 0  # every gap of every province, with its evidence column
    assert any(tb.rows[0].cells[-1].text == "counts" for tb in doc.tables)  # targets
    assert "PAGE" in fields(doc.sections[0].footer._element)


def test_chinese_report_sets_an_east_asian_font(reported):
    project, t = reported
    doc = Document(project.reports / report.WORD["zh"])
    for style in ("Normal", "Heading 1", "Title", "Caption"):
        fonts = doc.styles[style].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == word.FONTS["east_asia"] and fonts.get(qn("w:eastAsiaTheme")) is None
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "知识产权政策规划比较" in body and "湖北" in body
    assert any("国家知识产权局" in c.text for c in doc.tables[0].columns[4].cells)


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_pdf_beside_the_word_report_where_libreoffice_is_installed(reported):
    import pypdf

    project, _ = reported
    for lang in report.LANGS:
        pdf = pypdf.PdfReader(project.reports / report.WORD[lang].replace(".docx", ".pdf"))
        assert len(pdf.pages) > 5
    assert "知识产权政策规划比较" in pypdf.PdfReader(project.reports / "report.zh.pdf").pages[0].extract_text()


def test_same_tables_same_word_content_so_the_pdf_is_reused(reported, tmp_path):
    _, t = reported
    for name in ("a.docx", "b.docx"):
        word.document(report.page_sections(t, "zh", {}), report.TEXT["zh"], {}, "zh", "2025-01-01").save(tmp_path / name)
    assert word._content_key(tmp_path / "a.docx") == word._content_key(tmp_path / "b.docx")


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_pdfs_are_made_after_the_run_and_kept_in_the_cache(reported, tmp_path):
    project, _ = reported
    reports = [project.reports / report.WORD[lang] for lang in report.LANGS]
    assert word.pdfs_later(reports, project.cache) is None  # the same .docx content: their PDFs at once
    assert all(p.with_suffix(".pdf").stat().st_size > 10_000 for p in reports)
    doc = Document(reports[0])
    doc.add_paragraph("另附：2026年工作安排")
    doc.save(changed := tmp_path / reports[0].name)
    shutil.copy(reports[0].with_suffix(".pdf"), changed.with_suffix(".pdf"))  # the PDF of the version before
    making = word.pdfs_later([changed], tmp_path / "cache")
    assert making is not None and not changed.with_suffix(".pdf").exists()  # no stale PDF meanwhile
    making.wait(timeout=600)
    assert changed.with_suffix(".pdf").read_bytes() != reports[0].with_suffix(".pdf").read_bytes()
    assert word.pdfs_later([changed], tmp_path / "cache") is None  # now in the cache


@pytest.mark.parametrize("lang", report.LANGS)
def test_a_chart_drawn_interactive_only_is_a_line_naming_its_page_and_the_command(at_scale, lang):
    project, t, _ = at_scale
    doc = Document(project.reports / report.WORD[lang])
    stems = [stem for stem, name, _ in report.chart_list(t) if name not in report.PER_PLACE]
    assert len(doc.inline_shapes) == len(stems)
    lines = [p.text for p in doc.paragraphs if "python -m ipcompare figures" in p.text]
    assert [line.split("`")[1] for line in lines] == [f"python -m ipcompare figures {p}" for p in ("guizhou", "hubei", "shanxi")]
    assert all(report.INDEX[lang] in line for line in lines)


def test_a_tables_cells_read_back_as_written(tmp_path):
    """Rows are copies of a model row (fast): line breaks, tabs, spaces, missing values and floats
    read back as python-docx writes them, every cell in 8 pt."""
    import pandas as pd

    w = word._Writer("zh", report.TEXT["zh"], {})
    w.table(pd.DataFrame({"任务": ["一\n二", "", " 湖北 "], "分数": [0.123456, float("nan"), 2.0], "词": ["a\tb", "专利", None]}), "表")
    w.doc.save(tmp_path / "t.docx")
    table = Document(tmp_path / "t.docx").tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["任务", "分数", "词"], ["一\n二", "0.123", "a\tb"], ["", "", "专利"], [" 湖北 ", "2", ""]]
    assert all(run.font.size.pt == 8 for r in table.rows for c in r.cells for run in c.paragraphs[0].runs)
    assert all(run.bold for c in table.rows[0].cells for run in c.paragraphs[0].runs)
