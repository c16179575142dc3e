"""Cleaning: page chrome, punctuation variants, PDF stray spaces."""
from ipcompare.reading import clean, metadata
from conftest import REPO


def test_stray_spaces_between_chinese_are_removed_but_not_between_numbers_or_words():
    assert clean.remove_stray_spaces("2. 加 大 强 国 建 设工作统筹协 调力度") == "2.加大强国建设工作统筹协调力度"
    assert clean.remove_stray_spaces("新材料 5 个国家重 点产业 ,支撑") == "新材料5个国家重点产业,支撑"
    assert clean.remove_stray_spaces("《专利导航指南》(GB/T 39551-2020)和 ISO 56005 标准") == \
        "《专利导航指南》(GB/T 39551-2020)和 ISO 56005标准"
    assert clean.remove_stray_spaces("第 一批 、 第 二批示范区必做") == "第一批、第二批示范区必做"
    assert clean.remove_stray_spaces("版本 2 3 4") == "版本2 3 4"


def test_punctuation_variants_are_normalised():
    assert clean.normalize("(一)加强保护:持续推进,完成。\r\n") == "(一)加强保护:持续推进,完成。\n"
    assert clean.normalize("“4·26”宣传周") == "“4•26”宣传周"
    assert clean.normalize("①") == "①"  # circled markers survive (NFKC would make them plain digits)


def test_web_page_chrome_is_removed():
    raw = (REPO / "data" / "raw" / "guizhou_2025_strong_province_plan.txt").read_text("utf-8")
    text = clean.clean_text(raw)
    for chrome in ("您当前所在的位置", "【字体", "扫一扫", "上一篇", "下一篇", "抖音", "回到顶部", "索 引 号", "名  称"):
        assert chrome not in text
    assert text.splitlines()[-1].startswith("34.加强考核评估")
    assert "贵州省知识产权强省建设2025年推进计划暨地方工作要点" in text


def test_metadata_detected_from_the_text():
    def detect(name):
        return metadata.detect(clean.normalize((REPO / "data" / "raw" / name).read_text("utf-8")))

    hb = detect("hubei_2025_work_points.txt")
    assert hb["doc_number"] == "鄂知发〔2025〕2号" and hb["issue_date"] == "2025-02-20"
    assert hb["province"] == "湖北" and hb["title"] == "2025年全省知识产权工作要点"
    svc = detect("guizhou_2023_service_industry_opinions.txt")
    assert (svc["first_year"], svc["last_year"]) == (2023, 2030)
    assert svc["doc_number"] == "黔知办发〔2023〕11号"
    nat = detect("nat2024_cnipa_annual_guideline.txt")
    assert nat["level"] == "national" and nat["doc_number"] == "国知发运字〔2024〕7号"
    assert nat["issue_date"] == "2024-03-29" and nat["title"] == "推动知识产权高质量发展年度工作指引(2024)"
    # a 文号 cited in the text is not the document's own
    assert "doc_number" not in detect("shanxi_2022-2023_work_points.txt")
