"""Readers: a seed plan in each real format (web page, PDF, Word, GBK, Big5, traditional characters)
gives the same tasks as its text version; what each reader keeps and drops."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

import renderers
from ipcompare import InputError
from ipcompare.reading import clean, readers
from ipcompare.extraction.outline import extract

SEEDS = renderers.SEEDS
COMPARED = ["task_id", "kind", "section_path", "section_titles", "title", "text", "content", "lead_units",
            "responsible_units", "deadlines", "targets", "national_measures", "regional_measures", "duty_province"]


@pytest.fixture(scope="session")
def renders(tmp_path_factory):
    """Folder of rendered seeds, shared by the test modules of a session."""
    return tmp_path_factory.getbasetemp() / "renders"


def tasks_of(text: str, doc_id: str) -> pd.DataFrame:
    return pd.DataFrame(extract(doc_id, clean.clean_text(text)).tasks)[COMPARED]


FORMATS = [(doc_id, fmt) for fmt in renderers.FORMATS for doc_id in SEEDS if fmt != "big5" or doc_id == "HB2025"]


@pytest.mark.parametrize("doc_id, fmt", FORMATS)
def test_each_format_gives_the_tasks_of_the_text_version(doc_id, fmt, renders):
    seed = SEEDS[doc_id].read_text("utf-8")
    source = readers.read(renderers.render(fmt, doc_id, renders))
    expected, got = tasks_of(seed, doc_id), tasks_of(source.text, doc_id)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected)
    if fmt in ("traditional", "big5"):
        assert "traditional characters converted to simplified" in source.notes[-1]


def test_encodings_are_detected_and_noted(tmp_path, renders):
    seed = SEEDS["HB2025"].read_text("utf-8")
    (tmp_path / "gbk.txt").write_bytes(seed.encode("gbk"))
    (tmp_path / "bom.txt").write_bytes(seed.encode("utf-8-sig"))
    gbk, bom = readers.read(tmp_path / "gbk.txt"), readers.read(tmp_path / "bom.txt")
    big5 = readers.read(renderers.render("big5", "HB2025", renders))
    assert gbk.text == big5.text == bom.text == seed
    assert gbk.notes == ["decoded as GB18030"] and bom.notes == []
    assert big5.notes[0] == "decoded as BIG5" and "traditional" in big5.notes[1]


def test_web_page_keeps_the_article_only(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(renderers.to_html(SEEDS["GZSVC2023"].read_text("utf-8")), encoding="utf-8")
    text = readers.read(path).text
    assert "加快推动知识产权服务业高质量发展的若干意见" in text
    for chrome in ("假任务", "脚本任务", "document.write", "机构设置", "分享到", "ICP备", "color: red"):
        assert chrome not in text
    assert "索 引 号: | 000014349/2023-3645961 | 信息分类: | 省局文件 |" in text  # table rows as cell | cell |


def test_gbk_web_page_with_its_charset(tmp_path):
    page = renderers.to_html(SEEDS["SX2022"].read_text("utf-8")).replace('charset="utf-8"', 'charset="gb2312"')
    (tmp_path / "sx.html").write_bytes(page.encode("gb18030"))
    assert "集聚资源加快知识产权强省建设" in readers.read(tmp_path / "sx.html").text


def test_pdf_rejoins_wrapped_lines_and_reads_ruled_tables(renders):
    text = readers.read(renderers.render("pdf", "NAT2024", renders)).text
    assert "\n(五)加强法治保障和宏观政策供给。大力推进法治建设" in text  # one line, as in the text version
    assert "(条法司负责)持续推进《商标审查审理指南》动态修改。(商标局负责)" in text
    assert "\n重点任务 | 工作举措 | 任务分工 |\n" in text


def test_pdf_pages_without_text_are_noted(tmp_path, renders):
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_font("cjk", fname=str(renderers.cjk_font(renders)))
    pdf.set_font("cjk", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "一、加强保护\n1.推进立法。开展条例立法工作,形成草案。(省知识产权局负责)")
    pdf.add_page()
    pdf.image(Image.new("L", (400, 560), 200), x=10, y=10, w=150)  # a scanned page
    pdf.output(str(tmp_path / "mixed.pdf"))
    source = readers.read(tmp_path / "mixed.pdf")
    assert "1.推进立法" in source.text
    assert source.notes == ["PDF page(s) 2 blank (no text found by OCR) and skipped"]


def test_docx_tables_merged_cells_and_automatic_numbering(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("加强保护", style="List Number")  # number drawn by Word, not in the text
    table = document.add_table(rows=3, cols=3)
    for r, cells in enumerate([["序号", "具体任务", "责任部门"], ["1", "开展专项行动。", "省局"], ["2", "推进立法。", "省厅"]]):
        for c, cell in enumerate(cells):
            table.cell(r, c).text = cell
    table.cell(0, 1).merge(table.cell(0, 2)).text = "任务与部门"
    document.save(tmp_path / "t.docx")
    source = readers.read(tmp_path / "t.docx")
    assert source.text.split("\n") == ["加强保护", "序号 | 任务与部门 |", "1 | 开展专项行动。 | 省局 |", "2 | 推进立法。 | 省厅 |"]
    assert source.notes == ["1 paragraph(s) use Word's automatic numbering: their numbers are not in the text"]


CONVERTERS = {"libreoffice": ("soffice", "libreoffice"), "antiword": ("antiword",)}
FIXTURES = renderers.REPO / "tests" / "fixtures"


def only(monkeypatch, converter: str | None) -> None:
    """Let the reader see ``converter`` alone among the .doc converters installed (None: none)."""
    keep = CONVERTERS.get(converter, ())
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: which(name) if name in keep or all(
        name not in names for names in CONVERTERS.values()) else None)


@pytest.mark.parametrize("converter", CONVERTERS)
def test_old_word_doc_gives_the_tasks_of_the_text_version(converter, monkeypatch):
    """tests/fixtures/SX2022.doc: the SX2022 seed saved as Word 97 (.docx from renderers.to_docx, then
    LibreOffice's "MS Word 97" filter). CI installs antiword, so that path always runs there."""
    if not any(shutil.which(name) for name in CONVERTERS[converter]):
        pytest.skip(f"{converter} is not installed")
    only(monkeypatch, converter)
    source = readers.read(FIXTURES / "SX2022.doc")
    assert any(converter.replace("libreoffice", "LibreOffice") in note for note in source.notes)
    pd.testing.assert_frame_equal(tasks_of(source.text, "SX2022"), tasks_of(SEEDS["SX2022"].read_text("utf-8"), "SX2022"))


def test_old_word_doc_needs_a_converter(tmp_path, monkeypatch):
    only(monkeypatch, None)
    (tmp_path / "plan.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError, match=r"plan\.doc: old Word \.doc format needs a converter: install LibreOffice"):
        readers.read(tmp_path / "plan.doc")


def test_simplified_text_is_left_alone():
    seed = SEEDS["GZ2025"].read_text("utf-8")
    assert readers.to_simplified(seed) == (seed, 0)
    mixed = seed + "\n臺灣知識產權"  # a few traditional characters in a simplified plan
    assert readers.to_simplified(mixed) == (mixed, 0)
    assert readers.to_simplified("國家知識產權局關於印發年度工作指引的通知") == ("国家知识产权局关于印发年度工作指引的通知", 7)


@pytest.mark.parametrize("first, second, joined", [
    ("加强知识产权", "保护", "加强知识产权保护"), ("2023年12月底前完成。20", "23年", "2023年12月底前完成。2023年"),
    ("ISO", "56005", "ISO56005"), ("intellectual", "property", "intellectual property"),
])
def test_join_wrapped(first, second, joined):
    assert readers.join_wrapped(first, second) == joined


@pytest.mark.parametrize("head, kind", [
    (b"%PDF-1.7\n", "pdf"), (b"PK\x03\x04", "docx"), (b"\xd0\xcf\x11\xe0", "doc"), (b"{\\rtf1\\ansi", "rtf"),
    (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "html"), (b"<html><body>", "html"), ("一、总体要求".encode(), None),
])
def test_content_kind(head, kind):
    assert readers.content_kind(head) == kind


def test_a_reader_whose_dependency_fails_to_import_says_what_to_install(tmp_path, monkeypatch):
    def old_pip_install(data, path, cache):  # what trafilatura raises when lxml_html_clean was not installed
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\n"
                          "Install lxml[html_clean] or lxml_html_clean directly.")

    monkeypatch.setitem(readers._READERS, "html", old_pip_install)
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>一、加强知识产权保护</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"page\.html: reading html files needs .*pip install lxml_html_clean$") as err:
        readers.read(page)
    assert "\n" not in str(err.value)


