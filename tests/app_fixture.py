"""A small, hand-made serving copy for the front-end tests.

It has the schemas and columns of docs/DESIGN.md ("Marts", "Serving copy") and of
docs/contracts/figures.md (schema ``report``). The dimension tables come from the real
seeds; the facts are a few dozen hand-written lots, notices, enterprises and connectivity
rows, and most report relations are derived from them with simplified SQL so that the
pages show mutually consistent numbers. It is a stand-in for a pipeline-built serving copy,
not a second implementation of the rules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

SEEDS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

# (project_code, lot_no, project_name, county_code, status, award_yuan, investment_date,
#  is_smart_city, scenario codes (primary first), catalog_code)
_LOTS: list[tuple] = [
    ("GXZC2022-001", "1", "兴安县雪亮工程视频监控建设项目", "450325", "awarded", 6_800_000, "2022-03-15", True, ["G01"], "A0201"),
    ("GXZC2022-002", "1", "兴安县智慧县域城市大脑一体化平台项目", "450325", "awarded", 12_500_000, "2022-06-20", True, ["G00", "G09"], "A080603"),
    ("GXZC2022-003", "1", "阳朔县智慧旅游一键游平台采购项目", "450321", "awarded", 3_200_000, "2022-05-10", True, ["I03"], "A080603"),
    ("GXZC2022-004", "1", "阳朔县人民医院信息化设备采购", "450321", "awarded", 1_850_000, "2022-07-01", False, [], "A0201"),
    ("GXZC2022-005", "1", "青秀区智慧社区建设项目", "450103", "awarded", 4_100_000, "2022-08-08", True, ["L04"], "A080603"),
    ("GXZC2022-005", "2", "青秀区智慧养老服务平台", "450103", "awarded", 1_600_000, "2022-08-08", True, ["L05"], "A080603"),
    ("GXZC2022-006", "1", "横州市数字乡村综合服务平台项目", "450181", "awarded", 2_750_000, "2022-09-12", True, ["G08"], "A080603"),
    ("GXZC2022-007", "1", "凭祥市智慧口岸边贸监管平台", "451481", "awarded", 5_300_000, "2022-10-18", True, ["I09", "G10"], "A080603"),
    ("GXZC2022-008", "1", "融水县教育局计算机采购项目", "450225", "awarded", 980_000, "2022-04-22", False, [], "A0201"),
    ("GXZC2022-009", "1", "靖西市应急指挥通信系统项目", "451081", "not_awarded", None, None, True, ["G02"], "A0208"),
    ("GXZC2022-010", "1", "北流市政务外网设备采购", "450981", "awarded", 2_300_000, "2022-11-30", False, [], "A0201"),
    ("GXZC2022-011", "1", "横州市人民医院信息化设备采购项目", "450181", "awarded", 80_000_000, "2022-12-05", False, [], "A0201"),
    ("GXZC2022-012", "1", "桂平市教育城域网与计算机采购", "450881", "awarded", 63_500_000, "2022-08-26", False, [], "A0201"),
    ("GXZC2023-001", "1", "兴安县100%覆盖智慧消防物联网项目", "450325", "awarded", 2_900_000, "2023-02-14", True, ["G05"], "A0201"),
    ("GXZC2023-002", "1", "兴安县智慧农业大数据平台", "450325", "awarded", 3_600_000, "2023-04-03", True, ["I01"], "A080603"),
    ("GXZC2023-003", "1", "阳朔县智慧农业与智慧糖业监测项目", "450321", "awarded", 4_400_000, "2023-05-19", True, ["I01", "I10"], "A080603"),
    ("GXZC2023-004", "1", "青秀区智慧交通信号控制系统", "450103", "awarded", 7_250_000, "2023-03-28", True, ["G03"], "B0602"),
    ("GXZC2023-005", "1", "横州市智慧校园建设项目", "450181", "awarded", 1_950_000, "2023-06-06", True, ["L01"], "A0201"),
    ("GXZC2023-006", "1", "凭祥市雪亮工程二期视频监控", "451481", "awarded", 3_050_000, "2023-07-21", True, ["G01"], "A0201"),
    ("GXZC2023-007", "1", "靖西市应急指挥通信系统项目（重新招标）", "451081", "awarded", 2_480_000, "2023-03-09", True, ["G02"], "A0208"),
    ("GXZC2023-008", "1", "龙胜县智慧医疗医共体信息系统", "450328", "awarded", None, "2023-08-15", True, ["L02"], "A080603"),
    ("GXZC2023-009", "1", "罗城县政务服务中心网络设备采购", "451225", "awarded", 860_000, "2023-09-01", False, [], "A0201"),
    ("GXZC2023-010", "1", "北流市智慧城管数字城管平台", "450981", "awarded", 3_900_000, "2023-10-10", True, ["G04"], "A080603"),
    ("GXZC2023-011", "1", "岑溪市智慧园区管理平台", "450481", "awarded", 2_200_000, "2023-11-11", True, ["I04"], "A080603"),
    ("GXZC2023-014", "1", "合浦县政务云服务器及存储设备采购", "450521", "awarded", 60_000_000, "2023-05-30", False, [], "A0201"),
    ("GXZC2023-015", "1", "藤县电子政务外网升级改造", "450422", "awarded", 49_900_000, "2023-09-18", False, [], "A0208"),
    ("GXZC2023-012", "1", "桂林市智慧城市运营中心项目", None, "awarded", 15_000_000, "2023-04-30", True, ["G00"], "A080603"),
    ("GXZC2023-013", "1", "某单位视频监控维保项目", None, "awarded", 450_000, "2023-12-01", True, ["G01"], "A0201"),
]

_ENTERPRISES: list[tuple] = [
    # uscc, name, county_code, industry_code, industry_name, de_category, status_class, smart
    ("91450325MA5K000011", "兴安县智慧城市科技有限公司", "450325", "6531", "信息系统集成服务", "03", "active", True),
    ("91450325MA5K000022", "兴安县云端数据服务有限公司", "450325", "6450", "互联网数据服务", "02", "active", False),
    ("91450321MA5K000033", "阳朔智慧社区网络科技有限公司", "450321", "6513", "应用软件开发", "03", "active", True),
    ("91450321MA5K000044", "阳朔县电子设备制造有限公司", "450321", "3919", "其他计算机制造", "01", "suspended", False),
    ("91450103MA5K000055", "南宁青秀数字科技有限公司", "450103", "6511", "基础软件开发", "03", "active", False),
    ("91450103MA5K000066", "青秀区智慧城市运营有限公司", "450103", "6531", "信息系统集成服务", "03", "active", True),
    ("91450181MA5K000077", "横州市通信工程有限公司", "450181", "6311", "电信", "02", "active", False),
    ("91451481MA5K000088", "凭祥市边贸信息技术有限公司", "451481", "6520", "信息技术咨询服务", "03", "active", False),
    ("91450981MA5K000099", "北流市智慧社区服务有限公司", "450981", "6540", "运行维护服务", "03", "active", True),
    ("91450981MA5K0000AA", "北流市陶瓷贸易有限公司", "450981", "5137", "家用电器批发", None, "active", False),
    ("91451081MA5K0000BB", "靖西市物联网科技有限公司", "451081", "6532", "物联网技术服务", "03", "closed", False),
    ("91450328MA5K0000CC", "龙胜县网络传媒有限公司", "450328", "6429", "互联网其他信息服务", "02", "active", False),
]

_CATEGORY_ZH = {
    "city_governance": "城市治理",
    "industry_management": "产业管理",
    "livelihood_services": "民生服务",
}
_COUNTY_TYPE_ZH = {
    "district": "市辖区",
    "county": "县",
    "autonomous_county": "自治县",
    "county_level_city": "县级市",
}
_DE_CATEGORY_ZH = {"01": "数字产品制造业", "02": "数字产品服务业", "03": "数字技术应用业", "04": "数字要素驱动业"}

_HOT_TOPICS = {
    2022: {"雪亮工程": 14, "视频监控": 12, "智慧社区": 9, "城市大脑": 6, "一体化平台": 6, "智慧旅游": 5,
           "数字乡村": 5, "智慧养老": 4, "智慧口岸": 3, "应急指挥": 3, "平台": 8, "系统": 7},
    2023: {"智慧农业": 11, "雪亮工程": 10, "智慧交通": 8, "视频监控": 8, "智慧消防": 7, "物联网": 6,
           "智慧校园": 5, "数字城管": 5, "智慧园区": 4, "医共体": 4, "智慧糖业": 3, "大数据": 6},
}


def _connectivity_rows() -> list[tuple]:
    """Deterministic connectivity rows for 14 counties and two years."""
    codes = ["450103", "450181", "450225", "450321", "450323", "450325", "450328", "450422",
             "450481", "450681", "450981", "451081", "451225", "451481"]
    rows = []
    for year in (2022, 2023):
        for i, code in enumerate(codes):
            population = 300_000 + 37_000 * i
            rural = int(population * (0.35 + 0.03 * (i % 7)))
            users = int(population * (0.66 + 0.012 * ((i * 5) % 11) + 0.02 * (year - 2022)))
            rural_users = int(rural * (0.48 + 0.01 * ((i * 3) % 9) + 0.02 * (year - 2022)))
            households = population // 3
            broadband = int(households * (0.72 + 0.015 * ((i * 7) % 13)))
            bs5g = 200 + 45 * ((i * 11) % 17) + 60 * (year - 2022)
            gigabit = 70.0 + 2.1 * ((i * 13) % 14)
            village5g = 60.0 + 3.0 * ((i * 2) % 12) + 5 * (year - 2022)
            rows.append((code, year, population, rural, users, rural_users, households, broadband,
                         bs5g, gigabit, village5g, f"connectivity/{year}.csv", i + 2))
    return rows


def build_fixture_serving(path: Path) -> Path:
    """Write the fixture serving copy to ``path`` (overwritten) and return it.

    A ``validation_report.html`` is written next to it, as the publish step does.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    report_html = path.parent / "validation_report.html"
    report_html.write_text(
        "<html><head><meta charset='utf-8'><title>数据校验报告</title></head><body>"
        "<h1>数据校验报告 Validation report</h1><p>fct_procurement_lots: 12/12 通过</p>"
        "<p>fct_enterprises: 9/10 通过（1 项警告）</p></body></html>",
        encoding="utf-8",
    )
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "report", "meta"):
            con.execute(f"create schema {schema}")
        _build_dimensions(con)
        _build_procurement(con)
        _build_enterprises(con)
        _build_connectivity(con)
        _build_quality(con)
        _build_report(con)
        _build_suppliers_and_flags(con)
        _build_scorecard(con)
        _build_meta(con, report_html)
    finally:
        con.close()
    return path


