"""Parsing steps that are cheaper in pyarrow/numpy than in SQL (one regex pass per column
instead of several): amounts and the USCC check digit. Inputs are cleaned string arrays
(NFKC already applied); NULL in -> NULL / False out.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .parse import USCC_CHARSET, USCC_WEIGHTS

# After removing "," and spaces: optional currency, digits, optional fraction, optional
# 万/亿, optional 元/元整 (contract "Amounts").
AMOUNT_PATTERN = r"^(?:¥|人民币)?(?P<i>\d+)(?:\.(?P<f>\d+))?(?P<u>万|亿)?(?:元|元整)?$"
# 注册资本 is also written with the currency after the unit: 500万人民币, 500万元人民币.
CAPITAL_PATTERN = r"^(?:¥|人民币)?(?P<i>\d+)(?:\.(?P<f>\d+))?(?P<u>万|亿)?(?:元|元整)?(?:人民币)?$"
_UNIT_SHIFT = {"": 0, "万": 4, "亿": 8}
# A literal DECIMAL(38, 6) holds exactly: at most 32 significant integer digits, no non-zero
# digit beyond the 6th decimal.
AMOUNT_SCALE = 6
AMOUNT_INTEGER_DIGITS = 38 - AMOUNT_SCALE
EXACT_LITERAL = rf"^0*\d{{1,{AMOUNT_INTEGER_DIGITS}}}\.\d{{0,{AMOUNT_SCALE}}}0*$"


def amount_literal(arr, pattern: str = AMOUNT_PATTERN):
    """Each parseable amount as a plain decimal literal in yuan (e.g. '12.5万' -> '125000.0'),
    NULL otherwise. The unit moves the decimal point in the digit string, so the value is
    exact; ``CAST(... AS DECIMAL(38, 6))`` then makes it a number."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()  # element-wise joins are several times slower on many chunks
    s = pc.replace_substring(pc.replace_substring(arr, ",", ""), " ", "")
    m = pc.extract_regex(s, pattern)  # NULL struct where the pattern does not match
    i, f, u = (pc.struct_field(m, name) for name in ("i", "f", "u"))
    padded = pc.utf8_rpad(f, width=max(_UNIT_SHIFT.values()), padding="0")
    out = pa.nulls(len(arr), pa.string())
    present = set(pc.unique(u).to_pylist())  # skip the string work for units not in the data
    for unit, k in _UNIT_SHIFT.items():
        if unit not in present:
            continue
        literal = pc.binary_join_element_wise(
            i, pc.utf8_slice_codeunits(padded, 0, k), ".", pc.utf8_slice_codeunits(f, k), "0", ""
        )
        out = pc.if_else(pc.equal(u, unit), literal, out)
    # DECIMAL(38, 6) would round away a 7th decimal and turn a 33rd integer digit into NULL
    # without a word: such a value is kept only where it is exact, else it is unparseable
    # (NULL, counted as `unparseable_amount`), never silently changed.
    exact = pc.match_substring_regex(out, EXACT_LITERAL)
    return pc.if_else(exact, out, pa.scalar(None, pa.string()))


def amounts(values, pattern: str = AMOUNT_PATTERN) -> list[Decimal | None]:
    """Parse Python values the way the load does (for tests and ad-hoc checks)."""
    lit = amount_literal(pa.array(values, pa.string()), pattern)
    con = duckdb.connect()
    try:
        tbl = pa.table({"v": lit})  # noqa: F841 - scanned by DuckDB below
        return [r[0] for r in con.execute("SELECT TRY_CAST(v AS DECIMAL(38, 6)) FROM tbl").fetchall()]
    finally:
        con.close()


_USCC_VALUE = np.full(256, 0, dtype=np.int64)
for _value, _char in enumerate(USCC_CHARSET):
    _USCC_VALUE[ord(_char)] = _value
_USCC_WEIGHTS = np.array(USCC_WEIGHTS, dtype=np.int64)


def uscc_valid(arr) -> pa.Array:
    """GB 32100-2015: 18 chars of 0-9A-HJ-NPQRTUWXY and check character = value
    (31 - Σ vᵢwᵢ mod 31) mod 31. ``arr`` must already be upper-cased."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    shape_ok = pc.fill_null(pc.match_substring_regex(arr, r"^[0-9A-HJ-NPQRTUWXY]{18}$"), False)
    candidates = pc.filter(arr, shape_ok)  # every one is 18 ASCII bytes
    result = np.zeros(len(arr), dtype=bool)
    if len(candidates):
        offsets = np.frombuffer(candidates.buffers()[1], dtype=np.int32)
        offsets = offsets[candidates.offset : candidates.offset + len(candidates) + 1]
        data = np.frombuffer(candidates.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        values = _USCC_VALUE[data.reshape(-1, 18)]
        check = (31 - (values[:, :17] @ _USCC_WEIGHTS) % 31) % 31
        result[np.flatnonzero(shape_ok.to_numpy(zero_copy_only=False))] = check == values[:, 17]
    return pa.array(result, pa.bool_())
