"""``ipcompare add`` with many inputs: folders, globs, lists and a ``--meta`` CSV; each file added or
refused with its reason, metadata from the files' and folders' names, the manifest written once (a
kill leaves it as it was). The plans are republished variants of the seeds (tests/variants.py)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

import renderers
import variants as V
from conftest import REPO, copy_project
from ipcompare import cli
from ipcompare.add import add_many
from ipcompare.extraction.outline import extract
from ipcompare.reading import clean, readers
from ipcompare.reading.manifest import read_manifest


@pytest.fixture(scope="module")
def seeds():
    texts = {doc: clean.clean_text(readers.read(REPO / "data" / "raw" / name).text) for doc, name in V.SEEDS.items()}
    return texts, {doc: extract(doc, text).tasks for doc, text in texts.items()}


def make_batch(folder, seeds) -> list[str]:
    """20 files in folders, loose files, a glob and a list, 3 of them bad: the inputs to give."""
    (texts, tasks) = seeds
    gz, hb, sx, svc = (texts[k] for k in ("GZ2025", "HB2025", "SX2022", "GZSVC2023"))
    files = {  # the text states place and years
        "incoming/贵州/marker_styles.txt": V.marker_styles(gz),
        "incoming/湖北/marker_styles.txt": V.marker_styles(hb),
        "incoming/山西_2022-2023/marker_styles.txt": V.marker_styles(sx),
        "incoming/贵州/svc_notice.txt": V.site_notice(svc),
        "incoming/site_notice.html": renderers.to_html(V.site_notice(gz)),
        "incoming/digest.txt": V.digest(hb, tasks["HB2025"]),
        "incoming/city/guiyang.txt": V.city_words("贵州", "贵阳")(gz),
        "incoming/city/wuhan.txt": V.city_words("湖北", "武汉")(hb),
        "incoming/city/yichang.txt": V.city_words("湖北", "宜昌")(hb),
        "loose/zunyi.txt": V.city_words("贵州", "遵义")(gz),
        "loose/ascii.txt": V.ascii_punct(hb),
        "loose/restart.txt": V.restart_numbering(gz)[0],
        "loose/toc.txt": V.toc(gz, tasks["GZ2025"])[0],
        # lists without a notice: place and years from the names, or from --meta
        "incoming/贵州_2025_任务分工.txt": V.division_list(tasks["GZ2025"]),
        "incoming/2022-2023/shanxi.docx": V.division_list(tasks["SX2022"]),
        "listed/一览表.txt": V.table_without_number(tasks["GZ2025"]),
        "listed/ascii_points.txt": V.ascii_punct(sx),
        # bad: no place anywhere, no task, empty
        "incoming/misc/2025/分工.txt": V.table_without_number(tasks["HB2025"]),
        "incoming/misc/notice.txt": "湖北省知识产权局关于印发2026年工作要点的通知\n今年要认真做好各项工作。",
        "loose/empty.txt": "",
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".docx":
            renderers.to_docx(text, path)
        else:
            path.write_text(text, encoding="utf-8")
    (folder / "listed" / "plans.txt").write_text("# two plans\n一览表.txt\nascii_points.txt\n", encoding="utf-8")
    (folder / "meta.csv").write_text("file,province,year\n一览表.txt,贵州,2025\nascii_points.txt,山西,2022-2023\n",
                                     encoding="utf-8")
    assert len(files) == 20
    return [str(folder / "incoming"), str(folder / "loose" / "*.txt"), str(folder / "listed" / "plans.txt")]


def test_a_batch_of_20_adds_17_and_refuses_3_with_their_reasons(tmp_path, seeds):
    project = copy_project(tmp_path / "project")
    inputs = make_batch(tmp_path, seeds)
    before = (project.raw / "manifest.csv").read_bytes()
    dry = add_many(project.root, inputs, meta=tmp_path / "meta.csv", dry_run=True)
    assert len(dry.added) == 17, dry.summary()
    assert (project.raw / "manifest.csv").read_bytes() == before
    assert sorted(p.name for p in project.raw.iterdir()) == sorted(p.name for p in (REPO / "data" / "raw").iterdir())

    batch = add_many(project.root, inputs, meta=tmp_path / "meta.csv")
    reasons = {os.path.relpath(r.input, tmp_path): r.reason.split(": ", 1)[1] for r in batch.refused}
    assert reasons == {"incoming/misc/2025/分工.txt": "cannot detect the province; give --province",
                       "incoming/misc/notice.txt": "no numbered task found; not added",
                       "loose/empty.txt": "empty file"}
    assert {r.kind for r in batch.refused} == {"refused"} and len(batch.added) == 17
    manifest = read_manifest(project.raw)
    assert len(manifest) == 5 + 17 and list(manifest.doc_id[5:]) == [a.doc_id for a in batch.added]
    by_src = {os.path.relpath(a.src, tmp_path): a for a in batch.added}
    named = {k: (a.meta["province"], a.meta["city"], a.meta["first_year"], a.meta["last_year"], a.n_tasks)
             for k, a in by_src.items() if k in ("incoming/贵州_2025_任务分工.txt", "incoming/2022-2023/shanxi.docx",
                                                  "listed/一览表.txt", "listed/ascii_points.txt",
                                                  "incoming/city/yichang.txt", "loose/zunyi.txt")}
    assert named == {"incoming/贵州_2025_任务分工.txt": ("贵州", "", "2025", "2025", 34),
                     "incoming/2022-2023/shanxi.docx": ("山西", "", "2022", "2023", 18),
                     "listed/一览表.txt": ("贵州", "", "2025", "2025", 34),
                     "listed/ascii_points.txt": ("山西", "", "2022", "2023", 18),
                     "incoming/city/yichang.txt": ("湖北", "宜昌市", "2025", "2025", 28),
                     "loose/zunyi.txt": ("贵州", "遵义市", "2025", "2025", 34)}
    rows = manifest.set_index("doc_id")
    # what the names or --meta gave is written in the manifest, what the text states is not
    assert rows.loc[by_src["incoming/2022-2023/shanxi.docx"].doc_id, ["province", "first_year", "last_year"]].tolist() \
        == ["山西", "2022", "2023"]
    assert rows.loc[by_src["loose/zunyi.txt"].doc_id, ["province", "city", "first_year"]].tolist() == ["", "", ""]
    assert all((project.raw / f).is_file() for f in manifest.file)
    assert batch.summary().endswith("17 added, 3 refused, 0 already in the corpus, 0 repeated in this batch")

    again = add_many(project.root, inputs, meta=tmp_path / "meta.csv")  # all known now
    assert not again.added and sum(r.kind == "duplicate" for r in again.refused) == 17


def test_repeated_files_in_a_batch_and_options_for_the_whole_batch(tmp_path, seeds):
    project = copy_project(tmp_path / "project")
    texts, tasks = seeds
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(V.table_without_number(tasks["HB2025"]), encoding="utf-8")
    (folder / "b.txt").write_text(V.table_without_number(tasks["HB2025"]) + "\n", encoding="utf-8")
    (folder / "c.txt").write_text(V.marker_styles(texts["GZ2025"]), encoding="utf-8")
    batch = add_many(project.root, [folder], province="湖北", years="2025")
    assert [(a.doc_id, a.meta["province"]) for a in batch.added] == [("HB2025_2", "湖北"), ("GZ2025_2", "贵州")]
    assert batch.added[1].notes[0] == "province '湖北' given, '贵州' stated in the text: the text's is kept"
    assert [(r.kind, r.reason) for r in batch.refused] == [
        ("repeated", f"{folder / 'b.txt'}: same content as {folder / 'a.txt'} in this batch; not added")]


# The command run in a process that kills itself (SIGKILL: no cleanup runs) at the n-th call of
# ``where``: half-way through reading the files, or after copying some files into data/raw before the
# manifest is written.
KILLED = """
import os, signal, sys
import ipcompare.add as add
where, n = sys.argv[1], int(sys.argv[2])
calls = []
def killing(original):
    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    return call
