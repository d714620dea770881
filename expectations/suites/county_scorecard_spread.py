"""report.county_scorecard_indicators — every indicator tells counties apart: at least two
distinct values across the counties of each report year. A WARNING (not blocking): a real drop
may lack it (no planning project anywhere yet), and then the indicator's scores are all 0."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import make_suite, warn
from expectations.suites._common import between

NAME = "county_scorecard_spread"
TITLE_ZH = "县域评分卡指标区分度（警告）"
TABLE = "report.county_scorecard_indicators"
ASSET_KEY = ["report", "county_scorecard_indicators"]
INDEX_COLUMNS = ["year", "indicator"]


def query(p: dict[str, Any]) -> str:
    return f"""
        select year, indicator, count(distinct value) as distinct_values
        from {TABLE}
        group by year, indicator
    """


def build_suite(p: dict[str, Any]) -> Any:
    return make_suite(NAME, [warn(between("distinct_values", 2))])
