"""report.county_scorecard_indicators — one row per (report year, county, indicator): all 111
counties × the eleven indicators, scores in [0, 100], a score exactly when there is a value, and
n_counties = the counties with a value (scorecard.md)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.params import sql_list
from expectations.suites._common import always_true, between

NAME = "county_scorecard_indicators"
TITLE_ZH = "县域评分卡指标"
TABLE = "report.county_scorecard_indicators"
ASSET_KEY = ["report", "county_scorecard_indicators"]
ADDITIONAL_ASSET_KEYS = [["marts", "dim_county"]]
INDEX_COLUMNS = ["year", "county_code", "indicator"]

# scorecard.md "The scorecard": indicator → pillar (recommendation 1–5).
INDICATORS: dict[str, int] = {
    "scenario_breadth": 1, "category_balance": 1, "has_plan": 1,
    "has_data_platform": 2, "data_platform_investment_share": 2,
    "digital_economy_per_10k": 3, "local_supplier_share": 3,
    "network_index_score": 4, "rural_internet_penetration": 4,
    "smart_city_investment_per_capita": 5, "service_purchase_share": 5,
}
FRACTIONS = ["category_balance", "data_platform_investment_share", "local_supplier_share",
             "rural_internet_penetration", "service_purchase_share"]
FLAGS = ["has_plan", "has_data_platform"]
# category_balance is an entropy computed in binary floats: 1 may come out as 1 ± a few ulp.
FLOAT_SLACK = 1e-9


def query(p: dict[str, Any]) -> str:
    pillar_of = " ".join(f"when '{i}' then {k}" for i, k in INDICATORS.items())
    fractions = ", ".join(f"'{i}'" for i in FRACTIONS)
    flags = ", ".join(f"'{i}'" for i in FLAGS)
    return f"""
        select i.year, i.county_code, i.pillar, i.indicator, i.value::double as value,
               i.score::double as score, i.n_counties,
               count(*) over (partition by i.year, i.indicator) as counties_per_indicator,
               count(*) over (partition by i.year, i.county_code) as indicators_per_county,
               coalesce(i.year in {sql_list(p["report_years"])}, false) as is_report_year,
               coalesce(d.county_code is not null, false) as county_in_dim_county,
               coalesce(i.pillar = case i.indicator {pillar_of} end, false) as pillar_matches_indicator,
               coalesce((i.score is null) = (i.value is null), false) as score_iff_value,
               coalesce(i.n_counties = count(i.value) over (partition by i.year, i.indicator), false)
                 as n_counties_is_value_count,
               coalesce(i.value is null or i.value >= 0, false) as value_non_negative,
               coalesce(i.value is null or i.indicator not in ({fractions})
                        or i.value <= 1 + {FLOAT_SLACK}, false) as fraction_at_most_one,
               coalesce(i.value is null or i.indicator not in ({flags}) or i.value in (0, 1), false)
                 as flag_is_zero_or_one
        from {TABLE} i
        left join marts.dim_county d on d.county_code = i.county_code
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    n = int(p["county_total"])
    years = [int(y) for y in p["report_years"]]
    return make_suite(NAME, [
        e.ExpectTableRowCountToEqual(value=n * len(years) * len(INDICATORS)),
        between("counties_per_indicator", n, n),
        between("indicators_per_county", len(INDICATORS), len(INDICATORS)),
        always_true("is_report_year"),
        always_true("county_in_dim_county"),
        always_true("pillar_matches_indicator"),
        between("score", 0, 100),
        always_true("score_iff_value"),
        always_true("n_counties_is_value_count"),
        always_true("value_non_negative"),
        always_true("fraction_at_most_one"),
        always_true("flag_is_zero_or_one"),
    ])
