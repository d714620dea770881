"""GX suites of issue 11 (integrity flags, county integrity, flag-rate bands, supplier locality):
each passes on the small good warehouse of tests/test_expectations.py and fails, on exactly the
expected expectation, for one crafted defect; the flag-rate bands escalate from WARN to ERROR and
take their limits from the run parameters.

``add_integrity_relations`` adds the good relations to that warehouse (its 20 awarded informatization
lots of 兴安县 450325 in 2023, P0|1 … P19|1, smart-city when even, 90 000 yuan each)."""

from __future__ import annotations

import duckdb
import pytest

from conftest import failed_keys
from expectations.runner import validate
from expectations.suites import county_integrity, integrity_flag_rates, integrity_flags, supplier_locality


def add_integrity_relations(con: duckdb.DuckDBPyConnection) -> None:
    # P0 single source; P1 short window and near budget: 2 flagged lots of 20 (rates 0.05 each).
    con.execute("""
        create table report.integrity_flags as
        select * from (values
            ('P0|1', 'P0', '450325', 2023, 'single_source', '采购方式为“单一来源”'),
            ('P1|1', 'P1', '450325', 2023, 'short_tender_window', '采购公告至中标12天，少于法定20天'),
            ('P1|1', 'P1', '450325', 2023, 'award_near_budget', '中标金额90000.00元，达预算金额90100.00元的99.5%以上')
        ) v(lot_id, project_code, county_code, investment_year, flag, detail)
    """)
    con.execute("""
        create table report.county_integrity as
        with per_lot as (
            select lot_id, max(flag = 'single_source')::int as ss, max(flag = 'short_tender_window')::int as stw,
                   max(flag = 'award_near_budget')::int as anb
            from report.integrity_flags group by lot_id
        ),
        counts as (
            select 2023 as year, '450325' as county_code, 20 as lot_count, count(*) as flagged_lot_count,
                   sum(ss) as ss, sum(stw) as stw, sum(anb) as anb
            from per_lot
        )
        select y.year, d.county_code,
               coalesce(c.lot_count, 0)::bigint as lot_count,
               coalesce(c.flagged_lot_count, 0)::bigint as flagged_lot_count,
               c.flagged_lot_count::double / c.lot_count as flagged_share,
               coalesce(c.ss, 0)::bigint as single_source_count,
               coalesce(c.stw, 0)::bigint as short_tender_window_count,
               0::bigint as award_over_budget_count,
               coalesce(c.anb, 0)::bigint as award_near_budget_count,
               0::bigint as young_supplier_count, 0::bigint as inactive_supplier_count,
               0::bigint as dominant_supplier_count
        from marts.dim_county d
        cross join (values (2022), (2023)) y(year)
        left join counts c on c.year = y.year and c.county_code = d.county_code
    """)
    # 2023: 10 smart-city lots × 90 000: six local, four from elsewhere in Guangxi; 2022: nothing.
    con.execute("""
        create table report.supplier_locality as
        select * from (values
            (2022, 'same_county', 0, 0, null), (2022, 'same_prefecture', 0, 0, null),
            (2022, 'other_guangxi', 0, 0, null), (2022, 'outside_guangxi', 0, 0, null),
            (2022, 'unknown', 0, 0, null),
            (2023, 'same_county', 6, 540000, 0.6), (2023, 'same_prefecture', 0, 0, 0.0),
            (2023, 'other_guangxi', 4, 360000, 0.4), (2023, 'outside_guangxi', 0, 0, 0.0),
            (2023, 'unknown', 0, 0, 0.0)
        ) v(year, locality, lot_count, award_yuan, award_share)
    """)


BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
ROWS = "expect_table_row_count_to_equal"
UNIQUE = "expect_compound_columns_to_be_unique"

