"""Bad and hostile inputs. Each stops the run with one line naming the file and the problem (no
traceback, exit status 2 from the CLI) and leaves data/processed/, reports/ and data/annotations/
byte for byte as they were. Every fixture is built here, in a copy of the project."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile

import pytest

import ipcompare
import renderers
from ipcompare import InputError
from ipcompare.reading import readers

HB = "hubei_2025_work_points.txt"
META = {"level": "provincial", "province": "湖北", "first_year": "2025", "last_year": "2025", "title": "测试计划"}


def put(project, name: str, data: bytes | str, doc_id: str = "BAD2025", **meta) -> str:
    """Write ``name`` into data/raw and list it in the manifest; returns its name."""
    path = project.raw / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    row(project, doc_id, name, **(META | meta))
    return name


def row(project, doc_id: str, file: str, **meta) -> None:
    cells = [doc_id, file] + [meta.get(c, "") for c in ("level", "province", "first_year", "last_year", "title")]
    with open(project.raw / "manifest.csv", "a", encoding="utf-8") as f:
        f.write(",".join(cells) + ",,,,\n")


def set_manifest(project, transform) -> str:
    path = project.raw / "manifest.csv"
    path.write_bytes(transform(path.read_text("utf-8")))
    return "manifest.csv"


def pdf_bytes(tmp, kind: str) -> bytes:
    """A scanned PDF of blank pages (images, no text), or the SX2022 seed (as text or as a scan) as a
    password-protected PDF."""
    from fpdf import FPDF
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    if kind == "scanned":
        pdf = FPDF()
        for _ in range(2):
            pdf.add_page()
            pdf.image(Image.new("L", (600, 840), 230), x=10, y=10, w=190)
        return bytes(pdf.output())
    writer = PdfWriter(clone_from=PdfReader(renderers.render("scan" if kind == "encrypted scan" else "pdf", "SX2022", tmp)))
    writer.encrypt("secret", algorithm="AES-256")
    writer.write(tmp / "encrypted.pdf")
    return (tmp / "encrypted.pdf").read_bytes()


def image_bytes(kind: str) -> bytes:
    """A PNG page image: of no text (a smooth gradient), cut off half way, or of 64 million pixels."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    if kind == "huge":
        Image.new("L", (8000, 8000), 255).save(buf, "PNG")
    else:
        (Image.linear_gradient("L") if kind == "no text" else Image.effect_noise((800, 800), 60)).save(buf, "PNG")
    data = buf.getvalue()
    return data[:len(data) // 2] if kind == "truncated" else data


def huge(project) -> str:
    with open(project.raw / "huge.txt", "wb") as f:
        f.truncate(50 * 2**20)  # 50 MB (sparse): refused by its size before any reading
    row(project, "HUGE2025", "huge.txt", **META)
    return "huge.txt"


def docx_zip(entries: dict[str, str]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def override(name: str, text: str):
    def write(project) -> str:
        (project.annotations / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return name
    return write


NO_TASKS = "湖北省知识产权局关于印发2025年工作要点的通知\n今年要认真做好各项工作,确保取得实效。\n湖北省知识产权局\n2025年2月19日\n"
# A broken .doc: LibreOffice reads it as an empty document, antiword (in CI) refuses it, and with no
# converter it is refused for want of one.
BROKEN_DOC = ("no numbered task found" if shutil.which("soffice") or shutil.which("libreoffice") else
              "could not convert this .doc" if shutil.which("antiword") else "old Word .doc format needs a converter")
SCRIPT_ONLY = "<html><head><script>var a = 1;</script></head><body><div id=app></div><script>load()</script></body></html>"

# (id, break the project (returns the file the message must name), what the message must say)
CASES = [
    ("empty file", lambda p, t: put(p, "empty.txt", b""), "empty file"),
    ("only spaces", lambda p, t: put(p, "blank.txt", " \n\u3000\u3000\n\t"), "no text in the document"),
    ("binary file", lambda p, t: put(p, "binary.txt", bytes(range(256)) * 40), "binary content, not a text document"),
    ("UTF-16 text", lambda p, t: put(p, "utf16.txt", NO_TASKS.encode("utf-16")), "binary content"),
    ("undecodable bytes", lambda p, t: put(p, "garbled.txt", b"\x81\x20\xff\xfe\x80" * 200),
     "cannot decode the text (neither UTF-8, GBK/GB18030 nor Big5)"),
    ("PDF named .txt", lambda p, t: put(p, "plan.txt", b"%PDF-1.7\n1 0 obj\n"), "the content is PDF, not .txt; rename the file to .pdf"),
    ("unsupported type", lambda p, t: put(p, "scan.gif", b"GIF89a\x01\x00"), "unsupported file type .gif"),
    ("no extension", lambda p, t: put(p, "plan", NO_TASKS), "unsupported file type (none)"),
    ("scan of blank pages", lambda p, t: put(p, "scan.pdf", pdf_bytes(t, "scanned")),
     "the PDF has no text layer and OCR found no text on any page"),
    ("encrypted PDF", lambda p, t: put(p, "locked.pdf", pdf_bytes(t, "encrypted")), "the PDF is encrypted with a password"),
    ("encrypted scan", lambda p, t: put(p, "locked_scan.pdf", pdf_bytes(t, "encrypted scan")),
     "the PDF is encrypted with a password"),
    ("image of no text", lambda p, t: put(p, "photo.png", image_bytes("no text")), "no text found by OCR in the image"),
    ("truncated image", lambda p, t: put(p, "cut.png", image_bytes("truncated")), "not a readable image"),
    ("corrupt image", lambda p, t: put(p, "bad.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4), "not a readable image"),
    ("image over the size limit", lambda p, t: put(p, "poster.png", image_bytes("huge")),
     "page 1 is 8000 x 8000 pixels, over the limit of 60 million"),
    ("truncated PDF", lambda p, t: put(p, "cut.pdf", renderers.render("pdf", "SX2022", t).read_bytes()[:3000]),
     "not a readable PDF"),
    ("corrupt docx", lambda p, t: put(p, "broken.docx", b"PK\x03\x04" + bytes(range(200)) * 5), "not a readable Word .docx file"),
    ("docx without a document", lambda p, t: put(p, "empty.docx", docx_zip({"hello.txt": "hi"})), "not a readable Word .docx file"),
    ("text named .docx", lambda p, t: put(p, "notes.docx", NO_TASKS), "not a readable Word .docx file"),
    ("old Word .doc", lambda p, t: put(p, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 512),
     BROKEN_DOC),
    ("web page saved as .doc", lambda p, t: put(p, "page.doc", "<html><body><p>一、总体要求</p></body></html>"),
     "the content is HTML, not .doc; rename the file to .html"),
    ("RTF saved as .doc", lambda p, t: put(p, "rich.doc", b"{\\rtf1\\ansi hello}"), "the content is RTF, which is not supported"),
    ("web page of scripts only", lambda p, t: put(p, "app.html", SCRIPT_ONLY), "no article text found in the web page"),
    ("a document with no tasks", lambda p, t: put(p, "notice.txt", NO_TASKS), "no numbered task found"),
    ("50 MB file", lambda p, t: huge(p), "50 MB is over the 20 MB limit"),
    ("manifest lists a missing file", lambda p, t: (row(p, "GONE2025", "gone.txt", **META), "gone.txt")[1],
     "file listed in the manifest (GONE2025) does not exist"),
    ("a folder listed as a file", lambda p, t: ((p.raw / "folder.txt").mkdir(), row(p, "DIR2025", "folder.txt", **META),
                                                "folder.txt")[2], "cannot read"),
    ("duplicate doc_id", lambda p, t: put(p, "copy.txt", NO_TASKS, doc_id="HB2025") and "manifest.csv", "duplicate doc_id HB2025"),
    ("same content twice", lambda p, t: (row(p, "HB2025B", "copy_of_hb.txt"),
                                         shutil.copy(p.raw / HB, p.raw / "copy_of_hb.txt"), "copy_of_hb.txt")[2],
     "same content as document HB2025"),
    ("unknown province", lambda p, t: put(p, "x.txt", NO_TASKS, province="火星") and "manifest.csv", "unknown province '火星'"),
    ("path outside data/raw", lambda p, t: (row(p, "OUT2025", "../outside.txt"), "manifest.csv")[1], "must be a path inside"),
    ("absolute path", lambda p, t: (row(p, "ETC2025", "/etc/passwd"), "manifest.csv")[1], "must be a path inside"),
    ("bad doc_id", lambda p, t: (row(p, "HB 2026", HB), "manifest.csv")[1], "doc_id 'HB 2026' must be letters"),
    ("year not a year", lambda p, t: put(p, "y.txt", NO_TASKS, first_year="二〇二五") and "manifest.csv", "first_year '二〇二五' is not a year"),
    ("years reversed", lambda p, t: put(p, "r.txt", NO_TASKS, first_year="2026"), "first_year 2026 is after last_year 2025"),
    ("nothing to detect metadata from", lambda p, t: put(p, "bare.txt", "一、加强保护\n1.推进立法。开展立法工作。", level="",
                                                         province="", first_year="", last_year="", title=""),
     "cannot detect the province and the years; fill province, first_year, last_year in the manifest"),
    ("manifest missing", lambda p, t: ((p.raw / "manifest.csv").unlink(), "manifest.csv")[1], "manifest not found"),
    ("manifest without the file column", lambda p, t: set_manifest(p, lambda s: s.replace("doc_id,file,", "doc_id,path,", 1).encode()),
     "missing column(s) file"),
    ("manifest with an unknown column", lambda p, t: set_manifest(p, lambda s: s.replace(",source", ",url", 1).encode()),
     "unknown column(s) url"),
    ("manifest saved by Excel as GBK", lambda p, t: set_manifest(p, lambda s: s.encode("gbk")), "not UTF-8 text (saved by Excel as GBK?)"),
    ("manifest that is binary", lambda p, t: set_manifest(p, lambda s: bytes(range(1, 256)) * 10), "not UTF-8 text"),
    ("theme override for an unknown task", lambda p, t: override("theme_overrides.csv", "task_id,theme,note\nHB2025-99,protection,x\n")(p),
     "line 2: unknown task_id 'HB2025-99'"),
    ("coverage override for an unknown document", lambda p, t: override(
        "coverage_overrides.csv", "nat_task,doc_id,verdict,note\nNAT2024-1,XX2099,covered,x\n")(p), "line 2: unknown doc_id 'XX2099'"),
    ("theme overrides saved by Excel as GBK",
     lambda p, t: override("theme_overrides.csv", "task_id,theme,note\nHB2025-1,protection,人工\n".encode("gbk"))(p), "UTF-8"),
]


def snapshot(project) -> dict:
    """Every byte of the outputs a failed run must not touch."""
    folders = (project.processed, project.reports, project.annotations)
    return {p: p.read_bytes() for folder in folders if folder.exists() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(project) -> str:
    """The one line a run of ``project`` stops with, its outputs left byte for byte as they were."""
    before = snapshot(project)
    with pytest.raises(InputError) as err:
        ipcompare.run(project.root, progress=False)
    assert snapshot(project) == before and "\n" not in str(err.value)
    return str(err.value)


@pytest.fixture
def ran(run_result, tmp_path):
    """A copy of the project after a successful run (tables, reports, annotations)."""
    source, _ = run_result
    for sub in ("data", "reports"):
        if (source.root / sub).exists():
            shutil.copytree(source.root / sub, tmp_path / "project" / sub)
    project = ipcompare.Project(tmp_path / "project")
    project.annotations.mkdir(exist_ok=True)
    project.reports.mkdir(exist_ok=True)
    (project.reports / "index.html").write_text("<html>an earlier report</html>", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "renders"


@pytest.mark.parametrize("name, break_it, message", [pytest.param(*c, id=c[0]) for c in CASES])
def test_bad_input_stops_the_run_with_one_line(ran, renders, name, break_it, message):
    culprit = break_it(ran, renders)
    before = snapshot(ran)
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        ipcompare.run(ran.root, progress=False)
    line = str(err.value)
    assert "\n" not in line and culprit in line and message in line
    assert snapshot(ran) == before
    if name == "50 MB file":
        assert time.perf_counter() - start < 5


@pytest.mark.parametrize("name", ["scan of blank pages", "50 MB file", "theme override for an unknown task"])
def test_cli_reports_one_line_and_exit_status_2(ran, renders, name):
    _, break_it, message = next(c for c in CASES if c[0] == name)
    culprit = break_it(ran, renders)
    before = snapshot(ran)
    proc = subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(ran.root), "run", "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and culprit in proc.stderr and message in proc.stderr
    assert snapshot(ran) == before


def test_script_in_the_page_body_is_dropped(tmp_path):
    """Hostile but readable: the page is read, its scripts are not."""
    page = renderers.to_html(renderers.SEEDS["HB2025"].read_text("utf-8")).replace(
        "<p", "<script>alert('1.注入的任务。')</script><p", 3)
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    text = readers.read(tmp_path / "page.html").text
    assert "alert" not in text and "注入" not in text and "脚本" not in text
    assert "28.推动全面从严治党走深走实" in text
