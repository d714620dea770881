"""report.county_integrity — one row per (report year, county), all 111 (scorecard.md)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import always_true, fractions, non_negative
from expectations.suites.integrity_flags import FLAGS

NAME = "county_integrity"
TITLE_ZH = "县域廉洁风险提示（每个报告年份111个县域）"
TABLE = "report.county_integrity"
ASSET_KEY = ["report", "county_integrity"]
INDEX_COLUMNS = ["year", "county_code"]

FLAG_COUNTS = [f"{flag}_count" for flag in FLAGS]
# Relative tolerance of the stored share against flagged_lot_count ÷ lot_count.
SHARE_TOLERANCE = 1e-9


def query(p: dict[str, Any]) -> str:
    return f"""
        select year, county_code, lot_count, flagged_lot_count, flagged_share, {", ".join(FLAG_COUNTS)},
               count(*) over (partition by year) as rows_in_year,
               coalesce(flagged_lot_count <= lot_count, false) as flagged_within_lots,
               -- a flagged lot has at least one flag, and each flag count is a count of those lots
               coalesce(greatest({", ".join(FLAG_COUNTS)}) <= flagged_lot_count
                        and flagged_lot_count <= {" + ".join(FLAG_COUNTS)}, false) as flag_counts_consistent,
               coalesce(case when lot_count = 0 then flagged_share is null
                             else abs(flagged_share - flagged_lot_count::double / lot_count) <= {SHARE_TOLERANCE}
                        end, false) as share_is_quotient
        from {TABLE}
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    years = [int(y) for y in p["report_years"]]
    n = int(p["county_total"])
    return make_suite(NAME, [
        e.ExpectTableRowCountToEqual(value=len(years) * n),
        e.ExpectColumnDistinctValuesToEqualSet(column="year", value_set=years),
        e.ExpectColumnValuesToBeBetween(column="rows_in_year", min_value=n, max_value=n),
        *non_negative("lot_count", "flagged_lot_count", *FLAG_COUNTS),
        *fractions("flagged_share"),
        always_true("flagged_within_lots"),
        always_true("flag_counts_consistent"),
        always_true("share_is_quotient"),
    ])
