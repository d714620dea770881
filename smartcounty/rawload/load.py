"""Loading one source of a scanned drop into the ``raw`` schema: the full load and the delta
load. A full load stages its rows chunk by chunk (each append committed, to bound memory) and
swaps them in with one transaction; a delta load is one transaction.

Per source: ``raw.<table>`` (accepted rows), ``raw.<source>_quarantine`` (rows failing a
row check, first failing check = reason) and ``raw.<source>_files`` (per-file accounting),
as described in docs/DESIGN.md "Raw schema". The parts: cells.py (file -> cleaned Arrow
chunks), typed.py (companions and row checks per source), state.py (file accounting and
incremental state), reference.py (the seeds read).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from .cells import file_parts, source_columns, stage_files
from .guard import Baseline, ensure_published_table, published_baseline, refusal, shrink_problem
from .prefetch import prefetch
from .reference import load_reference
from .scan import DropManifest, StructuralError
from .spec import SPECS, SourceSpec
from .state import (
    CHANGED_PROJECTS,
    MODES,
    PENDING_SOURCES,
    STATE_SCHEMA,
    changed_projects_sql,
    ensure_state_tables,
    files_table,
    incremental_blocker,
    known_files,
    loader_fingerprint,
    mark_pending,
    previous_files,
    reason_counts,
    record_fingerprint,
    replace_files_table,
    same_files_table,
    source_is_current,
)
from .typed import accepted_select, file_counts, quarantined_select, typed_sql

# Read here by the incremental planner (dagster_pipeline/incremental.py) and rawload/__init__.
__all__ = ["CHANGED_PROJECTS", "PENDING_SOURCES", "STATE_SCHEMA", "LoadResult", "ensure_state_tables",
           "known_files", "load_source", "source_is_current"]


@dataclass
class LoadResult:
    source: str
    per_file: list[dict]  # source_file, encoding, rows_read, rows_accepted, rows_quarantined
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    quarantine_by_reason: dict[str, int]  # reason -> rows, in check order, only reasons seen
    readers: dict[str, str] = field(default_factory=dict)  # source_file -> 'fast' / 'exact'
    # What the load did: 'full' (every file parsed, tables replaced), 'delta' (only added or
    # changed files parsed, rows of changed/removed files replaced) or 'unchanged'.
    action: str = "full"
    files_parsed: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)  # removed or changed: their old rows went
    reason: str = ""  # why an incremental load fell back to a full one


def load_source(
    con: duckdb.DuckDBPyConnection,
    manifest: DropManifest,
    source: str,
    seeds_dir: Path,
    force_exact: bool = False,
    mode: str = "full",
    min_share: float | None = None,
) -> LoadResult:
    """Load one source of a scanned drop into raw.<table>, raw.<source>_quarantine and
    raw.<source>_files; the tables change together or not at all (one swap or one transaction).

    ``mode``:
    - ``"full"`` (default): parse every file and replace the three tables; nothing else is
      written.
    - ``"incremental"``: compare the drop with raw.<source>_files (source_file + sha256) and
      parse only added or changed files; rows of changed and removed files are deleted. Falls
      back to a full load (``LoadResult.reason`` says why) when there is no previous load, the
      parsing rules (this package, the reference seeds) changed, or the extra columns differ.
      Records in schema ``incremental`` what changed for the downstream build: the source in
      ``pending_sources`` and, for procurement, the affected projects in ``changed_projects``.
    - ``"refresh"``: a full load that is recorded as such for the downstream build.

    Raises StructuralError (and changes nothing) if any file of the source was rejected, and
    ShrinkError (and changes nothing) when ``min_share`` is given and the load would leave the
    source without files or with fewer accepted rows than ``min_share`` × those of the last
    published build (rawload/guard.py).
    ``force_exact`` reads every file with the reference csv reader (for tests).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    spec = SPECS[source]
    problems = manifest.problems([source])
    if problems:
        raise StructuralError(problems)
    _drop_next(con, spec)  # what a load killed before its swap left behind, in every mode
    guard = _Guard(source, published_baseline(con, source), min_share) if min_share is not None else None
    if guard:
        guard.check(len(manifest.files.get(source, [])), None)
    if mode == "full":
        return _load_all(con, manifest, spec, seeds_dir, force_exact, record=None, guard=guard)
    fingerprint = loader_fingerprint(seeds_dir)
    con.execute("BEGIN TRANSACTION")
    try:
        ensure_state_tables(con)
        ensure_published_table(con)  # the volume checks read the baseline, empty before a first publish
        blocker = incremental_blocker(con, spec, manifest, fingerprint) if mode == "incremental" else "refresh"
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if blocker:
        result = _load_all(con, manifest, spec, seeds_dir, force_exact, record=fingerprint, guard=guard)
        result.reason = blocker
        return result
    return _load_delta(con, manifest, spec, seeds_dir, force_exact, guard=guard)