if where == "copy":
    add.shutil.copyfile = killing(add.shutil.copyfile)
else:
    add._prepare = killing(add._prepare)
from ipcompare.cli import main
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.parametrize("where, n", [("prepare", 10), ("copy", 5)])
def test_a_kill_during_the_batch_leaves_the_manifest_as_it_was(tmp_path, seeds, where, n):
    project = copy_project(tmp_path / "project")
    inputs = make_batch(tmp_path, seeds)
    before = (project.raw / "manifest.csv").read_bytes()
    args = ["--root", str(project.root), "add", *inputs, "--meta", str(tmp_path / "meta.csv"), "--quiet"]
    killed = subprocess.run([sys.executable, "-c", KILLED, where, str(n), *args], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (project.raw / "manifest.csv").read_bytes() == before
    left = {p.name for p in project.raw.iterdir()} - {p.name for p in (REPO / "data" / "raw").iterdir()}
    assert len(left) == (0 if where == "prepare" else n - 1)  # copies of the killed batch, in no manifest row

    again = subprocess.run([sys.executable, "-m", "ipcompare", *args], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-2].endswith("17 added, 3 refused, 0 already in the corpus, 0 repeated in this batch")
    manifest = read_manifest(project.raw)
    assert len(manifest) == 22 and left <= set(manifest.file)  # the copies left are taken over, not doubled
    assert {p.name for p in project.raw.iterdir()} == set(manifest.file) | {"manifest.csv"}


def test_a_batch_that_adds_nothing_exits_2_and_dry_run_adds_nothing(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    before = (project.raw / "manifest.csv").read_bytes()
    assert cli.main(["--root", str(project.root), "add", str(tmp_path / "nowhere" / "*.pdf"), "--quiet"]) == 2
    calls = []
    monkeypatch.setattr(cli, "_run", lambda args: calls.append(args) or 0)
    copy = tmp_path / "in" / "hubei_2026.txt"
    copy.parent.mkdir()
    copy.write_text(V.marker_styles(clean.clean_text(readers.read(project.raw / "hubei_2025_work_points.txt").text)),
                    encoding="utf-8")
    assert cli.main(["--root", str(project.root), "add", str(copy.parent), "--dry-run", "--run"]) == 0
    assert (project.raw / "manifest.csv").read_bytes() == before and not calls
    (copy.parent / "hubei_2026_copy.txt").write_bytes(copy.read_bytes())  # repeated in the batch: one run all the same
    assert cli.main(["--root", str(project.root), "add", str(copy.parent), "--run", "--quiet"]) == 0
    assert [(a.command, a.root) for a in calls] == [("run", str(project.root))]
    assert len(read_manifest(project.raw)) == 6
