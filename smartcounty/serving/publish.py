"""Publish gate: copy what the front end reads into a fresh file and swap it into place.

Readers open the serving copy read-only per query; ``os.replace`` is atomic, so a reader
sees either the previous complete build or the new one, never a mix, and a build that dies
half-way leaves the previous copy untouched.

The fresh file starts either empty (every served table copied from the warehouse) or as a
byte copy of the current serving copy, in which only the relations rebuilt since it was
published are replaced. The second needs proof that the current copy is this warehouse's
last publish and that nothing else changed: each publish writes a new ``publish_id`` into
the copy (``meta.build_info``) and, once swapped in, into the warehouse (``PUBLISH_STATE``);
the build's dbt step records the relations it is about to rebuild (``mark_unpublished``,
before dbt writes anything, so a killed run is recorded too) and a publish clears them.
Without that proof (no copy, another warehouse's copy, a run that could not say what it
rebuilt) the publish copies everything."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from smartcounty.constants import PERSONAL_COLUMN_PATTERN
from smartcounty.rawload.guard import record_published
from smartcounty.rawload.state import STATE_SCHEMA

SERVED_SCHEMAS = ("marts", "report")
# Test hook (tests/test_hardening_crash.py): seconds to wait between a complete temp file and
# os.replace, so a test can kill the build exactly there.
PUBLISH_DELAY_ENV = "SMARTCOUNTY_TEST_PUBLISH_DELAY"

# Personal data stays in the warehouse's raw schema; no such column is ever published.
PII_COLUMN = PERSONAL_COLUMN_PATTERN

# Warehouse state (never published): relations rebuilt since the last publish, and that publish's id.
UNPUBLISHED = f"{STATE_SCHEMA}.unpublished_relations"  # (table_schema, table_name); '*' = unknown
PUBLISH_STATE = f"{STATE_SCHEMA}.publish_state"  # (key, value): 'publish_id'
ANY = "*"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def served_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [name for (name,) in rows if not PII_COLUMN.search(name)]


def served_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [name for (name,) in rows]


def model_rows(manifest_path: Path | None, schemas: Iterable[str] = SERVED_SCHEMAS) -> list[tuple]:
    """(unique_id, name, schema, description, raw_sql, compiled_sql, depends_on) per served model."""
    if manifest_path is None or not Path(manifest_path).exists():
        return []
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    rows = []
    for uid, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("resource_type") != "model" or node.get("schema") not in schemas:
            continue
        rows.append((
            uid, node["name"], node["schema"], node.get("description") or "",
            node.get("raw_code") or "", node.get("compiled_code") or node.get("raw_code") or "",
            json.dumps(node.get("depends_on", {}).get("nodes", []), ensure_ascii=False),
        ))
    return rows


def column_rows(manifest_path: Path | None, schemas: Iterable[str] = SERVED_SCHEMAS) -> list[tuple]:
    """(schema_name, model name, column name, description) per documented column of a served model."""
    if manifest_path is None or not Path(manifest_path).exists():
        return []
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    return [(node["schema"], node["name"], column["name"], column.get("description") or "")
            for _uid, node in sorted(manifest.get("nodes", {}).items())
            if node.get("resource_type") == "model" and node.get("schema") in schemas
            for column in node.get("columns", {}).values() if not PII_COLUMN.search(column["name"])]


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    serving: Path,
    *,
    manifest_path: Path | None,
    build_info: dict,
    validation: list[dict],
    copied: list[str] | None = None,
) -> dict:
    """Write marts, report and meta into ``<serving>.tmp-<pid>`` and rename it over ``serving``.

    ``con`` is an open read-write connection to the warehouse. ``copied``, if given, receives
    the relations copied from the warehouse (the others were kept from the current copy)."""
    serving = Path(serving)
    check_target(con, serving)
    serving.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving.with_name(f"{serving.name}.tmp-{os.getpid()}")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    remove_orphaned_temp_files(serving)
    counts: dict[str, int] = {}
    copied = [] if copied is None else copied
    proof = changes_since_publish(con) if serving.is_file() else None
    if proof is not None:
        # Readers keep reading `serving`; what is kept is judged on this private copy, which
        # another build cannot replace meanwhile.
        shutil.copyfile(serving, tmp)
    try:
        con.execute(f"ATTACH {_sql_literal(str(tmp))} AS snap")
    except duckdb.Error:  # not a database we can read: start from an empty file
        tmp.unlink(missing_ok=True)
        proof = None
        con.execute(f"ATTACH {_sql_literal(str(tmp))} AS snap")
    try:
        kept = reusable_relations(con, *proof) if proof is not None else set()
        for schema, table in _snap_tables(con):
            if (schema, table) not in kept:  # rebuilt since, or no longer served
                con.execute(f"DROP TABLE snap.{_quote(schema)}.{_quote(table)}")
        con.execute("DROP SCHEMA IF EXISTS snap.meta CASCADE")
        for schema in SERVED_SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS snap.{_quote(schema)}")
            for table in served_tables(con, schema):
                target = f"snap.{_quote(schema)}.{_quote(table)}"
                if (schema, table) not in kept:
                    cols = ", ".join(_quote(c) for c in served_columns(con, schema, table))
                    con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {cols} FROM {_quote(schema)}.{_quote(table)}")
                    copied.append(f"{schema}.{table}")
                counts[f"{schema}.{table}"] = con.execute(f"select count(*) from {target}").fetchone()[0]
        publish_id = uuid.uuid4().hex
        _write_meta(con, manifest_path, build_info, validation, publish_id)
        con.execute("DETACH snap")
    except BaseException:
        try:
            con.execute("DETACH snap")
        except duckdb.Error:
            pass
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)  # the bytes are on disk before the name points at them
    finally:
        os.close(fd)
    delay = float(os.environ.get(PUBLISH_DELAY_ENV) or 0)
    if delay > 0:
        print(f"publish: {tmp.name} complete; waiting {delay:g} s before os.replace ({PUBLISH_DELAY_ENV})",
              file=sys.stderr, flush=True)
        time.sleep(delay)
    try:
        os.replace(tmp, serving)
    except OSError:
        tmp.unlink(missing_ok=True)  # no full-size copy left behind
        raise
    record_published(con)  # the shrink guard's baseline: what the serving copy now shows
    _record_publish(con, publish_id)
    return counts


def _snap_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [tuple(r) for r in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'snap' and table_schema in (select unnest(?)) order by 1, 2",
        [list(SERVED_SCHEMAS)]).fetchall()]


def _has_state(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(con.execute(
        "select 1 from information_schema.tables where table_catalog = current_database() "
        "and table_schema = ? and table_name = ?", [schema, table]).fetchall())


def ensure_publish_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {UNPUBLISHED} (table_schema VARCHAR, table_name VARCHAR)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {PUBLISH_STATE} (key VARCHAR PRIMARY KEY, value VARCHAR)")


def mark_unpublished(con: duckdb.DuckDBPyConnection, relations: Iterable[tuple[str, str]] | None) -> None:
    """Record relations about to be rebuilt (``(schema, table)``; None: unknown, so the next
    publish copies everything). Call before the rebuild starts writing."""
    ensure_publish_state(con)
    rows = [(ANY, ANY)] if relations is None else sorted({(s, t) for s, t in relations if s in SERVED_SCHEMAS})
    if rows:
        con.executemany(f"INSERT INTO {UNPUBLISHED} VALUES (?, ?)", rows)


def _record_publish(con: duckdb.DuckDBPyConnection, publish_id: str) -> None:
    """After the swap: the serving copy is ``publish_id`` and shows every rebuilt relation."""
    ensure_publish_state(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {UNPUBLISHED}")
        con.execute(f"INSERT OR REPLACE INTO {PUBLISH_STATE} VALUES ('publish_id', ?)", [publish_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def changes_since_publish(con: duckdb.DuckDBPyConnection) -> tuple[str, set[tuple[str, str]]] | None:
    """(id of the last publish, relations rebuilt since), or None when the warehouse cannot
    say (no publish recorded, or a rebuild that did not say what it rebuilt)."""
    if not (_has_state(con, PUBLISH_STATE) and _has_state(con, UNPUBLISHED)):
        return None
    row = con.execute(f"select value from {PUBLISH_STATE} where key = 'publish_id'").fetchone()
    changed = set(con.execute(f"select table_schema, table_name from {UNPUBLISHED}").fetchall())
    if row is None or (ANY, ANY) in changed:
        return None
    return row[0], changed


def reusable_relations(con: duckdb.DuckDBPyConnection, publish_id: str,
                       changed: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The relations of the attached ``snap`` (a copy of the serving copy) that show what the
    warehouse has: none unless ``snap`` is the publish ``publish_id``; then each relation not
    rebuilt since, whose served columns are unchanged."""
    has_id = con.execute(
        "select 1 from information_schema.columns where table_catalog = 'snap' and table_schema = 'meta' "
        "and table_name = 'build_info' and column_name = 'publish_id'").fetchall()
    if not has_id or con.execute("select max(publish_id) from snap.meta.build_info").fetchone()[0] != publish_id:
        return set()
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = 'snap' and table_schema in (select unnest(?)) "
            "order by table_schema, table_name, ordinal_position", [list(SERVED_SCHEMAS)]).fetchall():
        columns.setdefault((schema, table), []).append(column)
    return {
        (schema, table)
        for schema in SERVED_SCHEMAS for table in served_tables(con, schema)
        if (schema, table) not in changed and columns.get((schema, table)) == served_columns(con, schema, table)
    }


