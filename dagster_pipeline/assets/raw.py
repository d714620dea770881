"""Raw-load assets: one per source, materialised together so that a structural error in
any file of the drop stops the load before any raw table is replaced."""


from pathlib import Path

import dagster as dg

from dagster_pipeline.resources import RawDropResource, WarehouseResource
from dagster_pipeline import incremental
from smartcounty import rawload, settings

RAW_ASSET_KEYS = {source: dg.AssetKey(f"raw_{source}") for source in rawload.SOURCES}

_DESCRIPTIONS = {
    "procurement": "政府采购公告 Procurement notices → raw.procurement_notices (+ quarantine, per-file counts)",
    "registry": "企业登记信息 Enterprise registry → raw.registry_enterprises (+ quarantine, per-file counts)",
    "connectivity": "县域网络指标 County connectivity → raw.connectivity_indicators (+ quarantine, per-file counts)",
}


def load_metadata(result: rawload.LoadResult, ignored: list[str]) -> dict:
    """Asset metadata of one source load: totals, reasons and the per-file accounting."""
    per_file = dg.TableMetadataValue(
        records=[dg.TableRecord(dict(row)) for row in result.per_file],
        schema=dg.TableSchema(
            columns=[
                dg.TableColumn("source_file", "string"),
                dg.TableColumn("encoding", "string"),
                dg.TableColumn("rows_read", "int"),
                dg.TableColumn("rows_accepted", "int"),
                dg.TableColumn("rows_quarantined", "int"),
            ]
        ),
    )
    return {
        "files": len(result.per_file),
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_quarantined": result.rows_quarantined,
        "quarantine_by_reason": dg.MetadataValue.json(dict(result.quarantine_by_reason)),
        "per_file": per_file,
        "ignored_files": dg.MetadataValue.json(ignored),
        # what this load did: full / delta (only the files below parsed) / unchanged
        "load_action": result.action,
        "files_parsed": dg.MetadataValue.json(result.files_parsed),
        "files_replaced_or_removed": dg.MetadataValue.json(result.files_removed),
        "full_load_reason": result.reason,
    }


@dg.multi_asset(
    name="raw_sources",
    specs=[
        dg.AssetSpec(key, group_name="raw", kinds={"duckdb", "python"}, description=_DESCRIPTIONS[source])
        for source, key in RAW_ASSET_KEYS.items()
    ],
    pool="duckdb",
)
def raw_sources(context: dg.AssetExecutionContext, warehouse: WarehouseResource, raw_drop: RawDropResource):
    # A full build reloads every file; otherwise only added or changed files are parsed.
    mode = "refresh" if context.run.tags.get(incremental.MODE_TAG) == "full" else "incremental"
    # The shrink guard is on unless this run was started with `smartcounty build --allow-shrink`.
    min_share = None if context.run.tags.get(settings.ALLOW_SHRINK_TAG) == "true" else settings.min_row_share()
    with warehouse.connect() as con:
        # Raw rows carry their file and line, and nothing reads their physical order (dbt reads
        # them with this setting too, profiles.yml): DuckDB may then insert in parallel. The
        # scale-1 load took 19.9 / 22.3 s → 17.5 / 19.9 s (two runs each).
        con.execute("SET preserve_insertion_order = false")
        known = rawload.known_files(con) if mode == "incremental" else None
        manifest = rawload.scan_drop(Path(raw_drop.path), known=known)
        rawload.check_drop(manifest)  # every rejected file of every source, before any table is touched
        rawload.check_shrink(con, manifest, min_share)  # a hollow drop must not replace published data, likewise
        for source in rawload.SOURCES:
            result = rawload.load_source(con, manifest, source, settings.SEEDS_DIR, mode=mode, min_share=min_share)
            context.log.info(
                f"{source}: {result.rows_read} rows read, {result.rows_accepted} accepted, "
                f"{result.rows_quarantined} quarantined from {len(result.per_file)} files "
                f"({result.action}: {len(result.files_parsed)} parsed, {len(result.files_removed)} replaced/removed)"
            )
            yield dg.MaterializeResult(
                asset_key=RAW_ASSET_KEYS[source],
                metadata=load_metadata(result, manifest.ignored.get(source, [])),
            )
