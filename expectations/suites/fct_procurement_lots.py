"""marts.fct_procurement_lots — one row per lot (DESIGN.md "Marts"), integrity checks."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import make_suite
from expectations.suites._common import always_true, between, sampled

NAME = "fct_procurement_lots"
TITLE_ZH = "采购标项事实表"
TABLE = "marts.fct_procurement_lots"
ASSET_KEY = ["marts", "fct_procurement_lots"]
ADDITIONAL_ASSET_KEYS = [["marts", "dim_county"]]
SAMPLED = True
INDEX_COLUMNS = ["lot_id"]

FLAGS = {
    # lot_id is the text key 项目编号 || '|' || lot_no.
    "lot_id_is_project_and_lot": "l.lot_id = l.project_code || '|' || l.lot_no",
    # county_code is set exactly when the lot is attributed to a county, and is one of the 111.
    "county_code_matches_attribution":
        "(l.attribution = 'county') = (l.county_code is not null)"
        " and (l.county_code is null or d.county_code is not null)",
    "investment_year_of_date":
        "l.investment_date is null or l.investment_year = year(l.investment_date)",
    # A smart-city lot is an informatization lot and carries a primary scenario.
    "smart_city_is_informatization": "not l.is_smart_city or l.is_informatization",
    "primary_scenario_iff_smart_city": "l.is_smart_city = (l.primary_scenario_code is not null)",
    "publish_dates_ordered": "l.first_publish_date <= l.last_publish_date",
}


def query(p: dict[str, Any]) -> str:
    flags = ",\n".join(f"coalesce({rule}, false) as {name}" for name, rule in FLAGS.items())
    return sampled(
        f"""
        select l.lot_id, l.attribution, l.attribution_rule, l.status,
               l.award_yuan::double as award_yuan, l.investment_year, l.notice_count,
               l.is_informatization, l.is_smart_city,
               count(*) over (partition by l.lot_id) as lot_id_rows,
               {flags}
        from {TABLE} l
        left join marts.dim_county d on d.county_code = l.county_code
        """,
        p,
        keep_if="lot_id_rows > 1",
    )


def build_suite(p: dict[str, Any]) -> Any:
    return make_suite(NAME, [
        between("lot_id_rows", 1, 1),  # lot_id is unique (counted on the full table)
        between("notice_count", 1),
        between("investment_year", p["min_year"], p["max_year"]),
        *[always_true(flag) for flag in FLAGS],
    ])
