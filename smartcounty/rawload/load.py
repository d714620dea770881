"""Loading one source of a scanned drop into the ``raw`` schema, in one transaction.

Per source: ``raw.<table>`` (accepted rows), ``raw.<source>_quarantine`` (rows failing a
row check, first failing check = reason) and ``raw.<source>_files`` (per-file accounting),
as described in docs/DESIGN.md "Raw schema".
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import parse as P
from .guard import Baseline, ensure_published_table, published_baseline, refusal, shrink_problem
from .prefetch import prefetch
from .records import read_records
from .scan import DecodeError, DropManifest, FileInfo, StructuralError, decompress, is_gzip_name
from .spec import (
    CONNECTIVITY_COUNTS,
    CONNECTIVITY_PERCENTS,
    CONNECTIVITY_POSITIVE,
    LINEAGE,
    NOTICE_TYPES,
    REASON,
    SPECS,
    SourceSpec,
    nfkc,
    reserved_names,
)
from .text import clean_array, may_contain_zero_width
from .vector import AMOUNT_PATTERN, CAPITAL_PATTERN, amount_literal, uscc_valid

KEY = "__match_key"  # NFKC form of 公告类型 / 登记状态, used for matching only (not stored)


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


# --- reference data (dbt seeds) -----------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    status_map: dict[str, str]  # NFKC(raw_status) -> status_class
    counties: frozenset[str]  # the 111 county codes
    crosswalk: dict[str, str]  # old code -> current code


def _read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    with open(Path(seeds_dir) / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_reference(seeds_dir: Path) -> Reference:
    status_map: dict[str, str] = {}
    for row in _read_seed(seeds_dir, "registry_status_map"):
        key, value = nfkc(row["raw_status"].strip()), row["status_class"].strip()
        if status_map.get(key, value) != value:
            raise ValueError(f"registry_status_map: {key!r} maps to two classes after NFKC")
        status_map[key] = value
    counties = frozenset(r["county_code"].strip() for r in _read_seed(seeds_dir, "guangxi_counties"))
    crosswalk = {
        r["old_code"].strip(): r["new_code"].strip()
        for r in _read_seed(seeds_dir, "county_code_crosswalk")
    }
    for old in list(crosswalk):  # follow chains (a → b → c) to the current code
        seen = {old}
        while crosswalk[old] in crosswalk and crosswalk[old] not in seen:
            seen.add(crosswalk[old])
            crosswalk[old] = crosswalk[crosswalk[old]]
    return Reference(status_map, counties, crosswalk)


# Helper columns computed in pyarrow/numpy for the SQL below (never stored).
VECTOR_COLUMNS = {
    "procurement": {
        "__budget_literal": lambda t: amount_literal(t.column("预算金额"), AMOUNT_PATTERN),
        "__award_literal": lambda t: amount_literal(t.column("中标金额"), AMOUNT_PATTERN),
        "__supplier_uscc_ok": lambda t: uscc_valid(pc.utf8_upper(t.column("供应商统一社会信用代码"))),
    },
    "registry": {
        "__capital_literal": lambda t: amount_literal(t.column("注册资本"), CAPITAL_PATTERN),
        "__uscc_ok": lambda t: uscc_valid(pc.utf8_upper(t.column("统一社会信用代码"))),
    },
    "connectivity": {},
}


# --- file -> cleaned arrow table ----------------------------------------------------------


def column_names(spec: SourceSpec, header: list[str]) -> list[str]:
    """Table column names for a file's header: contract names as they are; extra columns
    keep their (cleaned) name, made unique case-insensitively with a _2, _3 … suffix."""
    taken = reserved_names(spec) | {KEY.lower()} | {h.lower() for h in VECTOR_COLUMNS[spec.name]}
    names = []
    for pos, cell in enumerate(header, start=1):
        if cell in spec.headers:
            names.append(cell)
            continue
        # DuckDB cannot bind an identifier holding NUL (it binds the name cut at the NUL).
        base = cell.replace("\0", "") or f"column_{pos}"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def _read_data(info: FileInfo) -> bytes:
    raw = info.path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != info.sha256:
        raise StructuralError([(info.source_file, "file changed since the drop was scanned")])
    try:
        return decompress(raw, is_gzip_name(info.path.name))
    except DecodeError as exc:  # pragma: no cover - the scan saw it decompress
        raise StructuralError([(info.source_file, str(exc))]) from None


# Rows cleaned and typed per step: bounds the memory of a step whatever the file's size
# (a file's raw cells stay in memory while it is worked through).
CHUNK_ROWS = 262_144


def read_cells(info: FileInfo, force_exact: bool = False) -> tuple[pa.Table, str, bool]:
    """(raw cells c0.. + source_line, reader, may contain zero-width characters) of one file."""
    data = _read_data(info)
    disk = None if is_gzip_name(info.path.name) else info.path
    try:
        cells, reader = read_records(data, info.encoding, info.header, disk_path=disk, force_exact=force_exact)
    except csv.Error as exc:  # a record the reference reader cannot split: reject the file, by name
        raise StructuralError([(info.source_file, f"unreadable CSV: {exc}")]) from None
    return cells, reader, may_contain_zero_width(data, info.encoding)


def clean_cells(spec: SourceSpec, info: FileInfo, cells: pa.Table, zero_width: bool) -> pa.Table:
    """Cleaned text columns (contract headers first, then extras), KEY, lineage."""
    names = column_names(spec, info.header)
    n = cells.num_rows
    # pyarrow's kernels release the GIL: the columns are cleaned on every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cleaned = pool.map(lambda i: clean_array(cells.column(i), names[i] in spec.nfkc, zero_width), range(len(names)))
        columns: dict[str, pa.Array] = dict(zip(names, cleaned))
    for header in spec.headers:
        columns.setdefault(header, pa.nulls(n, pa.string()))
    ordered = {h: columns.pop(h) for h in spec.headers}
    ordered.update(columns)  # extras, file order
    key_source = {"procurement": "公告类型", "registry": "登记状态"}.get(spec.name)
    ordered[KEY] = (
        clean_array(ordered[key_source], nfkc_values=True) if key_source else pa.nulls(n, pa.string())
    )
    ordered["source_file"] = pa.repeat(pa.scalar(info.source_file, pa.string()), n)
    ordered["source_line"] = cells.column("source_line")
    return pa.table(ordered)


def file_chunks(spec: SourceSpec, info: FileInfo, force_exact: bool = False, chunk_rows: int | None = None):
    """The file's cleaned rows in slices of ``chunk_rows`` (default ``CHUNK_ROWS``); the first
    item is the reader used."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    cells, reader, zero_width = read_cells(info, force_exact)
    yield reader
    for start in range(0, cells.num_rows, chunk_rows):
        yield clean_cells(spec, info, cells.slice(start, chunk_rows), zero_width)


