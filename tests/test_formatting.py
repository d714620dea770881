"""Numbers as text (smartcounty.formatting): one module for the pages and the bulletin."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcounty import formatting as F
from smartcounty.bulletin import text
from streamlit_app import ui


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_values_print_a_dash(value):
    assert F.pct(value) == F.yi(value) == F.yi_number(value) == F.count(value) == F.MISSING


def test_ties_round_half_up_not_to_the_binary_neighbour():
    # 0.01005 * 100 prints as 1.005 but is 1.00499… in binary: an f-string would print 1.00.
    assert f"{0.01005 * 100:.2f}" == "1.00"
    assert F.pct(0.01005) == "1.01%"
    assert F.yi(1_234_500_000) == "12.35亿元"  # 12.345 亿元
    assert F.yi_number(123_456_789_012.345, 2) == "1,234.57"
    assert F.count(1234567) == "1,234,567"


def test_pages_and_bulletin_print_the_same_digits():
    for value in (0.01005, 0.0, 1.0, 0.987654):
        assert ui.pct(value) == text.pct(value) == F.pct(value)
    assert ui.yi(1_234_500_000) + "亿元" == text.yi(1_234_500_000)
