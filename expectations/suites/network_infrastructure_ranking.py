"""report.network_infrastructure_ranking — one row per (year, county) (figures.md)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import (
    COUNTY_TYPES, URBAN_TYPES, always_true, between, fractions, in_set, non_negative,
)

NAME = "network_infrastructure_ranking"
TITLE_ZH = "县域网络基础设施指数排名"
TABLE = "report.network_infrastructure_ranking"
ASSET_KEY = ["report", "network_infrastructure_ranking"]
ADDITIONAL_ASSET_KEYS = [["marts", "dim_county"]]
INDEX_COLUMNS = ["year", "county_code"]

RATES = ["gigabit_coverage", "village_5g_rate", "internet_penetration"]
# figures.md defines these two as the raw percentages (千兆光网覆盖率, 行政村5G通达率): 0–100.
PERCENTS = ["gigabit_coverage", "village_5g_rate"]
PER_CAPITA = ["bs5g_per_10k", "broadband_per_100_households"]


def query(p: dict[str, Any]) -> str:
    urban = ", ".join(f"'{t}'" for t in URBAN_TYPES)
    # "rank" per figures.md: descending score, ties share the smallest rank (competition
    # ranking), so the expected rank is 1 + the number of strictly higher scores that year.
    return f"""
        select r.year, r.county_code, r.county_name, r.county_type, {", ".join("r." + c for c in RATES + PER_CAPITA)},
               r.score, r."rank",
               count(*) over (partition by r.year) as rows_in_year,
               min(r."rank") over (partition by r.year) as min_rank_in_year,
               rank() over (partition by r.year order by r.score desc) as expected_rank,
               coalesce(r."rank" <= count(*) over (partition by r.year), false) as rank_within_row_count,
               coalesce(r.is_urban_unit = (r.county_type in ({urban})), false) as urban_flag_consistent,
               coalesce(d.county_code is not null, false) as county_in_dim_county
        from {TABLE} r
        left join marts.dim_county d on d.county_code = r.county_code
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    # A drop that covers only some counties (a pilot region) can lower this per run.
    n = int(p.get("ranked_counties_per_year") or p["county_total"])
    return make_suite(NAME, [
        between("rows_in_year", n, n),  # every year present ranks all 111 counties
        always_true("county_in_dim_county"),
        in_set("county_type", COUNTY_TYPES),
        always_true("urban_flag_consistent"),
        between("score", 0, 100),
        *fractions(*[c for c in RATES if c not in PERCENTS]),
        *[between(c, 0, 100) for c in PERCENTS],
        *non_negative(*PER_CAPITA),
        between("min_rank_in_year", 1, 1),
        always_true("rank_within_row_count"),
        e.ExpectColumnPairValuesToBeEqual(column_A="rank", column_B="expected_rank"),
    ])