def add_vector_columns(spec: SourceSpec, table: pa.Table) -> pa.Table:
    for name, build in VECTOR_COLUMNS[spec.name].items():
        table = table.append_column(name, build(table))
    return table


# --- SQL per source ------------------------------------------------------------------------


def _q_all(names) -> str:
    return ", ".join(P.q(n) for n in names)


def _missing(spec: SourceSpec) -> str:
    return " OR ".join(f"{P.q(h)} IS NULL" for h in spec.required)


def typed_sql(spec: SourceSpec, ref: Reference, src: str) -> str:
    """SELECT every column of ``src`` plus the companions and ``reason`` (NULL = accepted)."""
    c = P.q
    if spec.name == "procurement":
        notice_map = {nfkc(k): v for k, v in NOTICE_TYPES.items()}
        companions = {
            "notice_class": P.case_map_sql(c(KEY), notice_map),
            "publish_date": P.date_sql(c("发布日期")),
            "lot_no": P.lot_no_sql(c("标项号")),
            "division_code": P.division_code_sql(c("区划代码")),
            "budget_yuan": P.decimal_sql(c("__budget_literal")),
            "award_yuan": P.decimal_sql(c("__award_literal")),
            # scorecard.md "Lot attributes": the registry's cleaning and GB 32100 check; invalid → NULL
            "supplier_uscc": f"CASE WHEN {c('__supplier_uscc_ok')} THEN upper({c('供应商统一社会信用代码')}) END",
        }
        checks = [
            ("missing_required", _missing(spec)),
            ("invalid_date", "publish_date IS NULL"),
            ("unknown_notice_type", "notice_class IS NULL"),
        ]
    elif spec.name == "registry":
        companions = {
            "uscc": f"upper({c('统一社会信用代码')})",
            "status_class": P.case_map_sql(c(KEY), ref.status_map),
            "established_date": P.date_sql(c("成立日期")),
            "approved_date": P.date_sql(c("核准日期")),
            "deregistered_date": P.date_sql(c("注销日期")),
            "revoked_date": P.date_sql(c("吊销日期")),
            "registered_capital_yuan": P.decimal_sql(c("__capital_literal")),
            "industry_code": P.industry_code_sql(c("行业代码")),
            "division_code": P.division_code_sql(c("所属区划代码")),
        }
        other_dates = " OR ".join(
            f"({c(h)} IS NOT NULL AND {col} IS NULL)"
            for h, col in (("核准日期", "approved_date"), ("注销日期", "deregistered_date"), ("吊销日期", "revoked_date"))
        )
        checks = [
            ("missing_required", _missing(spec)),
            ("invalid_uscc", f"NOT {c('__uscc_ok')}"),
            ("unknown_status", "status_class IS NULL"),
            ("invalid_date", f"established_date IS NULL OR {other_dates}"),
        ]
    elif spec.name == "connectivity":
        division = P.division_code_sql(c("区划代码"))
        current = f"coalesce({P.case_map_sql(division, ref.crosswalk)}, {division})"
        counties = ", ".join(P.lit(x) for x in sorted(ref.counties)) or "NULL"
        companions = {
            "division_code": division,
            "county_code": f"CASE WHEN {current} IN ({counties}) THEN {current} END",
            "year": f"CASE WHEN regexp_full_match({c('年份')}, '\\d{{4}}') THEN CAST({c('年份')} AS INTEGER) END",
        }
        companions |= {col: P.count_sql(c(h)) for h, col in CONNECTIVITY_COUNTS.items()}
        companions |= {col: P.percent_sql(c(h)) for h, col in CONNECTIVITY_PERCENTS.items()}
        bad_count = " OR ".join(f"{col} IS NULL" for col in CONNECTIVITY_COUNTS.values())
        bad_count += "".join(f" OR {CONNECTIVITY_COUNTS[h]} = 0" for h in CONNECTIVITY_POSITIVE)
        checks = [
            ("missing_required", _missing(spec)),
            ("not_county_code", "county_code IS NULL"),
            ("invalid_year", "year IS NULL"),
            ("invalid_count", bad_count),
            ("percent_out_of_range", " OR ".join(f"{col} IS NULL" for col in CONNECTIVITY_PERCENTS.values())),
            ("rural_population_gt_population", "rural_population > resident_population"),
            ("users_gt_population", "internet_users > resident_population"),
            ("rural_users_gt_rural_population", "rural_internet_users > rural_population"),
        ]
    else:  # pragma: no cover
        raise ValueError(spec.name)
    assert [r for r, _ in checks] == list(spec.reasons) and list(companions) == list(spec.companions)
    inner = ", ".join(f"{expr} AS {c(name)}" for name, expr in companions.items())
    reason = "CASE " + " ".join(f"WHEN {cond} THEN {P.lit(r)}" for r, cond in checks) + " END"
    return f"SELECT *, {reason} AS {REASON} FROM (SELECT *, {inner} FROM {src})"


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


