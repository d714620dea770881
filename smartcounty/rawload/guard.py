"""The shrink guard: a drop must not silently replace published data with much less of it.

An unmounted share, a typo in ``--raw`` or an export cut off after its header loads without
a single structural error — and would publish empty figures. So, against the accounting of
the last build that published (``incremental.published_sources``, written by the publish
step), a load is refused when a source that had files has none left, or when its accepted
rows fall below ``min_share`` of the published ones. The check runs before any raw table is
replaced; ``smartcounty build --allow-shrink`` skips it. A first build has no baseline:
partial drops (empty source folders, as the contract allows) load as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .spec import SOURCES, SPECS

PUBLISHED_SOURCES = "incremental.published_sources"  # source, files, rows_accepted


class ShrinkError(Exception):
    """A load would shrink published data beyond the guard; the message is one line."""


@dataclass(frozen=True)
class Baseline:
    files: int  # files loaded for the source by the last published build
    rows_accepted: int


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = ? AND table_name = ?", [schema, table]).fetchall())


def ensure_published_table(con: duckdb.DuckDBPyConnection) -> None:
    """An empty baseline table before the first publish, so checks can always read it."""
    con.execute("CREATE SCHEMA IF NOT EXISTS incremental")
    con.execute(f"CREATE TABLE IF NOT EXISTS {PUBLISHED_SOURCES} (source VARCHAR, files BIGINT, rows_accepted BIGINT)")


def record_published(con: duckdb.DuckDBPyConnection) -> None:
    """Remember each source's accounting as published (call after the serving copy is swapped in)."""
    selects = [
        f"SELECT '{source}' AS source, count(*) FILTER (WHERE status = 'loaded') AS files, "
        f"coalesce(sum(rows_accepted), 0)::BIGINT AS rows_accepted FROM raw.{SPECS[source].files_table}"
        for source in SOURCES if _has_table(con, "raw", SPECS[source].files_table)
    ]
    if not selects:
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS incremental")
    con.execute(f"CREATE OR REPLACE TABLE {PUBLISHED_SOURCES} AS " + " UNION ALL ".join(selects))


def published_baseline(con: duckdb.DuckDBPyConnection, source: str) -> Baseline | None:
    """The source's accounting at the last publish; None before the first publish."""
    if not _has_table(con, "incremental", "published_sources"):
        return None
    row = con.execute(f"SELECT files, rows_accepted FROM {PUBLISHED_SOURCES} WHERE source = ?", [source]).fetchone()
    return Baseline(int(row[0]), int(row[1])) if row else None


def shrink_problem(source: str, baseline: Baseline | None, files: int, rows_accepted: int | None,
                   min_share: float, at_most: bool = False) -> str | None:
    """Why this load of ``source`` must not replace the published data (None: it may).
    ``rows_accepted`` None: not known yet (only the files are judged); ``at_most``: it is an
    upper bound, known before the load."""
    if baseline is None or baseline.files == 0:
        return None
    if files == 0:
        return (f"{source}: the drop has no {source} file, the last published build loaded "
                f"{baseline.files} with {baseline.rows_accepted:,} accepted rows")
    floor = min_share * baseline.rows_accepted
    if rows_accepted is not None and baseline.rows_accepted > 0 and rows_accepted < floor:
        rows = f"at most {rows_accepted:,} rows" if at_most else f"{rows_accepted:,} accepted rows"
        return (f"{source}: {rows} are {rows_accepted / baseline.rows_accepted:.0%} "
                f"of the last published build's {baseline.rows_accepted:,} (minimum {min_share:.0%})")
    return None


def refusal(problems: list[str]) -> ShrinkError:
    return ShrinkError(
        "refusing to replace published data: " + "; ".join(problems)
        + " (check --raw; pass --allow-shrink if this is intended)")


def max_rows(con: duckdb.DuckDBPyConnection, manifest, source: str) -> int | None:
    """An upper bound of the rows the drop gives ``source``, before parsing: line breaks of the
    decoded files, the previous count of files the scan did not decode (same bytes)."""
    files_table = SPECS[source].files_table
    previous = dict(con.execute(
        f"SELECT source_file || ':' || sha256, rows_read FROM raw.{files_table} WHERE status = 'loaded'").fetchall()
    ) if _has_table(con, "raw", files_table) else {}
    total = 0
    for info in manifest.files.get(source, []):
        bound = info.max_records if info.max_records is not None else previous.get(f"{info.source_file}:{info.sha256}")
        if bound is None:
            return None
        total += int(bound)
    return total


def check_shrink(con: duckdb.DuckDBPyConnection, manifest, min_share: float | None) -> None:
    """Every source at once, before any load: a source whose files all disappeared, or whose
    files cannot hold enough rows (header-only or cut-off exports). The exact accepted rows
    are judged again by each load before its swap (``load_source(min_share=...)``)."""
    if min_share is None:
        return
    problems = []
    for source in SOURCES:
        baseline = published_baseline(con, source)
        if baseline is None:
            continue
        files = len(manifest.files.get(source, []))
        problem = shrink_problem(source, baseline, files, max_rows(con, manifest, source), min_share, at_most=True)
        if problem:
            problems.append(problem)
    if problems:
        raise refusal(problems)
