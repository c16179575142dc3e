"""A study's own codebook (data/codebook: themes.md, instruments.md, lexicons) replaces the package's:
one more theme reaches themes.csv, the charts and the report; malformed files are errors naming file
and line; the codebook is part of the cache keys."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

import ipcompare
from conftest import REPO, copy_project
from ipcompare import InputError, codebook
from ipcompare.analysis import instruments, themes

DATA = REPO / "ipcompare" / "data"
# A study that sets geographical indications apart from brands: a theme of their own, their words
# moved out of brand_gi's (in themes.md and the lexicon), in the utilisation field.
GEO = ("| geo | 地理标志 | Geographical indications | geographical indication products, their protection and use, "
       "specialty agricultural industries | 地理标志, 地理标志产品, 地标, 特色产业 |")
GI_WORDS = {"地理标志", "地标", "特色产业", "特色农产品", "农产品"}


def geo_lexicon() -> str:
    lines = [f"brand_gi: {' '.join(w for w in ln.split(':', 1)[1].split() if w not in GI_WORDS)}"
             if ln.startswith("brand_gi:") else ln for ln in (DATA / "theme_lexicon.txt").read_text("utf-8").splitlines()]
    return "\n".join(lines + ["geo: 地理标志 地标 特色产业 特色农产品 农产品 地理标志产品 地理标志保护"]) + "\n"


@pytest.fixture(autouse=True)
def package_codebook():
    yield
    codebook.use(None)  # the other tests' processes read the package's codebook


def study_codebook(folder, themes_md=None, instruments_md=None, theme_lexicon=None):
    """A data/codebook: the package's themes.md with the geo theme, instruments.md with the theme in
    the utilisation field and the lexicon with the GI words moved (or the texts given)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = (DATA / "themes.md").read_text("utf-8")
    (folder / "themes.md").write_text(themes_md or base.replace(
        "| 商标品牌, 地理标志, 区域品牌, 乡村振兴 |", "| 商标品牌, 区域品牌, 乡村振兴 |").replace(
        "| data_ip |", GEO + "\n| data_ip |"), encoding="utf-8")
    (folder / "instruments.md").write_text(instruments_md or (DATA / "instruments.md").read_text("utf-8").replace(
        "| conversion, finance, data_ip, brand_gi |", "| conversion, finance, data_ip, brand_gi, geo |"), encoding="utf-8")
    (folder / "theme_lexicon.txt").write_text(geo_lexicon() if theme_lexicon is None else theme_lexicon, encoding="utf-8")
    return folder


def test_one_more_theme_reaches_the_tables_charts_and_report(tmp_path):
    project = copy_project(tmp_path / "study")
    ipcompare.run(project.root, progress=False)  # with the package's codebook, then with the study's:
    before = pd.read_csv(project.processed / "themes.csv", dtype=str)  # the cache must not give the old themes
    study_codebook(project.codebook)
    ipcompare.run(project.root, progress=False, charts=True)
    got = pd.read_csv(project.processed / "themes.csv", dtype=str, keep_default_na=False)
    assert "geo" not in set(before.theme) and (got.theme == "geo").sum() >= 1
    geo = got[got.theme == "geo"]
    assert set(geo.theme_zh) == {"地理标志"} and set(geo.theme_en) == {"Geographical indications"}
    tasks = pd.read_csv(project.processed / "tasks.csv", dtype=str).set_index("task_id")
    assert all("地理标志" in tasks.loc[t, "text"] for t in geo.task_id) and all("地理标志" in e for e in geo.evidence)
    fields = pd.read_csv(project.processed / "instruments.csv", dtype=str).set_index("task_id")["field"]
    assert {fields[t] for t in geo.task_id} == {"utilisation"}
    shares = pd.read_csv(project.processed / "theme_by_document.csv", dtype=str)
    assert "geo" in set(shares.theme)
    for lang, name in (("zh", "地理标志"), ("en", "Geographical indications")):  # plotly's JSON escapes CJK
        assert json.dumps(name)[1:-1] in (project.reports / "figures" / lang / "theme_shares.html").read_text("utf-8")
    docs = pd.read_csv(project.processed / "documents.csv", dtype=str, keep_default_na=False)
    assert all("coded with the study's codebook" in n and "themes.md, theme_lexicon.txt, instruments.md" in n
               for n in docs.notes)
    assert "data/codebook: themes.md, theme_lexicon.txt, instruments.md" in (project.reports / "index.html").read_text("utf-8")