# --- incremental bookkeeping (schema ``incremental``; never read by the front end) -----------

# Written in the same transaction as the raw tables, so a crash can never leave raw rows
# changed without the downstream build knowing (docs/DESIGN.md "Incremental builds").
STATE_SCHEMA = "incremental"
LOAD_STATE = f"{STATE_SCHEMA}.load_state"  # source, fingerprint of the parsing rules used
PENDING_SOURCES = f"{STATE_SCHEMA}.pending_sources"  # source, full_reload: raw changed since the last good build
CHANGED_PROJECTS = f"{STATE_SCHEMA}.changed_projects"  # project_code: lots to recompute in dbt

MODES = ("full", "incremental", "refresh")
_REFERENCE_SEEDS = ("registry_status_map", "guangxi_counties", "county_code_crosswalk")


def ensure_state_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {LOAD_STATE} (source VARCHAR PRIMARY KEY, fingerprint VARCHAR)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_SOURCES} (source VARCHAR PRIMARY KEY, full_reload BOOLEAN)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {CHANGED_PROJECTS} (project_code VARCHAR PRIMARY KEY)")


def loader_fingerprint(seeds_dir: Path) -> str:
    """Hash of what turns a file into rows: this package's code and the seeds it reads. A
    different value means rows parsed earlier may differ from a parse today."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _REFERENCE_SEEDS:
        digest.update(name.encode() + b"\0" + (Path(seeds_dir) / f"{name}.csv").read_bytes() + b"\0")
    return digest.hexdigest()


def expected_text_columns(spec: SourceSpec, infos: list[FileInfo]) -> list[str]:
    """The text columns a full load of these files gives (contract headers, then the extra
    columns as ``combine`` unions them), from the scanned headers alone."""
    fixed = {*spec.headers, KEY, *LINEAGE}
    extras: dict[str, str] = {}
    for info in infos:
        for name in column_names(spec, info.header):
            if name not in fixed:
                extras.setdefault(name.lower(), name)
    return [*spec.headers, *extras.values()]


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source_file -> (sha256, encoding) of every file a previous load read, for
    ``scan_drop(known=...)`` (an unchanged file need not be decoded again)."""
    known: dict[str, tuple[str, str]] = {}
    for spec in SPECS.values():
        if _table_columns(con, spec.files_table) is None:
            continue
        rows = con.execute(
            f"SELECT source_file, sha256, encoding FROM raw.{spec.files_table} WHERE status = 'loaded'").fetchall()
        known.update({f: (sha, enc) for f, sha, enc in rows})
    return known


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows] or None


