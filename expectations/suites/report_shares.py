"""Every share, rate and coverage of the report relations lies in [0, 1] (figures.md:
fractions are stored as fractions, never as percents).

One long frame (relation.column, row key, value) built in DuckDB from all report relations.
The check is attached to ``report/figure_reconciliation``: that relation is computed from all
the others, so when it exists they all do.
"""

from __future__ import annotations

from typing import Any

from expectations.gxlib import make_suite
from expectations.suites._common import between

NAME = "report_shares"
TITLE_ZH = "报告比例类指标取值范围 [0, 1]"
TABLE = "report.figure_reconciliation"
ASSET_KEY = ["report", "figure_reconciliation"]
INDEX_COLUMNS = ["measure", "row_key"]

# (relation, row key expression, fraction columns)
MEASURES: list[tuple[str, str, list[str]]] = [
    ("fig1_investment_share", "year::varchar", ["smart_city_share"]),
    ("county_coverage", "as_of_year::varchar", ["coverage_rate"]),
    ("development_modes", "county_code", ["industry_share"]),
    ("internet_penetration", "year::varchar", ["overall_rate", "rural_rate", "urban_rate"]),
    ("national_share", "year::varchar", ["share"]),
    ("network_infrastructure_ranking", "year::varchar || '/' || county_code",
     ["internet_penetration"]),  # gigabit_coverage / village_5g_rate are percents by figures.md
]
ADDITIONAL_ASSET_KEYS = [["report", relation] for relation, _, _ in MEASURES]


def query(p: dict[str, Any]) -> str:
    parts = [
        f"select '{relation}.{column}' as measure, {key} as row_key, {column}::double as value "
        f"from report.{relation}"
        for relation, key, columns in MEASURES
        for column in columns
    ]
    return "\nunion all\n".join(parts)


def build_suite(p: dict[str, Any]) -> Any:
    return make_suite(NAME, [between("value", 0, 1)])
