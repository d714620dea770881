"""report.supplier_locality — one row per (report year, locality), all five (scorecard.md).

The award shares of a year add up to 1 when the year has smart-city investment (every counted
smart-city lot has exactly one locality), and are all NULL when it has none.
"""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import always_true, non_negative

NAME = "supplier_locality"
TITLE_ZH = "智慧城市资金供应商属地（各年份占比之和为1）"
TABLE = "report.supplier_locality"
ASSET_KEY = ["report", "supplier_locality"]
INDEX_COLUMNS = ["year", "locality"]

LOCALITIES = ["same_county", "same_prefecture", "other_guangxi", "outside_guangxi", "unknown"]
SUM_TOLERANCE = 1e-9


def query(p: dict[str, Any]) -> str:
    return f"""
        select year, locality, lot_count, award_yuan, award_share,
               count(*) over (partition by year) as rows_in_year,
               coalesce(case when sum(award_yuan) over (partition by year) = 0
                                 then count(award_share) over (partition by year) = 0
                             else abs(sum(award_share) over (partition by year) - 1) <= {SUM_TOLERANCE}
                        end, false) as shares_sum_to_one
        from {TABLE}
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    years = [int(y) for y in p["report_years"]]
    n = len(LOCALITIES)
    return make_suite(NAME, [
        e.ExpectTableRowCountToEqual(value=len(years) * n),
        e.ExpectColumnDistinctValuesToEqualSet(column="year", value_set=years),
        e.ExpectColumnValuesToBeBetween(column="rows_in_year", min_value=n, max_value=n),
        *non_negative("lot_count"),
        always_true("shares_sum_to_one"),
    ])
