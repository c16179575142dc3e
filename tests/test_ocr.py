"""Scanned plans read by OCR: an image-only PDF and a page image made from a seed (bundled Noto Sans
SC, slight blur and rotation) give the tasks of the text version; pages turned by 90 or 180 degrees
are read upright; each page is OCR'd once (cached); a run without scans imports no OCR."""
from __future__ import annotations

import subprocess
import sys
from difflib import SequenceMatcher

import pytest

import renderers
from conftest import copy_project
from ipcompare import pipeline
from ipcompare.add import add
from ipcompare.reading import clean, ocr, readers

SX = {"province": "山西", "years": "2022-2023", "title": "2022-2023年知识产权强省建设工作要点"}


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """The folder of the scans and the cache every test of this module shares (each page OCR'd once)."""
    folder = tmp_path_factory.mktemp("scans")
    return folder, folder / "cache"


def project_with_cache(path, cache):
    """A copy of the corpus whose data/cache is the module's cache."""
    project = copy_project(path)
    cache.mkdir(exist_ok=True)
    project.cache.symlink_to(cache, target_is_directory=True)
    return project


def close(a: str, b: str) -> bool:
    """Equal to within a few characters."""
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal") <= 3


def assert_same_tasks(got, expected):
    assert len(got) == len(expected)
    same = sum(close(a, b) for a, b in zip(got.title, expected.title))
    assert same >= 0.9 * len(expected), list(zip(got.title, expected.title))


def page_text(lines: list[str]) -> str:
    """The text version of a scanned page: its lines, rejoined where no paragraph starts."""
    out = []
    for line in lines:
        if line.startswith("\u3000") or not out:
            out.append(line.strip())
        else:
            out[-1] += line
    return "\n".join(out)


def test_image_only_pdf_gives_the_tasks_of_the_text_version(tmp_path, scans):
    folder, cache = scans
    project = project_with_cache(tmp_path / "p", cache)
    added = add(project.root, renderers.render("scan", "SX2022", folder), **SX)
    assert added.n_tasks == 18
    assert "  note: PDF page(s) 1-4 read by OCR" in added.summary()
    assert "  read by OCR: check the tasks above against the scan" in added.summary()
    result = pipeline.corpus_tables(project, progress=False)
    tasks, docs = result.tables["tasks"], result.tables["documents"].set_index("doc_id")
    assert_same_tasks(tasks[tasks.doc_id == added.doc_id], tasks[tasks.doc_id == "SX2022"])
    notes = docs.loc[added.doc_id, "notes"]
    assert "PDF page(s) 1-4 read by OCR (RapidOCR PP-OCRv4, mean confidence 0.9" in notes
    assert "all 18 items read by OCR" in notes and "OCR" not in docs.loc["SX2022", "notes"]


def test_png_of_one_page_gives_the_tasks_of_its_text(tmp_path, scans):
    folder, cache = scans
    image, lines = renderers.scan_pages(renderers.SEEDS["SX2022"].read_text("utf-8"), pages=2)[1]
    image.save(folder / "page2.png")
    (folder / "page2.txt").write_text(page_text(lines), encoding="utf-8")
    project = project_with_cache(tmp_path / "p", cache)
    from_image = add(project.root, folder / "page2.png", doc_id="SXPNG", **SX)
    from_text = add(project.root, folder / "page2.txt", doc_id="SXTXT", **SX)
    assert from_image.n_tasks == from_text.n_tasks >= 5
    tasks = pipeline.corpus_tables(project, progress=False).tables["tasks"]
    assert_same_tasks(tasks[tasks.doc_id == "SXPNG"], tasks[tasks.doc_id == "SXTXT"])


def test_pages_turned_by_90_and_180_degrees_are_read_upright(scans):
    folder, cache = scans
    pages = renderers.scan_pages(renderers.SEEDS["SX2022"].read_text("utf-8"))[2:4]
    turned = [pages[0][0].rotate(180), pages[1][0].rotate(-90, expand=True)]  # upside down; clockwise
    turned[0].save(folder / "turned.tif", save_all=True, append_images=turned[1:], compression="tiff_lzw")
    source = readers.read(folder / "turned.tif", cache)
    assert source.notes[0].startswith("image page(s) 1-2 read by OCR (RapidOCR PP-OCRv4, mean confidence 0.9")
    assert source.notes[1:] == ["page 1 was turned by 180 degrees; read upright",
                                "page 2 was turned by 90 degrees; read upright"]
    expected = "".join(clean.normalize(page_text(lines)) for _, lines in pages).replace("\n", "").replace(" ", "")
    squashed = clean.normalize(source.text).replace("\n", "").replace(" ", "")
    assert SequenceMatcher(None, expected, squashed, autojunk=False).ratio() > 0.97
    assert squashed.startswith("化地域特色产品质量。(省知识产权局牵头")


def test_pages_are_ocred_once_and_low_confidence_lines_are_flagged(scans, monkeypatch):
    folder, cache = scans
    first = readers.read(renderers.render("scan", "SX2022", folder), cache)
    monkeypatch.setattr(ocr, "read_page", lambda *a, **k: pytest.fail("a cached page was OCR'd again"))
    monkeypatch.setattr(ocr, "LOW_CONFIDENCE", 1.01)  # every line is then below it
    again = readers.read(renderers.render("scan", "SX2022", folder), cache)
    assert again.text == first.text and first.warnings == []
    assert [w.split(":")[0] for w in again.warnings] == ["page 1", "page 2", "page 3", "page 4"]
    assert "line(s) read by OCR with confidence below 1.01, check them: '根据《省政府" in again.warnings[0]


def test_a_run_without_scans_imports_no_ocr(tmp_path):
    code = ("import sys; from ipcompare.reading import readers; "
            f"readers.read({str(renderers.render('pdf', 'SX2022', tmp_path))!r}); "
            f"readers.read({str(renderers.SEEDS['HB2025'])!r}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rapidocr_onnxruntime', 'onnxruntime', 'cv2')"
            " or m == 'ipcompare.reading.ocr'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout == "[]\n"


def test_reading_order_joins_a_row_and_orders_rows():
    lines = [ocr.Line("第二行", 100, 300, 60, 30, 0.9), ocr.Line("右", 400, 430, 10, 30, 0.8),
             ocr.Line("左", 100, 130, 12, 28, 1.0)]
    assert [(l.text, l.x0, l.x1) for l in ocr._reading_order(lines)] == [("左 右", 100, 430), ("第二行", 100, 300)]
    assert ocr._reading_order(lines)[0].confidence == pytest.approx(0.9)
