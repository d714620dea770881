"""report.fig1_investment_share — one row per report year (figures.md)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import always_true, between, fractions, non_negative

NAME = "fig1_investment_share"
TITLE_ZH = "图1 智慧城市投资占信息化投资比例"
TABLE = "report.fig1_investment_share"
ASSET_KEY = ["report", "fig1_investment_share"]
INDEX_COLUMNS = ["year"]

AMOUNTS = ["informatization_investment_yuan", "smart_city_investment_yuan"]
COUNTS = ["informatization_lot_count", "smart_city_lot_count", "counties_with_smart_city"]
# Relative tolerance of the stored share against smart ÷ informatization investment.
SHARE_TOLERANCE = 1e-9


def query(p: dict[str, Any]) -> str:
    return f"""
        select year, {", ".join(AMOUNTS)}, smart_city_share, {", ".join(COUNTS)},
               coalesce(smart_city_investment_yuan <= informatization_investment_yuan, false)
                 as smart_investment_within_informatization,
               coalesce(smart_city_lot_count <= informatization_lot_count, false)
                 as smart_lots_within_informatization,
               -- NULL share exactly when the denominator is 0; else the quotient.
               coalesce(case when informatization_investment_yuan = 0 then smart_city_share is null
                             else abs(smart_city_share - smart_city_investment_yuan::double
                                      / informatization_investment_yuan::double) <= {SHARE_TOLERANCE}
                        end, false) as share_is_quotient
        from {TABLE}
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    years = [int(y) for y in p["report_years"]]
    return make_suite(NAME, [
        e.ExpectTableRowCountToEqual(value=len(years)),
        e.ExpectColumnDistinctValuesToEqualSet(column="year", value_set=years),
        *non_negative(*AMOUNTS, *COUNTS),
        *fractions("smart_city_share"),
        between("counties_with_smart_city", 0, int(p["county_total"])),
        always_true("smart_investment_within_informatization"),
        always_true("smart_lots_within_informatization"),
        always_true("share_is_quotient"),
    ])
