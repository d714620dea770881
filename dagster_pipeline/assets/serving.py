"""The publish gate's last step: the serving copy the front end reads."""


from pathlib import Path

import dagster as dg

from dagster_pipeline.assets.dbt import smartcounty_dbt
from dagster_pipeline.resources import RawDropResource, ServingResource, WarehouseResource
from smartcounty import publish, validation


def dbt_version() -> str:
    try:
        from importlib.metadata import version

        return version("dbt-core")
    except Exception:  # metadata is informative only
        return ""


@dg.asset(
    key="serving_snapshot",
    group_name="serving",
    kinds={"duckdb"},
    deps=[smartcounty_dbt],
    pool="duckdb",
    description="只读服务副本 Read-only serving copy (marts, report, meta; no personal data), swapped in atomically "
    "only when every blocking check of the run passed.",
)
def serving_snapshot(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    serving: ServingResource,
    raw_drop: RawDropResource,
) -> dg.MaterializeResult:
    wh = Path(warehouse.path)
    outcomes = validation.load_outcomes(wh, context.run_id)
    report = validation.report_path(wh)
    manifest = wh.parent / "dbt_manifest.json"
    with warehouse.connect() as con:
        counts = publish.publish_snapshot(
            con,
            Path(serving.path),
            manifest_path=manifest,
            build_info={"raw_dir": raw_drop.path, "validation_report": str(report), "dbt_version": dbt_version()},
            validation=outcomes,
        )
    if report.exists():
        target = Path(serving.path).parent / "validation_report.html"
        if target != report:
            target.write_bytes(report.read_bytes())
    validation.prune_runs(wh)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(serving.path),
            "tables": len(counts),
            "rows": dg.MetadataValue.json(counts),
            "validation_report": dg.MetadataValue.path(str(report)),
        }
    )