def check_target(con: duckdb.DuckDBPyConnection, serving: Path) -> None:
    """Refuse, before writing anything, a serving path that is a folder or the warehouse itself
    (publishing would replace the warehouse with the served subset)."""
    if serving.is_dir():
        raise IsADirectoryError(f"serving path is a folder: {serving}")
    (warehouse,) = con.execute(
        "select path from duckdb_databases() where database_name = current_database()").fetchone()
    if warehouse and (Path(warehouse).resolve() == serving.resolve()
                      or (serving.exists() and os.path.samefile(warehouse, serving))):
        raise ValueError(f"serving path {serving} is the warehouse itself")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_orphaned_temp_files(serving: Path) -> list[Path]:
    """Delete ``<serving>.tmp-<pid>`` (and its .wal) left by a publish whose process died
    before os.replace (killed, power loss); otherwise each crash leaves a full-size copy
    behind for good. Temp files of live processes are left alone."""
    removed = []
    for leftover in Path(serving.parent).glob(glob.escape(serving.name) + ".tmp-*"):
        pid = leftover.name.rsplit(".tmp-", 1)[-1].removesuffix(".wal")
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _write_meta(con, manifest_path, build_info: dict, validation: list[dict], publish_id: str) -> None:
    con.execute("CREATE SCHEMA snap.meta")
    con.execute(
        "CREATE TABLE snap.meta.build_info (built_at TIMESTAMP, raw_dir VARCHAR, validation_passed BOOLEAN, "
        "validation_errors INTEGER, validation_warnings INTEGER, validation_report VARCHAR, dbt_version VARCHAR, "
        "publish_id VARCHAR)"
    )
    errors = sum(1 for v in validation if not v.get("passed") and v.get("severity") == "ERROR")
    warnings = sum(1 for v in validation if not v.get("passed") and v.get("severity") != "ERROR")
    con.execute(
        "INSERT INTO snap.meta.build_info VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            build_info.get("built_at") or datetime.now(timezone.utc).replace(tzinfo=None),
            build_info.get("raw_dir"), errors == 0, errors, warnings,
            build_info.get("validation_report"), build_info.get("dbt_version"), publish_id,
        ],
    )
    con.execute(
        "CREATE TABLE snap.meta.validation_results (check_name VARCHAR, table_name VARCHAR, severity VARCHAR, "
        "passed BOOLEAN, failed_expectations VARCHAR)"
    )
    for v in sorted(validation, key=lambda v: v.get("name", "")):
        con.execute(
            "INSERT INTO snap.meta.validation_results VALUES (?, ?, ?, ?, ?)",
            [v.get("name"), v.get("table"), v.get("severity"), bool(v.get("passed")),
             json.dumps(v.get("failed", []), ensure_ascii=False, default=str)],
        )
    con.execute(
        "CREATE TABLE snap.meta.dbt_models (unique_id VARCHAR, name VARCHAR, schema_name VARCHAR, "
        "description VARCHAR, raw_sql VARCHAR, compiled_sql VARCHAR, depends_on VARCHAR)"
    )
    rows = model_rows(manifest_path)
    if rows:
        con.executemany("INSERT INTO snap.meta.dbt_models VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    # Column descriptions travel with the data (`smartcounty export` lists them next to each column).
    con.execute("CREATE TABLE snap.meta.dbt_columns (schema_name VARCHAR, name VARCHAR, column_name VARCHAR, "
                "description VARCHAR)")
    columns = column_rows(manifest_path)
    if columns:
        con.executemany("INSERT INTO snap.meta.dbt_columns VALUES (?, ?, ?, ?)", columns)
