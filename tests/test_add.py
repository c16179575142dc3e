"""``ipcompare add``: a new plan in any supported format is copied, recorded and then gives the same
tasks as its text version; duplicates and bad options are refused without touching anything."""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

import renderers
from conftest import copy_project
from ipcompare import InputError, cli
from ipcompare.add import add
from ipcompare.extraction.document import read_document
from ipcompare.reading.manifest import read_manifest

TABLE_PLAN = """河南省知识产权局关于印发2026年知识产权工作要点的通知
各市知识产权局:
现将《2026年河南省知识产权工作要点》印发给你们,请认真贯彻落实。
河南省知识产权局
2026年1月5日
附件
2026年知识产权工作任务分工表
序号
工作重点
工作内容
具体任务
成果形式
责任部门
1
加强知识产权保护
加强行政保护
开展专利侵权纠纷行政裁决规范化建设,全年办结案件100件以上。
办结案件
省知识产权局
2
加强司法保护
推进知识产权审判“三合一”改革,2026年6月底前完成。
工作报告
省法院、省检察院
3
促进转化运用
推进专利转化
新建5家专利转化中心,推动高校专利转化。
中心名单
省知识产权局牵头,省教育厅配合
"""


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "renders"


def state(project) -> dict:
    """Every file of the project's data/ and reports/ (but the project lock's, ipcompare.lock)."""
    return {p: p.read_bytes() for sub in ("data", "reports") if (project.root / sub).exists()
            for p in sorted((project.root / sub).rglob("*")) if p.is_file() and not p.name.startswith(".lock")}


def test_each_format_gives_the_tasks_of_the_text_version_and_a_copy_is_refused(tmp_path, renders):
    project = copy_project(tmp_path / "project")
    files = [renderers.render(fmt, "HB2025", renders) for fmt in renderers.FORMATS]
    before = state(project)
    for f in files:  # the same text in another format, encoding or script is the same document
        with pytest.raises(InputError, match=r"same content as hubei_2025_work_points.txt \(doc_id HB2025\)"):
            add(project.root, f)
    assert state(project) == before
    columns = ["seq", "number", "kind", "section_path", "section_titles", "title", "text", "content", "lead_units",
               "responsible_units", "deadlines", "targets"]
    manifest = read_manifest(project.raw)
    expected = pd.DataFrame(read_document(manifest[manifest.doc_id == "HB2025"].iloc[0], project.raw)["tasks"])
    without = manifest[manifest.doc_id != "HB2025"]
    for f in files:  # without the text version, each is added and reads to its tasks
        without.to_csv(project.raw / "manifest.csv", index=False)
        if "traditional" in f.name:  # through the command line
            proc = subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(project.root), "add", str(f)],
                                  capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
            assert "added HB2025" in proc.stdout and "traditional characters converted" in proc.stdout
            assert proc.stdout.endswith("run `python -m ipcompare run` to update the tables\n")
        else:
            a = add(project.root, f)
            assert a.doc_id == "HB2025" and a.n_tasks == 28 and (project.raw / a.file.name).exists()
            assert a.meta["province"] == "湖北" and a.meta["doc_number"] == "鄂知发〔2025〕2号" and "title" in a.detected
        row = read_manifest(project.raw).iloc[-1]
        got = read_document(row, project.raw)
        pd.testing.assert_frame_equal(pd.DataFrame(got["tasks"])[columns], expected[columns])
        assert got["document"]["title"] == "2025年全省知识产权工作要点"
        if "gbk" in f.name:
            assert got["document"]["notes"] == "decoded as GB18030"
    assert not project.processed.exists()  # nothing is run without --run


def test_add_then_run(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "_run", lambda args: calls.append(args) or 0)
    project = copy_project(tmp_path / "project")
    plan = tmp_path / "plan.txt"
    plan.write_text(TABLE_PLAN, encoding="utf-8")
    assert cli.main(["--root", str(project.root), "add", str(plan), "--run"]) == 0
    assert [(a.command, a.root) for a in calls] == [("run", str(project.root))]


