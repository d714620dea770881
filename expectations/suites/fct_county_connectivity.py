"""marts.fct_county_connectivity — one row per county and year (DESIGN.md "Marts")."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import always_true, between, fractions, non_negative

NAME = "fct_county_connectivity"
TITLE_ZH = "县域网络指标事实表"
TABLE = "marts.fct_county_connectivity"
ASSET_KEY = ["marts", "fct_county_connectivity"]
ADDITIONAL_ASSET_KEYS = [["marts", "dim_county"]]
INDEX_COLUMNS = ["county_code", "year"]

COUNTS = ["resident_population", "rural_population", "internet_users", "rural_internet_users",
          "households", "broadband_households", "bs5g_count"]
RATES = ["gigabit_coverage", "village_5g_rate", "internet_penetration"]
# figures.md defines these two as the raw percentages (千兆光网覆盖率, 行政村5G通达率): 0–100.
PERCENTS = ["gigabit_coverage", "village_5g_rate"]


def query(p: dict[str, Any]) -> str:
    return f"""
        select c.county_code, c.year, {", ".join("c." + x for x in COUNTS)},
               {", ".join("c." + x for x in RATES)}, c.bs5g_per_10k, c.broadband_per_100_households,
               coalesce(d.county_code is not null, false) as county_in_dim_county
        from {TABLE} c
        left join marts.dim_county d on d.county_code = c.county_code
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    return make_suite(NAME, [
        e.ExpectCompoundColumnsToBeUnique(column_list=["county_code", "year"]),
        always_true("county_in_dim_county"),
        between("year", p["min_year"], p["max_year"]),
        *non_negative(*COUNTS, "bs5g_per_10k", "broadband_per_100_households"),
        *fractions(*[c for c in RATES if c not in PERCENTS]),
        *[between(c, 0, 100) for c in PERCENTS],
    ])
