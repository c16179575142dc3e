"""Task extraction on the five real seed documents."""
import pandas as pd
import pytest

from conftest import GOLD


def tasks_of(seed_tasks, doc_id):
    return pd.DataFrame(seed_tasks[doc_id].tasks).set_index("task_id")


@pytest.mark.parametrize("doc_id, n_tasks, n_preamble", [
    ("GZ2025", 34, 0), ("GZSVC2023", 16, 2), ("HB2025", 28, 0), ("SX2022", 18, 0),
])
def test_task_counts(seed_tasks, doc_id, n_tasks, n_preamble):
    kinds = tasks_of(seed_tasks, doc_id).kind.value_counts()
    assert kinds.get("task", 0) == n_tasks
    assert kinds.get("preamble", 0) == n_preamble


def test_task_ids_follow_the_printed_numbers(seed_tasks):
    assert list(tasks_of(seed_tasks, "GZ2025").index) == [f"GZ2025-{i}" for i in range(1, 35)]
    svc = tasks_of(seed_tasks, "GZSVC2023")
    assert list(svc.index[:3]) == ["GZSVC2023-一", "GZSVC2023-二", "GZSVC2023-三"]
    assert svc.index[-1] == "GZSVC2023-十八"
    assert set(svc[svc.kind == "preamble"].title) == {"指导思想", "发展目标"}


def test_national_list_and_body_measures(seed_tasks):
    nat = tasks_of(seed_tasks, "NAT2024")
    assert [f"NAT2024-{i}" for i in range(1, 24)] == [t for t in nat.index if t[-1].isdigit()]
    body = ["三", "四", "五", "六", "七", "八", "九", "十", "十一"]
    assert [f"NAT2024-{n}" for n in body] == list(nat[(nat.kind == "task") & ~nat.index.str[-1].str.isdigit()].index)
    assert list(nat[nat.kind == "preamble"].title) == ["指导思想", "主要目标"]
    assert nat.loc["NAT2024-2", "title"] == "加大强国建设工作统筹协调力度"
    assert nat.loc["NAT2024-1", "section_titles"] == "全面强化知识产权宏观统筹"
    assert nat.loc["NAT2024-7", "regional_measures"].startswith("各地区:做好本地区专利转化运用专项行动")
    assert "6月底前" in nat.loc["NAT2024-7", "deadlines"]
    # rows split by page breaks are rejoined: task 4's measures continue on the next page
    assert "数据知识产权相关政策文件" in nat.loc["NAT2024-4", "national_measures"]
    assert "有关地方:充分发挥强省、强市建设第一方阵作用" in nat.loc["NAT2024-8", "regional_measures"]
    assert nat.loc["NAT2024-8", "duty_local"].startswith("涉及地方:建立强省共建机制的省份")
    # body measures: the sentences assigned to local offices are the regional part
    assert nat.loc["NAT2024-十", "regional_measures"].startswith("各地要深入实施专利转化运用专项行动")
    assert nat.loc["NAT2024-五", "regional_measures"] == ""


def test_national_duties_match_gold(seed_tasks):
    gold = pd.read_csv(GOLD / "national_duties.csv").set_index("nat_task")
    nat = tasks_of(seed_tasks, "NAT2024").reindex(gold.index)
    assert list(nat.title) == list(gold.short_name)
    assert list(nat.duty_province) == list(gold.province_duty)


def test_units_deadlines_and_targets(seed_tasks):
    gz = tasks_of(seed_tasks, "GZ2025")
    assert gz.loc["GZ2025-1", "lead_units"] == "省检察院"
    assert gz.loc["GZ2025-16", "lead_units"] == "省知识产权局(知识产权运用促进处、国家知识产权局专利局贵阳代办处)"
    assert gz.loc["GZ2025-16", "responsible_units"] == "贵州金融监管局; 人民银行贵州省分行; 省委金融办"
    assert gz.loc["GZ2025-16", "title"] == "推进专利转化运用业务办理便利化"
    assert "3个工作日" in gz.loc["GZ2025-16", "targets"]
    assert "〔" not in gz.loc["GZ2025-16", "content"] and "省委金融办" not in gz.loc["GZ2025-16", "content"]
    assert gz.loc["GZ2025-27", "responsible_units"].split("; ")[:4] == ["省外事办", "省贸促会", "省文化和旅游厅", "省版权局"]

    sx = tasks_of(seed_tasks, "SX2022")
    assert sx.loc["SX2022-9", "deadlines"] == "2023年12月底前完成"
    assert sx.loc["SX2022-1", "deadlines"] == "持续推进"
    assert sx.loc["SX2022-4", "lead_units"] == "省知识产权局"
    assert sx.loc["SX2022-4", "responsible_units"] == "省贸促会; 国家知识产权局保护司"
    assert sx.loc["SX2022-5", "responsible_units"].startswith("省法院; 省检察院; 省公安厅; 省司法厅; 省知识产权局")
    assert "持续推进" not in sx.loc["SX2022-1", "content"]

    hb = tasks_of(seed_tasks, "HB2025")
    assert hb.loc["HB2025-5", "targets"] == "新建10家高价值专利培育中心"
    assert hb.loc["HB2025-15", "section_titles"] == "聚焦优化创新生态,实施知识产权保护体系建设工程"
    assert hb.loc["HB2025-28", "title"] == "推动全面从严治党走深走实"

    svc = tasks_of(seed_tasks, "GZSVC2023")
    assert svc.loc["GZSVC2023-八", "title"] == "加强知识产权运营服务能力"
    assert svc.loc["GZSVC2023-八", "section_path"] == "二"


def test_document_level_targets(seed_tasks):
    hb = {t.text: t for t in seed_tasks["HB2025"].doc_targets}
    assert hb["知识产权质押融资超320亿元"].number == 320
    assert hb["知识产权质押融资超320亿元"].unit == "亿元"
    assert hb["知识产权质押融资超320亿元"].counts == "知识产权质押融资"
    assert hb["年度PCT国际专利申请突破2000件"].qualifier == "突破"
    assert len(hb) == 6
    assert not seed_tasks["GZ2025"].doc_targets


def test_task_text_comes_from_the_document(seed_tasks):
    from ipcompare.reading import clean
    from conftest import REPO
    raw = (REPO / "data" / "raw" / "hubei_2025_work_points.txt").read_text("utf-8")
    cleaned = clean.clean_text(raw)
    for task in seed_tasks["HB2025"].tasks:
        for line in task["text"].split("\n"):
            assert line in cleaned
