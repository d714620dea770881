"""Distribution bands of the integrity flags: per flag, the share of the report years' counted
informatization lots (awarded, attributed to a county) that carry it, from report.county_integrity.

A generator or parse bug (every lot single-source, budgets in the wrong unit, a registry join on
the wrong key) shows as a rate far outside what procurement data plausibly has.
"""

from __future__ import annotations

from typing import Any

from expectations.bands import band
from expectations.gxlib import band_expectations, make_suite
from expectations.suites.integrity_flags import FLAGS

NAME = "integrity_flag_rates"
TITLE_ZH = "廉洁风险提示比例（各类提示占信息化标项的比例）"
TABLE = "report.county_integrity"
ASSET_KEY = ["report", "county_integrity"]
INDEX_COLUMNS = ["key"]
BANDS = {f"{flag}_rate": f"flag_rate.{flag}" for flag in FLAGS}


def query(p: dict[str, Any]) -> str:
    rates = ", ".join(
        f"sum({flag}_count)::double / nullif(sum(lot_count), 0) as {flag}_rate" for flag in FLAGS
    )
    return f"select 'report_years' as key, sum(lot_count) as lots, {rates} from {TABLE}"


def build_suite(p: dict[str, Any]) -> Any:
    expectations = []
    for column, band_name in BANDS.items():
        expectations += band_expectations(column, band_name, band(band_name, p))
    return make_suite(NAME, expectations)
