"""marts.dim_county — the 111 county-level divisions (DESIGN.md "Marts")."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.suites._common import (
    GUANGXI_COUNTY_CODE_REGEX, URBAN_TYPES, always_true, between, in_set, regex,
)

NAME = "dim_county"
TITLE_ZH = "县域维表"
TABLE = "marts.dim_county"
ASSET_KEY = ["marts", "dim_county"]
INDEX_COLUMNS = ["county_code"]


def query(p: dict[str, Any]) -> str:
    urban = ", ".join(f"'{t}'" for t in URBAN_TYPES)
    # type_count_key ('district:41') turns the per-type counts into a value-set check whose
    # failing examples show the wrong count.
    return f"""
        select county_code, county_name, prefecture_code, prefecture_name, county_type, county_type_zh,
               is_urban_unit, longitude, latitude,
               county_type || ':' || count(*) over (partition by county_type) as type_count_key,
               coalesce(is_urban_unit = (county_type in ({urban})), false) as urban_flag_consistent
        from {TABLE}
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    expected_keys = [f"{t}:{n}" for t, n in p["county_type_counts"].items()]
    return make_suite(NAME, [
        e.ExpectTableRowCountToEqual(value=int(p["county_total"])),
        regex("county_code", GUANGXI_COUNTY_CODE_REGEX),
        regex("prefecture_code", r"^45\d{2}00$"),
        in_set("type_count_key", expected_keys),
        always_true("urban_flag_consistent"),
        # Guangxi lies within about 104.4–112.1 °E, 20.9–26.4 °N.
        between("longitude", 104, 113),
        between("latitude", 20, 27),
    ])