def _previous_files(con, spec: SourceSpec) -> dict[str, tuple[str, int, int]]:
    """Loaded files of the previous load: source_file -> (sha256, rows_accepted, rows_quarantined)."""
    rows = con.execute(
        f"SELECT source_file, sha256, rows_accepted, rows_quarantined FROM raw.{spec.files_table} "
        "WHERE status = 'loaded'"
    ).fetchall()
    return {f: (sha, int(a), int(qr)) for f, sha, a, qr in rows}


def incremental_blocker(con, spec: SourceSpec, manifest: DropManifest, fingerprint: str) -> str:
    """Why the previous load of this source cannot be extended file by file ('' if it can)."""
    ensure = [_table_columns(con, t) for t in (spec.table, spec.quarantine_table, spec.files_table)]
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
    text_cols = expected_text_columns(spec, manifest.files.get(spec.name, []))
    if ensure[0] != [*text_cols, *spec.companions, *LINEAGE]:
        return "the set of extra columns changed"
    return ""


def source_is_current(con: duckdb.DuckDBPyConnection, manifest: DropManifest, source: str, seeds_dir: Path) -> bool:
    """True when an incremental load of this source would change nothing (read-only)."""
    spec = SPECS[source]
    if incremental_blocker(con, spec, manifest, loader_fingerprint(seeds_dir)):
        return False
    loaded = {f: sha for f, (sha, _, _) in _previous_files(con, spec).items()}
    if loaded != {i.source_file: i.sha256 for i in manifest.files.get(source, [])}:
        return False
    ignored = {r[0] for r in con.execute(
        f"SELECT source_file FROM raw.{spec.files_table} WHERE status = 'ignored'").fetchall()}
    return ignored == set(manifest.ignored.get(source, []))


# --- the load ------------------------------------------------------------------------------


def source_columns(spec: SourceSpec, infos: list[FileInfo]) -> tuple[list[str], list[str]]:
    """(column order of the staged source, extra column names), from the scanned headers alone:
    contract headers, then extras in first-appearance order (names equal case-insensitively
    are one column, as for DuckDB), then the match key and lineage."""
    fixed = {*spec.headers, KEY, *LINEAGE}
    extras: dict[str, str] = {}  # lower-case name -> name as first seen
    for info in infos:
        for name in column_names(spec, info.header):
            if name not in fixed:
                extras.setdefault(name.lower(), name)
    return [*spec.headers, *extras.values(), KEY, *LINEAGE], list(extras.values())


def align(spec: SourceSpec, table: pa.Table, order: list[str]) -> pa.Table:
    """``table`` (one file) with the source's columns in ``order``; NULL where it lacks one."""
    fixed = {*spec.headers, KEY, *LINEAGE}
    wanted = {c.lower(): c for c in order if c not in fixed}
    present = {c if c in fixed else wanted[c.lower()]: c for c in table.column_names}
    cols = [table.column(present[c]) if c in present else pa.nulls(table.num_rows, pa.string()) for c in order]
    return pa.table(cols, names=order)


