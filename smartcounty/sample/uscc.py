"""Unified social credit codes (统一社会信用代码, GB 32100-2015) with a valid check character."""

from __future__ import annotations

import numpy as np

from smartcounty.constants import USCC_CHARSET as CHARSET
from smartcounty.constants import USCC_WEIGHTS

WEIGHTS = np.array(USCC_WEIGHTS, dtype=np.int64)
_LOOKUP = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(CHARSET):
    _LOOKUP[ord(_c)] = _i


def uscc_with_check(rng, head2: np.ndarray, division: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Valid GB 32100-2015 codes: head(2) + division(6) + 9 chars from `serial` (unique) + check char."""
    n = len(serial)
    cs = np.frombuffer(CHARSET.encode("ascii"), dtype=np.uint8)
    head = np.asarray(head2).astype("S2").view(np.uint8).reshape(n, 2)
    div = np.asarray(division).astype("S6").view(np.uint8).reshape(n, 6)
    v = (np.asarray(serial, dtype=np.int64) * 1_000_003 + 17) % (31 ** 9)
    org = np.empty((n, 9), dtype=np.uint8)
    for k in range(8, -1, -1):
        org[:, k] = cs[v % 31]
        v //= 31
    body = np.concatenate([head, div, org], axis=1)
    total = (_LOOKUP[body] * WEIGHTS).sum(axis=1)
    check = 31 - total % 31
    check = np.where(check == 31, 0, check)
    full = np.ascontiguousarray(np.concatenate([body, cs[check][:, None]], axis=1))
    return full.view("S18").ravel().astype(str).astype(object)
