"""The publish gate's last step: the serving copy the front end reads."""


from pathlib import Path

import dagster as dg

from dagster_pipeline.assets.dbt import smartcounty_dbt
from dagster_pipeline.resources import RawDropResource, ServingResource, WarehouseResource
from dagster_pipeline import incremental
from expectations import outcomes as validation
from smartcounty.serving import publish


def dbt_version() -> str:
    try:
        from importlib.metadata import version

        return version("dbt-core")
    except Exception:  # metadata is informative only
        return ""


def publish_line(copied: list[str], counts: dict[str, int]) -> str:
    if len(copied) == len(counts):
        return f"published {len(counts)} relations, all copied from the warehouse"
    return (f"published {len(counts)} relations: {len(copied)} rebuilt copied from the warehouse, "
            f"{len(counts) - len(copied)} kept from the previous serving copy")


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
    tags = context.run.tags
    reused: list[str] = []
    if tags.get(incremental.REUSE_TAG):
        # An incremental build reran only the checks of changed tables; the others' outcomes
        # (passed, or the last build would not have published) come from the last good build.
        from dagster_pipeline.checks import render_report

        reused = incremental.carry_over_outcomes(wh, tags[incremental.REUSE_TAG], context.run_id)
        render_report(wh, context.run_id)
    outcomes = validation.load_outcomes(wh, context.run_id)
    report = validation.report_path(wh)
    manifest = wh.parent / "dbt_manifest.json"
    copied: list[str] = []
    with warehouse.connect() as con:
        counts = publish.publish_snapshot(
            con,
            Path(serving.path),
            manifest_path=manifest,
            build_info={"raw_dir": raw_drop.path, "validation_report": str(report), "dbt_version": dbt_version()},
            validation=outcomes,
            copied=copied,
        )
        # Only a planned build (the CLI) or a run of every asset consumed every pending change.
        if incremental.MODE_TAG in tags or context.run.asset_selection is None:
            fingerprint = tags.get(incremental.FINGERPRINT_TAG) or incremental.project_fingerprint()
            incremental.record_success(con, context.run_id, fingerprint)
    context.log.info(publish_line(copied, counts))
    if report.exists():
        target = Path(serving.path).parent / "validation_report.html"
        if target != report:
            target.write_bytes(report.read_bytes())
    validation.prune_runs(wh)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(serving.path),
            "tables": len(counts),
            # the others were kept from the serving copy they replace (smartcounty/serving/publish.py)
            "copied_from_warehouse": dg.MetadataValue.json(copied),
            "rows": dg.MetadataValue.json(counts),
            "validation_report": dg.MetadataValue.path(str(report)),
            "reused_validation_outcomes": dg.MetadataValue.json(reused),
        }
    )