def _build_dimensions(con: duckdb.DuckDBPyConnection) -> None:
    counties = SEEDS / "guangxi_counties.csv"
    con.execute(
        f"""
        create table marts.dim_county as
        select county_code, county_name, prefecture_code, prefecture_name, county_type,
               case county_type {' '.join(f"when '{k}' then '{v}'" for k, v in _COUNTY_TYPE_ZH.items())} end
                   as county_type_zh,
               county_type in ('district', 'county_level_city') as is_urban_unit,
               aliases, longitude, latitude
        from read_csv('{counties}', header = true, all_varchar = false,
            types = {{'county_code': 'VARCHAR', 'prefecture_code': 'VARCHAR', 'aliases': 'VARCHAR',
                      'longitude': 'DOUBLE', 'latitude': 'DOUBLE'}})
        """
    )
    scenarios = SEEDS / "smart_city_scenarios.csv"
    con.execute(
        f"""
        create table marts.dim_scenario as
        select scenario_code, scenario_zh, scenario_en, category,
               case category {' '.join(f"when '{k}' then '{v}'" for k, v in _CATEGORY_ZH.items())} end
                   as category_zh,
               cast(priority as integer) as priority,
               cast(is_integrated_platform as boolean) as is_integrated_platform, keywords
        from read_csv('{scenarios}', header = true, all_varchar = true)
        """
    )
    con.execute(
        "create table marts.dim_year as select cast(y as integer) as year, y in (2022, 2023) as is_report_year "
        "from range(2020, 2025) t(y)"
    )


