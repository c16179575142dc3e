"""Faults a demanding user meets: hostile files (zip and image bombs, links out of the project, cut
files), a corpus without its national document, full and read-only disks. Each is one clean line
(or a warning when the file is usable), exit 2, and nothing published changed."""
from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import ipcompare
import renderers
from test_bad_input import HB, META, put, ran, refused, renders, row, set_manifest, snapshot  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[1]


def zip_bomb(inflated_mb: int) -> bytes:
    """A .docx whose document.xml inflates to ``inflated_mb`` MB of spaces (small on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b"<w:document>")
            for _ in range(inflated_mb):
                f.write(b" " * 2**20)
    return buf.getvalue()


def tiff_bomb(pages: int, side: int = 7700) -> bytes:
    """A multi-page TIFF of blank pages of ``side`` x ``side`` pixels, each under the page limit."""
    from PIL import Image

    page = Image.new("1", (side, side), 1)
    buf = io.BytesIO()
    page.save(buf, "TIFF", compression="group4", save_all=True, append_images=[page] * (pages - 1))
    return buf.getvalue()


def outside_link(project, tmp_path, folder: bool) -> str:
    """A seed copied outside the project, linked from data/raw (the file, or a folder holding it)."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "plan.txt").write_bytes((REPO / "data" / "raw" / HB).read_bytes().replace(b"2025", b"2026"))
    if folder:
        (project.raw / "linked").symlink_to(outside, target_is_directory=True)
        name = "linked/plan.txt"
    else:
        (project.raw / "plan.txt").symlink_to(outside / "plan.txt")
        name = "plan.txt"
    row(project, "LINK2026", name, **(META | {"first_year": "2026", "last_year": "2026"}))
    return name.split("/")[0]


# (id, break the project (returns what the message must name), what the message must say)
HOSTILE = [
    ("manifest of its header only", lambda p, t: set_manifest(p, lambda s: s.splitlines()[0].encode() + b"\n"),
     "no document listed (only the header row)"),
    ("docx that inflates to 300 MB", lambda p, t: put(p, "bomb.docx", zip_bomb(300)), "over the 200 MB limit"),
    ("TIFF of 10 pages of 59 megapixels", lambda p, t: put(p, "bomb.tif", tiff_bomb(10)),
     "its 10 pages hold 592 million pixels, over the limit of 400 million"),
    ("TIFF of 600 small pages", lambda p, t: put(p, "pages.tif", tiff_bomb(600, 100)), "over the limit of 500 pages"),
    ("text of 6 million characters", lambda p, t: put(p, "long.txt", ("一、任务\n" + "长" * 2000 + "。\n") * 3000),
     "characters of text, over the limit of 5,000,000"),
    ("a file linked from outside the project", lambda p, t: outside_link(p, t, folder=False),
     "resolves outside the project folder"),
    ("a folder linked from outside the project", lambda p, t: outside_link(p, t, folder=True),
     "resolves outside the project folder"),
]


@pytest.mark.parametrize("name, break_it, message", [pytest.param(*c, id=c[0]) for c in HOSTILE])
def test_hostile_input_stops_the_run_with_one_line(ran, tmp_path, name, break_it, message):
    culprit = break_it(ran, tmp_path)
    line = refused(ran)
    assert culprit in line and message in line, line
    if "linked" in name:
        assert "is a link to" in line and str(tmp_path / "elsewhere") in line


def test_link_inside_the_project_is_read(ran):
    """A link that stays inside the project folder is no escape."""
    (ran.root / "elsewhere").mkdir()
    (ran.root / "elsewhere" / "plan.txt").write_bytes((REPO / "data" / "raw" / HB).read_bytes().replace(b"2025", b"2026"))
    (ran.raw / "plan.txt").symlink_to(ran.root / "elsewhere" / "plan.txt")
    row(ran, "LINK2026", "plan.txt", **(META | {"first_year": "2026", "last_year": "2026"}))
    assert "LINK2026" in set(ipcompare.run(ran.root, progress=False).tables["documents"].doc_id)


