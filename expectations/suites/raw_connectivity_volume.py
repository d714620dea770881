"""Volume/distribution checks of the connectivity source (bands in expectations/bands.py)."""

from __future__ import annotations

from typing import Any

from expectations.suites import _volume

NAME = "raw_connectivity_volume"
TITLE_ZH = "网络指标数据量（隔离占比、同比、文件对账）"
TABLE = "raw.connectivity_indicators"
ASSET_KEY = ["raw_connectivity"]
INDEX_COLUMNS = _volume.INDEX_COLUMNS
BANDS = _volume.bands_of("connectivity")


def query(p: dict[str, Any]) -> str:
    # Counties per year, not rows: a revised file repeats (county, year) rows that dbt
    # resolves (last wins), and must not read as a volume jump.
    return _volume.query(
        "connectivity", "raw.connectivity_indicators", "raw.connectivity_quarantine",
        "raw.connectivity_files", '"year"', p, year_count="count(distinct county_code)",
    )


def build_suite(p: dict[str, Any]) -> Any:
    return _volume.build_suite(NAME, "connectivity", p)
