"""Run a suite module against a DuckDB connection and summarise the result.

A suite module exposes ``TABLE`` ("schema.table"), ``ASSET_KEY`` (list[str]),
``build_suite(params)`` (a ``gx.ExpectationSuite`` or a list of expectations) and
optionally ``query(params)`` (the SQL producing the frame; default ``select * from TABLE``),
``INDEX_COLUMNS`` (columns shown next to failing values), ``BANDS`` ({column: band name}),
``SAMPLED`` (the query samples ``TABLE``), ``NAME``, ``TITLE_ZH``,
``ADDITIONAL_ASSET_KEYS`` (other assets the query reads).

Severity: every expectation is ERROR (blocking) unless it was built with GX severity
``warning`` (band warning limits, published-figure mismatches) → WARN.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from types import ModuleType
from typing import Any, Iterator

import duckdb

from expectations import params as params_mod
from expectations.bands import band as get_band
from expectations.gxlib import _LOCK, DATASOURCE, context, make_suite
from expectations.suites import (
    county_coverage,
    county_integrity,
    county_scorecard,
    county_scorecard_indicators,
    county_scorecard_spread,
    dim_county,
    fct_county_connectivity,
    fct_enterprises,
    fct_procurement_lots,
    fct_procurement_lots_bands,
    fig1_investment_share,
    figure_reconciliation,
    integrity_flag_rates,
    integrity_flags,
    network_infrastructure_ranking,
    raw_connectivity_indicators,
    raw_connectivity_volume,
    raw_procurement_notices,
    raw_procurement_volume,
    raw_registry_enterprises,
    raw_registry_volume,
    report_shares,
    supplier_locality,
)
from smartcounty.constants import PERSONAL_COLUMNS

# Personal data (contract: never published, smartcounty.constants.PERSONAL_COLUMNS) must never
# reach a validation frame.
MAX_EXAMPLES = 5

SUITES: list[ModuleType] = [
    raw_procurement_notices,
    raw_procurement_volume,
    raw_registry_enterprises,
    raw_registry_volume,
    raw_connectivity_indicators,
    raw_connectivity_volume,
    dim_county,
    fct_procurement_lots,
    fct_procurement_lots_bands,
    fct_enterprises,
    fct_county_connectivity,
    fig1_investment_share,
    county_coverage,
    network_infrastructure_ranking,
    figure_reconciliation,
    report_shares,
    integrity_flags,
    county_integrity,
    integrity_flag_rates,
    supplier_locality,
    county_scorecard_indicators,
    county_scorecard_spread,
    county_scorecard,
]


@dataclass
class CheckOutcome:
    name: str
    table: str
    asset_key: list[str]
    passed: bool
    severity: str  # "ERROR" | "WARN": worst failure; when passed, worst the suite can emit
    failed: list[dict[str, Any]]
    statistics: dict[str, Any]
    row_count: int
    elapsed_s: float
    bands: list[dict[str, Any]] = field(default_factory=list)
    title_zh: str = ""

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == "ERROR"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def suite_name(module: ModuleType) -> str:
    name = getattr(module, "NAME", None)
    return name or module.__name__.rsplit(".", 1)[-1]


def suite_module(name: str) -> ModuleType:
    """The suite module called ``name`` (``suite_name``), for a worker that receives names."""
    for module in SUITES:
        if suite_name(module) == name:
            return module
    raise KeyError(f"no GX suite named {name!r}")


def frame_query(module: ModuleType, params: dict[str, Any] | None = None) -> str:
    """The SQL whose result the suite validates (checked for personal columns)."""
    p = params_mod.resolve(params)
    sql = module.query(p) if hasattr(module, "query") else f"select * from {module.TABLE}"
    leaked = [c for c in PERSONAL_COLUMNS if c in sql]
    if leaked:
        raise ValueError(f"{suite_name(module)}: query names personal-data columns {leaked}")
    return sql


def validate(
    con: duckdb.DuckDBPyConnection, suite_module: ModuleType, params: dict[str, Any] | None = None
) -> CheckOutcome:
    """Read the suite's frame from ``con``, validate it with GX and summarise the result."""
    started = time.perf_counter()
    p = params_mod.resolve(params)
    name = suite_name(suite_module)
    sql = frame_query(suite_module, p)
    try:
        with _no_replacement_scans(con):
            frame = con.execute(sql).df()
    except duckdb.Error as exc:
        # A missing relation or column is a broken interface: blocking.
        return _outcome(suite_module, name, passed=False, severity="ERROR", row_count=0,
                        failed=[_query_failure(exc)], statistics={}, started=started)
    leaked = [c for c in frame.columns if c in PERSONAL_COLUMNS]
    if leaked:
        raise ValueError(f"{name}: frame carries personal-data columns {leaked}")

    suite = suite_module.build_suite(p)
    if isinstance(suite, list):
        suite = make_suite(name, suite)
    declared = {_severity(e.severity) for e in suite.expectations}
    index_columns = [c for c in getattr(suite_module, "INDEX_COLUMNS", []) if c in frame.columns]
    result = _run_gx(name, suite, frame, index_columns)

    failed = [_failure(r) for r in result.results if not r.success]
    failed.sort(key=lambda f: (f["severity"] != "ERROR", f["expectation"]))
    statistics = {k: _plain(v) for k, v in dict(result.statistics).items()}
    if getattr(suite_module, "SAMPLED", False):
        with _no_replacement_scans(con):
            table_rows = con.execute(f"select count(*) from {suite_module.TABLE}").fetchone()[0]
        statistics.update(table_rows=int(table_rows), sampled=bool(table_rows > len(frame)))
    if failed:
        severity = "ERROR" if any(f["severity"] == "ERROR" for f in failed) else "WARN"
    else:
        severity = "ERROR" if "ERROR" in declared else "WARN"
    return _outcome(suite_module, name, passed=not failed, severity=severity, row_count=len(frame),
                    failed=failed, statistics=statistics, started=started,
                    bands=_band_values(suite_module, frame, p, index_columns))


