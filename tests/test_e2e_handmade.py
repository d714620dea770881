"""End to end on a small hand-made raw drop whose answers are worked out by hand from the
contract (docs/contracts/figures.md), not copied from a pipeline run.

Every lot below is commented with the rule it exercises and what it contributes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import build_drop
from smartcounty.constants import USCC_CHARSET, USCC_WEIGHTS, network_index_weights
from smartcounty.rawload.spec import PROCUREMENT, REGISTRY

pytestmark = pytest.mark.slow  # one full build of the hand-made drop

PROC_HEADER = ",".join(PROCUREMENT.headers)


def notice(nid, proj, title, kind, date, lot="1", code="", name="", buyer="某采购单位", catalog="C16010000",
           budget="", award="") -> str:
    cells = [nid, proj, title, kind, date, lot, code, name, buyer, "某代理公司", "公开招标", catalog,
             "服务/信息技术服务" if catalog.startswith("C16") else "", budget, award, "某供应商有限公司", "", "王五",
             "13900000000"]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


RESULT = "中标(成交)结果公告"
PROCUREMENT = [
    PROC_HEADER,
    # P1 兴安县 雪亮工程 2022, 100万元 — smart (G01), informatization.
    notice("N001", "P1", "兴安县雪亮工程视频监控建设项目", RESULT, "2022-03-01", code="450325", name="兴安县",
           buyer="兴安县公安局", budget="120万元", award="100万元"),
    # re-post of P1 under another 公告ID: same project, lot (01 = 1), class, date, amount → collapsed
    notice("N002", "P1", "兴安县雪亮工程视频监控建设项目", "中标公告", "2022/3/1", lot="01", code="450325",
           name="兴安县", buyer="兴安县公安局", award="1000000"),
    # exact duplicate line of N001 → collapsed (same 公告ID and 标项号)
    notice("N001", "P1", "兴安县雪亮工程视频监控建设项目", RESULT, "2022-03-01", code="450325", name="兴安县",
           buyer="兴安县公安局", budget="120万元", award="100万元"),
    # P2 ordinary hospital equipment 2022 — not informatization
    notice("N010", "P2", "兴安县人民医院医疗设备采购项目", RESULT, "2022-04-01", code="450325", name="兴安县",
           buyer="兴安县人民医院", catalog="A07000000", award="5000000"),
    # P3 北流市 integrated platform, epoch ms 1672502400000 = 2022-12-31T16:00Z = 2023-01-01 Beijing;
    # carries G00 and G01 (视频监控); primary G00 (priority 1)
    notice("N020", "P3", "北流市智慧县域一体化平台及视频监控建设项目", RESULT, "1672502400000", code="450981",
           name="北流市", buyer="北流市大数据发展局", award="￥2,000,000元"),
    # P4 罗城县 attributed by the alias 罗城县 in 采购人 (no code, no 区划名称) — I03 smart tourism
    notice("N030", "P4", "一键游罗城智慧旅游项目", RESULT, "2023年5月6日", buyer="罗城县文化广电体育和旅游局",
           award="300万"),
    # P5 old code 450127 (横县) → 450181 横州市 by the crosswalk — G09, 2022
    notice("N040", "P5", "横县政务服务平台升级项目", RESULT, "20220601", code="450127", name="横县",
           buyer="横县行政审批局", award="800000.00"),
    # P6 prefecture-level buyer 450300 → not county-level, excluded
    notice("N050", "P6", "桂林市智慧交通建设项目", RESULT, "2022-07-01", code="450300", name="桂林市",
           buyer="桂林市交通运输局", award="4000000"),
    # P7 informatization but not smart; 12-digit code cut to 450325; time of day discarded
    notice("N060", "P7", "兴安县政府网站信息化运维服务", RESULT, "2022-08-01 10:30:00", code="450325000000",
           name="兴安县", buyer="兴安县人民政府办公室", award="2000000元"),
    # P8 award cancelled by a later termination → not awarded
    notice("N070", "P8", "兴安县中小学智慧校园建设项目", RESULT, "2023-02-01", code="450325", name="兴安县",
           buyer="兴安县教育局", award="300000"),
    notice("N071", "P8", "兴安县中小学智慧校园建设项目", "终止公告", "2023-03-01", code="450325", name="兴安县",
           buyer="兴安县教育局"),
    # P9 re-tender: result 2022, termination, result 2023 → awarded, year 2023, 250000
    notice("N080", "P9", "北流市人民医院智慧医院建设项目", RESULT, "2022-05-01", code="450981", name="北流市",
           buyer="北流市人民医院", award="200000"),
    notice("N081", "P9", "北流市人民医院智慧医院建设项目", "终止公告", "2022-06-01", code="450981", name="北流市",
           buyer="北流市人民医院"),
    notice("N082", "P9", "北流市人民医院智慧医院建设项目", RESULT, "2023-02-01", code="450981", name="北流市",
           buyer="北流市人民医院", award="250000"),
    # P10 correction after the result replaces the award (450000); one dated the same day does not
    notice("N090", "P10", "兴安县数字乡村建设项目", RESULT, "2023-04-01", code="450325", name="兴安县",
           buyer="兴安县农业农村局", award="500000"),
    notice("N091", "P10", "兴安县数字乡村建设项目", "更正公告", "2023-04-01", code="450325", name="兴安县",
           buyer="兴安县农业农村局", award="999999"),
    notice("N092", "P10", "兴安县数字乡村建设项目", "更正公告", "2023-04-10", code="450325", name="兴安县",
           buyer="兴安县农业农村局", award="450000"),
    # P11 unparseable amount: a lot in every count, nothing in the sums — L04
    notice("N100", "P11", "罗城县智慧社区服务平台项目", RESULT, "2023-06-01", code="451225",
           name="罗城仫佬族自治县", buyer="罗城县民政局", award="下浮率5%"),
    # P12 informatization by the title term 机房, not smart, 2023
    notice("N110", "P12", "兴安县机房改造项目", RESULT, "2023-07-01", code="450325", name="兴安县",
           buyer="兴安县人民政府办公室", catalog="", award="1000000"),
    # P13 no code, no county or prefecture name → unattributed
    notice("N120", "P13", "办公设备采购项目", RESULT, "2023-08-01", buyer="某某学校", catalog="A05000000",
           award="10000"),
    # quarantined rows, one per reason
    notice("N900", "P90", "", RESULT, "2023-01-01", award="1"),
    notice("N901", "P91", "某项目", RESULT, "2023-13-01", award="1"),
    notice("N902", "P92", "某项目", "资格预审公告", "2023-01-01", award="1"),
]

# --- registry ------------------------------------------------------------------------------
def uscc(division: str, serial: str) -> str:
    """GB 32100-2015 code: 9 (market regulation), 1 (enterprise), division, 9-char body, check."""
    body = "91" + division + serial
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_CHARSET[(31 - total % 31) % 31]


REG_HEADER = ",".join(REGISTRY.headers)


def enterprise(code, name, status, founded="2015-01-01", approved="2020-01-01", closed="", revoked="",
               capital="100万元", industry="6513", authority="兴安县市场监督管理局", address="兴安县兴安镇1号",
               division="450325", scope="软件开发") -> str:
    return ",".join([code, name, status, founded, approved, closed, revoked, capital, "有限责任公司", "赵六",
                     industry, "", authority, address, division, scope])


DUP = uscc("450981", "MA0000003")
BAD = uscc("450325", "MA0000010")
BAD = BAD[:-1] + ("0" if BAD[-1] != "0" else "1")  # wrong check digit
REGISTRY = [
    REG_HEADER,
    # E1 on, digital (I6513 → 6513), smart (name 智慧城市)
    enterprise(uscc("450325", "MA0000001"), "兴安县智慧城市科技有限公司", "存续", industry="I6513"),
    # E2/E3 same USCC: E3 has the later 核准日期 and wins; E2 is superseded
    enterprise(DUP, "北流市旧名称有限公司", "存续", approved="2019-01-01", industry="5211",
               authority="北流市市场监督管理局", address="北流市1号", division="450981", scope="零售"),
    enterprise(DUP, "北流市数据服务有限公司", "在业", founded="2018-05-05", approved="2023-01-01", industry="6520",
               authority="北流市市场监督管理局", address="北流市2号", division="450981", scope="智慧社区平台建设"),
    # E4 closed the day before the as-of date → off; E5 closed on the day → off; E6 revoked the day after → on
    enterprise(uscc("450325", "MA0000004"), "兴安县甲软件有限公司", "注销", closed="2024-06-29"),
    enterprise(uscc("450325", "MA0000005"), "兴安县乙软件有限公司", "注销", closed="2024-06-30"),
    enterprise(uscc("450325", "MA0000006"), "兴安县网络科技有限公司", "吊销，未注销", revoked="2024-07-01",
               scope="计算机网络"),
    # E7 moved out → never; E8 closed without a date → off; E9 suspended → on
    enterprise(uscc("450325", "MA0000007"), "兴安县丙软件有限公司", "迁出"),
    enterprise(uscc("450325", "MA0000008"), "兴安县丁软件有限公司", "注销"),
    enterprise(uscc("450325", "MA0000009"), "兴安县戊软件有限公司", "停业"),
    # E10 wrong check digit → quarantined invalid_uscc
    enterprise(BAD, "兴安县己软件有限公司", "存续"),
    # E11 attributed only by its address (rule 3)
    enterprise(uscc("440300", "MA0000011"), "北流市软件开发有限公司", "存续", industry="6511",
               authority="市场监督管理局", address="广西壮族自治区玉林市北流市城南路8号", division=""),
    # E12 on the register, not a digital-economy industry; unparseable capital
    enterprise(uscc("450325", "MA0000012"), "兴安县百货有限公司", "存续", industry="5211", capital="详见章程",
               scope="百货零售"),
    # E13 established after the as-of date → not on the register
    enterprise(uscc("450325", "MA0000013"), "兴安县庚软件有限公司", "存续", founded="2024-07-15"),
    # E14 attributed only by its USCC (rule 4): chars 3–8 = 450127 → crosswalk 450181
    enterprise(uscc("450127", "MA0000014"), "某某软件有限公司", "存续", authority="市场监督管理局",
               address="某某路9号", division=""),
    # E15 prefecture name in the address, foreign USCC division → not county-level (rule 5)
    enterprise(uscc("440300", "MA0000015"), "某某信息有限公司", "存续", authority="市场监督管理局",
               address="桂林市某某路", division=""),
    # E16 nothing to go on → unattributed
    enterprise(uscc("440300", "MA0000016"), "某某数据有限公司", "存续", authority="市场监督管理局",
               address="某某路10号", division=""),
]

CONN_HEADER = "区划代码,区划名称,年份,常住人口,乡村常住人口,网民数,乡村网民数,家庭户数,固定宽带用户数,千兆光网覆盖率,5G基站数,行政村5G通达率"
# (code, name, pop, rural pop, users, rural users, households, broadband, gigabit %, 5G stations, village 5G %)
CONN = {
    "450325": ("兴安县", 300000, 200000, 210000, 120000, 100000, 60000, 80, 300, 90),
    "450981": ("北流市", 1000000, 500000, 800000, 300000, 300000, 250000, 95, 1500, 98),
    "450127": ("横县", 900000, 600000, 600000, 330000, 280000, 150000, 70, 600, 85),
}
REVISED_XINGAN_USERS = 225000


def conn_row(code, values, year=2023) -> str:
    name, *nums = values
    return ",".join([code, name, str(year)] + [str(n) for n in nums])


CONNECTIVITY_MAIN = [CONN_HEADER] + [conn_row(c, v) for c, v in CONN.items()] + [
    conn_row("450300", ("桂林市", 1, 0, 0, 0, 1, 0, 1, 1, 1)),  # not a county code
    conn_row("450321", ("阳朔县", 100, 200, 50, 40, 30, 20, 50, 1, 50)),  # rural population > population
]
_xa = CONN["450325"]
CONNECTIVITY_REVISED = [CONN_HEADER, conn_row("450325", (_xa[0], _xa[1], _xa[2], REVISED_XINGAN_USERS) + _xa[4:])]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    root = tmp_path_factory.mktemp("handmade")
    raw = root / "raw"
    write(raw / "procurement" / "notices.csv", PROCUREMENT)
    write(raw / "registry" / "enterprises.csv", REGISTRY, encoding="gb18030")
    write(raw / "connectivity" / "2023.csv", CONNECTIVITY_MAIN)
    write(raw / "connectivity" / "2023_revised.csv", CONNECTIVITY_REVISED)
    # A three-county drop: the province-wide volume expectations do not apply to it.
    relaxed = {"ranked_counties_per_year": 3,
               "bands": {"quarantine_share.connectivity": {"warn_max": 1.0, "error_max": 1.0},
                         "quarantine_share.procurement": {"warn_max": 1.0, "error_max": 1.0}}}
    build = build_drop(raw, root, check_params=relaxed)
    con = duckdb.connect(str(build.warehouse), read_only=True)
    yield con
    con.close()


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_fig1_investment_share(handmade):
    got = rows(handmade, "select year, informatization_investment_yuan, smart_city_investment_yuan, smart_city_share, "
                         "informatization_lot_count, smart_city_lot_count, counties_with_smart_city "
                         "from report.fig1_investment_share order by year")
    # 2022: P1 1,000,000 + P5 800,000 (smart) + P7 2,000,000 (informatization only); P9's year is 2023.
    # 2023: P3 2,000,000 + P4 3,000,000 + P9 250,000 + P10 450,000 + P11 NULL (smart) + P12 1,000,000.
    assert [(y, Decimal(i), Decimal(s), ic, sc, c) for y, i, s, _, ic, sc, c in got] == [
        (2022, Decimal(3_800_000), Decimal(1_800_000), 3, 2, 2),
        (2023, Decimal(6_700_000), Decimal(5_700_000), 6, 5, 3),
    ]
    assert got[0][3] == pytest.approx(1_800_000 / 3_800_000)
    assert got[1][3] == pytest.approx(5_700_000 / 6_700_000)


def test_county_coverage(handmade):
    # 兴安县, 横州市 (2022), 北流市, 罗城 (2023)
    assert rows(handmade, "select as_of_year, counties_total, counties_with_smart_city from report.county_coverage") \
        == [(2023, 111, 4)]
    assert rows(handmade, "select coverage_rate from report.county_coverage")[0][0] == pytest.approx(4 / 111)


def test_lots_status_amount_year_and_attribution(handmade):
    lots = {r[0]: r[1:] for r in rows(handmade, """
        select project_code, status, award_yuan, investment_year, county_code, attribution, is_smart_city,
               is_informatization, primary_scenario_code
        from marts.fct_procurement_lots""")}
    assert lots["P8"][0] == "not_awarded"
    assert lots["P9"][:4] == ("awarded", Decimal(250000), 2023, "450981")
    assert lots["P10"][1] == Decimal(450000)
    assert lots["P11"][:2] == ("awarded", None)
    assert lots["P3"][2] == 2023  # epoch-millisecond new-year date
    assert lots["P4"][3:5] == ("451225", "county")  # alias 罗城县 in 采购人
    assert lots["P5"][3] == "450181"  # crosswalk 横县 → 横州市
    assert lots["P6"][3:5] == (None, "not_county_level")
    assert lots["P13"][3:5] == (None, "unattributed")
    assert lots["P3"][7] == "G00"  # multi-label, smallest priority wins
    assert lots["P7"][5:7] == (False, True)
    assert lots["P2"][6] is False
    scen = rows(handmade, "select scenario_code, is_primary from marts.fct_lot_scenarios where lot_id like 'P3|%' order by 1")
    assert scen == [("G00", True), ("G01", False)]


def test_scenarios_and_categories(handmade):
    got = rows(handmade, "select scenario_code, lot_count, primary_investment_yuan, rank from report.scenarios "
                         "where year = 2023 order by scenario_code")
    assert [(c, n, Decimal(i), r) for c, n, i, r in got] == [
        ("G00", 1, Decimal(2_000_000), 1), ("G01", 1, Decimal(0), 1), ("G08", 1, Decimal(450_000), 1),
        ("I03", 1, Decimal(3_000_000), 1), ("L02", 1, Decimal(250_000), 1), ("L04", 1, Decimal(0), 1),
    ]
    cats = rows(handmade, "select year, category, lot_count, investment_yuan, scenario_count, rank "
                          "from report.scenario_categories order by year, category")
    assert [(y, c, n, Decimal(i), s, r) for y, c, n, i, s, r in cats] == [
        (2022, "city_governance", 2, Decimal(1_800_000), 2, 1),
        (2022, "industry_management", 0, Decimal(0), 0, 2),
        (2022, "livelihood_services", 0, Decimal(0), 0, 2),
        (2023, "city_governance", 2, Decimal(2_450_000), 3, 1),
        (2023, "industry_management", 1, Decimal(3_000_000), 1, 3),
        (2023, "livelihood_services", 2, Decimal(250_000), 2, 1),
    ]


def test_development_modes(handmade):
    got = rows(handmade, "select county_code, mode, smart_city_investment_yuan, industry_share, evidence_lot "
                         "from report.development_modes order by county_code")
    assert [(c, m, Decimal(i), s, e) for c, m, i, s, e in got] == [
        ("450181", "unified_deployment", Decimal(800_000), 0, "横县政务服务平台升级项目"),
        ("450325", "unified_deployment", Decimal(1_450_000), 0, "兴安县雪亮工程视频监控建设项目"),
        ("450981", "integrated_platform", Decimal(2_250_000), 0, "北流市智慧县域一体化平台及视频监控建设项目"),
        ("451225", "resource_endowment", Decimal(3_000_000), 1, "一键游罗城智慧旅游项目"),
    ]
    summary = rows(handmade, "select mode, county_count, rank from report.development_mode_summary order by mode")
    assert summary == [("integrated_platform", 1, 2), ("resource_endowment", 1, 2), ("unified_deployment", 2, 1)]


def test_hot_topics(handmade):
    terms = dict(rows(handmade, "select term, frequency from report.hot_topics where year = 2023"))
    assert terms.get("智慧县域") == 1  # scenario keyword kept whole as a user word
    assert terms.get("智慧医院") == 1
    for dropped in ("北流市", "兴安县", "罗城县", "项目", "建设", "2023"):
        assert dropped not in terms
    assert all(len(t) > 1 for t in terms)


def test_national_share(handmade):
    got = rows(handmade, "select year, county_smart_city_investment_yuan, national_smart_city_investment_yuan, share "
                         "from report.national_share")
    assert [(y, Decimal(c), Decimal(n)) for y, c, n, _ in got] == [(2023, Decimal(5_700_000), Decimal(210_000_000_000))]
    assert got[0][3] == pytest.approx(5_700_000 / 210_000_000_000)


def test_enterprise_counts(handmade):
    # on the register and attributed: E1 E3 E6 E9 E11 E12 E14; digital: all but E12; smart: E1 E3
    assert rows(handmade, "select cast(as_of_date as varchar), enterprises_on_register, digital_economy_enterprises, "
                          "smart_city_enterprises from report.enterprise_counts") == [("2024-06-30", 7, 6, 2)]
    ent = dict(rows(handmade, "select enterprise_name, county_code from marts.fct_enterprises"))
    assert ent["北流市软件开发有限公司"] == "450981"  # rule 3 by address
    assert ent["某某软件有限公司"] == "450181"  # rule 4 by USCC, crosswalked
    assert "北流市旧名称有限公司" not in ent  # superseded duplicate


def test_internet_penetration(handmade):
    pop = 300000 + 1000000 + 900000
    rural = 200000 + 500000 + 600000
    users = REVISED_XINGAN_USERS + 800000 + 600000  # the revision file wins for 兴安县
    rural_users = 120000 + 300000 + 330000
    got = rows(handmade, "select year, county_count, overall_rate, rural_rate, urban_rate from report.internet_penetration")
    assert len(got) == 1 and got[0][:2] == (2023, 3)
    assert got[0][2] == pytest.approx(users / pop)
    assert got[0][3] == pytest.approx(rural_users / rural)
    assert got[0][4] == pytest.approx((users - rural_users) / (pop - rural))


def test_network_index(handmade):
    weights = network_index_weights()  # the seed the model reads
    data = {code: list(v) for code, v in CONN.items()}
    data["450325"][3] = REVISED_XINGAN_USERS
    ind = {}
    for code, (_, pop, _rp, users, _ru, hh, bb, gig, bs, vil) in data.items():
        ind["450181" if code == "450127" else code] = {
            "gigabit_coverage": gig, "bs5g_per_10k": bs / pop * 10000, "broadband_per_100_households": bb / hh * 100,
            "village_5g_rate": vil, "internet_penetration": users / pop}
    score = {c: 0.0 for c in ind}
    for k, w in weights.items():
        lo, hi = min(v[k] for v in ind.values()), max(v[k] for v in ind.values())
        for c, v in ind.items():
            score[c] += w * ((v[k] - lo) / (hi - lo) if hi > lo else 0.0)
    expected = sorted(((round(100 * s, 6), c) for c, s in score.items()), reverse=True)
    got = rows(handmade, "select county_code, score, rank, is_urban_unit from report.network_infrastructure_ranking "
                         "where year = 2023 order by rank, county_code")
    assert [c for c, *_ in got] == [c for _, c in expected]
    for (c, s, r, _), (es, ec) in zip(got, expected):
        assert float(s) == pytest.approx(es, abs=1e-6)
    assert [r for _, _, r, _ in got] == [1, 2, 3]


def test_data_quality(handmade):
    dq = {(s, r): n for s, r, n in rows(handmade, "select source, reason, row_count from report.data_quality")}
    def count(source, reason):
        matches = [n for (s, r), n in dq.items() if s.startswith(source) and r.startswith(reason)]
        return sum(matches) if matches else None
    assert count("procurement", "missing_required") == 1
    assert count("procurement", "invalid_date") == 1
    assert count("procurement", "unknown_notice_type") == 1
    assert count("procurement", "collapsed_repost") == 2
    assert count("procurement", "not_county_level") == 1
    assert count("procurement", "unattributed") == 1
    assert count("registry", "invalid_uscc") == 1
    assert count("registry", "superseded_duplicate") == 1
    assert count("registry", "not_county_level") == 1
    assert count("registry", "unattributed") == 1
    assert count("connectivity", "not_county_code") == 1
    assert count("connectivity", "rural_population_gt_population") == 1
    assert count("registry", "unknown_status") == 0


def test_reconciliation_has_every_published_figure(handmade):
    got = rows(handmade, "select figure_id, computed_value, matches from report.figure_reconciliation order by 1")
    assert len(got) == 15
    computed = dict((f, c) for f, c, _ in got)
    assert computed["F04"] == "4"
    assert computed["F10"] == "2"
    assert computed["F11"] == "0"  # 兴安县 (a county) is in the top 20 of three
    assert computed["F07"] == "city_governance=livelihood_services>industry_management"
    assert computed["F03"] == "0"  # informatization rose from 3.8 to 6.7 million
    # Numbers as published: a round_N figure carries exactly N decimals (no float noise).
    precision = [(f, v, c.removeprefix("round_")) for f, v, c in rows(
        handmade, "select figure_id, computed_value, comparison from report.figure_reconciliation")
        if v is not None and c.removeprefix("round_").isdigit()]
    assert precision
    for figure, value, digits in precision:
        assert len(value.partition(".")[2]) == int(digits), (figure, value, digits)
