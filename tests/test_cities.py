"""City plans as cities: English names of the divisions, per-place tables and charts."""
from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from ipcompare.reading import divisions
from ipcompare.analysis import places
from ipcompare.views import frames


def test_every_division_has_an_english_name():
    rows = divisions.table()
    assert len(rows) == 452 and len({d.name for d in rows}) == len(rows)
    for d in rows:
        assert re.fullmatch(r"[A-Z][a-zü']+( [A-Z][a-z]+)*", d.pinyin), d
        assert d.type not in ("自治州", "地区") or d.pinyin.endswith(" Prefecture"), d
        assert d.type != "盟" or d.pinyin.endswith(" League"), d
        assert d.type not in ("地级市", "县级市") or " " not in d.pinyin, d


@pytest.mark.parametrize("name, english", [
    # polyphones checked by hand (the brief's list and those pypinyin read wrongly)
    ("长沙市", "Changsha"), ("厦门市", "Xiamen"), ("蚌埠市", "Bengbu"), ("六安市", "Lu'an"), ("丽水市", "Lishui"),
    ("乐山市", "Leshan"), ("长治市", "Changzhi"), ("朝阳市", "Chaoyang"), ("漯河市", "Luohe"), ("昌都市", "Changdu"),
    ("闵行区", "Minhang District"), ("长宁区", "Changning District"), ("丰都县", "Fengdu County"),
    ("重庆", "重庆"),  # a province (municipality), not a division: unchanged
    ("黔东南苗族侗族自治州", "Qiandongnan Prefecture"), ("西安市", "Xi'an"), ("浦东新区", "Pudong New Area"),
    ("锡林郭勒盟", "Xilingol League"), ("乌鲁木齐市", "Urumqi"),
])
def test_polyphones_and_short_forms(name, english):
    assert divisions.english(name) == english


def test_english_labels_name_cities_in_pinyin():
    assert frames.place_name("贵州", "贵阳市", "en") == "Guiyang (city, Guizhou)"
    assert frames.place_name("贵州", "黔东南苗族侗族自治州", "en") == "Qiandongnan Prefecture (Guizhou)"
    assert frames.place_name("贵州", "贵阳市") == "贵州·贵阳市"
    assert frames.province_name("贵阳市", "en") == "Guiyang (city, Guizhou)"  # targets_by_indicator's city rows
    assert frames.province_name("重庆", "en") == "Chongqing"
    assert frames.province_slug("山西", "吕梁市") == "shanxi-luliang"


def test_a_city_profile_leaves_place_names_out(run_result):
    """A city plan made from HB2025 (湖北 → 武汉, 省 → 市): its distinctive terms name no place and no 我市/全市."""
    from ipcompare.views.corpus import Corpus
    from variants import city_words

    project, _ = run_result
    t = dict(Corpus.load(project.processed))
    wh = city_words("湖北", "武汉")
    hb = t["tasks"][t["tasks"]["doc_id"] == "HB2025"]
    city = hb.assign(doc_id="WH2026", task_id=hb["task_id"].str.replace("HB2025", "WH2026"), city="武汉市",
                     content=hb["content"].map(wh))
    docs = t["documents"]
    t["tasks"] = pd.concat([t["tasks"], city], ignore_index=True)
    t["documents"] = pd.concat([docs, docs[docs["doc_id"] == "HB2025"].assign(doc_id="WH2026", city="武汉市",
                                                                                level="municipal")])
    mine = Counter(places.doc_term_counts(t)["WH2026"])
    assert mine["武汉"] + mine["我市"] + mine["全市"] > 10  # the words are there, distinctive against Hubei
    terms = places.distinctive_terms(t, "武汉市", n=40)["term"]
    assert len(terms) == 40 and not terms.str.contains("武汉|湖北|[我本全]市").any(), list(terms)
