"""The bulletin's wording functions: number formats and comparison words (pure, no build)."""

from __future__ import annotations

import math

import pytest

from smartcounty.bulletin import parse_formats, text


@pytest.mark.parametrize(("yuan", "expected"), [
    (1.0e9, "10.00亿元"), (1_234_500_000, "12.35亿元"), (1_234_499_999, "12.34亿元"), (0, "0.00亿元"),
    (None, "—"), (math.nan, "—"),
])
def test_yi_two_decimals_half_up(yuan, expected):
    assert text.yi(yuan) == expected


@pytest.mark.parametrize(("fraction", "expected"), [
    (0.2222, "22.22%"), (0.196749, "19.67%"), (0.19675, "19.68%"), (1.0, "100.00%"), (0.0052, "0.52%"), (None, "—"),
])
def test_pct_two_decimals_half_up(fraction, expected):
    assert text.pct(fraction) == expected


@pytest.mark.parametrize(("n", "expected"), [
    (16_012, "约1.6万家"), (15_950, "约1.6万家"), (15_949, "约1.6万家"), (15_449, "约1.5万家"),
    (10_000, "约1.0万家"), (9_999, "9999家"), (80, "80家"), (0, "0家"),
])
def test_approx_count(n, expected):
    assert text.approx_count(n) == expected


@pytest.mark.parametrize(("prev", "cur", "kind", "expected"), [
    (0.1967, 0.2222, "pct", "上升2.55个百分点"),
    (0.2222, 0.1967, "pct", "下降2.55个百分点"),
    (0.22221, 0.22224, "pct", "持平"),  # equal as printed → no direction the reader cannot see
    (5.1e9, 4.9e9, "yi", "下降2.00亿元"),
    (1.0e9, 1.09e9, "yi", "上升0.90亿元"),
    (1.0e9, 1.0e9 + 1e5, "yi", "持平"),
])
def test_change_words_follow_the_printed_numbers(prev, cur, kind, expected):
    assert text.change(prev, cur, kind) == expected


def test_change_needs_both_values():
    with pytest.raises(ValueError):
        text.change(None, 0.2, "pct")


def test_trend_names_both_values_and_the_change():
    assert text.trend(0.1967, 0.2222, "pct") == "由19.67%上升至22.22%（上升2.55个百分点）"
    assert text.trend(5.1e9, 4.9e9, "yi") == "由51.00亿元下降至49.00亿元（下降2.00亿元）"
    assert text.trend(0.2, 0.2, "pct") == "与上年持平（20.00%）"


@pytest.mark.parametrize(("rank", "expected"), [(1, "居首"), (2, "位列第2"), (11, "位列第11")])
def test_rank_phrase(rank, expected):
    assert text.rank_phrase(rank) == expected


def test_scenario_categories_in_rank_order_with_their_top_scenarios():
    categories = [{"category": "city_governance", "lot_count": 40, "rank": 1},
                  {"category": "livelihood_services", "lot_count": 12, "rank": 2}]
    scenarios = [{"scenario_zh": "治安防控", "category": "city_governance"},
                 {"scenario_zh": "智慧教育", "category": "livelihood_services"},
                 {"scenario_zh": "应急通信", "category": "city_governance"},
                 {"scenario_zh": "智慧交通", "category": "city_governance"},
                 {"scenario_zh": "数字城管", "category": "city_governance"}]
    assert text.scenario_categories_sentence(categories, scenarios) == (
        "一是治安防控、应急通信、智慧交通等城市治理场景（40个项目，居首），"
        "二是智慧教育等民生服务场景（12个项目，位列第2）")


def _scorecard():
    """Five counties with the contract's columns; pillar 2 missing for one, a tie in pillar 1."""
    rows = []
    for i, (p1, p2, weakest) in enumerate([(80.0, None, 3), (80.0, 10.0, 2), (50.0, 20.0, 2), (20.0, 30.0, 1),
                                           (None, 40.0, None)], start=1):
        rows.append({"county_code": f"45010{i}", "county_name": f"县{i}", "pillar_1_score": p1, "pillar_2_score": p2,
                     "weakest_pillar": weakest})
    return rows


def test_pillar_summary_median_top_bottom_and_weakest():
    s1 = text.pillar_summary(1, _scorecard())
    assert s1["n"] == 4 and s1["median"] == 65.0
    assert s1["top"] == [("县1", 80.0), ("县2", 80.0), ("县3", 50.0)]  # a tie goes to the smaller code
    assert s1["bottom"] == [("县4", 20.0), ("县3", 50.0), ("县1", 80.0)]
    assert s1["weakest_count"] == 1 and s1["county_total"] == 5
    s2 = text.pillar_summary(2, _scorecard())
    assert s2["n"] == 4 and s2["median"] == 25.0 and s2["weakest_count"] == 2


