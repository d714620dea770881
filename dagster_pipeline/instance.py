"""The Dagster instance of a ``smartcounty build``: ephemeral (nothing outlives the process —
the build's own records live in the warehouse), with a leaner in-memory event log.

Dagster's in-memory event log opens a new SQLite connection, and runs two PRAGMAs, for every
statement, and checks for the asset-check table on every check event: a build stores ≈ 2,000
events (538 dbt tests are planned, then evaluated), which cost ≈ 10 % of the build process's CPU.
Here the storage keeps the one connection it already holds."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import dagster as dg
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class BuildEventLogStorage(InMemoryEventLogStorage):
    """``InMemoryEventLogStorage`` reusing its held connection in the thread that created it.

    Foreign keys stay unenforced on that connection: they only cascade the deletion of runs,
    which a build never deletes."""

    def __init__(self):
        super().__init__()
        self._owner = threading.get_ident()

    @contextmanager
    def _connect(self):
        if threading.get_ident() != self._owner:  # SQLite connections belong to their thread
            with super()._connect() as conn:
                yield conn
            return
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn

    @property
    def supports_asset_checks(self) -> bool:  # the tables were created with the storage
        return True


def build_instance() -> dg.DagsterInstance:
    """``DagsterInstance.ephemeral()`` with the leaner event log (same components otherwise)."""
    return dg.DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=BuildEventLogStorage(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
