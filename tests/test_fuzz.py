"""Property-based tests on arbitrary input: reading, cleaning and task extraction never raise anything
but InputError, and never produce a task whose text is not in the cleaned input."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ipcompare import InputError
from ipcompare.reading import clean, readers
from ipcompare.extraction.outline import extract

# Lines of real plans (outline items, annotations, task tables of both layouts, page furniture),
# assembled with any text: markers start lines, bodies mix plan phrases and arbitrary characters.
MARKERS = ["", "", "一、", "二、", "(一)", "（二）", "1.", "2、", "3. ", "(1)", "（2）", "①", "第一章", "附件", "附件1:"]
PHRASES = [
    "。", ";", "：", "|", " | ", "\u3000", "\u00a0", "\ufeff", "\u200b", "加强知识产权保护", "推进专利转化运用,开展专项行动。",
    "健全知识产权公共服务体系,提升服务效能。", "(省知识产权局负责)", "(省法院、省检察院按职责分工负责)",
    "〔牵头单位:省知识产权局,责任单位:省财政厅〕", "(省局牵头,省厅配合。持续推进)", "2025年12月底前完成", "新建10家",
    "超320亿元", "指导思想", "总体要求", "鄂知发〔2025〕2号", "臺灣", "国家知识产权局:", "各地区:", "局内:", "省份:各省必做",
]
LINES = [
    "重点任务 | 工作举措 | 任务分工 |", "一、全面强化宏观统筹 | ||", "1.持续推进实施 | 国家知识产权局:制定计划。各地区:落实。 | 局内:办公室",
    "省份:各省必做 |", "序号 | 具体任务 | 责任部门 |", "序号", "工作重点", "工作内容", "具体任务", "成果形式", "责任部门", "1", "2", "3",
    "抄送:各省", "2025年3月14日", "(此件公开发布)", "首页 > 政务公开", "扫一扫在手机打开", "---|---|", "\r", "",
    "序号\n工作重点\n具体任务\n责任部门\n1\n加强保护\n开展专项行动。\n省局", "1 | 推进立法。 | 省司法厅、省局 |",
]
LINE = st.one_of(
    st.sampled_from(LINES),
    st.builds(lambda m, body: m + "".join(body), st.sampled_from(MARKERS),
              st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=6)), max_size=8)),
)
TEXT = st.lists(LINE, max_size=40).map("\n".join)
FUZZ = settings(max_examples=200, deadline=None)


def squeeze(text: str) -> str:
    return re.sub(r"[\s|]", "", text)


def is_subsequence(part: str, whole: str) -> bool:
    chars = iter(whole)
    return all(c in chars for c in part)


@FUZZ
@given(TEXT)
def test_cleaning_never_fails_and_is_stable(raw):
    cleaned = clean.clean_text(raw)
    assert clean.clean_text(cleaned) == cleaned
    assert "\r" not in cleaned and "\n\n\n" not in cleaned


@FUZZ
@given(TEXT)
def test_tasks_come_from_the_input(raw):
    cleaned = clean.clean_text(raw)
    found = extract("DOC", cleaned)
    ids = [t["task_id"] for t in found.tasks]
    assert len(ids) == len(set(ids))
    assert bool(found.tasks) or any(n.startswith("no numbered task found") for n in found.notes)
    source = squeeze(cleaned)
    from_table = "|" in cleaned or any("one cell per line" in n for n in found.notes)
    for task in found.tasks:
        for line in task["text"].split("\n"):
            # outline items are lines of the input; table cells may be joined across a row break
            assert squeeze(line) in source or (from_table and is_subsequence(squeeze(line), source)), line
        for derived in (task["content"], task["title"]):
            assert is_subsequence(squeeze(derived), source)


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html", ".pdf", ".docx", ".doc"]))
def test_any_bytes_are_read_or_refused_with_an_input_error(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{suffix}"
        path.write_bytes(data)
        try:
            source = readers.read(path)
        except InputError as err:
            assert str(err).startswith(f"{path}: ") and "\n" not in str(err)
        else:
            assert source.text.strip()