def file_parts(spec: SourceSpec, infos: list[FileInfo], order: list[str], force_exact: bool, readers: dict):
    """The source's rows as Arrow tables in column ``order`` with the vector columns, file by
    file and chunk by chunk (memory follows one file's cells, not the source). Without any
    row, one empty table, so the source's tables still get their columns. Records each
    file's reader in ``readers``."""
    produced = False
    for info in infos:
        chunks = file_chunks(spec, info, force_exact)
        readers[info.source_file] = next(chunks)
        for parsed in chunks:
            table = add_vector_columns(spec, align(spec, parsed, order))
            del parsed
            produced = True
            yield table
    if not produced:
        schema = pa.schema([(c, pa.int64() if c == "source_line" else pa.string()) for c in order])
        yield add_vector_columns(spec, schema.empty_table())


def stage_files(con, spec: SourceSpec, infos: list[FileInfo], force_exact: bool, name: str) -> tuple[list[str], dict]:
    """Parse ``infos`` one file at a time into the temp table ``name``; returns (extras, readers)."""
    order, extras = source_columns(spec, infos)
    readers: dict[str, str] = {}
    part = f"{name}_part"
    con.execute(f"DROP TABLE IF EXISTS {name}")
    for i, table in enumerate(file_parts(spec, infos, order, force_exact, readers)):
        con.register(part, table)
        try:
            verb = f"CREATE TEMP TABLE {name} AS" if i == 0 else f"INSERT INTO {name}"
            con.execute(f"{verb} SELECT * FROM {part}")
        finally:
            con.unregister(part)
        del table
    return extras, readers


def _file_counts(con, typed: str) -> dict[str, tuple[int, int]]:
    return {
        f: (int(a), int(qr))
        for f, a, qr in con.execute(
            f"SELECT source_file, count(*) FILTER (WHERE {REASON} IS NULL), "
            f"count(*) FILTER (WHERE {REASON} IS NOT NULL) FROM {typed} GROUP BY ALL"
        ).fetchall()
    }


def _replace_files_table(con, spec: SourceSpec, files: pa.Table, view: str) -> None:
    con.register(view, files)
    con.execute(f"CREATE OR REPLACE TABLE raw.{spec.files_table} AS SELECT * FROM {view} ORDER BY source_file")


def _mark_pending(con, source: str, full_reload: bool) -> None:
    # A full reload stays a full reload until a build consumes it.
    con.execute(
        f"INSERT INTO {PENDING_SOURCES} VALUES (?, ?) ON CONFLICT (source) DO UPDATE "
        "SET full_reload = full_reload OR excluded.full_reload",
        [source, full_reload],
    )


def _record_fingerprint(con, source: str, fingerprint: str) -> None:
    con.execute(
        f"INSERT INTO {LOAD_STATE} VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET fingerprint = excluded.fingerprint",
        [source, fingerprint],
    )


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
    raw.<source>_files, in one transaction.

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
    text_cols = _q_all([*spec.headers, *extras])
    part, typed, files_view = (f"__rawload_{source}_{n}" for n in ("part", "typed", "files"))
    accepted, quarantine = (f"raw.{_next_name(t)}" for t in (spec.table, spec.quarantine_table))
    accepted_sql = (f"SELECT {text_cols}, {_q_all(spec.companions)}, source_file, "
                    f"CAST(source_line AS BIGINT) AS source_line FROM {typed} WHERE {REASON} IS NULL")
    quarantined_sql = (f"SELECT source_file, CAST(source_line AS BIGINT) AS source_line, {REASON}, {text_cols} "
                       f"FROM {typed} WHERE {REASON} IS NOT NULL")
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
            for file, (a, q) in _file_counts(con, typed).items():  # a file spans several chunks
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
            _replace_files_table(con, spec, files, files_view)
            if record is not None:
                ensure_state_tables(con)
                _record_fingerprint(con, source, record)
                _mark_pending(con, source, full_reload=True)
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
        quarantine_by_reason=_quarantine_by_reason(con, spec),
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


def _same_files_table(con, spec: SourceSpec, files: pa.Table, view: str) -> bool:
    con.register(view, files)
    try:
        diff = con.execute(
            f"SELECT count(*) FROM ((SELECT * FROM {view} EXCEPT ALL SELECT * FROM raw.{spec.files_table}) "
            f"UNION ALL (SELECT * FROM raw.{spec.files_table} EXCEPT ALL SELECT * FROM {view}))"
        ).fetchall()[0][0]
    finally:
        con.unregister(view)
    return diff == 0


