"""``ipcompare init DIR``: a study folder of one's own, where the commands its README names work."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pandas as pd
import pytest

import variants as V
from conftest import REPO
from ipcompare import InputError, study
from ipcompare.reading import clean, readers


def test_the_shipped_guideline_is_the_repository_s():
    assert (REPO / "ipcompare" / "data" / study.GUIDELINE).read_bytes() == (REPO / "data" / "raw" / study.GUIDELINE).read_bytes()
    row = pd.read_csv(REPO / "data" / "raw" / "manifest.csv", dtype=str, keep_default_na=False).iloc[0]
    assert study.MANIFEST.splitlines()[1] == ",".join(row)  # the repository's row


def test_init_then_the_readme_commands_run_in_the_new_folder(tmp_path):
    folder = tmp_path / "my study"
    out = subprocess.run([sys.executable, "-m", "ipcompare", "init", str(folder)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(
        ["README.md", "data/raw/manifest.csv", f"data/raw/{study.GUIDELINE}", "data/annotations/theme_overrides.csv",
         "data/annotations/coverage_overrides.csv", "data/annotations/instrument_overrides.csv"]
        + [f"notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")])
    commands = re.findall(r"^python -m ipcompare (add|run)\b", (folder / "README.md").read_text("utf-8"), re.M)
    assert commands == ["add", "run"]
    plan = tmp_path / "downloads" / "湖北_2025_工作要点.txt"
    plan.parent.mkdir()
    hb = clean.clean_text(readers.read(REPO / "data" / "raw" / "hubei_2025_work_points.txt").text)
    plan.write_text(V.marker_styles(hb), encoding="utf-8")
    for args in (["add", str(plan.parent)], ["run", "--no-charts", "--quiet"]):  # inside the folder, no --root
        done = subprocess.run([sys.executable, "-m", "ipcompare", *args], cwd=folder, capture_output=True, text=True,
                              env=os.environ | {"PYTHONPATH": str(REPO)})  # this checkout's ipcompare
        assert done.returncode == 0, done.stderr
    docs = pd.read_csv(folder / "data" / "processed" / "documents.csv", dtype=str)
    assert list(docs.doc_id) == ["NAT2024", "HB2025"] and (folder / "data" / "processed" / "coverage.csv").exists()


def test_init_refuses_a_folder_that_is_not_empty_unless_force_adds_what_is_missing(tmp_path):
    folder = tmp_path / "study"
    (folder / "data" / "raw").mkdir(parents=True)
    (folder / "data" / "raw" / "manifest.csv").write_text("doc_id,file\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{folder}: the folder is not empty; give --force")):
        study.init(folder)
    written = study.init(folder, force=True)
    assert folder / "data" / "raw" / "manifest.csv" not in written and folder / "README.md" in written
    assert (folder / "data" / "raw" / "manifest.csv").read_text("utf-8") == "doc_id,file\n"  # left as it was
    assert study.init(folder, force=True) == []
