"""End to end: the county scorecard (scorecard.md "The scorecard") on a tiny hand-made raw drop.
Every expected value below is worked out by hand from the contract, not copied from a run.

Three counties have data: 兴安县 A = 450325 (prefecture 桂林市 450300), 北流市 B = 450981 and
罗城县 C = 451225; the other 108 have no lots and no connectivity rows. One build."""

from __future__ import annotations

from decimal import Decimal
from math import log

import duckdb
import pytest

from conftest import build_drop
from test_e2e_handmade import CONN_HEADER, PROC_HEADER, REG_HEADER, enterprise, uscc, write

pytestmark = pytest.mark.slow  # one full build of the hand-made scorecard drop

A, B, C = "450325", "450981", "451225"
RESULT = "中标(成交)结果公告"


def notice(nid, proj, title, date, code, name, award, catalog="C16010000", catalog_name="信息技术服务",
           supplier_uscc="") -> str:
    cells = [nid, proj, title, RESULT, date, "1", code, name, name + "某局", "某代理公司", "公开招标", catalog,
             catalog_name, "", award, "某供应商有限公司", supplier_uscc, "王五", "13900000000"]
    return ",".join(cells)


PROCUREMENT = [
    PROC_HEADER,
    # A1 2022: informatization (C16), not smart; 总体规划 → A has a plan in 2022 and 2023.
    notice("N01", "A1", "兴安县智慧城市总体规划编制项目", "2022-05-01", A, "兴安县", "200000"),
    # A2 2023: smart G01 (city_governance) 1,000,000; supplier of 兴安县 → same_county; not a service.
    notice("N02", "A2", "兴安县雪亮工程视频监控建设项目", "2023-03-01", A, "兴安县", "1000000", catalog="B06020000",
           catalog_name="智能化安装工程", supplier_uscc=uscc(A, "MA0000101")),
    # A3 2023: smart L01 (livelihood) 1,000,000, a C service; supplier coded 450300 (桂林市) → same_prefecture.
    notice("N03", "A3", "兴安县智慧校园购买服务项目", "2023-04-01", A, "兴安县", "1000000", catalog="C16020000",
           supplier_uscc=uscc("450300", "MA0000102")),
    # A4 2023: smart G09 (政务云, city_governance) 2,000,000, a data-platform project; no USCC → unknown.
    notice("N04", "A4", "兴安县政务云大数据平台项目", "2023-05-01", A, "兴安县", "2000000", catalog="A02010000",
           catalog_name="信息化设备"),
    # B1 2023: smart I01 (industry) 3,000,000; supplier of 北流市 → same_county.
    notice("N05", "B1", "北流市智慧农业物联网项目", "2023-03-01", B, "北流市", "3000000", catalog="A02010000",
           catalog_name="信息化设备", supplier_uscc=uscc(B, "MA0000103")),
    # B2 2023: smart L02 (livelihood) 1,000,000; full-width Ｃ → C after NFKC: a service; supplier from
    # 深圳 (440300) → outside_guangxi.
    notice("N06", "B2", "北流市人民医院智慧医院建设项目", "2023-04-01", B, "北流市", "1000000", catalog="Ｃ16010000",
           supplier_uscc=uscc("440300", "MA0000104")),
    # B3 2023: informatization only (机房) 1,000,000; 总体规划 in 品目名称 only → no plan.
    notice("N07", "B3", "北流市数据中心机房改造项目", "2023-06-01", B, "北流市", "1000000", catalog="A05000000",
           catalog_name="总体规划服务"),
    # B4 2024: a plan, but of a later investment year → not counted in 2022 or 2023.
    notice("N08", "B4", "北流市智慧城市顶层设计项目", "2024-02-01", B, "北流市", "100000"),
    # C1 2023: smart I03 with an unparseable award (a lot with no amount); supplier of 罗城 → same_county.
    notice("N09", "C1", "罗城县智慧旅游一键游项目", "2023-07-01", C, "罗城仫佬族自治县", "下浮率5%",
           catalog="A02010000", catalog_name="信息化设备", supplier_uscc=uscc(C, "MA0000105")),
]