def test_the_package_codebook_is_the_default(tmp_path):
    codebook.use(tmp_path)  # an empty folder: no codebook of its own
    assert codebook.study_files() == [] and len(themes.theme_ids()) == 13
    codebook.use(study_codebook(tmp_path / "codebook"))
    assert themes.theme_ids()[7:9] == ["geo", "data_ip"] and instruments.field_of_theme()["geo"] == "utilisation"
    assert "地理标志" in themes.seed_words()["geo"] and "地理标志" not in themes.seed_words()["brand_gi"]


def _drop_row(text: str, theme: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith(f"| {theme} |"))


BASE = (DATA / "themes.md").read_text("utf-8")
LINE = {ln.split("|")[1].strip(): i for i, ln in enumerate(BASE.splitlines(), start=1) if ln.startswith("| ")}


@pytest.mark.parametrize("files, message", [
    ({"themes_md": BASE.replace("| legal | 法治与制度 |", "| legal | 法治与制度 | x |")},
     f"themes.md: line {LINE['legal']}: a theme row has 5 cells (id | 中文 | English | what belongs here | typical words), not 6"),
    ({"themes_md": BASE.replace("| legal | 法治与制度 |", "| governance | 法治与制度 |")},
     f"themes.md: line {LINE['legal']}: theme id 'governance' again (first on line {LINE['governance']})"),
    ({"themes_md": BASE.replace("| legal | 法治与制度 |", "|  | 法治与制度 |")},
     f"themes.md: line {LINE['legal']}: theme id '' is missing or not lowercase letters and _"),
    ({"theme_lexicon": "# seeds\ngeo: 地理标志\ntrade_secret: 商业秘密\n"},
     "theme_lexicon.txt: line 3: 'trade_secret' is not a theme id of themes.md"),
    ({"themes_md": _drop_row(BASE, "foreign"), "theme_lexicon": "",  # the protection field still names it
      "instruments_md": (DATA / "instruments.md").read_text("utf-8")},
     "instruments.md: line 82: theme 'foreign' is not in"),
    ({"instruments_md": (DATA / "instruments.md").read_text("utf-8")},  # the new theme left without a field
     "instruments.md: theme 'geo' of"),
])
def test_a_bad_codebook_is_an_error_naming_file_and_line(tmp_path, files, message):
    codebook.use(study_codebook(tmp_path / "codebook", **files))
    with pytest.raises(InputError, match=re.escape(message)):
        themes.seed_words()
        instruments.taxonomy()


def test_an_override_naming_a_theme_the_codebook_no_longer_has(tmp_path):
    project = copy_project(tmp_path / "study")
    study_codebook(project.codebook, themes_md=_drop_row(BASE, "culture"), theme_lexicon="",
                   instruments_md=(DATA / "instruments.md").read_text("utf-8").replace(
                       "| governance, talent, culture |", "| governance, talent |"))
    (project.annotations / "theme_overrides.csv").write_text("task_id,theme,note\nHB2025-1,culture,checked\n", "utf-8")
    lexicon = "".join(ln + "\n" for ln in (DATA / "theme_lexicon.txt").read_text("utf-8").splitlines()
                      if not ln.startswith("culture:"))
    (project.codebook / "theme_lexicon.txt").write_text(lexicon, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(project.root), "run", "--no-charts",
                           "--quiet"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"error: {project.annotations / 'theme_overrides.csv'}: line 2: unknown theme 'culture'")
