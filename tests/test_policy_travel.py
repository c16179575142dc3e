"""How policy travels (issue 28): profiles without the genre's boilerplate, text reuse, diffusion,
convergence and the tile map of China, on the seed corpus and on synthetic plans made from it."""
import pytest

import ipcompare
from ipcompare.views import charts

BOILERPLATE_SEEN = ("中心", "联动", "政治", "举办", "完成", "习近平", "争取")  # Hubei's profile before the stop list


@pytest.fixture(scope="module")
def corpus(run_result):
    project, _ = run_result
    return ipcompare.Corpus.load(project.processed)


def test_profile_terms_leave_out_the_genre(corpus):
    terms = corpus.profile("湖北").terms
    assert len(terms) >= 10 and not set(terms["term"]) & set(BOILERPLATE_SEEN)
    assert list(terms["weight"]) == sorted(terms["weight"], reverse=True)
    assert {"数据交易", "专精特新"} <= set(terms["term"].head(5))  # domain compounds first


def test_profile_leaves_out_the_units_panel_when_a_plan_names_none(corpus):
    assert corpus.profile("湖北").units.empty and not corpus.profile("贵州").units.empty
    visible = lambda fig: [ax for ax in fig.axes if ax.get_visible()]  # noqa: E731
    assert len(visible(charts.profile(corpus, province="湖北"))) == 2
    assert len(visible(charts.profile(corpus, province="贵州"))) == 3
    assert len(charts.profile(corpus, province="湖北", interactive=True).layout.annotations) >= 2