@dataclass(frozen=True)
class _Guard:
    source: str
    baseline: Baseline | None
    min_share: float

    def check(self, files: int, rows_accepted: int | None) -> None:
        problem = shrink_problem(self.source, self.baseline, files, rows_accepted, self.min_share)
        if problem:
            raise refusal([problem])

    def check_counts(self, counts: Mapping[str, tuple[int, int]]) -> None:
        """Before the swap: the accepted rows the source would have after this load."""
        self.check(len(counts), sum(a for a, _ in counts.values()))


def _next_name(table: str) -> str:
    return f"__next_{table}"


def _drop_next(con, spec: SourceSpec) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table in (spec.table, spec.quarantine_table):
        con.execute(f"DROP TABLE IF EXISTS raw.{_next_name(table)}")


def _load_all(con, manifest, spec: SourceSpec, seeds_dir, force_exact, record: str | None,
              guard: _Guard | None = None) -> LoadResult:
    """Replace the three tables from every file; ``record`` (a loader fingerprint) also marks
    the source as fully reloaded for the downstream build, in the same transaction.

    Files are typed and appended one chunk at a time, in file order (rows keep their line
    order; the next chunk is parsed in a thread while DuckDB writes this one),
    to ``raw.__next_<table>``; one transaction then swaps them in with the files table. Each
    append commits, so DuckDB can write it out and free it: time and memory grow with the
    largest file, not with the source, and a failure before the swap leaves the raw tables as
    they were (leftover ``__next_`` tables are dropped by the next load)."""
    source = spec.name
    ref = load_reference(seeds_dir)
    infos = manifest.files.get(source, [])
    order, extras = source_columns(spec, infos)
    part, typed, files_view = (f"__rawload_{source}_{n}" for n in ("part", "typed", "files"))
    accepted, quarantine = (f"raw.{_next_name(t)}" for t in (spec.table, spec.quarantine_table))
    accepted_sql, quarantined_sql = accepted_select(spec, extras, typed), quarantined_select(spec, extras, typed)
    readers: dict[str, str] = {}
    counts: dict[str, tuple[int, int]] = {}
    # DuckDB draws a progress bar on stdout for long statements; keep the caller's setting.
    progress_bar = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]
    con.execute("SET enable_progress_bar = false")
    try:
        for i, table in enumerate(prefetch(file_parts(spec, infos, order, force_exact, readers))):
            con.register(part, table)
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {typed_sql(spec, ref, part)}")
            finally:
                con.unregister(part)
            del table
            if i == 0:
                con.execute(f"CREATE TABLE {accepted} AS {accepted_sql}")
                con.execute(f"CREATE TABLE {quarantine} AS {quarantined_sql}")
            else:
                con.execute(f"INSERT INTO {accepted} {accepted_sql}")
                con.execute(f"INSERT INTO {quarantine} {quarantined_sql}")
            for file, (a, q) in file_counts(con, typed).items():  # a file spans several chunks
                prev_a, prev_q = counts.get(file, (0, 0))
                counts[file] = (prev_a + a, prev_q + q)
        con.execute(f"DROP TABLE IF EXISTS {typed}")
        if guard:
            guard.check_counts({i.source_file: counts.get(i.source_file, (0, 0)) for i in infos})
        con.execute("BEGIN TRANSACTION")
        try:
            for target in (spec.table, spec.quarantine_table):
                con.execute(f"DROP TABLE IF EXISTS raw.{target}")
                con.execute(f"ALTER TABLE raw.{_next_name(target)} RENAME TO {target}")
            files, per_file = files_table(manifest, source, counts)
            replace_files_table(con, spec, files, files_view)
            if record is not None:
                ensure_state_tables(con)
                record_fingerprint(con, source, record)
                mark_pending(con, source, full_reload=True)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS {typed}")
            _drop_next(con, spec)
        raise
    finally:
        con.execute(f"SET enable_progress_bar = {'true' if progress_bar else 'false'}")
        _unregister(con, part, files_view)

    return LoadResult(
        source=source,
        per_file=per_file,
        **_totals(per_file),
        quarantine_by_reason=reason_counts(con, spec),
        readers=readers,
        action="full",
        files_parsed=[i.source_file for i in infos],
    )


