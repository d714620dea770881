"""Dagster definitions: thin wiring of the raw loads, dbt, the GX checks and the publish step.

`dagster dev -m dagster_pipeline.definitions` shows the same assets `smartcounty build` runs."""

from __future__ import annotations

import dagster as dg
from dagster_pipeline.assets.dbt import smartcounty_dbt
from dagster_pipeline.assets.raw import raw_sources
from dagster_pipeline.assets.serving import serving_snapshot
from dagster_pipeline.automation import build_warehouse, daily_build, raw_drop_sensor
from dagster_pipeline.checks import build_gx_checks
from dagster_pipeline import dbt_worker
from dagster_pipeline.project import dbt_project
from dagster_pipeline.resources import (DbtResource, GxValidationResource, RawDropResource, ServingResource,
                                        WarehouseResource)
from expectations.runner import SUITES
from smartcounty import settings
from dagster_pipeline.progress import progress_logger

defs = dg.Definitions(
    assets=[raw_sources, smartcounty_dbt, serving_snapshot],
    asset_checks=build_gx_checks(SUITES),
    jobs=[build_warehouse],
    sensors=[raw_drop_sensor],
    schedules=[daily_build],
    resources={
        "warehouse": WarehouseResource(path=dg.EnvVar(settings.WAREHOUSE_ENV)),
        "raw_drop": RawDropResource(path=dg.EnvVar(settings.RAW_DIR_ENV)),
        "serving": ServingResource(path=dg.EnvVar(settings.SERVING_ENV)),
        "gx": GxValidationResource(),
        "dbt": DbtResource(project_dir=dbt_project, dbt_executable=dbt_worker.executable(),
                           global_config_flags=["--log-level-file", "none"]),
    },
    # One DuckDB file allows one writer: run the steps one after another in one process.
    executor=dg.in_process_executor,
    loggers={"console": progress_logger},
)
