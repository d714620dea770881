"""A file's records as cleaned Arrow tables, chunk by chunk: the raw cells of one file
(records.py), cleaned column by column (text.py), aligned to the source's columns, with the
helper columns the typed SQL reads (vector.py)."""

from __future__ import annotations

import csv
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

from .records import Handover, read_records
from .scan import DecodeError, FileInfo, StructuralError, decompress, is_gzip_name
from .spec import KEY, LINEAGE, SourceSpec, reserved_names
from .text import clean_array, may_contain_zero_width
from .typed import MATCH_KEY_SOURCE, VECTOR_COLUMNS

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
    zero_width = may_contain_zero_width(data, info.encoding)
    content = Handover(data)
    del data  # the reader may drop the bytes once DuckDB can read them from disk (Handover)
    disk = None if is_gzip_name(info.path.name) else info.path
    try:
        cells, reader = read_records(content, info.encoding, info.header, disk_path=disk, force_exact=force_exact)
    except csv.Error as exc:  # a record the reference reader cannot split: reject the file, by name
        raise StructuralError([(info.source_file, f"unreadable CSV: {exc}")]) from None
    return cells, reader, zero_width


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
    key_source = MATCH_KEY_SOURCE.get(spec.name)
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