def test_options_fill_what_the_text_does_not_state(tmp_path):
    project = copy_project(tmp_path / "project")
    plan = tmp_path / "incoming" / "plan.txt"
    plan.parent.mkdir()
    plan.write_text(TABLE_PLAN.replace("河南省知识产权局关于", "本局关于").replace("《2026年河南省", "《2026年"), encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("plan.txt: cannot detect the province; give --province")):
        add(project.root, plan)  # only what is missing is named
    added = add(project.root, plan, province="河南", source="https://example.org/plan.txt")
    assert added.doc_id == "HA2026" and added.n_tasks == 3 and added.meta["level"] == "provincial"
    assert "3 rows of a table printed one cell per line" in added.notes[0]
    manifest = pd.read_csv(project.raw / "manifest.csv", dtype=str, keep_default_na=False)
    assert manifest.iloc[-1].to_dict() == {
        "doc_id": "HA2026", "file": "plan.txt", "level": "", "province": "河南", "city": "", "first_year": "",
        "last_year": "",
        "title": "", "issuer": "", "issue_date": "", "doc_number": "", "source": "https://example.org/plan.txt",
        "series": ""}
    plan.write_text(TABLE_PLAN.replace("2026", "2027"), encoding="utf-8")  # same name, other content
    again = add(project.root, plan, years="2027", doc_id="HA2027b")
    assert again.file.name == "HA2027b_plan.txt" and again.meta["first_year"] == "2027"


@pytest.mark.parametrize("options, message", [
    ({"province": "火星"}, "unknown province '火星'"),
    ({"years": "明年"}, "--year '明年' must be a year (2025) or a span (2024-2025)"),
    ({"years": "2026-2025"}, "first_year 2026 is after last_year 2025"),
    ({"doc_id": "GZ2025"}, "doc_id GZ2025 is already in the manifest"),
    ({"doc_id": "new plan"}, "doc_id 'new plan' must be letters, digits and _"),
])
def test_bad_options_are_refused_and_nothing_changes(tmp_path, options, message):
    project = copy_project(tmp_path / "project")
    plan = tmp_path / "plan.txt"
    plan.write_text(TABLE_PLAN, encoding="utf-8")
    before = state(project)
    with pytest.raises(InputError, match=re.escape(message)):
        add(project.root, plan, **options)
    assert state(project) == before


@pytest.mark.parametrize("content, message", [
    (None, "same content as hubei_2025_work_points.txt (doc_id HB2025) already in the manifest; not added"),
    ("湖北省知识产权局关于印发2026年工作要点的通知\n今年要认真做好各项工作。", "no numbered task found; not added"),
    (b"\x00\x01binary", "binary content"),
])
def test_duplicates_and_plans_without_tasks_are_refused(tmp_path, content, message):
    project = copy_project(tmp_path / "project")
    plan = tmp_path / "new.txt"
    if content is None:
        plan.write_bytes((project.raw / "hubei_2025_work_points.txt").read_bytes())
    else:
        plan.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    before = state(project)
    if content is None:  # through the command line once: one line on stderr, exit status 2
        proc = subprocess.run([sys.executable, "-m", "ipcompare", "--root", str(project.root), "add", str(plan)],
                              capture_output=True, text=True)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith(f"error: {plan}: ") and message in proc.stderr
    else:
        with pytest.raises(InputError, match=re.escape(f"{plan}: ")) as err:
            add(project.root, plan)
        assert message in str(err.value)
    assert state(project) == before


def test_a_file_already_in_data_raw_is_recorded_where_it_is(tmp_path):
    project = copy_project(tmp_path / "project")
    (project.raw / "plan.txt").write_text(TABLE_PLAN, encoding="utf-8")
    added = add(project.root, project.raw / "plan.txt")
    assert added.doc_id == "HA2026" and added.file == project.raw / "plan.txt"
    assert not list(project.raw.glob("HA2026_*"))  # no copy of itself
    assert (project.raw / "manifest.csv").read_text("utf-8").splitlines()[-1].startswith("HA2026,plan.txt,")


def test_missing_file(tmp_path):
    project = copy_project(tmp_path / "project")
    with pytest.raises(InputError, match=r"nowhere\.pdf: no such file"):
        add(project.root, tmp_path / "nowhere.pdf")
