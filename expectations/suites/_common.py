"""Small helpers shared by the suite modules (no GX import here)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe

# Plain-text value sets of the DESIGN.md interfaces.
NOTICE_CLASSES = ["tender", "correction", "result", "failed", "terminated", "contract"]
STATUS_CLASSES = ["active", "suspended", "closed", "moved_out"]
ATTRIBUTIONS = ["county", "not_county_level", "unattributed"]
COUNTY_TYPES = ["district", "county", "autonomous_county", "county_level_city"]
URBAN_TYPES = ("district", "county_level_city")

USCC_REGEX = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
DIVISION_CODE_REGEX = r"^\d{6}$"
GUANGXI_COUNTY_CODE_REGEX = r"^45\d{4}$"


def sampled(select_sql: str, p: dict[str, Any], keep_if: str | None = None) -> str:
    """``select_sql`` reduced to a deterministic reservoir sample of ``p["sample_rows"]`` rows.

    Rows where ``keep_if`` holds (e.g. a duplicated key, computed over the full table before
    sampling) are always kept, so key checks do not depend on the sample.
    """
    n, seed = int(p["sample_rows"]), int(p["sample_seed"])
    sample = f"(select * from frame{{where}}) using sample reservoir({n} rows) repeatable ({seed})"
    if not keep_if:
        return f"with frame as ({select_sql})\nselect * from " + sample.format(where="")
    return (
        f"with frame as ({select_sql})\n"
        f"select * from frame where coalesce({keep_if}, false)\n"
        "union all\n"
        "select * from " + sample.format(where=f" where not coalesce({keep_if}, false)")
    )


def not_null(*columns: str) -> list:
    e = gxe()
    return [e.ExpectColumnValuesToNotBeNull(column=c) for c in columns]


def between(column: str, low: float | None = None, high: float | None = None, **kw: Any) -> Any:
    return gxe().ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high, **kw)


def non_negative(*columns: str) -> list:
    return [between(c, 0) for c in columns]


def fractions(*columns: str) -> list:
    return [between(c, 0, 1) for c in columns]


def always_true(column: str, **kw: Any) -> Any:
    """A boolean integrity flag computed in SQL must be true on every row.

    GX map expectations skip NULLs, so the SQL computes flags as ``coalesce(<rule>, false)``.
    """
    return gxe().ExpectColumnValuesToBeInSet(column=column, value_set=[True], **kw)


def regex(column: str, pattern: str) -> Any:
    return gxe().ExpectColumnValuesToMatchRegex(column=column, regex=pattern)


def in_set(column: str, values: list) -> Any:
    return gxe().ExpectColumnValuesToBeInSet(column=column, value_set=list(values))
