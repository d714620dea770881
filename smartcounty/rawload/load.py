"""Loading one source of a scanned drop into the ``raw`` schema, in one transaction.

Per source: ``raw.<table>`` (accepted rows), ``raw.<source>_quarantine`` (rows failing a
row check, first failing check = reason) and ``raw.<source>_files`` (per-file accounting),
as described in docs/DESIGN.md "Raw schema".
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import parse as P
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
        base = cell or f"column_{pos}"
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


def file_table(spec: SourceSpec, info: FileInfo, force_exact: bool = False) -> tuple[pa.Table, str]:
    """Cleaned text columns (contract headers first, then extras), KEY, lineage."""
    data = _read_data(info)
    disk = None if is_gzip_name(info.path.name) else info.path
    try:
        cells, reader = read_records(data, info.encoding, info.header, disk_path=disk, force_exact=force_exact)
    except csv.Error as exc:  # a record the reference reader cannot split: reject the file, by name
        raise StructuralError([(info.source_file, f"unreadable CSV: {exc}")]) from None
    names = column_names(spec, info.header)
    n = cells.num_rows
    zero_width = may_contain_zero_width(data, info.encoding)
    del data
    columns: dict[str, pa.Array] = {}
    for i, name in enumerate(names):
        columns[name] = clean_array(cells.column(i), name in spec.nfkc, zero_width)
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
    return pa.table(ordered), reader


def combine(spec: SourceSpec, tables: list[pa.Table]) -> tuple[pa.Table, list[str]]:
    """One table for the source: extra columns unioned (first appearance order, NULL where a
    file lacks them; names equal case-insensitively are one column, as for DuckDB).
    Returns (table, extra column names)."""
    fixed = {*spec.headers, KEY, *LINEAGE}
    extras: dict[str, str] = {}  # lower-case name -> name as first seen
    for t in tables:
        for c in t.column_names:
            if c not in fixed:
                extras.setdefault(c.lower(), c)
    order = [*spec.headers, *extras.values(), KEY, *LINEAGE]
    if not tables:
        schema = pa.schema([(c, pa.int64() if c == "source_line" else pa.string()) for c in order])
        return schema.empty_table(), list(extras.values())
    aligned = []
    for t in tables:
        present = {c if c in fixed else extras[c.lower()]: c for c in t.column_names}
        cols = [t.column(present[c]) if c in present else pa.nulls(t.num_rows, pa.string()) for c in order]
        aligned.append(pa.table(cols, names=order))
    return pa.concat_tables(aligned), list(extras.values())


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


# --- the load ------------------------------------------------------------------------------


def load_source(
    con: duckdb.DuckDBPyConnection,
    manifest: DropManifest,
    source: str,
    seeds_dir: Path,
    force_exact: bool = False,
) -> LoadResult:
    """Replace raw.<table>, raw.<source>_quarantine and raw.<source>_files in one transaction.

    Raises StructuralError (and changes nothing) if any file of the source was rejected.
    ``force_exact`` reads every file with the reference csv reader (for tests).
    """
    spec = SPECS[source]
    problems = manifest.problems([source])
    if problems:
        raise StructuralError(problems)
    ref = load_reference(seeds_dir)

    tables, readers = [], {}
    for info in manifest.files.get(source, []):
        table, readers[info.source_file] = file_table(spec, info, force_exact)
        tables.append(table)
    src_table, extras = combine(spec, tables)
    del tables
    src_table = add_vector_columns(spec, src_table)

    src, typed, files_view = (f"__rawload_{source}_{n}" for n in ("src", "typed", "files"))
    text_cols = _q_all([*spec.headers, *extras])
    order = "ORDER BY source_file, source_line"
    # DuckDB draws a progress bar on stdout for long statements; keep the caller's setting.
    progress_bar = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]
    con.execute("SET enable_progress_bar = false")
    con.register(src, src_table)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE SCHEMA IF NOT EXISTS raw")
            con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {typed_sql(spec, ref, src)}")
            con.execute(
                f"CREATE OR REPLACE TABLE raw.{spec.table} AS SELECT {text_cols}, "
                f"{_q_all(spec.companions)}, source_file, CAST(source_line AS BIGINT) AS source_line "
                f"FROM {typed} WHERE {REASON} IS NULL {order}"
            )
            con.execute(
                f"CREATE OR REPLACE TABLE raw.{spec.quarantine_table} AS SELECT source_file, "
                f"CAST(source_line AS BIGINT) AS source_line, {REASON}, {text_cols} "
                f"FROM {typed} WHERE {REASON} IS NOT NULL {order}"
            )
            counts = {
                f: (int(a), int(qr))
                for f, a, qr in con.execute(
                    f"SELECT source_file, count(*) FILTER (WHERE {REASON} IS NULL), "
                    f"count(*) FILTER (WHERE {REASON} IS NOT NULL) FROM {typed} GROUP BY ALL"
                ).fetchall()
            }
            by_reason = dict(
                con.execute(f"SELECT {REASON}, count(*) FROM {typed} WHERE {REASON} IS NOT NULL GROUP BY ALL").fetchall()
            )
            files, per_file = files_table(manifest, source, counts)
            con.register(files_view, files)
            con.execute(
                f"CREATE OR REPLACE TABLE raw.{spec.files_table} AS SELECT * FROM {files_view} ORDER BY source_file"
            )
            con.execute(f"DROP TABLE {typed}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.execute(f"SET enable_progress_bar = {'true' if progress_bar else 'false'}")
        for view in (src, files_view):
            try:
                con.unregister(view)
            except Exception:  # pragma: no cover - not registered yet
                pass

    return LoadResult(
        source=source,
        per_file=per_file,
        rows_read=sum(f["rows_read"] for f in per_file),
        rows_accepted=sum(f["rows_accepted"] for f in per_file),
        rows_quarantined=sum(f["rows_quarantined"] for f in per_file),
        quarantine_by_reason={r: int(by_reason[r]) for r in spec.reasons if r in by_reason},
        readers=readers,
    )
