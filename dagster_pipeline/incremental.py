"""Incremental builds: what a build must redo, decided from the warehouse's own records.

State (schema ``incremental`` of the warehouse, never published):
- ``load_state``, ``pending_sources``, ``changed_projects`` — written by the raw load in the
  same transaction as the raw rows (smartcounty.rawload.load);
- ``build_state`` (key, value) — written here when a build has published: the fingerprint of
  the rules it ran with and its Dagster run id (whose validation outcomes later builds reuse
  for the checks they do not rerun).

A source is *dirty* when its raw tables changed since the last published build (pending) or
its files differ from what was loaded. An incremental build materialises the raw assets, the
assets downstream of dirty sources and their checks; the others keep their tables and their
last (passed) validation outcome. Anything that could change a result other than the raw
files — seeds, dbt models, the loader, the suites, the check parameters — changes the
fingerprint and forces a full build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from smartcounty import settings
from smartcounty.rawload import load as rawload_load
from smartcounty.rawload.spec import SOURCES

BUILD_STATE = f"{rawload_load.STATE_SCHEMA}.build_state"
# Run tags carrying the plan into the Dagster assets (absent when a run starts from the UI).
MODE_TAG = "smartcounty/build_mode"  # 'full' | 'incremental'
REUSE_TAG = "smartcounty/reuse_validation_run"  # run id whose outcomes stand for skipped checks
FINGERPRINT_TAG = "smartcounty/fingerprint"  # the rules' fingerprint when the build was planned

_FINGERPRINT_INPUTS = (
    settings.DBT_PROJECT_DIR / "seeds",
    settings.DBT_PROJECT_DIR / "models",
    settings.DBT_PROJECT_DIR / "macros",
    settings.DBT_PROJECT_DIR / "tests",
    settings.DBT_PROJECT_DIR / "dbt_project.yml",
    settings.PROJECT_ROOT / "smartcounty" / "rawload",
    settings.PROJECT_ROOT / "smartcounty" / "constants.py",
    settings.PROJECT_ROOT / "expectations",
)


def project_fingerprint(inputs=_FINGERPRINT_INPUTS) -> str:
    """Hash of the rules a build runs with (files' relative paths and bytes, and the check
    parameters override)."""
    digest = hashlib.sha256()
    for root in inputs:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(settings.PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    params = os.environ.get(settings.CHECK_PARAMS_ENV, "").strip()
    digest.update(b"params\0" + (Path(params).expanduser().read_bytes() if params else b""))
    return digest.hexdigest()


def _has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = ? AND table_name = ?", [schema, table]).fetchall())


def read_build_state(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not _has_table(con, BUILD_STATE):
        return {}
    return dict(con.execute(f"SELECT key, value FROM {BUILD_STATE}").fetchall())


def pending_sources(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """source -> full_reload, for every source whose raw tables changed since the last good build."""
    if not _has_table(con, rawload_load.PENDING_SOURCES):
        return {}
    return {s: bool(f) for s, f in con.execute(f"SELECT source, full_reload FROM {rawload_load.PENDING_SOURCES}").fetchall()}


@dataclass
class BuildPlan:
    mode: str  # 'full' | 'incremental'
    reason: str
    dirty: tuple[str, ...] = ()  # sources to rebuild downstream of (incremental only)
    reuse_run_id: str | None = None  # validation outcomes standing for the checks not rerun
    fingerprint: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.tags = {MODE_TAG: self.mode, FINGERPRINT_TAG: self.fingerprint}
        if self.reuse_run_id:
            self.tags[REUSE_TAG] = self.reuse_run_id


def plan_build(warehouse: Path, raw_dir: Path, full_refresh: bool = False) -> BuildPlan:
    """Full or incremental, and which sources are dirty. Reads the warehouse read-only."""
    from expectations import outcomes as validation
    from smartcounty import rawload

    fingerprint = project_fingerprint()
    if full_refresh:
        return BuildPlan("full", "--full-refresh", fingerprint=fingerprint)
    if not Path(warehouse).exists():
        return BuildPlan("full", "no previous warehouse", fingerprint=fingerprint)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        state = read_build_state(con)
        if not state.get("last_run_id"):
            return BuildPlan("full", "no previous successful build", fingerprint=fingerprint)
        if state.get("fingerprint") != fingerprint:
            return BuildPlan("full", "rules changed (seeds, models, loader, suites or check parameters)",
                             fingerprint=fingerprint)
        run_id = state["last_run_id"]
        if not (validation.validation_dir(Path(warehouse)) / run_id).is_dir():
            return BuildPlan("full", "the last build's validation outcomes are gone", fingerprint=fingerprint)
        pending = pending_sources(con)
        manifest = rawload.scan_drop(Path(raw_dir), known=rawload.known_files(con))
        dirty = tuple(
            s for s in SOURCES
            if s in pending or not rawload_load.source_is_current(con, manifest, s, settings.SEEDS_DIR)
        )
    finally:
        con.close()
    return BuildPlan("incremental", "changed: " + (", ".join(dirty) or "nothing"), dirty=dirty,
                     reuse_run_id=run_id, fingerprint=fingerprint)


def record_success(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str) -> None:
    """After a build published: remember it and forget the changes it consumed, atomically."""
    con.execute("BEGIN TRANSACTION")
    try:
        rawload_load.ensure_state_tables(con)
        con.execute(f"CREATE TABLE IF NOT EXISTS {BUILD_STATE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute(f"DELETE FROM {BUILD_STATE}")
        con.execute(f"INSERT INTO {BUILD_STATE} VALUES ('last_run_id', ?), ('fingerprint', ?)", [run_id, fingerprint])
        con.execute(f"DELETE FROM {rawload_load.PENDING_SOURCES}")
        con.execute(f"DELETE FROM {rawload_load.CHANGED_PROJECTS}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def carry_over_outcomes(warehouse: Path, from_run: str, to_run: str) -> list[str]:
    """Copy the validation outcomes of checks this run did not rerun (their tables did not
    change) from the last good build; returns the copied check names."""
    from expectations import outcomes as validation

    source = validation.validation_dir(Path(warehouse)) / from_run
    target = validation.validation_dir(Path(warehouse)) / to_run
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.glob("*.json")):
        if not (target / path.name).exists():
            (target / path.name).write_bytes(path.read_bytes())
            copied.append(path.stem)
    return copied


def needs_dbt_full_refresh(con: duckdb.DuckDBPyConnection, mode: str | None) -> bool:
    """dbt's incremental models are recomputed in full for a full build, after a full reload of
    procurement, or when the rules changed since the last good build (a run from the UI)."""
    if mode == "full":
        return True
    if pending_sources(con).get("procurement"):
        return True
    return read_build_state(con).get("fingerprint") != project_fingerprint()