def test_pillar_sentence_prints_the_summary():
    sentence = text.pillar_sentence(2023, text.pillar_summary(2, _scorecard()))
    assert sentence == (
        "2023年县域评分卡中，4个县域该项（互联互通）得分的中位数为25.0分（满分100分），"
        "得分最高的是县5（40.0分）、县4（30.0分）、县3（20.0分），"
        "最低的是县2（10.0分）、县3（20.0分）、县4（30.0分）；2个县域（占40.00%）以此项为最薄弱环节。")


def test_pillar_sentence_without_scores():
    rows = [{**r, "pillar_2_score": None} for r in _scorecard()]
    assert "没有县域" in text.pillar_sentence(2023, text.pillar_summary(2, rows))


def test_parse_formats():
    assert parse_formats("pdf, DOCX,pdf") == ("pdf", "docx")
    for bad in ("", "docx,odt"):
        with pytest.raises(ValueError):
            parse_formats(bad)


def _data(scorecard):
    from datetime import date, datetime

    from smartcounty.bulletin.data import BulletinData

    fig1 = {y: {"year": y, "informatization_investment_yuan": inv, "smart_city_investment_yuan": smart,
                "smart_city_share": smart / inv} for y, inv, smart in ((2022, 5.1e9, 1.0e9), (2023, 4.9e9, 1.09e9))}
    return BulletinData(
        year=2023, previous_year=2022, built_at=datetime(2026, 11, 27, 13, 0), fig1=fig1,
        coverage={"as_of_year": 2023, "counties_total": 111, "counties_with_smart_city": 111, "coverage_rate": 1.0},
        scenarios=[{"scenario_zh": "治安防控", "category": "city_governance", "lot_count": 9, "rank": 1}],
        categories=[{"category": "city_governance", "lot_count": 9, "rank": 1}],
        hot_topics={"雪亮工程": 10},
        mode_summary=[{"mode": "unified_deployment", "county_count": 80, "rank": 1}],
        modes=[{"mode": "unified_deployment", "county_name": "兴安县"}],
        enterprises={"as_of_date": date(2024, 6, 30), "digital_economy_enterprises": 16_012, "smart_city_enterprises": 80},
        network=[{"rank": i, "county_name": f"区{i}", "county_type": "district", "score": 90.0 - i,
                  "is_urban_unit": i != 3} for i in range(1, 25)],
        penetration={2023: {"overall_rate": 0.752, "rural_rate": 0.564, "urban_rate": 0.85}},
        national_share={"national_smart_city_investment_yuan": 2.1e11, "county_smart_city_investment_yuan": 1.09e9,
                        "share": 0.0052},
        scorecard=scorecard,
    )


def test_compose_words_follow_the_data():
    from smartcounty.bulletin.compose import compose
    from smartcounty.bulletin.model import Paragraph

    body = "".join(b.text for b in compose(_data(None), with_figures=False).blocks if isinstance(b, Paragraph))
    assert "比例从2022年的19.61%上升2.63个百分点至2023年的22.24%" in body
    assert "信息化项目投资由51.00亿元下降至49.00亿元（下降2.00亿元）" in body
    assert "数字经济企业约1.6万家" in body
    assert "前20名的20个县域中城区或县级市有19个" in body  # not "均为": one of them is a county
    assert "较上年" not in body  # no previous year of penetration → no comparison invented


def test_compose_without_a_scorecard_says_so_instead_of_inventing_numbers():
    from smartcounty.bulletin.compose import compose
    from smartcounty.bulletin.model import Paragraph, Table

    doc = compose(_data(None), with_figures=False)
    assert any("尚无县域评分卡" in b.text for b in doc.blocks if isinstance(b, Paragraph))
    assert [b.caption for b in doc.blocks if isinstance(b, Table)] == ["表1 2023年县域网络基础设施排名前20名"]
    with_card = compose(_data(_scorecard_rows()), with_figures=False)
    assert not any("尚无县域评分卡" in b.text for b in with_card.blocks if isinstance(b, Paragraph))
    appendix = [b for b in with_card.blocks if isinstance(b, Table)][-1]
    assert [row[1] for row in appendix.rows] == ["县1", "县2"]


def _scorecard_rows():
    return [{"county_code": f"45010{i}", "county_name": f"县{i}", "prefecture_name": "南宁市", "rank": i,
             **{f"pillar_{p}_score": 50.0 + p - i for p in range(1, 6)}, "overall_score": 53.0 - i,
             "weakest_pillar": 1} for i in (1, 2)]