DEFECTS = [
    (integrity_flags, "update report.integrity_flags set flag = 'suspicious' where lot_id = 'P0|1'",
     {(IN_SET, "flag")}),
    # a flag on a lot that is not informatization (still awarded and attributed)
    (integrity_flags, "update marts.fct_procurement_lots set is_informatization = false where lot_id = 'P0|1'",
     {(IN_SET, "lot_is_counted_informatization")}),
    # a flag on the unattributed, not-awarded lot: not counted, and its county does not match
    (integrity_flags, "insert into report.integrity_flags values "
                      "('P20|1', 'P20', '450325', 2023, 'single_source', '采购方式为“单一来源”')",
     {(IN_SET, "lot_is_counted_informatization"), (IN_SET, "lot_county_and_year_match")}),
    (integrity_flags, "insert into report.integrity_flags select * from report.integrity_flags where lot_id = 'P0|1'",
     {(UNIQUE, "lot_id,flag")}),
    (county_integrity, "delete from report.county_integrity where year = 2022 and county_code = '450103'",
     {(ROWS, ""), (BETWEEN, "rows_in_year")}),
    (county_integrity, "update report.county_integrity set flagged_lot_count = 25, flagged_share = 1.25 "
                       "where year = 2023 and county_code = '450325'",
     {(BETWEEN, "flagged_share"), (IN_SET, "flagged_within_lots"), (IN_SET, "flag_counts_consistent")}),
    (county_integrity, "update report.county_integrity set flagged_share = 0 where year = 2022 and county_code = '450325'",
     {(IN_SET, "share_is_quotient")}),
    (supplier_locality, "update report.supplier_locality set award_share = 0.7 where year = 2023 and locality = 'same_county'",
     {(IN_SET, "shares_sum_to_one")}),
    (supplier_locality, "delete from report.supplier_locality where year = 2023 and locality = 'unknown'",
     {(ROWS, ""), (BETWEEN, "rows_in_year")}),
]


@pytest.mark.parametrize("module", [integrity_flags, county_integrity, integrity_flag_rates, supplier_locality],
                         ids=lambda m: m.NAME)
def test_suite_passes_on_good_warehouse(wh, module):
    outcome = validate(wh, module)
    assert outcome.passed and outcome.failed == []
    assert outcome.row_count > 0


@pytest.mark.parametrize(("module", "defect", "expected"), DEFECTS,
                         ids=[f"{m.NAME}-{i}" for i, (m, _, _) in enumerate(DEFECTS)])
def test_suite_fails_on_exactly_the_expected_expectation(wh, module, defect, expected):
    wh.execute(defect)
    outcome = validate(wh, module)
    assert not outcome.passed and outcome.severity == "ERROR"
    assert failed_keys(outcome) == expected


@pytest.mark.parametrize(("single_source_lots", "expected"), [(4, "WARN"), (12, "ERROR")])
def test_flag_rate_band_escalates(wh, single_source_lots, expected):
    # 4 of 20 lots = 0.2: above the warning limit 0.15; 12 of 20 = 0.6: above the error limit 0.5
    wh.execute(f"update report.county_integrity set single_source_count = {single_source_lots} "
               "where year = 2023 and county_code = '450325'")
    outcome = validate(wh, integrity_flag_rates)
    assert not outcome.passed and outcome.severity == expected
    assert {f["kwargs"]["column"] for f in outcome.failed} == {"single_source_rate"}
    (measured,) = [b for b in outcome.bands if b["band"] == "flag_rate.single_source"]
    assert measured["value"] == pytest.approx(single_source_lots / 20) and measured["level"] == expected.lower()


def test_flag_rate_bands_come_from_params(wh):
    outcome = validate(wh, integrity_flag_rates, {"bands": {"flag_rate.award_near_budget": {"warn_max": 0.01}}})
    assert not outcome.passed and outcome.severity == "WARN"
    assert {f["kwargs"]["column"] for f in outcome.failed} == {"award_near_budget_rate"}


def test_years_without_lots_are_not_judged(wh):
    wh.execute("update report.county_integrity set lot_count = 0, flagged_lot_count = 0, flagged_share = null, "
               "single_source_count = 0, short_tender_window_count = 0, award_near_budget_count = 0")
    outcome = validate(wh, integrity_flag_rates)
    assert outcome.passed and all(b["value"] is None or b["value"] != b["value"] for b in outcome.bands)
