"""File accounting (``raw.<source>_files``) and the incremental state of the raw load
(schema ``incremental``; never read by the front end): what a previous load read, whether a
source can be extended file by file, and what changed for the downstream build."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from smartcounty import constants

from .cells import source_columns
from .reference import REFERENCE_SEEDS
from .scan import DropManifest
from .spec import LINEAGE, REASON, SPECS, SourceSpec

FILES_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("status", pa.string()),
        ("encoding", pa.string()),
        ("bytes", pa.int64()),
        ("sha256", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_accepted", pa.int64()),
        ("rows_quarantined", pa.int64()),
    ]
)


def files_table(
    manifest: DropManifest, source: str, counts: Mapping[str, tuple[int, int]]
) -> tuple[pa.Table, list[dict]]:
    """raw.<source>_files rows (loaded and ignored, by source_file) and LoadResult.per_file."""
    rows, per_file = [], []
    for info in manifest.files.get(source, []):
        accepted, quarantined = counts.get(info.source_file, (0, 0))
        stats = {
            "source_file": info.source_file,
            "encoding": info.encoding,
            "rows_read": accepted + quarantined,
            "rows_accepted": accepted,
            "rows_quarantined": quarantined,
        }
        per_file.append(stats)
        rows.append({**stats, "status": "loaded", "bytes": info.bytes, "sha256": info.sha256})
    for rel in manifest.ignored.get(source, []):
        path = manifest.raw_dir / rel
        size = path.stat().st_size if path.is_file() else None
        rows.append({"source_file": rel, "status": "ignored", "bytes": size})
    rows.sort(key=lambda r: r["source_file"])
    table = pa.Table.from_pylist(rows, schema=FILES_SCHEMA)
    return table, per_file


# Written in the same transaction as the raw tables, so a crash can never leave raw rows
# changed without the downstream build knowing (docs/DESIGN.md "Incremental builds").
STATE_SCHEMA = "incremental"
LOAD_STATE = f"{STATE_SCHEMA}.load_state"  # source, fingerprint of the parsing rules used
PENDING_SOURCES = f"{STATE_SCHEMA}.pending_sources"  # source, full_reload: raw changed since the last good build
CHANGED_PROJECTS = f"{STATE_SCHEMA}.changed_projects"  # project_code: lots to recompute in dbt

MODES = ("full", "incremental", "refresh")


def ensure_state_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {LOAD_STATE} (source VARCHAR PRIMARY KEY, fingerprint VARCHAR)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_SOURCES} (source VARCHAR PRIMARY KEY, full_reload BOOLEAN)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {CHANGED_PROJECTS} (project_code VARCHAR PRIMARY KEY)")


def loader_fingerprint(seeds_dir: Path) -> str:
    """Hash of what turns a file into rows: this package's code and the seeds it reads. A
    different value means rows parsed earlier may differ from a parse today."""
    digest = hashlib.sha256()
    # The package's modules and the shared constants they read (USCC check weights).
    for path in [*sorted(Path(__file__).parent.glob("*.py")), Path(constants.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in REFERENCE_SEEDS:
        digest.update(name.encode() + b"\0" + (Path(seeds_dir) / f"{name}.csv").read_bytes() + b"\0")
    return digest.hexdigest()


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source_file -> (sha256, encoding) of every file a previous load read, for
    ``scan_drop(known=...)`` (an unchanged file need not be decoded again)."""
    known: dict[str, tuple[str, str]] = {}
    for spec in SPECS.values():
        if table_columns(con, spec.files_table) is None:
            continue
        rows = con.execute(
            f"SELECT source_file, sha256, encoding FROM raw.{spec.files_table} WHERE status = 'loaded'").fetchall()
        known.update({f: (sha, enc) for f, sha, enc in rows})
    return known


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows] or None


def previous_files(con, spec: SourceSpec) -> dict[str, tuple[str, int, int]]:
    """Loaded files of the previous load: source_file -> (sha256, rows_accepted, rows_quarantined)."""
    rows = con.execute(
        f"SELECT source_file, sha256, rows_accepted, rows_quarantined FROM raw.{spec.files_table} "
        "WHERE status = 'loaded'"
    ).fetchall()
    return {f: (sha, int(a), int(qr)) for f, sha, a, qr in rows}


