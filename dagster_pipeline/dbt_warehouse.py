"""dbt-duckdb plugin: attach the build's warehouse file as the catalog ``warehouse``.

dbt keeps its parse (``partial_parse.msgpack``) only while a hash of the profile's connection
settings is unchanged, and the node ``database`` values come from the warehouse file's name.
With the file in the profile, every new warehouse path meant a full parse (≈ 16 s). The profile
therefore names a constant in-memory database and this plugin attaches the real file, read from
``SMARTCOUNTY_WAREHOUSE`` when dbt connects, under the constant name ``warehouse`` (the models,
seeds and sources say ``database: warehouse``): one parse, made by ``make manifest``, serves
every warehouse. DuckDB stores views without their own catalog's name, so the file reads the
same when opened directly under any name.

Imported by dbt (in dbt's process): no Dagster import here. ``smartcounty build`` has exported
the warehouse's absolute path (``settings.export_env``); the settings are read as the raw load
reads them."""

from __future__ import annotations

import os
import time

from dbt.adapters.duckdb.plugins import BasePlugin

from smartcounty import settings

CATALOG = "warehouse"
# Another writer (a Dagster step that just ended) may still hold the file for a moment:
# waits of 1, 2, 4 and 8 s, as the profile's `retries.connect_attempts: 5` did for a file path.
ATTACH_ATTEMPTS = 5


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def spill_dir(path: str) -> str:
    """DuckDB's default for a file database: ``<file>.tmp`` next to it."""
    return path + ".tmp"


def attach_sql(path: str) -> str:
    return f"ATTACH {_literal(path)} AS {CATALOG}"


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        if not os.environ.get(settings.WAREHOUSE_ENV, "").strip():  # never the repo's default by accident
            raise RuntimeError(f"{settings.WAREHOUSE_ENV} is not set: dbt does not know which warehouse to build")
        path = str(settings.warehouse_path())
        # Global to the DuckDB instance, shared by dbt's threads ($SMARTCOUNTY_DBT_MEMORY_LIMIT), and
        # the spill folder a file database would use (an in-memory one would spill into dbt's cwd).
        conn.execute(f"SET memory_limit = {_literal(settings.dbt_memory_limit())}")
        conn.execute(f"SET temp_directory = {_literal(spill_dir(path))}")
        for attempt in range(ATTACH_ATTEMPTS):
            try:
                conn.execute(attach_sql(path))
                break
            except Exception as exc:  # duckdb.IOException: "Could not set lock on file"
                if "lock" not in str(exc).lower() or attempt == ATTACH_ATTEMPTS - 1:
                    raise
                time.sleep(2**attempt)
        conn.execute(f"USE {CATALOG}")

    def configure_cursor(self, cursor) -> None:
        # Each dbt thread's cursor starts in the in-memory catalog: unqualified names (the
        # incremental models' pre-hooks) must resolve in the warehouse.
        cursor.execute(f"USE {CATALOG}")
