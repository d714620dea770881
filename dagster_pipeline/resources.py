"""Resources: the warehouse file and the raw drop, both bound to the one setting each
(``SMARTCOUNTY_WAREHOUSE``, ``SMARTCOUNTY_RAW_DIR``) that dbt's profiles.yml reads too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from smartcounty import settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. Unlike DuckDBResource it closes the connection (and so the
    file lock) even when the body raises, and adds no connection config that would clash
    with other connections to the same file in this process."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only)
        try:
            if not read_only:  # a SET, not connect(config=): same-file connections must share one config
                con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit()}'")
            yield con
        finally:
            con.close()


class RawDropResource(dg.ConfigurableResource):
    """The folder holding procurement/, registry/ and connectivity/."""

    path: str


class ServingResource(dg.ConfigurableResource):
    """Where the validated, read-only serving copy is published."""

    path: str
