"""Volume/distribution checks of the registry source (bands in expectations/bands.py)."""

from __future__ import annotations

from typing import Any

from expectations.suites import _volume

NAME = "raw_registry_volume"
TITLE_ZH = "企业登记数据量（隔离占比、同比、文件对账）"
TABLE = "raw.registry_enterprises"
ASSET_KEY = ["raw_registry"]
INDEX_COLUMNS = _volume.INDEX_COLUMNS
BANDS = _volume.bands_of("registry")


def query(p: dict[str, Any]) -> str:
    return _volume.query(
        "registry", "raw.registry_enterprises", "raw.registry_quarantine", "raw.registry_files",
        "year(established_date)", p,
    )


def build_suite(p: dict[str, Any]) -> Any:
    return _volume.build_suite(NAME, "registry", p)
