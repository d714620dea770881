"""Resources: the warehouse file and the raw drop, both bound to the one setting each
(``SMARTCOUNTY_WAREHOUSE``, ``SMARTCOUNTY_RAW_DIR``) that dbt's profiles.yml reads too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib import metadata
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging import version
from pydantic import PrivateAttr

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


class GxValidationResource(dg.ConfigurableResource):
    """The GX suites' worker processes (``expectations.pool``), one pool per run: started when a
    run that has GX checks begins — the workers import GX while the raw load runs — and shut down
    when it ends. ``workers`` 0 means one per core, at most four."""

    workers: int = 0
    _pool = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        from expectations import pool

        # `smartcounty build` starts the workers before it imports Dagster (expectations.pool.prestart)
        self._pool = pool.take(self.workers or None)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def validate(self, warehouse: str, suite: str, stage: list[str], params: dict | None):
        """The outcome of ``suite``, after submitting the other suites of its stage (``stage``)
        so that they run in the other workers meanwhile."""
        self._pool.submit(warehouse, stage, params)
        return self._pool.outcome(warehouse, suite, params)


class DbtResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs it pays on every build:

    - ``dbt --version`` in a subprocess (≈ 2 s: a whole dbt import) to learn the version of
      the dbt next to this interpreter — the installed dbt-core package says it;
    - a dbt adapter built in this process (≈ 2 s: dbt imports and the profile) that dagster-dbt
      uses only to fetch column metadata and row counts, which our assets do not ask for.

    The flags turn off dbt's debug-level file log (one line per SQL statement and event, ≈ 13 %
    of dbt's CPU): dbt's info-level output is kept in the build's ``build.log``, and a failed
    run keeps its target folder with the compiled SQL."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 — dagster-dbt's hook, see above
        return None
