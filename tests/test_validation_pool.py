"""The GX worker pool (expectations/pool.py) and how the Dagster checks use it (dagster_pipeline/checks.py)."""

from __future__ import annotations

import os
import signal

import dagster as dg
import duckdb
import pytest

from dagster_pipeline import checks
from expectations import runner
from expectations.pool import ValidationPool, WorkerDied

SUITES = ["raw_procurement_notices", "dim_county", "fct_procurement_lots"]


def _comparable(outcome) -> dict:
    data = outcome.to_dict()
    data.pop("elapsed_s")
    return data


def test_the_pool_returns_what_the_runner_returns_in_process(small_build):
    warehouse = str(small_build.warehouse)
    con = duckdb.connect(warehouse, read_only=True)
    try:
        expected = {name: _comparable(runner.validate(con, runner.suite_module(name))) for name in SUITES}
    finally:
        con.close()
    pool = ValidationPool(workers=2)
    try:
        pool.submit(warehouse, SUITES, None)
        got = {name: _comparable(pool.outcome(warehouse, name, None)) for name in SUITES}
    finally:
        pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        pool.outcome(warehouse, SUITES[0], None)  # fails at once instead of waiting forever
    assert got == expected
    assert all(o["row_count"] > 0 for o in got.values())


@pytest.mark.slow
def test_a_failing_or_dying_worker_fails_its_task_and_the_pool_goes_on(small_build):
    warehouse = str(small_build.warehouse)
    pool = ValidationPool(workers=1)
    try:
        with pytest.raises(KeyError, match="no GX suite named 'no_such_suite'"):
            pool.outcome(warehouse, "no_such_suite", None)  # raised in the worker, re-raised here
        for proc in list(pool._procs):
            os.kill(proc.pid, signal.SIGKILL)
        with pytest.raises(WorkerDied, match="dim_county"):
            pool.outcome(warehouse, "dim_county", None)
        assert pool.outcome(warehouse, "fct_procurement_lots", None).passed  # a new worker took over
    finally:
        pool.close()
    assert all(proc.poll() is not None for proc in pool._procs)  # every worker ended


def test_each_check_submits_the_selected_suites_of_its_stage():
    raw = [m for m in runner.SUITES if checks.stage(m) == "raw"]
    assert {runner.suite_name(m) for m in raw} == {
        "raw_procurement_notices", "raw_procurement_volume", "raw_registry_enterprises",
        "raw_registry_volume", "raw_connectivity_indicators", "raw_connectivity_volume"}
    everything = {checks.check_key(m) for m in runner.SUITES}
    assert checks.stage_suites(raw[0], runner.SUITES, everything) == [runner.suite_name(m) for m in raw]
    dim_county = runner.suite_module("dim_county")
    dbt_stage = checks.stage_suites(dim_county, runner.SUITES, everything)
    assert len(dbt_stage) == len(runner.SUITES) - len(raw) and "dim_county" in dbt_stage
    # an incremental build selects only some checks: the others are not validated
    only = {checks.check_key(dim_county), checks.check_key(raw[0])}
    assert checks.stage_suites(dim_county, runner.SUITES, only) == ["dim_county"]


def test_only_gx_checks_need_the_pool_so_a_run_without_them_starts_no_worker():
    from dagster_pipeline.definitions import defs

    needs = {}
    for definition in [*defs.assets, *defs.asset_checks]:
        for key in definition.check_keys if isinstance(definition, dg.AssetChecksDefinition) else [definition]:
            needs[key] = "gx" in definition.required_resource_keys
    gx_checks = {k for k in needs if isinstance(k, dg.AssetCheckKey)}
    assert gx_checks and all(needs[k] for k in gx_checks)
    assert not any(needs[k] for k in needs if k not in gx_checks)  # the raw load, dbt, the publish step


@pytest.mark.slow
def test_the_build_prestarts_one_pool_that_the_run_takes_over_or_that_is_ended_unused():
    from expectations import pool

    started = pool.prestart(workers=1)
    assert pool.prestart() is started  # one per build process
    assert pool.take() is started  # the run's resource takes it over
    fresh = pool.take(workers=1)  # nothing prestarted: a new pool
    assert fresh is not started
    for p in (started, fresh):
        p.close()
    unused = pool.prestart(workers=1)
    procs = set(unused._procs)
    pool.discard_prestarted()  # a run without GX checks
    assert procs and all(proc.poll() is not None for proc in procs)
    other = pool.take(workers=1)
    assert other is not unused
    other.close()