REGISTRY = [
    REG_HEADER,
    # A: E1 on the register on 31 Dec 2022 and 2023; E2 closed 2023-06-01 (on in 2022 only);
    # E3 established 2024-03-01 (on at the as-of date 2024-06-30, not on 31 Dec 2023).
    enterprise(uscc(A, "MA0000001"), "兴安县甲软件有限公司", "存续", industry="6513", division=A),
    enterprise(uscc(A, "MA0000002"), "兴安县乙软件有限公司", "注销", closed="2023-06-01", industry="6513", division=A),
    enterprise(uscc(A, "MA0000003"), "兴安县丙软件有限公司", "存续", founded="2024-03-01", industry="6513", division=A),
    # B: E4 core industry, on; E5 not a core industry.
    enterprise(uscc(B, "MA0000004"), "北流市软件有限公司", "存续", industry="6513", authority="北流市市场监督管理局",
               address="北流市1号", division=B),
    enterprise(uscc(B, "MA0000005"), "北流市百货有限公司", "存续", industry="5211", authority="北流市市场监督管理局",
               address="北流市2号", division=B, scope="百货零售"),
]

# (code, name, year, pop, rural pop, users, rural users, households, broadband, gigabit %, 5G stations, village 5G %)
# B beats the other county of its year on all five index indicators → index 100 vs 0.
CONNECTIVITY = [
    CONN_HEADER,
    f"{A},兴安县,2023,400000,200000,200000,100000,100000,60000,80,200,85",
    f"{B},北流市,2023,1000000,500000,800000,300000,300000,300000,95,1000,98",
    f"{B},北流市,2022,1000000,500000,700000,250000,300000,300000,95,1000,98",
    f"{C},罗城仫佬族自治县,2022,300000,200000,150000,80000,80000,50000,70,100,80",
]

# −Σ p ln p ÷ ln 3 with investment split 3 : 1 over two categories (A and B alike).
BALANCE = -(0.75 * log(0.75) + 0.25 * log(0.25)) / log(3)
OTHER_COUNTIES = 108


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("scorecard_drop")
    raw = root / "raw"
    write(raw / "procurement" / "notices.csv", PROCUREMENT)
    write(raw / "registry" / "enterprises.csv", REGISTRY)
    write(raw / "connectivity" / "connectivity.csv", CONNECTIVITY)
    build = build_drop(raw, root, check_params={"ranked_counties_per_year": 2})
    con = duckdb.connect(str(build.warehouse), read_only=True)
    yield con
    con.close()


def indicators(con, year: int) -> dict[tuple[str, str], tuple]:
    return {(c, i): (v, s, n) for c, i, v, s, n in con.execute(
        "select county_code, indicator, value, score, n_counties from report.county_scorecard_indicators "
        "where year = ?", [year]).fetchall()}


def test_every_county_and_indicator_has_a_row(warehouse):
    assert warehouse.execute("select year, count(*), count(distinct county_code) from report.county_scorecard_indicators "
                             "group by year order by year").fetchall() == [(2022, 111 * 11, 111), (2023, 111 * 11, 111)]
    assert warehouse.execute("select year, count(*) from report.county_scorecard group by year order by year"
                             ).fetchall() == [(2022, 111), (2023, 111)]


def test_indicator_values_2023(warehouse):
    got = {k: v for k, (v, _, _) in indicators(warehouse, 2023).items()}
    expected = {
        A: dict(scenario_breadth=3, category_balance=BALANCE, has_plan=1, has_data_platform=1,
                data_platform_investment_share=2 / 4,  # A4 ÷ (A2 + A3 + A4)
                digital_economy_per_10k=1 * 10000 / 400000,  # E1 only on 31 Dec 2023
                local_supplier_share=1 / 2,  # A2 ÷ (A2 + A3); A4's locality is unknown
                network_index_score=0, rural_internet_penetration=0.5,
                smart_city_investment_per_capita=4_000_000 / 400_000, service_purchase_share=1 / 4),
        B: dict(scenario_breadth=2, category_balance=BALANCE, has_plan=0, has_data_platform=0,
                data_platform_investment_share=0, digital_economy_per_10k=1 * 10000 / 1_000_000,
                local_supplier_share=3 / 4, network_index_score=100, rural_internet_penetration=0.6,
                smart_city_investment_per_capita=4.0, service_purchase_share=1 / 4),
        # C: its only lot has no amount, and it has no connectivity row of 2023 (only one of 2022).
        C: dict(scenario_breadth=1, category_balance=None, has_plan=0, has_data_platform=0,
                data_platform_investment_share=None, digital_economy_per_10k=None, local_supplier_share=None,
                network_index_score=None, rural_internet_penetration=None,
                smart_city_investment_per_capita=None, service_purchase_share=None),
    }
    for county, values in expected.items():
        for indicator, value in values.items():
            if value is None:
                assert got[(county, indicator)] is None, (county, indicator)
            else:
                assert got[(county, indicator)] == pytest.approx(value, abs=1e-9), (county, indicator)
    others = {(i, v) for (c, i), v in got.items() if c not in (A, B, C) and v is not None}
    assert others == {("scenario_breadth", 0), ("has_plan", 0), ("has_data_platform", 0)}