MEASURE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from ipcompare import InputError
    from ipcompare.reading import readers
    try:
        readers.read(Path(sys.argv[1]))
    except InputError as err:
        print(err)
    # VmHWM, this process's own peak: ru_maxrss keeps, across exec, the peak of the forking process (pytest's)
    print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) // 1024)
""")


@pytest.mark.parametrize("name, make", [("bomb.docx", lambda: zip_bomb(2048)), ("bomb.tif", lambda: tiff_bomb(60))])
def test_bombs_are_refused_in_little_memory(tmp_path, name, make):
    """The issue's bombs: a .docx inflating to 2 GiB, a TIFF of 7,700 x 7,700 pages (60 here: 3.5 GB decoded)."""
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < 3 * 2**20
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True,
                          env=os.environ | {"PYTHONPATH": str(REPO)})
    message, peak_mb = proc.stdout.splitlines()
    assert str(path) in message and "over the" in message
    assert int(peak_mb) < 1024, f"peak memory {peak_mb} MB"


def test_a_corpus_without_national_document_runs_with_a_warning(project):
    manifest = project.raw / "manifest.csv"
    manifest.write_text("".join(l for l in manifest.read_text("utf-8").splitlines(True) if "national" not in l), "utf-8")
    result = ipcompare.run(project.root, progress=False, charts=True)
    assert any("no national document" in w for w in result.warnings)
    assert result.tables["coverage"].empty and len(result.tables["documents"]) == 4
    assert (project.reports / "index.html").is_file()


def test_a_plan_cut_short_is_read_with_a_warning(project, tmp_path):
    """A web page saved before it finished loading, a text cut in the middle of a task's sentence, one
    whose numbering stops after a section heading."""
    text = (REPO / "data" / "raw" / HB).read_text("utf-8")
    page = renderers.to_html(text)
    put(project, "cut.html", page[:page.index("13.加强知识产权保护")], doc_id="CUT2026", first_year="2026", last_year="2026")
    cut = text[:text.index("推动政治生态分析研判")]
    put(project, "cut.txt", cut.replace("2025", "2024"), doc_id="CUTT2024", first_year="2024", last_year="2024")
    stops = text[:text.index("18.健全区域品牌培育机制")]  # numbering that stops: a heading, nothing under it
    put(project, "stops.txt", stops.replace("2025", "2023"), doc_id="STOP2023", first_year="2023", last_year="2023")
    warnings = ipcompare.run(project.root, progress=False).warnings
    assert any(w.startswith("CUT2026: the web page ends without its closing") for w in warnings), warnings
    assert any(w.startswith("CUTT2024: the last task ends mid-sentence") and "after 28 tasks" in w for w in warnings)
    assert any(w.startswith("STOP2023: the text ends with the heading '五、聚焦品牌") and "after 17 tasks" in w
               for w in warnings), warnings
    assert not any(w.startswith(("HB2025", "SX2022", "GZ", "NAT")) and "cut short" in w for w in warnings)


@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_full_or_read_only_disk_is_one_line_and_nothing_published(ran, monkeypatch, capsys, fault):
    """A full disk, a read-only folder or an unwritable report file while the report is written."""
    from ipcompare import cli
    from ipcompare.views import report

    row(ran, "HB2026", "hb2026.txt", **(META | {"first_year": "2026", "last_year": "2026"}))
    (ran.raw / "hb2026.txt").write_bytes((REPO / "data" / "raw" / HB).read_bytes().replace(b"2025", b"2026"))
    before = snapshot(ran)
    target = ran.reports / "index.html"

    def broken(*args, **kwargs):
        raise OSError(fault, os.strerror(fault), str(target))

    monkeypatch.setattr(report, "write", broken)
    assert cli.main(["--root", str(ran.root), "run", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {target}: {os.strerror(fault)}")
    assert snapshot(ran) == before
    assert [p.name for p in (ran.root / "data" / ".generations").iterdir()] == [os.readlink(ran.root / "data" / ".current").split("/")[-1]]

