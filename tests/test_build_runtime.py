"""The build's fixed costs, cut at the root (issue 17): dbt's connection does not name the
warehouse file (one parse serves every warehouse), no ``dbt --version`` subprocess, a lean
event log for the CLI's throw-away Dagster instance, a reaper that walks the build's own
process tree, and a per-stage profile of every build. No build is run here (seconds)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from importlib import metadata

import dagster as dg
import duckdb
import pytest

from dagster_pipeline import dbt_warehouse
from dagster_pipeline.instance import build_instance
from dagster_pipeline import reaper
from smartcounty import settings
from dagster_pipeline.console import BuildConsole, Event, build_profile, process_age, profile_line


def test_the_plugin_attaches_the_warehouse_file_as_the_catalog_warehouse(tmp_path, monkeypatch):
    path = tmp_path / "any name.duckdb"
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(path))
    monkeypatch.setenv(settings.DBT_MEMORY_LIMIT_ENV, "300MB")
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, "200MB")  # the raw load's, not dbt's
    plugin = dbt_warehouse.Plugin(name="dbt_warehouse", plugin_config={})
    con = duckdb.connect(":memory:")
    plugin.configure_connection(con)
    cursor = con.cursor()
    plugin.configure_cursor(cursor)
    # unqualified names (the incremental models' pre-hooks) resolve in the warehouse, in every cursor
    assert cursor.execute("select current_database()").fetchone() == ("warehouse",)
    cursor.execute('create schema "warehouse"."raw"')
    cursor.execute("create table raw.t as select 1 as a")
    cursor.execute('create view "warehouse"."raw"."v" as select a from "warehouse"."raw"."t"')
    assert con.execute("select current_setting('memory_limit')").fetchone()[0].startswith("286")  # 300 MB in MiB
    # spills go next to the warehouse, as for a file opened directly — not into dbt's working directory
    assert con.execute("select current_setting('temp_directory')").fetchone()[0] == f"{path}.tmp"
    cursor.close()
    con.close()
    # The file reads the same under its own name: the views do not keep the catalog's name.
    direct = duckdb.connect(str(path), read_only=True)
    try:
        assert direct.execute("select * from raw.v").fetchall() == [(1,)]
    finally:
        direct.close()


def test_the_plugin_refuses_to_guess_the_warehouse(monkeypatch):
    monkeypatch.delenv(settings.WAREHOUSE_ENV, raising=False)
    plugin = dbt_warehouse.Plugin(name="dbt_warehouse", plugin_config={})
    with pytest.raises(RuntimeError, match=settings.WAREHOUSE_ENV):
        plugin.configure_connection(duckdb.connect(":memory:"))


def test_every_dbt_relation_and_source_lives_in_the_constant_catalog():
    import json

    from dagster_pipeline.project import ensure_manifest

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    databases = {n["database"] for n in [*manifest["nodes"].values(), *manifest["sources"].values()]
                 if n.get("database") is not None}
    assert databases == {dbt_warehouse.CATALOG}
    profile = (settings.DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    assert "env_var" not in profile  # nothing in dbt's connection hash may vary between builds


def test_the_dbt_resource_knows_its_version_without_a_subprocess():
    from dagster_pipeline.definitions import defs

    dbt = defs.resources["dbt"]
    assert str(dbt._cli_version) == metadata.version("dbt-core")
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
    assert dbt.global_config_flags == ["--log-level-file", "none"]


def test_the_build_instance_records_materialisations_and_check_results():
    @dg.asset
    def numbers():
        return 1

    @dg.asset_check(asset=numbers)
    def positive():
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)

    with build_instance() as instance:
        job = dg.Definitions(assets=[numbers], asset_checks=[positive]).resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(instance=instance)
        assert result.success
        assert [e.passed for e in result.get_asset_check_evaluations()] == [False]
        assert instance.get_latest_materialization_event(dg.AssetKey("numbers")) is not None
        history = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("numbers"), "positive"), limit=5)
        assert len(history) == 1


def test_the_reaper_walks_the_same_tree_as_a_scan_of_proc():
    if not os.path.exists(f"/proc/{os.getpid()}/task"):
        pytest.skip("no /proc")
    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; "
                              "subprocess.run([sys.executable, '-c', 'import time; time.sleep(30)'])"])
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(reaper.descendants(os.getpid())) < 2:
            time.sleep(0.05)
        walked = reaper.descendants(os.getpid())
        assert child.pid in walked and len(walked) >= 2  # the child and its grandchild
        assert walked.items() <= reaper._descendants_by_scan(os.getpid()).items()
    finally:
        for pid in reaper.descendants(os.getpid()):
            os.kill(pid, 9)
        child.wait()


def test_the_build_profile_splits_the_seconds_by_stage():
    steps = [("raw_sources", 7.0), ("raw_procurement_gx_raw_procurement", 1.5), ("raw_registry_gx_raw_registry", 2.5),
             ("smartcounty_dbt", 30.0), ("report__fig1_gx_fig1", 3.0), ("serving_snapshot", 1.0)]
    profile = build_profile(total=55.0, startup=6.0, steps=steps)
    assert profile["stages_s"] == {"raw_load": 7.0, "checks": 7.0, "dbt": 30.0, "publish": 1.0}
    assert profile["other_s"] == 4.0  # 55 − 6 − 45
    assert [s["step"] for s in profile["steps"]] == [s for s, _ in steps]
    assert profile_line(profile).startswith("time: startup 6.0 s, raw_load 7.0 s, checks 7.0 s, dbt 30.0 s")
    assert 0 < process_age() < 24 * 3600


def test_the_console_records_each_steps_seconds():
    console = BuildConsole(stream=open(os.devnull, "w"), live=False)
    with console:
        console.handle(Event("STEP_START", step="raw_sources"))
        console.handle(Event("STEP_SUCCESS", step="raw_sources"))
        console.handle(Event("STEP_START", step="smartcounty_dbt"))
        console.handle(Event("STEP_FAILURE", step="smartcounty_dbt"))
    assert [s for s, _ in console.steps] == ["raw_sources", "smartcounty_dbt"]
    assert console.first_step_at is not None and all(sec >= 0 for _, sec in console.steps)