def test_scores_2023(warehouse):
    got = indicators(warehouse, 2023)
    score = {k: s for k, (_, s, _) in got.items()}
    n = {i: m for (_, i), (_, _, m) in got.items()}
    assert n["scenario_breadth"] == 111 and n["has_plan"] == 111
    assert n["category_balance"] == 2 and n["local_supplier_share"] == 2
    # scenario_breadth: 108 zeros share rank 1, then C (109), B (110), A (111) of n = 111.
    assert score[(C, "scenario_breadth")] == Decimal("98.181818")  # 100 × 108 ÷ 110
    assert score[(B, "scenario_breadth")] == Decimal("99.090909")  # 100 × 109 ÷ 110
    assert score[(A, "scenario_breadth")] == 100
    assert score[("450102", "scenario_breadth")] == 0
    # exact ties (same balance, same service share) share rank 1 → 0
    assert score[(A, "category_balance")] == score[(B, "category_balance")] == 0
    assert score[(A, "service_purchase_share")] == score[(B, "service_purchase_share")] == 0
    assert (score[(A, "has_plan")], score[(B, "has_plan")]) == (100, 0)
    assert (score[(A, "local_supplier_share")], score[(B, "local_supplier_share")]) == (0, 100)
    assert score[(C, "local_supplier_share")] is None  # NULL value → no score


def scorecard(con, year: int) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        "select county_code, pillar_1_score, pillar_2_score, pillar_3_score, pillar_4_score, pillar_5_score, "
        "overall_score, rank, weakest_pillar from report.county_scorecard where year = ?", [year]).fetchall()}


def d(*values):
    return tuple(None if v is None else Decimal(v) for v in values)


def test_scorecard_2023(warehouse):
    got = scorecard(warehouse, 2023)
    # A: (100, 0, 100) (100, 100) (100, 0) (0, 0) (100, 0); overall 266.666667 ÷ 5 = 53.3333334.
    assert got[A] == d("66.666667", "100", "50", "0", "50", "53.333333") + (1, 4)
    # B: (99.090909, 0, 0) (0, 0) (0, 100) (100, 100) (0, 0); 183.030303 ÷ 5 = 36.6060606; ties 2 = 5 → 2.
    assert got[B] == d("33.030303", "0", "50", "100", "0", "36.606061") + (2, 2)
    # C: (98.181818, -, 0) (0, -); pillars 3–5 have no score; (49.090909 + 0) ÷ 2 = 24.5454545 → half up.
    assert got[C] == d("49.090909", "0", None, None, None, "24.545455") + (3, 2)
    # Everyone else: pillars 1 and 2 at 0, the rest NULL; all tied at rank 4; weakest ties → pillar 1.
    others = {v for k, v in got.items() if k not in (A, B, C)}
    assert others == {d("0", "0", None, None, None, "0") + (4, 1)}
    assert sum(1 for k in got if k not in (A, B, C)) == OTHER_COUNTIES


def test_scorecard_2022(warehouse):
    values = {k: v for k, (v, _, _) in indicators(warehouse, 2022).items()}
    # Population known, no enterprise / no investment → 0, not NULL; E2 was still on the register.
    assert values[(C, "digital_economy_per_10k")] == 0
    assert values[(C, "smart_city_investment_per_capita")] == 0
    assert values[(B, "digital_economy_per_10k")] == pytest.approx(0.01)
    assert values[(A, "digital_economy_per_10k")] is None  # no connectivity row of 2022
    assert values[(A, "data_platform_investment_share")] == 0  # A1: informatization, no data platform
    got = scorecard(warehouse, 2022)
    assert got[A] == d("50", "50", None, None, None, "50") + (1, 1)
    # B: (0, -, 0) (0, -) (100, -) (100, 100) (0, -) → 200 ÷ 5 = 40.
    assert got[B] == d("0", "0", "100", "100", "0", "40") + (2, 1)
    assert got[C] == d("0", "0", "0", "0", "0", "0") + (3, 1)
    assert got["450102"] == d("0", "0", None, None, None, "0") + (3, 1)
