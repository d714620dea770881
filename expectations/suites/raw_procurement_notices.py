"""raw.procurement_notices — accepted notice rows (DESIGN.md "Raw schema")."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import make_suite
from expectations.suites._common import (
    DIVISION_CODE_REGEX, NOTICE_CLASSES, between, in_set, non_negative, not_null, regex, sampled,
)

NAME = "raw_procurement_notices"
TITLE_ZH = "原始采购公告（已接收行）"
TABLE = "raw.procurement_notices"
ASSET_KEY = ["raw_procurement"]
SAMPLED = True
INDEX_COLUMNS = ["source_file", "source_line"]

REQUIRED = ["公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "采购人"]
# 标项号 after the load: '0', or digits without a leading zero, or any non-digit text.
LOT_NO_REGEX = r"^(?:0|[1-9][0-9]*|.*[^0-9].*)$"
SOURCE_FILE_REGEX = r"(?i)^procurement/[^/]+\.csv(?:\.gz)?$"


def query(p: dict[str, Any]) -> str:
    # Only the checked columns: never the contact columns (personal data).
    return sampled(
        f"""
        select {", ".join(f'"{c}"' for c in REQUIRED)},
               notice_class, year(publish_date) as publish_year, lot_no, division_code,
               budget_yuan::double as budget_yuan, award_yuan::double as award_yuan,
               source_file, source_line
        from {TABLE}
        """,
        p,
    )


def build_suite(p: dict[str, Any]) -> Any:
    return make_suite(NAME, [
        *not_null(*REQUIRED, "notice_class", "publish_year", "lot_no", "source_file", "source_line"),
        in_set("notice_class", NOTICE_CLASSES),
        between("publish_year", p["min_publish_year"], p["max_year"]),
        regex("lot_no", LOT_NO_REGEX),
        regex("division_code", DIVISION_CODE_REGEX),
        *non_negative("budget_yuan", "award_yuan"),
        between("source_line", 2),
        regex("source_file", SOURCE_FILE_REGEX),
    ])
