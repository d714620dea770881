"""report.integrity_flags — one row per (lot, flag) raised (scorecard.md "Integrity flags").

Every flag's lot must be an awarded informatization lot attributed to a county, and the row must
carry that lot's county and investment year.
"""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import GUANGXI_COUNTY_CODE_REGEX, always_true, in_set, regex

NAME = "integrity_flags"
TITLE_ZH = "廉洁风险提示（每个提示的标项均为已中标、归属县域的信息化标项）"
TABLE = "report.integrity_flags"
ASSET_KEY = ["report", "integrity_flags"]
ADDITIONAL_ASSET_KEYS = [["marts", "fct_procurement_lots"]]
INDEX_COLUMNS = ["lot_id", "flag"]

FLAGS = [
    "single_source", "short_tender_window", "award_over_budget", "award_near_budget",
    "young_supplier", "inactive_supplier", "dominant_supplier",
]


def query(p: dict[str, Any]) -> str:
    return f"""
        select f.lot_id, f.flag, f.county_code, f.investment_year, f.detail,
               coalesce(l.status = 'awarded' and l.attribution = 'county' and l.is_informatization, false)
                 as lot_is_counted_informatization,
               coalesce(l.county_code = f.county_code and l.investment_year = f.investment_year, false)
                 as lot_county_and_year_match
        from {TABLE} f
        left join marts.fct_procurement_lots l on l.lot_id = f.lot_id
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    return make_suite(NAME, [
        e.ExpectCompoundColumnsToBeUnique(column_list=["lot_id", "flag"]),
        in_set("flag", FLAGS),
        regex("county_code", GUANGXI_COUNTY_CODE_REGEX),
        always_true("lot_is_counted_informatization"),
        always_true("lot_county_and_year_match"),
    ])
