"""Typed parsing of cleaned values (smartcounty.rawload.parse): the SQL expressions the
load runs, evaluated in DuckDB."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcounty.constants import USCC_CHARSET, USCC_WEIGHTS
from smartcounty.rawload import parse as P
from smartcounty.rawload import vector as V
from smartcounty.rawload.text import clean_scalar


def one(build, value):
    return P.evaluate(build, [value])[0]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("0", "0"),
        ("12345", "12345"),
        ("12345.67", "12345.67"),
        ("1,234,567.89", "1234567.89"),
        ("1 234 567", "1234567"),
        ("¥1000", "1000"),
        ("人民币1000", "1000"),
        ("1000元", "1000"),
        ("1000元整", "1000"),
        ("¥12.5万元", "125000"),
        ("12.5万", "125000"),
        ("3亿", "300000000"),
        ("人民币3亿元整", "300000000"),
        ("0.000001亿", "100"),
        ("1.23456789万", "12345.6789"),  # exact: the decimal point moves, no float
        ("1.00000001亿", "100000001"),
        ("98765432109876543210.5", "98765432109876543210.5"),  # beyond float precision
    ],
)
def test_amount_forms(text, yuan):
    assert V.amounts([text]) == [Decimal(yuan)]


def test_amount_full_width_yen_after_nfkc():
    # NFKC maps ￥ (U+FFE5) to ¥ (U+00A5) and full-width digits to ASCII.
    assert V.amounts([clean_scalar("￥１２．５万元", nfkc=True)]) == [Decimal("125000")]


@pytest.mark.parametrize(
    "text",
    ["下浮率5%", "折扣率95%", "单价100元", "详见附件", "/", "-", "-5", "-5万", "1.2.3", "万", "5万万",
     "5美元", "500万人民币", "1e5", "", None],
)
def test_amount_unparseable_is_null(text):
    assert V.amounts([text]) == [None]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [("500万人民币", "5000000"), ("500万元", "5000000"), ("500万元人民币", "5000000"),
     ("50.5万", "505000"), ("1000", "1000")],
)
def test_registered_capital_forms(text, yuan):
    assert V.amounts([text], V.CAPITAL_PATTERN) == [Decimal(yuan)]


@pytest.mark.parametrize("text", ["500万美元", "五百万", "500万港币", "详见章程"])
def test_registered_capital_unparseable(text):
    assert V.amounts([text], V.CAPITAL_PATTERN) == [None]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-05-06", dt.date(2023, 5, 6)),
        ("2023/5/6", dt.date(2023, 5, 6)),
        ("2023/05/06", dt.date(2023, 5, 6)),
        ("2023年5月6日", dt.date(2023, 5, 6)),
        ("2023年05月06日", dt.date(2023, 5, 6)),
        ("2023-05-06 14:30:00", dt.date(2023, 5, 6)),
        ("2023-05-06 23:59:59", dt.date(2023, 5, 6)),
        ("20230506", dt.date(2023, 5, 6)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        # epoch milliseconds: a UTC instant, the date is taken in Asia/Shanghai (UTC+8)
        ("1683354600000", dt.date(2023, 5, 6)),  # 2023-05-06T06:30Z
        ("1672502400000", dt.date(2023, 1, 1)),  # 2022-12-31T16:00Z = 2023-01-01 00:00 +08
        ("1672502399999", dt.date(2022, 12, 31)),  # one ms earlier
        ("1688140800000", dt.date(2023, 7, 1)),  # 2023-06-30T16:00Z
    ],
)
def test_date_forms(text, date):
    assert one(P.date_sql, text) == date


@pytest.mark.parametrize(
    "text",
    ["2023-02-30", "2023-13-01", "2023-02-29", "20230230", "2023.05.06", "06/05/2023", "2023-05",
     "2023-05-06T14:30:00", "2023-05-06 25:00:00", "168335460000", "16833546000000", "0000-01-01",
     "2023年5月6", "2023-05-06x", "不详", "", None],
)
def test_date_invalid(text):
    assert one(P.date_sql, text) is None


def test_date_full_width_after_nfkc():
    assert one(P.date_sql, clean_scalar("２０２３－０５－０６", nfkc=True)) == dt.date(2023, 5, 6)


def test_uscc_table_accepts_real_codes():
    """The one home of the GB 32100-2015 table (smartcounty.constants) checks published codes:
    a wrong weight or character order would reject most of them (each passes by chance 1 in 31)."""
    for code in ("91350100M000100Y43", "9144030071526726XG", "914403001922038216", "91330100716105852F",
                 "91110000802100433B"):
        assert _reference_uscc_valid(code), code


def _reference_uscc_valid(code: str) -> bool:
    # A scalar implementation of the GB 32100-2015 check, over the table's one home.
    chars, weights = USCC_CHARSET, USCC_WEIGHTS
    if len(code) != 18 or any(c not in chars for c in code):
        return False
    check = 31 - sum(chars.index(c) * w for c, w in zip(code[:17], weights)) % 31
    return chars[check % 31] == code[17]


def uscc_valid(value):
    import pyarrow as pa
    import pyarrow.compute as pc

    return V.uscc_valid(pc.utf8_upper(pa.array([value], pa.string()))).to_pylist()[0]


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91350100M000100Y43", True),  # published example
        ("91350100m000100y43", True),  # upper-cased before the check
        ("91350100M000100Y44", False),  # wrong check digit
        ("91350100M000100Y4", False),  # 17 chars
        ("91350100M000100Y433", False),  # 19 chars
        ("91350100I000100Y43", False),  # I is outside the charset
        ("91350100O000100Y43", False),  # O is outside the charset
        ("9135010-M000100Y43", False),
        (None, False),
    ],
)
def test_uscc(code, valid):
    assert uscc_valid(code) is valid
    if code is not None:
        assert _reference_uscc_valid(code.upper()) is valid


def test_uscc_check_char_agrees_with_reference():
    import random

    import pyarrow as pa

    rng = random.Random(7)
    chars = P.USCC_CHARSET
    codes = ["".join(rng.choice(chars) for _ in range(17)) for _ in range(300)]
    full = [c + P.uscc_check_char(c) for c in codes]
    assert all(_reference_uscc_valid(c) for c in full)
    assert V.uscc_valid(pa.array(full)).to_pylist() == [True] * len(full)
    # every other final character is wrong
    wrong = [c[:17] + next(x for x in chars if x != c[17]) for c in full]
    assert V.uscc_valid(pa.array(wrong)).to_pylist() == [False] * len(wrong)


@pytest.mark.parametrize(
    ("text", "lot"),
    [(None, "1"), ("1", "1"), ("01", "1"), ("007", "7"), ("0", "0"), ("00", "0"), ("10", "10"),
     ("A", "A"), ("包1", "包1"), ("01A", "01A")],
)
def test_lot_no(text, lot):
    assert one(P.lot_no_sql, text) == lot


@pytest.mark.parametrize(
    ("text", "code"),
    [("450325", "450325"), ("450325000", "450325"), ("450325000000", "450325"),
     ("4503250001", "4503250001"), ("4503", "4503"), ("兴安县", "兴安县")],
)
def test_division_code_cut(text, code):
    assert one(P.division_code_sql, text) == code


def test_division_code_nfkc_then_cut():
    assert one(P.division_code_sql, clean_scalar("４５０３２５０００", nfkc=True)) == "450325"


@pytest.mark.parametrize(
    ("text", "code"),
    [("I6510", "6510"), ("i6510", "6510"), ("6510", "6510"), ("T9900", "9900"), ("U6510", None),
     ("65100", None), ("651", None), ("I65", None), ("I-6510", None)],
)
def test_industry_code(text, code):
    assert one(P.industry_code_sql, text) == code


def test_industry_code_full_width_after_nfkc():
    assert one(P.industry_code_sql, clean_scalar("Ｉ６５１０", nfkc=True)) == "6510"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("1234", 1234), ("1,234,567", 1234567), ("-1", None), ("1.5", None), ("1.0", None),
     ("abc", None), ("99999999999999999999999", None)],
)
def test_count(text, value):
    assert one(P.count_sql, text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0.0), ("100", 100.0), ("99.5", 99.5), ("99.5%", 99.5), ("50 %", 50.0), ("100.0%", 100.0),
     ("100.01", None), ("-0.5", None), ("abc", None), ("%", None), ("50%%", None)],
)
def test_percent(text, value):
    assert one(P.percent_sql, text) == value


# ---------------------------------------------------------------- zero-width detection (text.py)
# The byte search must say exactly what a regex over every value says, for slices (the load
# cleans a file in chunks), NULLs, empty strings and chunked arrays.
_ALPHABET = ["a", "中", " ", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2061", "\u200e"]


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.lists(st.sampled_from(_ALPHABET), max_size=6).map("".join)),
                       max_size=12),
       start=st.integers(0, 12), length=st.integers(0, 12), split=st.integers(0, 12))
def test_zero_width_byte_search_agrees_with_regex(values, start, length, split):
    import pyarrow as pa
    import pyarrow.compute as pc

    from smartcounty.rawload.text import _ZERO_WIDTH_RE, ZERO_WIDTH, has_zero_width, remove_zero_width

    whole = pa.array(values, pa.string())
    for arr in (whole, whole.slice(start, length),
                pa.chunked_array([whole.slice(0, split), whole.slice(split)], pa.string())):
        expected = bool(pc.any(pc.match_substring_regex(arr, _ZERO_WIDTH_RE)).as_py())
        assert has_zero_width(arr) is expected
        cleaned = remove_zero_width(arr).to_pylist()
        assert cleaned == [None if v is None else "".join(ch for ch in v if ch not in ZERO_WIDTH)
                           for v in arr.to_pylist()]
