"""Numbers as text, for the pages and the bulletin alike (pure functions).

Every rounding is half away from zero on the decimal value, as the report and the figure
reconciliation round — never binary or banker's rounding — so a page and the bulletin print
the same digits for the same value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MISSING = "—"


def is_missing(value: object) -> bool:
    """None, NaN, NaT and pandas' NA (a value of a nullable column)."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def round_half_up(value: float, digits: int) -> Decimal:
    """Rounding as the report and the reconciliation do it (half away from zero), not banker's."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def pct(fraction: object, digits: int = 2) -> str:
    """0.12345 → '12.35%'."""
    if is_missing(fraction):
        return MISSING
    return f"{round_half_up(float(fraction) * 100, digits)}%"


def yi(yuan: object, digits: int = 2) -> str:
    """Yuan → '12.34亿元' (the bulletin's wording)."""
    if is_missing(yuan):
        return MISSING
    return f"{round_half_up(float(yuan) / 1e8, digits)}亿元"


def yi_number(yuan: object, digits: int = 2) -> str:
    """Yuan → 亿元 (10^8 yuan) as a number with thousands separators and no unit: '1,234.57'
    (the pages, whose labels carry the unit)."""
    if is_missing(yuan):
        return MISSING
    return f"{round_half_up(float(yuan) / 1e8, digits):,}"


def count(value: object) -> str:
    """12345 → '12,345'."""
    if is_missing(value):
        return MISSING
    return f"{int(value):,}"