def _changed_projects_sql(typed: str, stale: str) -> str:
    """Projects whose lots dbt must recompute: the 项目编号 of every accepted row, old or new,
    sharing a 公告ID with an inserted or deleted row. Re-post collapse groups rows by 公告ID
    across projects, so a changed row can move the lot of any project its 公告ID names."""
    ids = (
        f"SELECT \"公告ID\" FROM raw.procurement_notices WHERE source_file IN (SELECT source_file FROM {stale}) "
        f"UNION SELECT \"公告ID\" FROM {typed} WHERE {REASON} IS NULL"
    )
    return f"SELECT DISTINCT \"项目编号\" FROM raw.procurement_notices WHERE \"公告ID\" IN ({ids})"


def _load_delta(con, manifest, spec: SourceSpec, seeds_dir, force_exact, guard: _Guard | None = None) -> LoadResult:
    """Parse added/changed files only; replace the rows of changed and removed files."""
    source = spec.name
    infos = manifest.files.get(source, [])
    previous = _previous_files(con, spec)
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
            if _same_files_table(con, spec, files, files_view):
                action = "unchanged"
            else:  # only the ignored entries changed: the files table is still a dbt input
                action = "delta"
                con.execute("BEGIN TRANSACTION")
                try:
                    _replace_files_table(con, spec, files, files_view)
                    _mark_pending(con, source, full_reload=False)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        else:
            action = "delta"
            ref = load_reference(seeds_dir)
            extras, readers = stage_files(con, spec, to_parse, force_exact, src)
            con.register(stale, pa.table({"source_file": pa.array(stale_files, pa.string())}))
            text_cols = _q_all([*spec.headers, *extras])
            order = "ORDER BY source_file, source_line"
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {typed_sql(spec, ref, src)}")
                if source == "procurement":  # old side of the change, before its rows go
                    con.execute(f"CREATE OR REPLACE TEMP TABLE __rawload_old_projects AS {_changed_projects_sql(typed, stale)}")
                for table in (spec.table, spec.quarantine_table):
                    con.execute(f"DELETE FROM raw.{table} WHERE source_file IN (SELECT source_file FROM {stale})")
                con.execute(
                    f"INSERT INTO raw.{spec.table} BY NAME SELECT {text_cols}, {_q_all(spec.companions)}, "
                    f"source_file, CAST(source_line AS BIGINT) AS source_line FROM {typed} WHERE {REASON} IS NULL {order}"
                )
                con.execute(
                    f"INSERT INTO raw.{spec.quarantine_table} BY NAME SELECT source_file, "
                    f"CAST(source_line AS BIGINT) AS source_line, {REASON}, {text_cols} "
                    f"FROM {typed} WHERE {REASON} IS NOT NULL {order}"
                )
                if source == "procurement":
                    con.execute(
                        f"INSERT INTO {CHANGED_PROJECTS} SELECT * FROM __rawload_old_projects "
                        f"UNION {_changed_projects_sql(typed, stale)} ON CONFLICT DO NOTHING"
                    )
                    con.execute("DROP TABLE __rawload_old_projects")
                # A re-parsed file may now have no row at all (header only): not its old counts.
                counts.update({i.source_file: (0, 0) for i in to_parse} | _file_counts(con, typed))
                if guard:  # raises before COMMIT: the rollback below keeps the tables as they were
                    guard.check_counts({i.source_file: counts.get(i.source_file, (0, 0)) for i in infos})
                files, per_file = files_table(manifest, source, counts)
                _replace_files_table(con, spec, files, files_view)
                _mark_pending(con, source, full_reload=False)
                con.execute(f"DROP TABLE {typed}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    finally:
        con.execute(f"SET enable_progress_bar = {'true' if progress_bar else 'false'}")
        _unregister(con, files_view, stale)
        con.execute(f"DROP TABLE IF EXISTS {src}")

    # Totals describe the whole source after the load; reasons, like rows parsed, only this load's files.
    return LoadResult(
        source=source,
        per_file=per_file,
        **_totals(per_file),
        quarantine_by_reason=_quarantine_by_reason(con, spec),
        readers=readers,
        action=action,
        files_parsed=[i.source_file for i in to_parse],
        files_removed=stale_files,
    )


def _quarantine_by_reason(con, spec: SourceSpec) -> dict[str, int]:
    rows = dict(con.execute(f"SELECT {REASON}, count(*) FROM raw.{spec.quarantine_table} GROUP BY ALL").fetchall())
    return {r: int(rows[r]) for r in spec.reasons if r in rows}