def _build_procurement(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        create table marts.fct_procurement_lots (
            lot_id varchar primary key, project_code varchar, lot_no varchar, project_name varchar,
            catalog_code varchar, catalog_name varchar, division_code varchar, division_name varchar,
            buyer varchar, county_code varchar, attribution varchar, attribution_rule integer,
            status varchar, award_yuan decimal(38, 6), award_source_file varchar,
            award_source_line bigint, investment_date date, investment_year integer,
            is_informatization boolean, is_smart_city boolean, primary_scenario_code varchar,
            notice_count bigint, first_publish_date date, last_publish_date date)
        """
    )
    con.execute(
        """
        create table marts.fct_procurement_notices (
            notice_row_id varchar primary key, lot_id varchar, notice_id varchar, notice_class varchar,
            publish_date date, award_yuan decimal(38, 6), budget_yuan decimal(38, 6),
            procurement_method varchar, supplier_name varchar, source_file varchar,
            source_line bigint, is_collapsed_repost boolean, survivor_row_id varchar)
        """
    )
    con.execute(
        "create table marts.fct_lot_scenarios (lot_id varchar, scenario_code varchar, "
        "is_primary boolean, category varchar, primary key (lot_id, scenario_code))"
    )
    names = dict(con.execute("select county_code, county_name from marts.dim_county").fetchall())
    categories = dict(con.execute("select scenario_code, category from marts.dim_scenario").fetchall())
    catalog_names = {"A0201": "信息化设备", "A0208": "通信设备", "A080603": "计算机软件", "B0602": "智能化安装工程"}
    line = {2022: 1, 2023: 1}
    for code, lot_no, title, county, status, award, inv_date, smart, scenarios, catalog in _LOTS:
        lot_id = f"{code}|{lot_no}"
        year = int(code[4:8])
        tender_date = dt.date(year, 1, 10) + dt.timedelta(days=len(line) * 3 + line[year])
        inv = dt.date.fromisoformat(inv_date) if inv_date else None
        notices = []  # (class, date, award)
        notices.append(("tender", tender_date, None))
        if status == "awarded":
            notices.append(("result", inv, award))
        else:
            notices.append(("failed", tender_date + dt.timedelta(days=30), None))
        division = county or ("450300" if "桂林市" in title else "459999")
        attribution = "county" if county else ("not_county_level" if division == "450300" else "unattributed")
        rows = []
        for notice_class, date, amount in notices:
            line[year] += 1
            source_file = f"procurement/{year}-{date.month:02d}.csv"
            rows.append((f"{source_file}:{line[year]}", lot_id, f"N{code}-{lot_no}-{notice_class}",
                         notice_class, date, amount, (award or 3_000_000) * 1.1,
                         "公开招标", "广西某某信息技术有限公司" if notice_class == "result" else None,
                         source_file, line[year], False, None))
        if lot_id == "GXZC2022-001|1":
            # a collapsed re-post of the result notice, as the warehouse keeps them
            survivor = rows[-1]
            line[year] += 1
            rows.append((f"procurement/{year}-{inv.month:02d}.csv:{line[year]}", lot_id, survivor[2] + "-r",
                         "result", inv, award, survivor[6], "公开招标", survivor[8],
                         f"procurement/{year}-{inv.month:02d}.csv", line[year], True, survivor[0]))
        con.executemany("insert into marts.fct_procurement_notices values (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        award_row = [r for r in rows if r[3] == "result" and not r[11]]
        con.execute(
            "insert into marts.fct_procurement_lots values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [lot_id, code, lot_no, title, catalog, catalog_names[catalog], division,
             names.get(county, "桂林市" if division == "450300" else None), f"{names.get(county, '')}某单位",
             county, attribution, 1 if county else (2 if attribution == "not_county_level" else 5), status,
             award, award_row[0][9] if award_row else None, award_row[0][10] if award_row else None,
             inv, inv.year if inv else None, True, smart, scenarios[0] if scenarios else None,
             len(rows), min(r[4] for r in rows), max(r[4] for r in rows)],
        )
        for i, scenario in enumerate(scenarios):
            con.execute("insert into marts.fct_lot_scenarios values (?,?,?,?)",
                        [lot_id, scenario, i == 0, categories[scenario]])


def _build_enterprises(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        create table marts.fct_enterprises (
            uscc varchar primary key, enterprise_name varchar, status_raw varchar, status_class varchar,
            established_date date, closed_date date, registered_capital_yuan decimal(38, 6),
            company_type varchar, industry_code varchar, industry_name varchar, de_category varchar,
            de_category_zh varchar, de_subcategory_zh varchar, county_code varchar, attribution varchar,
            attribution_rule integer, on_register_from date, on_register_until date,
            is_on_register boolean, is_digital_economy boolean, is_smart_city_enterprise boolean,
            duplicate_count integer, source_file varchar, source_line bigint)
        """
    )
    status_raw = {"active": "存续", "suspended": "停业", "closed": "注销"}
    for i, (uscc, name, county, code, industry, cat, status, smart) in enumerate(_ENTERPRISES):
        on_register = status != "closed"
        closed = dt.date(2023, 5, 1) if status == "closed" else None
        established = dt.date(2015 + i % 8, 1 + i, 1)
        con.execute(
            "insert into marts.fct_enterprises values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [uscc, name, status_raw[status], status, established, closed, 1_000_000 * (i + 1),
             "有限责任公司", code, industry, cat, _DE_CATEGORY_ZH.get(cat), None, county, "county", 1,
             established, closed, on_register, on_register and cat is not None,
             on_register and cat is not None and smart, 1, "registry/2024-06.csv", i + 2],
        )


