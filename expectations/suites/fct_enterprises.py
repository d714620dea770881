"""marts.fct_enterprises — one row per USCC after de-duplication (DESIGN.md "Marts")."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import make_suite
from expectations.suites._common import (
    ATTRIBUTIONS, STATUS_CLASSES, USCC_REGEX, always_true, between, in_set, non_negative, not_null, regex,
    sampled,
)

NAME = "fct_enterprises"
TITLE_ZH = "企业事实表"
TABLE = "marts.fct_enterprises"
ASSET_KEY = ["marts", "fct_enterprises"]
ADDITIONAL_ASSET_KEYS = [["marts", "dim_county"]]
SAMPLED = True
INDEX_COLUMNS = ["uscc"]

FLAGS = {
    "county_code_matches_attribution":
        "(e.attribution = 'county') = (e.county_code is not null)"
        " and (e.county_code is null or d.county_code is not null)",
    # The enterprise figures are nested subsets (figures.md enterprise_counts).
    "digital_economy_on_register_in_county":
        "not e.is_digital_economy or (e.is_on_register and e.attribution = 'county')",
    "smart_city_is_digital_economy": "not e.is_smart_city_enterprise or e.is_digital_economy",
    "moved_out_never_on_register": "e.status_class <> 'moved_out' or not e.is_on_register",
}


def query(p: dict[str, Any]) -> str:
    # 法定代表人 is not in this mart; the query names its columns anyway.
    flags = ",\n".join(f"coalesce({rule}, false) as {name}" for name, rule in FLAGS.items())
    return sampled(
        f"""
        select e.uscc, e.enterprise_name, e.status_class, e.attribution, e.attribution_rule,
               year(e.established_date) as established_year,
               e.registered_capital_yuan::double as registered_capital_yuan,
               e.industry_code, e.is_on_register, e.is_digital_economy, e.is_smart_city_enterprise,
               e.duplicate_count,
               count(*) over (partition by e.uscc) as uscc_rows,
               {flags}
        from {TABLE} e
        left join marts.dim_county d on d.county_code = e.county_code
        """,
        p,
        keep_if="uscc_rows > 1",
    )


def build_suite(p: dict[str, Any]) -> Any:
    return make_suite(NAME, [
        *not_null("uscc", "enterprise_name", "status_class", "attribution", "attribution_rule",
                  "is_on_register", "is_digital_economy", "is_smart_city_enterprise"),
        between("uscc_rows", 1, 1),  # uscc is unique (counted on the full table)
        regex("uscc", USCC_REGEX),
        in_set("status_class", STATUS_CLASSES),
        in_set("attribution", ATTRIBUTIONS),
        between("attribution_rule", 1, 5),
        between("established_year", p["min_year"], p["max_year"]),
        *non_negative("registered_capital_yuan", "duplicate_count"),
        regex("industry_code", r"^\d{4}$"),
        *[always_true(flag) for flag in FLAGS],
    ])
