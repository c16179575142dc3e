"""City plans as cities: English names of the divisions, per-place tables and charts."""
from __future__ import annotations

import re

import pytest

from ipcompare.reading import divisions
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