def _totals(per_file: list[dict]) -> dict[str, int]:
    """Source totals are the sums of the per-file accounting (read = accepted + quarantined)."""
    return {key: sum(f[key] for f in per_file) for key in ("rows_read", "rows_accepted", "rows_quarantined")}


def _unregister(con, *views: str) -> None:
    """Release registered Arrow views; a view the failing branch never registered is fine."""
    for view in views:
        try:
            con.unregister(view)
        except Exception:
            pass


def _load_delta(con, manifest, spec: SourceSpec, seeds_dir, force_exact, guard: _Guard | None = None) -> LoadResult:
    """Parse added/changed files only; replace the rows of changed and removed files."""
    source = spec.name
    infos = manifest.files.get(source, [])
    previous = previous_files(con, spec)
    current = {i.source_file for i in infos}
    to_parse = [i for i in infos if previous.get(i.source_file, (None,))[0] != i.sha256]
    stale_files = sorted({f for f in previous if f not in current} | {i.source_file for i in to_parse if i.source_file in previous})

    src, typed, files_view, stale = (f"__rawload_{source}_{n}" for n in ("src", "typed", "files", "stale"))
    counts = {f: (a, qr) for f, (_, a, qr) in previous.items() if f in current}
    progress_bar = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]
    con.execute("SET enable_progress_bar = false")
    readers: dict[str, str] = {}
    try:
        if not to_parse and not stale_files:
            files, per_file = files_table(manifest, source, counts)
            if same_files_table(con, spec, files, files_view):
                action = "unchanged"
            else:  # only the ignored entries changed: the files table is still a dbt input
                action = "delta"
                con.execute("BEGIN TRANSACTION")
                try:
                    replace_files_table(con, spec, files, files_view)
                    mark_pending(con, source, full_reload=False)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        else:
            action = "delta"
            ref = load_reference(seeds_dir)
            extras, readers = stage_files(con, spec, to_parse, force_exact, src)
            con.register(stale, pa.table({"source_file": pa.array(stale_files, pa.string())}))
            order = "ORDER BY source_file, source_line"
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {typed_sql(spec, ref, src)}")
                if source == "procurement":  # old side of the change, before its rows go
                    con.execute(f"CREATE OR REPLACE TEMP TABLE __rawload_old_projects AS {changed_projects_sql(typed, stale)}")
                for table in (spec.table, spec.quarantine_table):
                    con.execute(f"DELETE FROM raw.{table} WHERE source_file IN (SELECT source_file FROM {stale})")
                con.execute(f"INSERT INTO raw.{spec.table} BY NAME {accepted_select(spec, extras, typed)} {order}")
                con.execute(
                    f"INSERT INTO raw.{spec.quarantine_table} BY NAME {quarantined_select(spec, extras, typed)} {order}")
                if source == "procurement":
                    con.execute(
                        f"INSERT INTO {CHANGED_PROJECTS} SELECT * FROM __rawload_old_projects "
                        f"UNION {changed_projects_sql(typed, stale)} ON CONFLICT DO NOTHING"
                    )
                    con.execute("DROP TABLE __rawload_old_projects")
                # A re-parsed file may now have no row at all (header only): not its old counts.
                counts.update({i.source_file: (0, 0) for i in to_parse} | file_counts(con, typed))
                if guard:  # raises before COMMIT: the rollback below keeps the tables as they were
                    guard.check_counts({i.source_file: counts.get(i.source_file, (0, 0)) for i in infos})
                files, per_file = files_table(manifest, source, counts)
                replace_files_table(con, spec, files, files_view)
                mark_pending(con, source, full_reload=False)
                con.execute(f"DROP TABLE {typed}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    finally:
        con.execute(f"SET enable_progress_bar = {'true' if progress_bar else 'false'}")
        _unregister(con, files_view, stale)
        con.execute(f"DROP TABLE IF EXISTS {src}")

    # Totals and reasons describe the whole source after the load; files_parsed names this load's files only.
    return LoadResult(
        source=source,
        per_file=per_file,
        **_totals(per_file),
        quarantine_by_reason=reason_counts(con, spec),
        readers=readers,
        action=action,
        files_parsed=[i.source_file for i in to_parse],
        files_removed=stale_files,
    )