def test_ofd_is_read_in_reading_order_whatever_the_order_of_its_objects(tmp_path, renders):
    """renderers.to_ofd writes each page's TextObjects bottom to top, each line in two pieces."""
    path = renderers.render("ofd", "HB2025", renders)
    assert readers.content_kind(path.read_bytes()) == "ofd"
    source = readers.read(path)
    assert source.text.split("\n")[0].strip() == "湖北省知识产权局关于印发2025年全省知识产权工作要点的通知"
    assert "文 号 | 鄂知发〔2025〕2号 | 效力状态 | 有效 |" in source.text  # a table row, cell by cell
    copy = tmp_path / "plan.docx"  # an OFD under a wrong name
    copy.write_bytes(path.read_bytes())
    with pytest.raises(InputError, match=r"plan\.docx: the content is OFD, not \.docx; rename the file to \.ofd"):
        readers.read(copy)


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04" + b"\x00" * 100, "not a readable zip archive"),
    (None, "not an OFD document (no OFD.xml in the package)"),
])
def test_a_damaged_ofd_is_refused(tmp_path, content, message):
    import zipfile

    path = tmp_path / "plan.ofd"
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("Doc_0/Document.xml", "<x/>")
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(f"{path}: {message}")):
        readers.read(path)


@pytest.mark.parametrize("converter", CONVERTERS)
def test_wps_gives_the_tasks_of_the_text_version(converter, tmp_path, monkeypatch):
    """WPS Writer's .wps is the Word 97 binary format: the SX2022 fixture saved under that name."""
    if not any(shutil.which(name) for name in CONVERTERS[converter]):
        pytest.skip(f"{converter} is not installed")
    only(monkeypatch, converter)
    (tmp_path / "SX2022.wps").write_bytes((FIXTURES / "SX2022.doc").read_bytes())
    source = readers.read(tmp_path / "SX2022.wps")
    assert any(note.startswith("converted from .wps") for note in source.notes)
    pd.testing.assert_frame_equal(tasks_of(source.text, "SX2022"), tasks_of(SEEDS["SX2022"].read_text("utf-8"), "SX2022"))


def test_wps_needs_a_converter(tmp_path, monkeypatch):
    only(monkeypatch, None)
    (tmp_path / "plan.wps").write_bytes((FIXTURES / "SX2022.doc").read_bytes())
    with pytest.raises(InputError, match=r"plan\.wps: WPS \.wps format needs a converter: install LibreOffice"):
        readers.read(tmp_path / "plan.wps")