def validate_all(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any] | None = None,
    suites: list[ModuleType] | None = None,
) -> list[CheckOutcome]:
    return [validate(con, module, params) for module in (SUITES if suites is None else suites)]


@contextlib.contextmanager
def _no_replacement_scans(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Missing tables must fail, not be replaced by a same-named Python object of the caller
    (DuckDB's replacement scans would read e.g. this module's ``fct_enterprises``)."""
    previous = con.execute("select current_setting('python_enable_replacements')").fetchone()[0]
    con.execute("set python_enable_replacements = false")
    try:
        yield
    finally:
        con.execute(f"set python_enable_replacements = {'true' if previous else 'false'}")


# A passing expectation contributes only its success to the outcome, and GX's SUMMARY format
# costs ~2.5x the CPU of BOOLEAN_ONLY (unexpected values, counts and index lists for every
# expectation, passing or not). So a suite runs first with BOOLEAN_ONLY; only one with a failure
# runs again with SUMMARY, whose result (the same successes, now with what failed) is the outcome.
QUICK_FORMAT = {"result_format": "BOOLEAN_ONLY"}


def _run_gx(name: str, suite: Any, frame: Any, index_columns: list[str]) -> Any:
    result = _validate_frame(name, suite, frame, QUICK_FORMAT)
    if all(r.success for r in result.results):
        return result
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
    if index_columns:
        result_format["unexpected_index_column_names"] = index_columns
    return _validate_frame(name, suite, frame, result_format)


def _validate_frame(name: str, suite: Any, frame: Any, result_format: dict[str, Any]) -> Any:
    ctx = context()
    with _LOCK:  # the context's stores are not thread-safe
        datasource = ctx.data_sources.get(DATASOURCE)
        try:
            asset = datasource.get_asset(name)
        except LookupError:
            asset = datasource.add_dataframe_asset(name)
        existing = [b for b in asset.batch_definitions if b.name == "whole_frame"]
        batch_definition = existing[0] if existing else asset.add_batch_definition_whole_dataframe("whole_frame")
        # Batch.validate runs the in-memory suite directly: storing the suite and a
        # ValidationDefinition in the context first doubles the CPU time of a run.
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=result_format)


def _severity(value: Any) -> str:
    return "WARN" if str(getattr(value, "value", value)).lower() in ("warning", "info") else "ERROR"


def _failure(r: Any) -> dict[str, Any]:
    config = r.expectation_config
    res = r.result or {}
    examples = res.get("partial_unexpected_index_list") or res.get("partial_unexpected_list") or []
    entry: dict[str, Any] = {
        "expectation": config.type,
        "kwargs": {k: _plain(v) for k, v in config.kwargs.items() if k != "batch_id"},
        "severity": _severity(config.severity),
        "unexpected_count": _plain(res.get("unexpected_count")),
        "examples": [_plain(x) for x in examples[:MAX_EXAMPLES]],
    }
    if res.get("partial_missing_list"):  # distinct-set checks: expected values absent
        entry["missing"] = [_plain(x) for x in res["partial_missing_list"][:MAX_EXAMPLES]]
    if "observed_value" in res:
        entry["observed_value"] = _plain(res["observed_value"])
    meta = dict(config.meta or {})
    if meta:
        entry["meta"] = _plain(meta)
    info = r.exception_info or {}
    if info.get("raised_exception"):
        entry["exception"] = str(info.get("exception_message"))[:500]
    return entry


def _query_failure(exc: Exception) -> dict[str, Any]:
    return {"expectation": "query_executes", "kwargs": {}, "severity": "ERROR",
            "unexpected_count": None, "examples": [], "exception": str(exc)[:500]}


def _band_values(module: ModuleType, frame: Any, p: dict[str, Any], index_columns: list[str]) -> list[dict]:
    out = []
    for column, band_name in getattr(module, "BANDS", {}).items():
        if column not in frame.columns:
            continue
        b = get_band(band_name, p)
        for _, row in frame[frame[column].notna()].iterrows():
            value = float(row[column])
            out.append({
                "band": band_name, "label_zh": b.label_zh, "column": column,
                "key": _plain(row[index_columns[0]]) if index_columns else None,
                "value": _plain(value), "level": b.level(value),
                "warn_min": b.warn_min, "warn_max": b.warn_max,
                "error_min": b.error_min, "error_max": b.error_max,
            })
    return out


def _outcome(module, name, *, passed, severity, row_count, failed, statistics, started, bands=None):
    return CheckOutcome(
        name=name, table=module.TABLE, asset_key=list(module.ASSET_KEY), passed=passed,
        severity=severity, failed=failed, statistics=statistics, row_count=int(row_count),
        elapsed_s=round(time.perf_counter() - started, 3), bands=bands or [],
        title_zh=getattr(module, "TITLE_ZH", ""),
    )


def _is_pandas_missing(value: Any) -> bool:
    # pandas is imported lazily: the build process defines the checks but the GX workers
    # (expectations.pool) read the frames; a missing-value marker implies pandas is loaded.
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def _plain(value: Any) -> Any:
    """JSON-friendly copy (numpy scalars, NaN, dates, Decimals, tuples)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, TypeError):
            pass
    if _is_pandas_missing(value):
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
