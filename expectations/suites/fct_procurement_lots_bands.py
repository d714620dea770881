"""Distribution bands of marts.fct_procurement_lots: unattributed share, award vs budget.

Aggregated in DuckDB to one row per measured population. A lot's budget is the largest
positive 预算金额 among its notices (fct_procurement_notices); only awarded lots with both
amounts enter the award/budget measures.
"""

from __future__ import annotations

from typing import Any

from expectations.bands import AWARD_OVER_BUDGET_FACTOR, band
from expectations.gxlib import band_expectations, make_suite

NAME = "fct_procurement_lots_bands"
TITLE_ZH = "采购标项分布（未归属占比、中标/预算比）"
TABLE = "marts.fct_procurement_lots"
ASSET_KEY = ["marts", "fct_procurement_lots"]
ADDITIONAL_ASSET_KEYS = [["marts", "fct_procurement_notices"]]
INDEX_COLUMNS = ["key"]
BANDS = {
    "unattributed_share": "unattributed_share.lots",
    "award_over_budget_share": "award_over_budget_share.lots",
    "award_budget_median_ratio": "award_budget_median_ratio.lots",
}


def query(p: dict[str, Any]) -> str:
    return f"""
    with budgets as (
        select lot_id, max(budget_yuan)::double as budget_yuan
        from marts.fct_procurement_notices where budget_yuan > 0 group by all
    ),
    ratios as (
        select l.award_yuan::double / b.budget_yuan as ratio
        from {TABLE} l join budgets b using (lot_id)
        where l.status = 'awarded' and l.award_yuan is not null
    )
    select 'all_lots' as key, count(*) as lots,
           avg(case when attribution = 'unattributed' then 1.0 else 0.0 end) as unattributed_share
    from {TABLE}
    union all by name
    select 'awarded_with_budget' as key, count(*) as lots,
           avg(case when ratio > {float(AWARD_OVER_BUDGET_FACTOR)} then 1.0 else 0.0 end) as award_over_budget_share,
           median(ratio) as award_budget_median_ratio
    from ratios
    """


def build_suite(p: dict[str, Any]) -> Any:
    expectations = []
    for column, band_name in BANDS.items():
        expectations += band_expectations(column, band_name, band(band_name, p))
    return make_suite(NAME, expectations)