def incremental_blocker(con, spec: SourceSpec, manifest: DropManifest, fingerprint: str) -> str:
    """Why the previous load of this source cannot be extended file by file ('' if it can)."""
    ensure = [table_columns(con, t) for t in (spec.table, spec.quarantine_table, spec.files_table)]
    if any(cols is None for cols in ensure):
        return "no previous load"
    has_state = con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_catalog = current_database() "
        f"AND table_schema = '{STATE_SCHEMA}' AND table_name = 'load_state'").fetchall()
    if not has_state:
        return "no previous incremental load"
    state = con.execute(f"SELECT fingerprint FROM {LOAD_STATE} WHERE source = ?", [spec.name]).fetchall()
    if not state or state[0][0] != fingerprint:
        return "parsing rules changed since the previous load"
    _, extras = source_columns(spec, manifest.files.get(spec.name, []))
    if ensure[0] != [*spec.headers, *extras, *spec.companions, *LINEAGE]:
        return "the set of extra columns changed"
    return ""


def source_is_current(con: duckdb.DuckDBPyConnection, manifest: DropManifest, source: str, seeds_dir: Path) -> bool:
    """True when an incremental load of this source would change nothing (read-only)."""
    spec = SPECS[source]
    if incremental_blocker(con, spec, manifest, loader_fingerprint(seeds_dir)):
        return False
    loaded = {f: sha for f, (sha, _, _) in previous_files(con, spec).items()}
    if loaded != {i.source_file: i.sha256 for i in manifest.files.get(source, [])}:
        return False
    ignored = {r[0] for r in con.execute(
        f"SELECT source_file FROM raw.{spec.files_table} WHERE status = 'ignored'").fetchall()}
    return ignored == set(manifest.ignored.get(source, []))


def replace_files_table(con, spec: SourceSpec, files: pa.Table, view: str) -> None:
    con.register(view, files)
    con.execute(f"CREATE OR REPLACE TABLE raw.{spec.files_table} AS SELECT * FROM {view} ORDER BY source_file")


def mark_pending(con, source: str, full_reload: bool) -> None:
    # A full reload stays a full reload until a build consumes it.
    con.execute(
        f"INSERT INTO {PENDING_SOURCES} VALUES (?, ?) ON CONFLICT (source) DO UPDATE "
        "SET full_reload = full_reload OR excluded.full_reload",
        [source, full_reload],
    )


def record_fingerprint(con, source: str, fingerprint: str) -> None:
    con.execute(
        f"INSERT INTO {LOAD_STATE} VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET fingerprint = excluded.fingerprint",
        [source, fingerprint],
    )


def same_files_table(con, spec: SourceSpec, files: pa.Table, view: str) -> bool:
    con.register(view, files)
    try:
        diff = con.execute(
            f"SELECT count(*) FROM ((SELECT * FROM {view} EXCEPT ALL SELECT * FROM raw.{spec.files_table}) "
            f"UNION ALL (SELECT * FROM raw.{spec.files_table} EXCEPT ALL SELECT * FROM {view}))"
        ).fetchall()[0][0]
    finally:
        con.unregister(view)
    return diff == 0


def changed_projects_sql(typed: str, stale: str) -> str:
    """Projects whose lots dbt must recompute: the 项目编号 of every accepted row, old or new,
    sharing a 公告ID with an inserted or deleted row. Re-post collapse groups rows by 公告ID
    across projects, so a changed row can move the lot of any project its 公告ID names."""
    ids = (
        f"SELECT \"公告ID\" FROM raw.procurement_notices WHERE source_file IN (SELECT source_file FROM {stale}) "
        f"UNION SELECT \"公告ID\" FROM {typed} WHERE {REASON} IS NULL"
    )
    return f"SELECT DISTINCT \"项目编号\" FROM raw.procurement_notices WHERE \"公告ID\" IN ({ids})"


def reason_counts(con, spec: SourceSpec) -> dict[str, int]:
    """Quarantined rows of the whole source by reason, in check order (reasons seen only)."""
    rows = dict(con.execute(f"SELECT {REASON}, count(*) FROM raw.{spec.quarantine_table} GROUP BY ALL").fetchall())
    return {r: int(rows[r]) for r in spec.reasons if r in rows}
