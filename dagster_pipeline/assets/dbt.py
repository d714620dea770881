"""dbt models and seeds as Dagster assets; dbt tests become asset checks."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

import shutil
import time
from pathlib import Path

from dagster_pipeline.project import dbt_project
from dagster_pipeline.resources import WarehouseResource
from dagster_pipeline import incremental
from smartcounty.serving import publish

_LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts",
                 "report": "report", "reference": "reference"}


class SmartcountyTranslator(DagsterDbtTranslator):
    """Keys mirror the warehouse: ``[schema, name]`` (e.g. ``report/fig1_investment_share``),
    so an analyst finds a table and its asset under the same name."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id) or {}
        if node.get("resource_type") in ("model", "seed", "snapshot"):
            schema = node["schema"]
            spec = spec.replace_attributes(key=dg.AssetKey([schema, node["name"]]),
                                           group_name=_LAYER_GROUPS.get(schema, schema))
        return spec


translator = SmartcountyTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool="duckdb",
)
def smartcounty_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    wh_dir = Path(warehouse.path).parent
    target = Path(dbt_project.project_dir) / "target" / f"smartcounty_dbt-{context.run_id}"
    # dagster-dbt copies the project's partial_parse.msgpack (`make manifest`, ensure_manifest)
    # into this run's target: the profile does not name the warehouse file
    # (dagster_pipeline/dbt_warehouse.py), so that parse is valid for every warehouse.
    args = dbt_build_args(context, warehouse)
    # Before dbt writes: the served relations this step rebuilds, so the publish copies them
    # (and keeps the others from the current serving copy); a killed run stays recorded.
    with warehouse.connect() as con:
        publish.mark_unpublished(con, [tuple(key.path) for key in context.selected_asset_keys if len(key.path) == 2])
    started = time.monotonic()
    invocation = dbt.cli(args, context=context, target_path=target)
    first = None
    for event in invocation.stream():
        first = first or time.monotonic()
        yield event
    # The build's profile: dbt's fixed cost (process start, project load or parse) apart from its nodes.
    context.log.info(startup_line(started, first, time.monotonic()))
    # The publish step reads model SQL from this build's manifest (compiled code included).
    keep_manifest(Path(invocation.target_path) / "manifest.json", wh_dir / "dbt_manifest.json")
    # A successful run's target folder (~20 MB of compiled SQL) is not needed again; a failed
    # run keeps its folder (compiled SQL, run_results.json) for the post-mortem.
    shutil.rmtree(target, ignore_errors=True)


def dbt_build_args(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> list[str]:
    """``dbt build`` without the unit tests, with --full-refresh when the incremental
    procurement models must be recomputed in full.

    Unit tests check the SQL against fixed inputs, not the data: as dbt recommends, they run in
    development and CI (``make test``), not in every production build."""
    mode = context.run.tags.get(incremental.MODE_TAG)
    with warehouse.connect(read_only=True) as con:
        full_refresh = incremental.needs_dbt_full_refresh(con, mode)
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    args += ["--exclude-resource-type", "unit_test"]
    context.log.info("dbt " + " ".join(args))
    return args


def startup_line(started: float, first: float | None, done: float) -> str:
    first = done if first is None else first
    return (f"dbt: {first - started:.1f} s until its first node was done (start-up, project load), "
            f"{done - first:.1f} s for the rest")


def keep_manifest(source: Path, target: Path) -> None:
    if source.exists():
        tmp = target.with_suffix(".json.tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
