"""report.county_coverage — one row for the last report year (figures.md)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import always_true, between, not_null

NAME = "county_coverage"
TITLE_ZH = "县域智慧城市建设覆盖率"
TABLE = "report.county_coverage"
ASSET_KEY = ["report", "county_coverage"]
INDEX_COLUMNS = ["as_of_year"]


def query(p: dict[str, Any]) -> str:
    return f"""
        select as_of_year, counties_total, counties_with_smart_city, coverage_rate::double as coverage_rate,
               coalesce(abs(coverage_rate - counties_with_smart_city::double / nullif(counties_total, 0)) <= 1e-9,
                        false) as rate_is_quotient
        from {TABLE}
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    total = int(p["county_total"])
    return make_suite(NAME, [
        e.ExpectTableRowCountToEqual(value=1),
        *not_null("coverage_rate"),  # the other columns: dbt table_checks
        between("as_of_year", max(p["report_years"]), max(p["report_years"])),
        between("counties_total", total, total),
        between("counties_with_smart_city", 0, total),
        between("coverage_rate", 0, 1),
        always_true("rate_is_quotient"),
    ])
