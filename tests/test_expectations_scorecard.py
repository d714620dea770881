"""GX suites of the county scorecard (scorecard.md): each passes on a consistent pair of
scorecard relations and fails, on exactly the expected expectation, when one crafted defect is
introduced; the spread check is a warning, never blocking. The relations are those of
tests/scorecard_helpers.py in the shared warehouse of conftest.py (fixture ``wh``)."""

from __future__ import annotations

import pytest

from expectations.runner import SUITES, validate
from expectations.suites import county_scorecard, county_scorecard_indicators, county_scorecard_spread
from conftest import failed_keys

BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
UNIQUE = "expect_compound_columns_to_be_unique"
ROW_COUNT = "expect_table_row_count_to_equal"


def test_suites_are_registered():
    assert {county_scorecard, county_scorecard_indicators, county_scorecard_spread} <= set(SUITES)


@pytest.mark.parametrize("module", [county_scorecard, county_scorecard_indicators, county_scorecard_spread])
def test_suite_passes_on_consistent_scorecard(wh, module):
    outcome = validate(wh, module)
    assert outcome.passed, outcome.failed
    assert outcome.row_count > 0


FIRST = "(select min(county_code) from report.county_scorecard)"
DEFECTS = [
    # each (year, county) once, for all 111
    (county_scorecard, f"delete from report.county_scorecard where year = 2023 and county_code = {FIRST}",
     {(ROW_COUNT, ""), (BETWEEN, "rows_in_year"), (IN_SET, "rank_is_competition_rank")}),
    (county_scorecard, f"insert into report.county_scorecard select * from report.county_scorecard "
                       f"where year = 2022 and county_code = {FIRST}",
     {(ROW_COUNT, ""), (UNIQUE, "year,county_code"), (BETWEEN, "rows_in_year"), (IN_SET, "rank_is_competition_rank")}),
    (county_scorecard, "update report.county_scorecard set year = 2021 where year = 2022",
     {(IN_SET, "is_report_year"), *{(IN_SET, f"pillar_{k}_is_mean") for k in range(1, 6)}}),
    # a pillar score that is not the (half-up rounded) mean of its indicators' scores
    (county_scorecard, f"update report.county_scorecard set pillar_3_score = pillar_3_score + 0.000001 "
                       f"where year = 2022 and county_code = {FIRST}",
     {(IN_SET, "pillar_3_is_mean"), (IN_SET, "overall_is_mean")}),
    (county_scorecard, "update report.county_scorecard set overall_score = 100.5 "
                       "where weakest_pillar is not null and rank = 1",
     {(BETWEEN, "overall_score"), (IN_SET, "overall_is_mean")}),
    (county_scorecard, "update report.county_scorecard set rank = rank + 1 where rank = 1",
     {(IN_SET, "rank_is_competition_rank")}),
    (county_scorecard, "update report.county_scorecard set weakest_pillar = 6 - weakest_pillar "
                       "where weakest_pillar <> 3",
     {(IN_SET, "weakest_is_lowest")}),
    (county_scorecard, "update report.county_scorecard set weakest_pillar = 0 where weakest_pillar = 1",
     {(BETWEEN, "weakest_pillar"), (IN_SET, "weakest_is_lowest")}),
    (county_scorecard_indicators, "update report.county_scorecard_indicators set score = score + 100 "
                                  "where score > 50",
     {(BETWEEN, "score")}),
    (county_scorecard_indicators, "delete from report.county_scorecard_indicators "
                                  "where indicator = 'local_supplier_share'",
     {(ROW_COUNT, ""), (BETWEEN, "indicators_per_county")}),
    (county_scorecard_indicators, "update report.county_scorecard_indicators set pillar = 4 "
                                  "where indicator = 'local_supplier_share'",
     {(IN_SET, "pillar_matches_indicator")}),
    (county_scorecard_indicators, "update report.county_scorecard_indicators set score = null "
                                  "where indicator = 'has_plan' and score = 0",
     {(IN_SET, "score_iff_value")}),
    (county_scorecard_indicators, "update report.county_scorecard_indicators set value = 1.5 "
                                  "where indicator = 'service_purchase_share' and value = 0",
     {(IN_SET, "fraction_at_most_one")}),
]


@pytest.mark.parametrize(("module", "defect", "expected"), DEFECTS,
                         ids=[f"{m.NAME}-{i}" for i, (m, _, _) in enumerate(DEFECTS)])
def test_suite_fails_on_exactly_the_expected_expectation(wh, module, defect, expected):
    wh.execute(defect)
    outcome = validate(wh, module)
    assert not outcome.passed
    assert failed_keys(outcome) == expected
    assert outcome.severity == "ERROR"


def test_an_indicator_without_spread_is_a_warning_not_an_error(wh):
    wh.execute("update report.county_scorecard_indicators set value = 0, score = 0 where indicator = 'has_plan'")
    outcome = validate(wh, county_scorecard_spread)
    assert not outcome.passed and not outcome.blocking
    assert outcome.severity == "WARN"
    assert [f["unexpected_count"] for f in outcome.failed] == [2]  # has_plan in both years