def _build_connectivity(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        create table marts.fct_county_connectivity (
            county_code varchar, year integer, resident_population bigint, rural_population bigint,
            internet_users bigint, rural_internet_users bigint, households bigint,
            broadband_households bigint, bs5g_count bigint, gigabit_coverage double,
            bs5g_per_10k double, broadband_per_100_households double, village_5g_rate double,
            internet_penetration double, source_file varchar, source_line bigint)
        """
    )
    for (code, year, pop, rural, users, rural_users, hh, bb, bs5g, gig, v5g, src, src_line) in _connectivity_rows():
        con.execute(
            "insert into marts.fct_county_connectivity values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [code, year, pop, rural, users, rural_users, hh, bb, bs5g, gig / 100, bs5g / pop * 10_000,
             bb / hh * 100, v5g / 100, users / pop, src, src_line],
        )


def _build_quality(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table marts.fct_quarantined_rows (source varchar, source_file varchar, "
        "source_line bigint, reason varchar)"
    )
    con.executemany(
        "insert into marts.fct_quarantined_rows values (?,?,?,?)",
        [("procurement", "procurement/2022-03.csv", 17, "invalid_date"),
         ("procurement", "procurement/2022-03.csv", 41, "missing_required"),
         ("procurement", "procurement/2023-05.csv", 9, "unknown_notice_type"),
         ("registry", "registry/2024-06.csv", 118, "invalid_uscc"),
         ("registry", "registry/2024-06.csv", 240, "invalid_uscc"),
         ("registry", "registry/2024-06.csv", 377, "unknown_status"),
         ("connectivity", "connectivity/2023.csv", 5, "not_county_code")],
    )


def _build_report(con: duckdb.DuckDBPyConnection) -> None:
    county_lots = "marts.fct_procurement_lots where status = 'awarded' and county_code is not null"
    con.execute(
        f"""
        create table report.fig1_investment_share as
        with y as (select cast(year as integer) as year from marts.dim_year where is_report_year),
        l as (select * from {county_lots})
        select y.year,
               coalesce(sum(l.award_yuan) filter (where l.is_informatization), 0)::decimal(38, 6)
                   as informatization_investment_yuan,
               coalesce(sum(l.award_yuan) filter (where l.is_smart_city), 0)::decimal(38, 6)
                   as smart_city_investment_yuan,
               (sum(l.award_yuan) filter (where l.is_smart_city)
                / nullif(sum(l.award_yuan) filter (where l.is_informatization), 0))::double as smart_city_share,
               count(l.lot_id) filter (where l.is_informatization) as informatization_lot_count,
               count(l.lot_id) filter (where l.is_smart_city) as smart_city_lot_count,
               count(distinct l.county_code) filter (where l.is_smart_city) as counties_with_smart_city
        from y left join l on l.investment_year = y.year
        group by y.year order by y.year
        """
    )
    con.execute(
        f"""
        create table report.county_coverage as
        select 2023 as as_of_year, 111::bigint as counties_total,
               count(distinct county_code) as counties_with_smart_city,
               count(distinct county_code) / 111.0 as coverage_rate
        from {county_lots} and is_smart_city and investment_year <= 2023
        """
    )
    con.execute(
        f"""
        create table report.scenarios as
        with l as (select * from {county_lots} and is_smart_city and investment_year in (2022, 2023)),
        s as (
            select l.investment_year as year, b.scenario_code, d.scenario_zh, d.category,
                   count(*) as lot_count,
                   coalesce(sum(l.award_yuan) filter (where b.is_primary), 0)::decimal(38, 6)
                       as primary_investment_yuan
            from l join marts.fct_lot_scenarios b using (lot_id)
            join marts.dim_scenario d using (scenario_code)
            group by all)
        select *, rank() over (partition by year order by lot_count desc)::bigint as rank
        from s order by year, rank, scenario_code
        """
    )
    con.execute(
        f"""
        create table report.scenario_categories as
        with l as (select * from {county_lots} and is_smart_city and investment_year in (2022, 2023)),
        g as (select y.year, c.category from (values (2022), (2023)) y(year)
              cross join (values ('city_governance'), ('industry_management'), ('livelihood_services')) c(category)),
        p as (select l.investment_year as year, d.category, count(*) as lot_count,
                     coalesce(sum(l.award_yuan), 0) as investment_yuan
              from l join marts.dim_scenario d on d.scenario_code = l.primary_scenario_code group by all),
        n as (select l.investment_year as year, b.category, count(distinct b.scenario_code) as scenario_count
              from l join marts.fct_lot_scenarios b using (lot_id) group by all),
        j as (select g.year, g.category, coalesce(p.lot_count, 0) as lot_count,
                     coalesce(p.investment_yuan, 0)::decimal(38, 6) as investment_yuan,
                     coalesce(n.scenario_count, 0) as scenario_count
              from g left join p using (year, category) left join n using (year, category))
        select *, rank() over (partition by year order by lot_count desc)::bigint as rank
        from j order by year, rank, category
        """
    )
    con.execute("create table report.hot_topics (year integer, term varchar, frequency bigint)")
    con.executemany(
        "insert into report.hot_topics values (?,?,?)",
        [(year, term, freq) for year, terms in _HOT_TOPICS.items() for term, freq in terms.items()],
    )
    con.execute(
        f"""
        create table report.development_modes as
        with l as (select * from {county_lots} and is_smart_city and investment_year in (2022, 2023)),
        c as (
            select l.county_code,
                   sum(l.award_yuan) as total,
                   sum(l.award_yuan) filter (where d.category = 'industry_management') as industry,
                   bool_or(l.primary_scenario_code = 'G00') as platform,
                   arg_min(l.project_name, l.investment_date) filter (where l.primary_scenario_code = 'G00')
                       as platform_lot,
                   arg_max(l.project_name, l.award_yuan) filter (where d.category = 'industry_management')
                       as industry_lot,
                   arg_max(l.project_name, coalesce(l.award_yuan, -1)) as largest_lot
            from l join marts.dim_scenario d on d.scenario_code = l.primary_scenario_code
            group by l.county_code)
        select c.county_code, k.county_name,
               case when platform then 'integrated_platform'
                    when coalesce(industry, 0) / nullif(total, 0) >= 0.5 then 'resource_endowment'
                    else 'unified_deployment' end as mode,
               coalesce(total, 0)::decimal(38, 6) as smart_city_investment_yuan,
               (coalesce(industry, 0) / nullif(total, 0))::double as industry_share,
               case when platform then platform_lot
                    when coalesce(industry, 0) / nullif(total, 0) >= 0.5 then industry_lot
                    else largest_lot end as evidence_lot
        from c join marts.dim_county k using (county_code) order by c.county_code
        """
    )
    con.execute(
        """
        create table report.development_mode_summary as
        with m as (select * from (values ('integrated_platform'), ('resource_endowment'),
                                         ('unified_deployment')) t(mode)),
        c as (select m.mode, count(d.county_code) as county_count
              from m left join report.development_modes d using (mode) group by m.mode)
        select mode, county_count, rank() over (order by county_count desc)::bigint as rank
        from c order by rank, mode
        """
    )
    con.execute(
        """
        create table report.enterprise_counts as
        select date '2024-06-30' as as_of_date,
               count(*) filter (where is_on_register and county_code is not null) as enterprises_on_register,
               count(*) filter (where is_digital_economy) as digital_economy_enterprises,
               count(*) filter (where is_smart_city_enterprise) as smart_city_enterprises
        from marts.fct_enterprises
        """
    )
    con.execute(
        """
        create table report.network_infrastructure_ranking as
        with n as (
            select c.year, c.county_code, k.county_name, k.county_type, c.gigabit_coverage, c.bs5g_per_10k,
                   c.broadband_per_100_households, c.village_5g_rate, c.internet_penetration,
                   k.is_urban_unit,
                   (gigabit_coverage - min(gigabit_coverage) over w)
                       / nullif(max(gigabit_coverage) over w - min(gigabit_coverage) over w, 0) as n1,
                   (bs5g_per_10k - min(bs5g_per_10k) over w)
                       / nullif(max(bs5g_per_10k) over w - min(bs5g_per_10k) over w, 0) as n2,
                   (broadband_per_100_households - min(broadband_per_100_households) over w)
                       / nullif(max(broadband_per_100_households) over w
                                - min(broadband_per_100_households) over w, 0) as n3,
                   (village_5g_rate - min(village_5g_rate) over w)
                       / nullif(max(village_5g_rate) over w - min(village_5g_rate) over w, 0) as n4,
                   (internet_penetration - min(internet_penetration) over w)
                       / nullif(max(internet_penetration) over w - min(internet_penetration) over w, 0) as n5
            from marts.fct_county_connectivity c join marts.dim_county k using (county_code)
            window w as (partition by c.year)),
        s as (select *, round(100 * (0.25 * coalesce(n1, 0) + 0.25 * coalesce(n2, 0) + 0.20 * coalesce(n3, 0)
                                     + 0.15 * coalesce(n4, 0) + 0.15 * coalesce(n5, 0)), 6) as score from n)
        select year, county_code, county_name, county_type, gigabit_coverage, bs5g_per_10k,
               broadband_per_100_households, village_5g_rate, internet_penetration, score,
               rank() over (partition by year order by score desc)::bigint as rank, is_urban_unit
        from s order by year, rank, county_code
        """
    )
    con.execute(
        """
        create table report.internet_penetration as
        select year, count(*) as county_count,
               sum(internet_users) / sum(resident_population) as overall_rate,
               sum(rural_internet_users) / sum(rural_population) as rural_rate,
               (sum(internet_users) - sum(rural_internet_users))
                   / (sum(resident_population) - sum(rural_population)) as urban_rate
        from marts.fct_county_connectivity group by year order by year
        """
    )
    con.execute(
        """
        create table report.national_share as
        select year, smart_city_investment_yuan as county_smart_city_investment_yuan,
               210000000000::decimal(38, 6) as national_smart_city_investment_yuan,
               (smart_city_investment_yuan / 210000000000)::double as share
        from report.fig1_investment_share where year = 2023
        """
    )
    con.execute(
        """
        create table report.figure_reconciliation (
            figure_id varchar, claim_zh varchar, published_value varchar, computed_value varchar,
            unit varchar, comparison varchar, matches boolean, report_model varchar)
        """
    )
    published = con.execute(
        f"select figure_id, claim_zh, published_value, unit, comparison, report_model "
        f"from read_csv('{SEEDS / 'report_published_figures.csv'}', header = true, all_varchar = true) "
        f"order by figure_id"
    ).fetchall()
    computed = {"F01": "19.61", "F02": "22.27", "F03": "1", "F04": "9", "F05": "8", "F06": "14",
                "F07": "city_governance>industry_management>livelihood_services",
                "F08": "integrated_platform=unified_deployment>resource_endowment", "F09": "0",
                "F10": "4", "F11": "0", "F12": "75.2", "F13": "56.4", "F14": "2100", "F15": "0.02"}
    for figure_id, claim, value, unit, comparison, model in published:
        con.execute("insert into report.figure_reconciliation values (?,?,?,?,?,?,?,?)",
                    [figure_id, claim, value, computed[figure_id], unit, comparison,
                     computed[figure_id] == value, model])
    con.execute(
        """
        create table report.data_quality as
        select source, reason, count(*) as row_count from marts.fct_quarantined_rows group by all
        union all select 'procurement', 'unparseable_amount', 2
        union all select 'procurement', 'collapsed_repost', 1
        union all select 'registry', 'superseded_duplicate', 3
        union all select 'procurement', 'unattributed', 1
        union all select 'procurement', 'not_county_level', 1
        order by 1, 2
        """
    )


# Integrity flags raised on fixture lots: (lot_id, flag, detail).
_FLAGS: list[tuple[str, str, str]] = [
    ("GXZC2022-002|1", "single_source", "采购方式：单一来源"),
    ("GXZC2022-002|1", "award_near_budget", "成交 1250 万元 ≥ 99.5% × 预算 1255 万元"),
    ("GXZC2022-001|1", "short_tender_window", "公开招标 5 天 < 20 天"),
    ("GXZC2023-001|1", "young_supplier", "成立于成交前 90 天"),
    ("GXZC2023-002|1", "dominant_supplier", "同一采购人 3 个标项中 3 个、金额占 80%"),
    ("GXZC2023-004|1", "award_over_budget", "成交 725 万元 > 预算 700 万元"),
    ("GXZC2023-006|1", "inactive_supplier", "成交日供应商已注销"),
]
# Winning suppliers by lot (USCC from the fixture registry, or one from outside Guangxi, or none).
_SUPPLIER_OF = {
    "GXZC2022-001|1": "91450325MA5K000011", "GXZC2022-002|1": "91450325MA5K000011",
    "GXZC2023-001|1": "91450325MA5K000022", "GXZC2023-002|1": "91450325MA5K000011",
    "GXZC2022-003|1": "91450321MA5K000033", "GXZC2022-005|1": "91450103MA5K000066",
    "GXZC2023-004|1": "91440300MA5K0000DD", "GXZC2022-007|1": "91450103MA5K000055",
}
_LOCALITY_SQL = """
    case when l.supplier_uscc is null then 'unknown'
         when s.home_county_code = l.county_code then 'same_county'
         when s.home_prefecture_code = c.prefecture_code then 'same_prefecture'
         when s.home_division_code like '45%' then 'other_guangxi'
         else 'outside_guangxi' end
"""


def _build_suppliers_and_flags(con: duckdb.DuckDBPyConnection) -> None:
    """Lot attributes, dim_supplier, integrity flags and supplier locality (scorecard contract)."""
    for column, kind in [("procurement_method", "varchar"), ("budget_yuan", "decimal(38, 6)"), ("award_date", "date"),
                         ("tender_date", "date"), ("decision_days", "integer"), ("supplier_name", "varchar"),
                         ("supplier_uscc", "varchar"), ("supplier_locality", "varchar")]:
        con.execute(f"alter table marts.fct_procurement_lots add column {column} {kind}")
    con.execute(
        """
        update marts.fct_procurement_lots l set procurement_method = '公开招标',
            budget_yuan = (select max(budget_yuan) from marts.fct_procurement_notices n where n.lot_id = l.lot_id),
            tender_date = (select min(publish_date) from marts.fct_procurement_notices n
                           where n.lot_id = l.lot_id and n.notice_class = 'tender')
        """
    )
    con.execute(
        "update marts.fct_procurement_lots set award_date = investment_date, "
        "decision_days = investment_date - tender_date, supplier_name = '广西某某信息技术有限公司' "
        "where status = 'awarded'"
    )
    con.executemany("update marts.fct_procurement_lots set supplier_uscc = ? where lot_id = ?",
                    [(uscc, lot) for lot, uscc in _SUPPLIER_OF.items()])
    con.execute(
        """
        create table marts.dim_supplier as
        with u as (select supplier_uscc, max(supplier_name) as supplier_name from marts.fct_procurement_lots
                   where supplier_uscc is not null group by all)
        select u.supplier_uscc, coalesce(e.enterprise_name, u.supplier_name) as supplier_name,
               e.uscc is not null as in_registry, e.established_date, e.status_class,
               e.county_code as registry_county_code,
               coalesce(e.county_code, substr(u.supplier_uscc, 3, 6)) as home_division_code,
               c.county_code as home_county_code, c.prefecture_code as home_prefecture_code
        from u left join marts.fct_enterprises e on e.uscc = u.supplier_uscc
        left join marts.dim_county c on c.county_code = coalesce(e.county_code, substr(u.supplier_uscc, 3, 6))
        """
    )
    con.execute(
        f"""
        update marts.fct_procurement_lots l set supplier_locality = x.locality
        from (select l.lot_id, {_LOCALITY_SQL} as locality
              from marts.fct_procurement_lots l left join marts.dim_supplier s using (supplier_uscc)
              left join marts.dim_county c on c.county_code = l.county_code) x
        where x.lot_id = l.lot_id and l.status = 'awarded' and l.county_code is not null
        """
    )
    con.execute(
        "create table report.integrity_flags (lot_id varchar, project_code varchar, county_code varchar, "
        "investment_year integer, flag varchar, detail varchar)"
    )
    for lot_id, flag, detail in _FLAGS:
        con.execute(
            "insert into report.integrity_flags select lot_id, project_code, county_code, investment_year, ?, ? "
            "from marts.fct_procurement_lots where lot_id = ?",
            [flag, detail, lot_id],
        )
    flags = ["single_source", "short_tender_window", "award_over_budget", "award_near_budget", "young_supplier",
             "inactive_supplier", "dominant_supplier"]
    con.execute(
        f"""
        create table report.county_integrity as
        with y as (select year from marts.dim_year where is_report_year),
        l as (select * from marts.fct_procurement_lots
              where status = 'awarded' and is_informatization and county_code is not null),
        per as (
            select y.year, c.county_code, count(distinct l.lot_id) as lot_count,
                   count(distinct f.lot_id) as flagged_lot_count,
                   {', '.join(f"count(*) filter (where f.flag = '{flag}') as {flag}_count" for flag in flags)}
            from y cross join marts.dim_county c
            left join l on l.county_code = c.county_code and l.investment_year = y.year
            left join report.integrity_flags f on f.lot_id = l.lot_id
            group by all)
        select year, county_code, lot_count, flagged_lot_count,
               flagged_lot_count / nullif(lot_count, 0) as flagged_share,
               {', '.join(f'{flag}_count' for flag in flags)}
        from per order by year, county_code
        """
    )
    con.execute(
        """
        create table report.supplier_locality as
        with y as (select year from marts.dim_year where is_report_year),
        k(locality) as (values ('same_county'), ('same_prefecture'), ('other_guangxi'), ('outside_guangxi'),
                               ('unknown')),
        l as (select * from marts.fct_procurement_lots
              where status = 'awarded' and is_smart_city and county_code is not null)
        , total as (select investment_year as year, sum(award_yuan) as award_yuan from l group by all)
        select y.year, k.locality, count(l.lot_id) as lot_count, coalesce(sum(l.award_yuan), 0) as award_yuan,
               coalesce(sum(l.award_yuan), 0) / nullif(any_value(t.award_yuan), 0) as award_share
        from y cross join k left join l on l.investment_year = y.year and l.supplier_locality = k.locality
        left join total t on t.year = y.year
        group by y.year, k.locality order by 1, 2
        """
    )


def _build_scorecard(con: duckdb.DuckDBPyConnection) -> None:
    """Eleven indicators per (year, county) from a hash (scenario_breadth from the lots), scored by
    the contract's percentile formula, then pillars, overall, rank and weakest pillar."""
    indicators = [(1, "scenario_breadth"), (1, "category_balance"), (1, "has_plan"), (2, "has_data_platform"),
                  (2, "data_platform_investment_share"), (3, "digital_economy_per_10k"),
                  (3, "local_supplier_share"), (4, "network_index_score"), (4, "rural_internet_penetration"),
                  (5, "smart_city_investment_per_capita"), (5, "service_purchase_share")]
    values = ", ".join(f"({pillar}, '{name}')" for pillar, name in indicators)
    con.execute(
        f"""
        create table report.county_scorecard_indicators as
        with y as (select year from marts.dim_year where is_report_year),
        i(pillar, indicator) as (values {values}),
        breadth as (select l.county_code, l.investment_year as year, count(distinct s.scenario_code) as n
                    from marts.fct_procurement_lots l join marts.fct_lot_scenarios s using (lot_id)
                    where l.status = 'awarded' and l.is_smart_city group by all),
        v as (
            select y.year, c.county_code, i.pillar, i.indicator,
                   case when i.indicator = 'scenario_breadth' then coalesce(b.n, 0)::double
                        when i.indicator in ('has_plan', 'has_data_platform') then (hash(c.county_code, i.indicator) % 2)::double
                        when i.indicator = 'local_supplier_share' and hash(c.county_code, y.year) % 3 = 0 then null
                        else (hash(c.county_code, i.indicator, y.year) % 1000) / 1000.0 end as value
            from y cross join marts.dim_county c cross join i
            left join breadth b on b.county_code = c.county_code and b.year = y.year)
        select year, county_code, pillar, indicator, value,
               case when value is null then null
                    when count(value) over w = 1 then 100.0
                    else round(100.0 * (rank() over (partition by year, indicator, value is null order by value) - 1)
                               / (count(value) over w - 1), 6) end as score,
               count(value) over w as n_counties
        from v
        window w as (partition by year, indicator)
        """
    )
    pillars = ", ".join(f"round(avg(score) filter (where pillar = {p}), 6) as pillar_{p}_score" for p in range(1, 6))
    con.execute(
        f"""
        create table report.county_scorecard as
        with p as (select year, county_code, {pillars}
                   from report.county_scorecard_indicators group by all),
        o as (select *, round((pillar_1_score + pillar_2_score + pillar_3_score + pillar_4_score + pillar_5_score)
                              / 5, 6) as overall_score from p)
        select o.year, o.county_code, c.county_name, c.prefecture_name,
               pillar_1_score, pillar_2_score, pillar_3_score, pillar_4_score, pillar_5_score, overall_score,
               rank() over (partition by o.year order by overall_score desc) as rank,
               list_position([pillar_1_score, pillar_2_score, pillar_3_score, pillar_4_score, pillar_5_score],
                             least(pillar_1_score, pillar_2_score, pillar_3_score, pillar_4_score, pillar_5_score))
                   as weakest_pillar
        from o join marts.dim_county c using (county_code)
        order by year, rank, county_code
        """
    )


def _build_meta(con: duckdb.DuckDBPyConnection, report_html: Path) -> None:
    con.execute(
        """
        create table meta.build_info (built_at timestamp, raw_dir varchar, validation_passed boolean,
            validation_errors integer, validation_warnings integer, validation_report varchar,
            dbt_version varchar)
        """
    )
    con.execute(
        "insert into meta.build_info values (timestamp '2024-07-01 08:30:00', '/data/raw', true, 0, 1, ?, '1.11.16')",
        [str(report_html)],
    )
    con.execute(
        "create table meta.validation_results (check_name varchar, table_name varchar, severity varchar, "
        "passed boolean, failed_expectations varchar)"
    )
    con.executemany(
        "insert into meta.validation_results values (?,?,?,?,?)",
        [("lots_suite", "marts.fct_procurement_lots", "ERROR", True, "[]"),
         ("enterprises_suite", "marts.fct_enterprises", "ERROR", True, "[]"),
         ("enterprises_capital", "marts.fct_enterprises", "WARN", False,
          json.dumps([{"expectation": "expect_column_values_to_not_be_null", "unexpected_count": 2,
                       "examples": ["91450321MA5K000044"]}], ensure_ascii=False)),
         ("connectivity_suite", "marts.fct_county_connectivity", "ERROR", True, "[]")],
    )
    con.execute(
        "create table meta.dbt_models (unique_id varchar, name varchar, schema_name varchar, "
        "description varchar, raw_sql varchar, compiled_sql varchar, depends_on varchar)"
    )
    relations = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('marts', 'report') order by 1, 2"
    ).fetchall()
    for schema, name in relations:
        upstream = ["model.smartcounty.fct_procurement_lots"] if schema == "report" else []
        con.execute(
            "insert into meta.dbt_models values (?,?,?,?,?,?,?)",
            [f"model.smartcounty.{name}", name, schema, f"{name} 的说明 description of {name}",
             f"select * from {{{{ ref('int_{name}') }}}}",
             f'select *\nfrom "warehouse"."intermediate"."int_{name}"', json.dumps(upstream)],
        )
