"""raw.connectivity_indicators — accepted county-year rows (DESIGN.md "Raw schema")."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import (
    DIVISION_CODE_REGEX, GUANGXI_COUNTY_CODE_REGEX, between, not_null, regex,
)

NAME = "raw_connectivity_indicators"
TITLE_ZH = "原始县域网络指标（已接收行）"
TABLE = "raw.connectivity_indicators"
ASSET_KEY = ["raw_connectivity"]
INDEX_COLUMNS = ["source_file", "source_line"]

REQUIRED = ["区划代码", "年份", "常住人口", "乡村常住人口", "网民数", "乡村网民数", "家庭户数",
            "固定宽带用户数", "千兆光网覆盖率", "5G基站数", "行政村5G通达率"]
COUNTS = ["resident_population", "rural_population", "internet_users", "rural_internet_users",
          "households", "broadband_households", "bs5g_count"]
PERCENTS = ["gigabit_coverage_pct", "village_5g_pct"]
SOURCE_FILE_REGEX = r"(?i)^connectivity/[^/]+\.csv(?:\.gz)?$"


def query(p: dict[str, Any]) -> str:
    # One row per county and year: small enough to validate whole.
    return f"""
        select {", ".join(f'"{c}"' for c in REQUIRED)},
               division_code, county_code, year, {", ".join(COUNTS)}, {", ".join(PERCENTS)},
               source_file, source_line
        from {TABLE}
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    return make_suite(NAME, [
        # The typed companions are parsed from the required headers: their not-null covers both.
        *not_null("区划代码", "division_code", "county_code", "year", *COUNTS, *PERCENTS,
                  "source_file", "source_line"),
        regex("division_code", DIVISION_CODE_REGEX),
        regex("county_code", GUANGXI_COUNTY_CODE_REGEX),
        between("year", 1000, 9999),
        *[between(c, 0) for c in COUNTS if c not in ("resident_population", "households")],
        between("resident_population", 1),
        between("households", 1),
        *[between(c, 0, 100) for c in PERCENTS],
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="resident_population", column_B="rural_population", or_equal=True),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="resident_population", column_B="internet_users", or_equal=True),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="rural_population", column_B="rural_internet_users", or_equal=True),
        between("source_line", 2),
        regex("source_file", SOURCE_FILE_REGEX),
    ])
