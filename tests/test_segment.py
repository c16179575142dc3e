"""Segmentation: domain words whole, boilerplate and unit names dropped, simplified text, cache."""
import tempfile

from conftest import REPO
from ipcompare.analysis import segment


def test_domain_words_stay_whole_and_boilerplate_goes():
    [tokens] = segment.tokenize(["加强数据知识产权登记,推进知识产权质押融资,深入开展专利导航。"])
    assert {"数据知识产权", "质押融资", "专利导航"} <= set(tokens)
    assert not {"加强", "推进", "深入", "开展", "知识产权"} & set(tokens)


def test_unit_names_are_not_tokens():
    [tokens] = segment.tokenize(["省知识产权局、省法院、省市场监管局牵头负责地理标志保护。"])
    assert "地理标志" in tokens
    assert not {"省知识产权局", "省法院", "省市场监管局", "牵头", "负责"} & set(tokens)


def test_traditional_text_gives_simplified_tokens():
    assert segment.tokenize(["推進知識產權質押融資"]) == segment.tokenize(["推进知识产权质押融资"])


def test_tokens_are_cached_by_content(tmp_path, monkeypatch):
    texts = ["推动专利转化运用,盘活存量专利。", "强化商标品牌建设。", ""]
    first = segment.tokenize(texts, tmp_path)
    assert len(list(tmp_path.glob("tokens-*.sqlite"))) == 1

    def fail(text):
        raise AssertionError(f"segmented again: {text}")

    monkeypatch.setattr(segment, "_cut", fail)
    monkeypatch.setattr(segment, "_MEMO", {})  # as in a new process: only the store knows them
    assert segment.tokenize(texts[::-1], tmp_path) == first[::-1]


def test_the_dictionary_copy_cuts_as_jieba_loaded_its_own_way(tmp_path, monkeypatch):
    """The tokenizer read from the pipeline's copy of jieba's dictionary is jieba's own; a damaged
    copy is made again; without a writable folder, jieba is loaded its own way."""
    text = (REPO / "data" / "raw" / "hubei_2025_work_points.txt").read_text("utf-8")
    expected = segment.new_tokenizer().lcut(text, HMM=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    try:
        for damage in (None, b"damaged", b""):
            if damage is not None:
                next(tmp_path.glob("ipcompare-jieba-*.marshal")).write_bytes(damage)
            segment._tokenizer.cache_clear()
            assert segment._tokenizer().lcut(text, HMM=False) == expected
            assert len(list(tmp_path.glob("ipcompare-jieba-*"))) == 1
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
        segment._tokenizer.cache_clear()
        assert segment._tokenizer().lcut(text, HMM=False) == expected
    finally:
        segment._tokenizer.cache_clear()
