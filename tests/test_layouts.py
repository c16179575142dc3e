"""Plan layouts seen in the wild: unit annotations at the end of a task, numbering styles, numbering
continuous or restarting per section, task tables as ``cell |`` rows or one cell per line. Where no
task structure is recognised, the extraction says what it found instead of inventing tasks."""
from __future__ import annotations

import pandas as pd

from ipcompare.reading import clean
from ipcompare.extraction.outline import extract


def tasks(text: str) -> tuple[pd.DataFrame, list[str]]:
    found = extract("D", clean.clean_text(text))
    return pd.DataFrame(found.tasks).set_index("task_id") if found.tasks else pd.DataFrame(), found.notes


def test_units_in_brackets_at_the_end_and_continuous_numbering():
    df, notes = tasks("""一、加强知识产权保护
1、推进知识产权保护立法工作,形成条例草案并提请审议。(省司法厅负责)
2、加强知识产权行政执法,开展专项行动,查办一批案件。(省市场监管局、省知识产权局按职责分工负责)
二、促进知识产权转化运用
3、推进专利转化运用,新建5家专利转化中心,推动高校专利转化。(省知识产权局牵头,省教育厅配合。2026年6月底前完成)
""")
    assert list(df.index) == ["D-1", "D-2", "D-3"] and notes == []  # numbers run on across sections
    assert df.responsible_units.tolist() == ["省司法厅", "省市场监管局; 省知识产权局", "省教育厅"]
    assert df.loc["D-3", "lead_units"] == "省知识产权局" and df.loc["D-3", "deadlines"] == "2026年6月底前完成"
    assert df.loc["D-2", "content"].endswith("查办一批案件。") and df.section_path.tolist() == ["一", "一", "二"]


def test_numbering_restarting_per_section_and_parenthesised_numbers():
    df, _ = tasks("""一、加强知识产权保护
（一）强化司法保护
（1）深化知识产权审判领域改革,提升审判质效和专业化水平。(省法院负责)
（2）加强知识产权检察监督,依法打击侵权假冒犯罪行为。(省检察院负责)
（二）强化行政保护
（1）开展知识产权执法专项行动,查办一批有影响的案件。(省市场监管局负责)
""")
    assert list(df.index) == ["D-一.一.1", "D-一.一.2", "D-一.二.1"]
    assert df.section_titles.tolist() == ["加强知识产权保护 > 强化司法保护"] * 2 + ["加强知识产权保护 > 强化行政保护"]
    assert df.responsible_units.tolist() == ["省法院", "省检察院", "省市场监管局"]


def test_numbered_table_as_cell_rows():
    df, _ = tasks("""附件
序号 | 重点任务 | 具体措施 | 牵头单位 | 完成时限 |
一、知识产权保护 | | | | |
1 | 强化司法保护 | 推进审判“三合一”改革,完善技术调查官制度。 | 省法院 | 2026年6月底前 |
2 | 强化行政保护 | 开展“铁拳”行动,查办一批重点案件, | 省市场监管局 | 2026年底前 |
| | 曝光典型案例。 | | |
二、知识产权运用 | | | | |
3. | 推进专利转化 | 新建5家专利转化中心。 | 省知识产权局、省教育厅 | 持续推进 |
""")
    assert list(df.index) == ["D-1", "D-2", "D-3"]
    assert df.section_titles.tolist() == ["强化司法保护", "强化行政保护", "推进专利转化"]  # 重点任务 groups the rows
    assert df.loc["D-2", "content"] == "开展“铁拳”行动,查办一批重点案件,曝光典型案例。"  # row continued after a page break
    assert df.lead_units.tolist() == ["省法院", "省市场监管局", "省知识产权局; 省教育厅"]
    assert df.deadlines.tolist() == ["2026年6月底前", "2026年底前", "持续推进"]
    assert df.loc["D-3", "targets"] == "新建5家专利转化中心"


def test_numbered_table_printed_one_cell_per_line():
    df, notes = tasks("""某某省知识产权局关于印发2026年工作任务分工的通知
附件
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
序号
工作重点
工作内容
具体任务
成果形式
责任部门
3
促进转化运用
推进专利转化
新建5家专利转化中心,推动高校专利转化,
形成一批典型案例。
中心名单
省知识产权局牵头,省教育厅配合
4
加强宣传
办好知识产权宣传周活动。
活动方案
省委宣传部
某某省知识产权局
2026年1月5日
""")
    assert list(df.index) == ["D-1", "D-2", "D-3", "D-4"]
    assert notes == ["4 rows of a table printed one cell per line (序号 | 工作重点 | 工作内容 | 具体任务 | 成果形式 | 责任部门)"]
    # row 2 and 4 lack the merged 工作重点 cell: they share the one above
    assert df.section_titles.tolist() == ["加强知识产权保护", "加强知识产权保护", "促进转化运用", "促进转化运用"]
    assert df.loc["D-1", "title"] == "加强行政保护" and df.loc["D-1", "targets"] == "全年办结案件100件以上"
    assert df.loc["D-2", "responsible_units"] == "省法院; 省检察院" and df.loc["D-2", "deadlines"] == "2026年6月底前完成"
    # row 3 has more lines than columns: the extra line is the wrapped 具体任务 cell
    assert df.loc["D-3", "text"] == "推进专利转化\n新建5家专利转化中心,推动高校专利转化,形成一批典型案例。\n中心名单\n省知识产权局牵头,省教育厅配合"
    assert (df.loc["D-3", "lead_units"], df.loc["D-3", "responsible_units"]) == ("省知识产权局", "省教育厅")
    assert df.loc["D-4", "responsible_units"] == "省委宣传部"  # the signature after the table is not a cell
    assert "某某省知识产权局" not in df.loc["D-4", "text"]


def test_what_is_found_is_said_when_no_task_is_recognised():
    df, notes = tasks("一、总体要求\n二、重点任务\n三、保障措施\n")
    assert df.empty and notes == ["3 numbered headings but no item with sentences",
                                  "no numbered task found (markers seen: cn)"]
    df, notes = tasks("为做好今年工作,现提出以下意见。各单位要高度重视,认真抓好落实。")
    assert df.empty and notes == ["no numbered task found"]
