"""GX suites as code: each suite passes on a small good warehouse and fails, on exactly the
expected expectation, when one crafted defect is introduced; band checks escalate from WARN
to ERROR; the HTML report is written; personal-data columns never reach a frame.

The warehouse is built by hand in an in-memory DuckDB (a few hundred rows) with the
schemas of docs/DESIGN.md and docs/contracts/figures.md.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from expectations import bands, params
from expectations.html_report import write_report
from expectations.runner import PERSONAL_COLUMNS, SUITES, frame_query, suite_name, validate, validate_all
from expectations.suites import (
    county_coverage,
    dim_county,
    fct_county_connectivity,
    fct_enterprises,
    fct_procurement_lots,
    fct_procurement_lots_bands,
    fig1_investment_share,
    figure_reconciliation,
    network_infrastructure_ranking,
    raw_connectivity_indicators,
    raw_connectivity_volume,
    raw_procurement_notices,
    raw_procurement_volume,
    raw_registry_enterprises,
    raw_registry_volume,
    report_shares,
)

from test_expectations_integrity import add_integrity_relations
from scorecard_helpers import add_scorecard_tables
from conftest import failed_keys
from smartcounty.rawload.spec import CONNECTIVITY, PROCUREMENT, REGISTRY

SEEDS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

PROCUREMENT_HEADERS = list(PROCUREMENT.headers)  # the contract spec is the one home of the raw headers
REGISTRY_HEADERS = list(REGISTRY.headers)
CONNECTIVITY_HEADERS = list(CONNECTIVITY.headers)


def _varchar_columns(headers: list[str]) -> str:
    return ", ".join(f'"{h}" varchar' for h in headers)


def _files_table(con: duckdb.DuckDBPyConnection, source: str, accepted: str) -> None:
    con.execute(f"""
        create table raw.{source}_files as
        select source_file, 'loaded' as status, 'utf-8' as encoding, 0::bigint as bytes, '' as sha256,
               (coalesce(a.n, 0) + coalesce(q.n, 0))::bigint as rows_read, coalesce(a.n, 0)::bigint as rows_accepted,
               coalesce(q.n, 0)::bigint as rows_quarantined
        from (select source_file, count(*) as n from raw.{accepted} group by all) a
        full join (select source_file, count(*) as n from raw.{source}_quarantine group by all) q using (source_file)
    """)


def build_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    for schema in ("raw", "reference", "marts", "report", "incremental"):
        con.execute(f"create schema {schema}")
    con.execute("create table incremental.published_sources (source varchar, files bigint, rows_accepted bigint)")

    # raw.procurement_notices: 30 notices in each of 2021, 2022, 2023 (contact columns filled,
    # so a leak would show), one quarantined row.
    con.execute(f"""
        create table raw.procurement_notices ({_varchar_columns(PROCUREMENT_HEADERS)},
            notice_class varchar, publish_date date, lot_no varchar, division_code varchar,
            budget_yuan decimal(38,6), award_yuan decimal(38,6), source_file varchar, source_line bigint)
    """)
    con.execute("""
        insert into raw.procurement_notices by name
        select 'N' || i as "公告ID", 'P' || i as "项目编号", '兴安县智慧城市项目' || i as "项目名称",
               '中标(成交)结果公告' as "公告类型", d::varchar as "发布日期", '1' as "标项号",
               '450325' as "区划代码", '采购人' || i as "采购人", '张三' as "联系人", '13800000000' as "联系电话",
               'result' as notice_class, d as publish_date, '1' as lot_no, '450325' as division_code,
               100000 as budget_yuan, 90000 as award_yuan,
               'procurement/' || year(d) || '.csv' as source_file, (i % 30 + 2)::bigint as source_line
        from (select i, make_date(2021 + i // 30, 1 + i % 12, 1 + i % 28) as d from range(90) t(i))
    """)
    con.execute("""create table raw.procurement_quarantine as
        select 'procurement/2022.csv' as source_file, 40::bigint as source_line, 'invalid_date' as reason""")
    _files_table(con, "procurement", "procurement_notices")

    # raw.registry_enterprises: 25 enterprises established in each of 2021, 2022, 2023.
    con.execute(f"""
        create table raw.registry_enterprises ({_varchar_columns(REGISTRY_HEADERS)},
            uscc varchar, status_class varchar, established_date date, approved_date date,
            deregistered_date date, revoked_date date, registered_capital_yuan decimal(38,6),
            industry_code varchar, division_code varchar, source_file varchar, source_line bigint)
    """)
    con.execute("""
        insert into raw.registry_enterprises by name
        select u as "统一社会信用代码", '企业' || i as "企业名称", '存续' as "登记状态", d::varchar as "成立日期",
               '李四' as "法定代表人", u as uscc, 'active' as status_class, d as established_date,
               5000000 as registered_capital_yuan, '6510' as industry_code, '450325' as division_code,
               'registry/r.csv' as source_file, (i + 2)::bigint as source_line
        from (select i, '914503257' || lpad(i::varchar, 9, '0') as u,
                     make_date(2021 + i // 25, 1 + i % 12, 1 + i % 28) as d from range(75) t(i))
    """)
    con.execute("create table raw.registry_quarantine (source_file varchar, source_line bigint, reason varchar)")
    _files_table(con, "registry", "registry_enterprises")

    # raw.connectivity_indicators: 3 counties × 2022–2023.
    con.execute(f"""
        create table raw.connectivity_indicators ({_varchar_columns(CONNECTIVITY_HEADERS)},
            division_code varchar, county_code varchar, year integer, resident_population bigint,
            rural_population bigint, internet_users bigint, rural_internet_users bigint, households bigint,
            broadband_households bigint, bs5g_count bigint, gigabit_coverage_pct double, village_5g_pct double,
            source_file varchar, source_line bigint)
    """)
    con.execute("""
        insert into raw.connectivity_indicators by name
        select c as "区划代码", y::varchar as "年份", '300000' as "常住人口", '200000' as "乡村常住人口",
               '220000' as "网民数", '110000' as "乡村网民数", '100000' as "家庭户数", '80000' as "固定宽带用户数",
               '95' as "千兆光网覆盖率", '300' as "5G基站数", '88' as "行政村5G通达率",
               c as division_code, c as county_code, y as year, 300000 as resident_population,
               200000 as rural_population, 220000 as internet_users, 110000 as rural_internet_users,
               100000 as households, 80000 as broadband_households, 300 as bs5g_count,
               95.0 as gigabit_coverage_pct, 88.0 as village_5g_pct,
               'connectivity/' || y || '.csv' as source_file, (row_number() over (partition by y) + 1)::bigint
                 as source_line
        from (values ('450325'), ('450321'), ('450103')) c(c), (values (2022), (2023)) y(y)
    """)
    con.execute("create table raw.connectivity_quarantine (source_file varchar, source_line bigint, reason varchar)")
    _files_table(con, "connectivity", "connectivity_indicators")

    # reference + marts.dim_county from the real seeds.
    con.execute(f"""create table reference.report_published_figures as
        select * from read_csv('{SEEDS / "report_published_figures.csv"}', header = true, all_varchar = true)""")
    con.execute(f"""
        create table marts.dim_county as
        select county_code, county_name, prefecture_code, prefecture_name, county_type,
               county_type as county_type_zh, county_type in ('district', 'county_level_city') as is_urban_unit,
               aliases, longitude, latitude
        from read_csv('{SEEDS / "guangxi_counties.csv"}', header = true,
                      types = {{'county_code': 'VARCHAR', 'prefecture_code': 'VARCHAR'}})
    """)

    # marts.fct_procurement_lots: 20 awarded county lots (budget 100 000, award 90 000) and
    # one unattributed not-awarded lot.
    con.execute("""
        create table marts.fct_procurement_lots as
        select 'P' || i || '|1' as lot_id, 'P' || i as project_code, '1' as lot_no,
               case when i < 20 then '450325' end as county_code,
               case when i < 20 then 'county' else 'unattributed' end as attribution,
               case when i < 20 then 1 else 5 end as attribution_rule,
               case when i < 20 then 'awarded' else 'not_awarded' end as status,
               case when i < 20 then 90000 end::decimal(38,6) as award_yuan,
               case when i < 20 then date '2023-03-01' end as investment_date,
               case when i < 20 then 2023 end as investment_year,
               true as is_informatization, i % 2 = 0 as is_smart_city,
               case when i % 2 = 0 then 'G01' end as primary_scenario_code,
               2 as notice_count, date '2023-01-01' as first_publish_date, date '2023-03-01' as last_publish_date
        from range(21) t(i)
    """)
    con.execute("""
        create table marts.fct_procurement_notices as
        select lot_id || ':' || k as notice_row_id, lot_id, 100000::decimal(38,6) as budget_yuan,
               award_yuan, 'result' as notice_class
        from marts.fct_procurement_lots, range(2) t(k)
    """)
    con.execute("""
        create table marts.fct_enterprises as
        select '914503257' || lpad(i::varchar, 9, '0') as uscc, '企业' || i as enterprise_name,
               'active' as status_class, date '2020-05-01' as established_date, null::date as closed_date,
               1000000::decimal(38,6) as registered_capital_yuan, '6510' as industry_code,
               '450325' as county_code, 'county' as attribution, 1 as attribution_rule,
               true as is_on_register, i < 10 as is_digital_economy, i < 3 as is_smart_city_enterprise,
               1 as duplicate_count
        from range(30) t(i)
    """)
    con.execute("""
        create table marts.fct_county_connectivity as
        select county_code, year, resident_population, rural_population, internet_users, rural_internet_users,
               households, broadband_households, bs5g_count, gigabit_coverage_pct as gigabit_coverage,
               bs5g_count / resident_population * 10000 as bs5g_per_10k,
               broadband_households / households * 100 as broadband_per_100_households,
               village_5g_pct as village_5g_rate, internet_users / resident_population as internet_penetration
        from raw.connectivity_indicators
    """)

    # report: fig1 per report year; the ranking has every county each year, with a tie at
    # the top (two rank 1, then rank 3) to pin the competition-rank semantics.
    con.execute("""
        create table report.fig1_investment_share as
        select * from (values
            (2022, 1000000.0, 200000.0, 0.2, 10, 3, 2),
            (2023, 900000.0, 225000.0, 0.25, 9, 4, 3)
        ) v(year, informatization_investment_yuan, smart_city_investment_yuan, smart_city_share,
            informatization_lot_count, smart_city_lot_count, counties_with_smart_city)
    """)
    con.execute("""
        create table report.network_infrastructure_ranking as
        with scored as (
            select y as year, county_code, county_name, county_type, 90.0 as gigabit_coverage, 10.0 as bs5g_per_10k,
                   80.0 as broadband_per_100_households, 80.0 as village_5g_rate, 0.7 as internet_penetration,
                   case when row_number() over (partition by y order by county_code) <= 2 then 90.0
                        else 80.0 - row_number() over (partition by y order by county_code) * 0.5 end as score,
                   is_urban_unit
            from marts.dim_county, (values (2022), (2023)) t(y)
        )
        select *, rank() over (partition by year order by score desc) as "rank" from scored
    """)
    con.execute("""
        create table report.figure_reconciliation as
        select figure_id, claim_zh, published_value, published_value as computed_value, unit, comparison,
               true as matches, report_model
        from reference.report_published_figures
    """)
    con.execute("""create table report.county_coverage as
        select 2023 as as_of_year, 111 as counties_total, 90 as counties_with_smart_city,
               90 / 111 as coverage_rate""")
    con.execute("""create table report.development_modes as
        select '450325' as county_code, 'unified_deployment' as mode, 0.2::double as industry_share
        union all select '450321', 'resource_endowment', null""")
    con.execute("""create table report.internet_penetration as
        select 2023 as year, 3 as county_count, 0.73::double as overall_rate, 0.55::double as rural_rate,
               0.9::double as urban_rate""")
    con.execute("create table report.national_share as select 2023 as year, 0.0052::double as share")
    add_integrity_relations(con)  # issue 11's relations (tests/test_expectations_integrity.py)
    add_scorecard_tables(con)  # the scorecard suites' own defect tests: test_expectations_scorecard.py


# The fixtures gx_warehouse (build_warehouse, once per session) and wh are in conftest.py.


@pytest.mark.parametrize("module", SUITES, ids=suite_name)
def test_suite_passes_on_good_warehouse(wh, module):
    outcome = validate(wh, module)
    assert outcome.failed == []
    assert outcome.passed, outcome.failed
    assert outcome.row_count > 0
    assert outcome.asset_key == module.ASSET_KEY


BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
REGEX = "expect_column_values_to_match_regex"
NOT_NULL = "expect_column_values_to_not_be_null"

# (suite, defect SQL, the failed expectations it must produce — and nothing else)
DEFECTS = [
    (raw_procurement_notices, "update raw.procurement_notices set notice_class = 'award' where source_line = 2",
     {(IN_SET, "notice_class")}),
    (raw_procurement_notices, "update raw.procurement_notices set division_code = '45032' where source_line = 3",
     {(REGEX, "division_code")}),
    (raw_procurement_notices, "update raw.procurement_notices set award_yuan = -1 where source_line = 3",
     {(BETWEEN, "award_yuan")}),
    (raw_procurement_notices, "update raw.procurement_notices set lot_no = '01' where source_line = 3",
     {(REGEX, "lot_no")}),
    (raw_procurement_notices, """update raw.procurement_notices set "项目编号" = null where source_line = 3""",
     {(NOT_NULL, "项目编号")}),
    (raw_procurement_notices, "update raw.procurement_notices set publish_date = date '1970-01-01' where source_line = 3",
     {(BETWEEN, "publish_year")}),
    (raw_registry_enterprises, "update raw.registry_enterprises set uscc = '91450325MA5KI0000O' where source_line = 2",
     {(REGEX, "uscc")}),
    (raw_registry_enterprises, "update raw.registry_enterprises set status_class = 'gone' where source_line = 2",
     {(IN_SET, "status_class")}),
    (raw_registry_enterprises, "update raw.registry_enterprises set industry_code = 'I6510' where source_line = 2",
     {(REGEX, "industry_code")}),
    (raw_connectivity_indicators, "update raw.connectivity_indicators set village_5g_pct = 120 where county_code = '450103'",
     {(BETWEEN, "village_5g_pct")}),
    (raw_connectivity_indicators, "update raw.connectivity_indicators set internet_users = 400000 where source_line = 2",
     {("expect_column_pair_values_a_to_be_greater_than_b", "resident_population")}),
    (raw_procurement_volume, "update raw.procurement_files set rows_read = rows_read + 1 where source_file like '%2022%'",
     {(BETWEEN, "rows_read_gap")}),
    (raw_registry_volume, "delete from raw.registry_enterprises where source_line = 2",
     {(BETWEEN, "accepted_gap")}),
    (dim_county, """update marts.dim_county set county_type = 'county', is_urban_unit = false
                    where county_code = (select min(county_code) from marts.dim_county where county_type = 'district')""",
     {(IN_SET, "type_count_key")}),
    (dim_county, "update marts.dim_county set is_urban_unit = not is_urban_unit where county_code = '450325'",
     {(IN_SET, "urban_flag_consistent")}),
    (dim_county, "update marts.dim_county set longitude = 0 where county_code = '450325'",
     {(BETWEEN, "longitude")}),
    (fct_procurement_lots, "insert into marts.fct_procurement_lots select * from marts.fct_procurement_lots where lot_id = 'P3|1'",
     {(BETWEEN, "lot_id_rows")}),
    (fct_procurement_lots, "update marts.fct_procurement_lots set county_code = '450325' where attribution = 'unattributed'",
     {(IN_SET, "county_code_matches_attribution")}),
    (fct_procurement_lots, "update marts.fct_procurement_lots set county_code = '999999' where lot_id = 'P1|1'",
     {(IN_SET, "county_code_matches_attribution")}),
    (fct_procurement_lots, "update marts.fct_procurement_lots set is_informatization = false where lot_id = 'P0|1'",
     {(IN_SET, "smart_city_is_informatization")}),
    (fct_enterprises, "insert into marts.fct_enterprises select * from marts.fct_enterprises where uscc like '%000000005'",
     {(BETWEEN, "uscc_rows")}),
    (fct_enterprises, "update marts.fct_enterprises set is_digital_economy = false where uscc like '%000000001'",
     {(IN_SET, "smart_city_is_digital_economy")}),
    (fct_county_connectivity, "update marts.fct_county_connectivity set gigabit_coverage = 101 where county_code = '450103'",
     {(BETWEEN, "gigabit_coverage")}),
    (fct_county_connectivity, "insert into marts.fct_county_connectivity select * from marts.fct_county_connectivity limit 1",
     {("expect_compound_columns_to_be_unique", "county_code,year")}),
    (fig1_investment_share, "delete from report.fig1_investment_share where year = 2023",
     {("expect_table_row_count_to_equal", ""), ("expect_column_distinct_values_to_equal_set", "year")}),
    (fig1_investment_share, "update report.fig1_investment_share set smart_city_share = 0.3 where year = 2023",
     {(IN_SET, "share_is_quotient")}),
    (county_coverage, "update report.county_coverage set counties_with_smart_city = 91",
     {(IN_SET, "rate_is_quotient")}),
    (county_coverage, "update report.county_coverage set as_of_year = 2022",
     {(BETWEEN, "as_of_year")}),
    (network_infrastructure_ranking, """delete from report.network_infrastructure_ranking
                                        where year = 2023 and "rank" = 111""",
     {(BETWEEN, "rows_in_year")}),
    # A tie must share the smallest rank: ranks 1, 2 for equal scores are wrong.
    (network_infrastructure_ranking, """update report.network_infrastructure_ranking set "rank" = 2
                                        where year = 2022 and county_code = '450103'""",
     {("expect_column_pair_values_to_be_equal", "rank")}),
    (network_infrastructure_ranking, """update report.network_infrastructure_ranking set score = 101
                                        where year = 2022 and "rank" = 111""",
     {(BETWEEN, "score"), ("expect_column_pair_values_to_be_equal", "rank")}),
    (figure_reconciliation, "delete from report.figure_reconciliation where figure_id = 'F05'",
     {(NOT_NULL, "figure_id")}),
    (figure_reconciliation, "update report.figure_reconciliation set unit = null where figure_id = 'F01'",
     {(NOT_NULL, "unit")}),
    (figure_reconciliation, "insert into report.figure_reconciliation select * from report.figure_reconciliation limit 1",
     {("expect_column_values_to_be_unique", "figure_id")}),
    (report_shares, "update report.county_coverage set coverage_rate = 1.2",
     {(BETWEEN, "value")}),
    (report_shares, "update report.internet_penetration set rural_rate = 56.4",
     {(BETWEEN, "value")}),
]


@pytest.mark.parametrize(("module", "defect", "expected"), DEFECTS,
                         ids=[f"{suite_name(m)}-{i}" for i, (m, _, _) in enumerate(DEFECTS)])
def test_suite_fails_on_exactly_the_expected_expectation(wh, module, defect, expected):
    wh.execute(defect)
    outcome = validate(wh, module)
    assert not outcome.passed
    assert failed_keys(outcome) == expected
    assert outcome.severity == "ERROR"
    assert all(f["unexpected_count"] or f.get("observed_value") is not None or f.get("missing")
               for f in outcome.failed)


def test_failure_examples_locate_the_bad_rows(wh):
    wh.execute("update raw.procurement_notices set notice_class = 'award' where source_line = 2")
    failed = validate(wh, raw_procurement_notices).failed[0]
    assert failed["unexpected_count"] == 3  # one per publish year file
    assert 1 <= len(failed["examples"]) <= 5
    assert all(e["notice_class"] == "award" and e["source_line"] == 2 for e in failed["examples"])

    wh.execute("update report.internet_penetration set rural_rate = 56.4")
    failed = validate(wh, report_shares).failed[0]
    assert failed["examples"] == [{"value": 56.4, "measure": "internet_penetration.rural_rate", "row_key": "2023"}]


def test_figure_mismatch_is_a_warning_not_an_error(wh):
    wh.execute("update report.figure_reconciliation set matches = false where figure_id = 'F09'")
    outcome = validate(wh, figure_reconciliation)
    assert not outcome.passed and outcome.severity == "WARN" and not outcome.blocking
    assert failed_keys(outcome) == {(IN_SET, "matches")}
    assert outcome.failed[0]["examples"] == [{"matches": False, "row_key": "F09"}]


def test_missing_relation_is_a_blocking_failure():
    con = duckdb.connect()
    outcome = validate(con, fig1_investment_share)
    assert not outcome.passed and outcome.blocking
    assert outcome.failed[0]["expectation"] == "query_executes"
    assert "fig1_investment_share" in outcome.failed[0]["exception"]


# --- bands -----------------------------------------------------------------------------

def _band_failures(outcome) -> set[tuple[str, str]]:
    return {(f["meta"]["band"], f["meta"]["band_level"]) for f in outcome.failed}


def _quarantine(con, n: int) -> None:
    con.execute(f"""insert into raw.procurement_quarantine
                    select 'procurement/2022.csv', 100 + i, 'missing_required' from range({n}) t(i)""")
    con.execute("""update raw.procurement_files set rows_quarantined = rows_quarantined + {n}, rows_read = rows_read + {n}
                   where source_file = 'procurement/2022.csv'""".format(n=n))


@pytest.mark.parametrize(("extra_quarantined", "expected"), [
    (0, None),
    (9, "WARN"),    # 10 / 100 = 0.10: inside the warning band (0.05, 0.20]
    (39, "ERROR"),  # 40 / 130 = 0.31: past the error limit 0.20
])
def test_quarantine_share_band(wh, extra_quarantined, expected):
    _quarantine(wh, extra_quarantined)
    outcome = validate(wh, raw_procurement_volume)
    share = next(b for b in outcome.bands if b["band"] == "quarantine_share.procurement")
    assert share["value"] == pytest.approx((1 + extra_quarantined) / (91 + extra_quarantined))
    if expected is None:
        assert outcome.passed and share["level"] == "ok"
        return
    assert not outcome.passed and outcome.severity == expected
    assert share["level"] == expected.lower()
    levels = {"WARN": {"warn"}, "ERROR": {"warn", "error"}}[expected]
    assert _band_failures(outcome) == {("quarantine_share.procurement", level) for level in levels}


@pytest.mark.parametrize(("moved", "expected", "fold"), [
    (20, "WARN", 3.0),    # 2023 keeps 10 of 30 rows: fold 3 in the warning band (2, 5]
    (25, "ERROR", 6.0),   # 5 of 30: fold 6 past the error limit 5
])
def test_year_on_year_band(wh, moved, expected, fold):
    wh.execute(f"""update raw.procurement_notices set publish_date = publish_date + interval 1 year
                   where year(publish_date) = 2023 and source_line - 2 < {moved}""")
    outcome = validate(wh, raw_procurement_volume)
    assert outcome.severity == expected and not outcome.passed
    yoy = {b["key"]: b for b in outcome.bands if b["band"] == "yoy_fold_change.procurement"}
    assert yoy["2023/2022"]["value"] == pytest.approx(fold) and yoy["2022/2021"]["value"] == 1.0
    assert {b for b, _ in _band_failures(outcome)} == {"yoy_fold_change.procurement"}


def test_revised_connectivity_rows_are_not_a_volume_jump(wh):
    # 20 counties × 2022–2023, then a revised 2023 file repeating all 20 (dbt keeps the last).
    wh.execute("""insert into raw.connectivity_indicators by name
                  select c.county_code, c.county_code as division_code, y as year,
                         'connectivity/' || y || (case when k = 1 then 'b' else '' end) || '.csv' as source_file
                  from (select county_code from marts.dim_county order by county_code limit 20) c,
                       (values (2022, 0), (2023, 0), (2023, 1)) t(y, k)""")
    outcome = validate(wh, raw_connectivity_volume, {"bands": {}})
    yoy = {b["key"]: b["value"] for b in outcome.bands if b["band"] == "yoy_fold_change.connectivity"}
    assert yoy == {"2023/2022": 1.0}
    assert {f["meta"]["band"] for f in outcome.failed if "meta" in f} == set()


def test_year_without_rows_after_a_full_year_is_an_error(wh):
    wh.execute("update raw.registry_enterprises set established_date = date '2020-01-01' where year(established_date) = 2023")
    outcome = validate(wh, raw_registry_volume)
    assert outcome.blocking
    assert next(b for b in outcome.bands if b["key"] == "2023/2022")["value"] == "inf"


@pytest.mark.parametrize(("sql", "band_name", "expected"), [
    # 3 unattributed of 23 lots = 0.13: warning band (0.10, 0.30]
    ("insert into marts.fct_procurement_lots by name select 'U' || i || '|1' as lot_id, 'unattributed' as attribution,"
     " 'not_awarded' as status from range(2) t(i)", "unattributed_share.lots", "WARN"),
    ("insert into marts.fct_procurement_lots by name select 'U' || i || '|1' as lot_id, 'unattributed' as attribution,"
     " 'not_awarded' as status from range(10) t(i)", "unattributed_share.lots", "ERROR"),
    # 2 of 20 awarded lots above budget × 1.2 = 0.10: warning band; median ratio stays 0.9
    ("update marts.fct_procurement_lots set award_yuan = 200000 where lot_id in ('P0|1', 'P1|1')",
     "award_over_budget_share.lots", "WARN"),
    ("update marts.fct_procurement_lots set award_yuan = 200000 where lot_id in ('P0|1', 'P1|1', 'P2|1', 'P3|1', 'P4|1')",
     "award_over_budget_share.lots", "ERROR"),
])
def test_lot_bands(wh, sql, band_name, expected):
    wh.execute(sql)
    outcome = validate(wh, fct_procurement_lots_bands)
    assert not outcome.passed and outcome.severity == expected
    assert {b for b, _ in _band_failures(outcome)} == {band_name}


def test_band_overrides_come_from_params(wh):
    tight = {"bands": {"quarantine_share.procurement": {"warn_max": 0.001}}}
    outcome = validate(wh, raw_procurement_volume, tight)
    assert outcome.severity == "WARN" and not outcome.passed
    assert bands.band("quarantine_share.procurement", params.resolve(tight)).error_max == 0.20


def test_band_levels():
    b = bands.Band(warn_min=0.5, warn_max=1.05, error_min=0.2, error_max=1.5)
    assert [b.level(v) for v in (0.1, 0.3, 0.9, 1.1, 2.0, None, float("nan"))] == \
        ["error", "warn", "ok", "warn", "error", "ok", "ok"]


# --- sampling, params, personal data ---------------------------------------------------

def test_sampled_suite_still_sees_every_duplicate_key(wh):
    wh.execute("insert into marts.fct_procurement_lots select * from marts.fct_procurement_lots where lot_id = 'P7|1'")
    outcome = validate(wh, fct_procurement_lots, {"sample_rows": 3})
    assert outcome.statistics["sampled"] is True and outcome.statistics["table_rows"] == 22
    assert outcome.row_count == 3 + 2  # the sample plus both rows of the duplicated key
    assert failed_keys(outcome) == {(BETWEEN, "lot_id_rows")}


def test_report_years_are_a_parameter(wh):
    outcome = validate(wh, fig1_investment_share, {"report_years": [2021, 2022, 2023]})
    assert failed_keys(outcome) == {("expect_table_row_count_to_equal", ""),
                                     ("expect_column_distinct_values_to_equal_set", "year")}


@pytest.mark.parametrize("module", SUITES, ids=suite_name)
def test_no_query_selects_personal_data(module):
    sql = frame_query(module, params.resolve())
    assert not [c for c in PERSONAL_COLUMNS if c in sql]


def test_frames_never_carry_personal_data(wh):
    for outcome_module in (raw_procurement_notices, raw_registry_enterprises):
        frame = wh.execute(frame_query(outcome_module)).df()
        assert not set(frame.columns) & set(PERSONAL_COLUMNS)
        assert not frame.isin(["张三", "13800000000", "李四"]).any().any()


def test_a_query_naming_personal_data_is_refused(wh):
    leaky = SimpleNamespace(NAME="leaky", TABLE="raw.procurement_notices", ASSET_KEY=["raw_procurement"],
                            query=lambda p: 'select "联系电话" from raw.procurement_notices',
                            build_suite=lambda p: [])
    with pytest.raises(ValueError, match="personal"):
        validate(wh, leaky)


# --- registry and report ---------------------------------------------------------------

def test_registry_asset_keys():
    keys = {suite_name(m): m.ASSET_KEY for m in SUITES}
    assert keys["raw_procurement_notices"] == ["raw_procurement"]
    assert keys["raw_registry_volume"] == ["raw_registry"]
    assert keys["raw_connectivity_indicators"] == ["raw_connectivity"]
    assert keys["dim_county"] == ["marts", "dim_county"]
    assert keys["fig1_investment_share"] == ["report", "fig1_investment_share"]
    assert len(keys) == len(SUITES)  # names are unique


def test_html_report_lists_suites_and_failed_expectations(wh, tmp_path):
    wh.execute("update marts.dim_county set longitude = 0 where county_code = '450325'")
    _quarantine(wh, 9)
    outcomes = validate_all(wh)
    assert [o.name for o in outcomes if not o.passed] == ["raw_procurement_volume", "dim_county"]
    path = write_report(outcomes, tmp_path / "gx" / "validation.html", {"版本 version": "test", "raw": "<drop>"})
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for o in outcomes:
        assert o.name in page
    assert "expect_column_values_to_be_between" in page and "longitude" in page
    assert "采购公告隔离行占比" in page and "警告 WARN" in page and "错误 ERROR" in page
    assert "&lt;drop&gt;" in page  # build info is escaped
    assert "<script" not in page


def test_the_context_is_created_once_per_process():
    from expectations import gxlib

    assert gxlib.context() is gxlib.context()  # created once; the checks reuse it
    assert gxlib.DATASOURCE in [ds.name for ds in gxlib.context().data_sources.all().values()]
