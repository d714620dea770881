"""Volume/distribution checks of the procurement source (bands in expectations/bands.py)."""

from __future__ import annotations

from typing import Any

from expectations.suites import _volume

NAME = "raw_procurement_volume"
TITLE_ZH = "采购公告数据量（隔离占比、同比、文件对账）"
TABLE = "raw.procurement_notices"
ASSET_KEY = ["raw_procurement"]
INDEX_COLUMNS = _volume.INDEX_COLUMNS
BANDS = _volume.bands_of("procurement")


def query(p: dict[str, Any]) -> str:
    return _volume.query(
        "procurement", "raw.procurement_notices", "raw.procurement_quarantine", "raw.procurement_files",
        "year(publish_date)", p,
    )


def build_suite(p: dict[str, Any]) -> Any:
    return _volume.build_suite(NAME, "procurement", p)
