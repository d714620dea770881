"""raw.registry_enterprises — accepted registry rows (DESIGN.md "Raw schema")."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import make_suite
from expectations.suites._common import (
    DIVISION_CODE_REGEX, STATUS_CLASSES, USCC_REGEX, between, in_set, non_negative, not_null, regex, sampled,
)

NAME = "raw_registry_enterprises"
TITLE_ZH = "原始企业登记信息（已接收行）"
TABLE = "raw.registry_enterprises"
ASSET_KEY = ["raw_registry"]
SAMPLED = True
INDEX_COLUMNS = ["source_file", "source_line"]

REQUIRED = ["统一社会信用代码", "企业名称", "登记状态", "成立日期"]
DATE_YEARS = ["established_year", "approved_year", "deregistered_year", "revoked_year"]
SOURCE_FILE_REGEX = r"(?i)^registry/[^/]+\.csv(?:\.gz)?$"


def query(p: dict[str, Any]) -> str:
    # 法定代表人 (personal data) is never selected.
    return sampled(
        f"""
        select {", ".join(f'"{c}"' for c in REQUIRED)},
               uscc, status_class,
               year(established_date) as established_year, year(approved_date) as approved_year,
               year(deregistered_date) as deregistered_year, year(revoked_date) as revoked_year,
               registered_capital_yuan::double as registered_capital_yuan,
               industry_code, division_code, source_file, source_line
        from {TABLE}
        """,
        p,
    )


def build_suite(p: dict[str, Any]) -> Any:
    return make_suite(NAME, [
        *not_null(*REQUIRED, "uscc", "status_class", "established_year", "source_file", "source_line"),
        regex("uscc", USCC_REGEX),
        in_set("status_class", STATUS_CLASSES),
        *[between(c, p["min_year"], p["max_year"]) for c in DATE_YEARS],
        *non_negative("registered_capital_yuan"),
        regex("industry_code", r"^\d{4}$"),
        regex("division_code", DIVISION_CODE_REGEX),
        between("source_line", 2),
        regex("source_file", SOURCE_FILE_REGEX),
    ])
