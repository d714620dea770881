"""Lazy access to Great Expectations and one cached ephemeral context per process.

``import great_expectations`` costs 3–5 s, so nothing imports it at module level: the
suites call ``gxe()`` inside ``build_suite`` and the runner calls ``context()``.
GX validates pandas frames read from DuckDB (its SQL path is broken on DuckDB).
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

from expectations.bands import Band

_LOCK = threading.RLock()
_CONTEXT: Any = None
DATASOURCE = "smartcounty_frames"


def gx() -> ModuleType:
    import great_expectations  # noqa: PLC0415 - deliberately lazy

    return great_expectations


def gxe() -> ModuleType:
    import great_expectations.expectations as expectations  # noqa: PLC0415

    return expectations


def context() -> Any:
    """The process-wide ephemeral context (writes nothing to disk), created once."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

            ctx = gx().get_context(mode="ephemeral")
            # tqdm bars would flood Dagster's captured stderr.
            ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
            ctx.data_sources.add_pandas(DATASOURCE)
            _CONTEXT = ctx
        return _CONTEXT


def make_suite(name: str, expectations: list) -> Any:
    return gx().ExpectationSuite(name=name, expectations=list(expectations))


def band_expectations(column: str, band_name: str, band: Band) -> list:
    """A WARN- and an ERROR-severity range expectation on ``column`` for one band."""
    e = gxe()
    out = []
    for level, low, high, severity in (
        ("warn", band.warn_min, band.warn_max, "warning"),
        ("error", band.error_min, band.error_max, "critical"),
    ):
        if low is None and high is None:
            continue
        out.append(
            e.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=low,
                max_value=high,
                severity=severity,  # GX 1.24 FailureSeverity: critical → ERROR, warning → WARN
                meta={"band": band_name, "band_level": level, "label_zh": band.label_zh},
            )
        )
    return out


def warn(expectation: Any) -> Any:
    """A copy of ``expectation`` with WARN severity (non-blocking)."""
    from great_expectations.expectations.metadata_types import FailureSeverity  # noqa: PLC0415

    return expectation.copy(update={"severity": FailureSeverity.WARNING})
