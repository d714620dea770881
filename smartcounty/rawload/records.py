"""Splitting one decoded CSV file into records with their physical start lines.

The reference semantics are Python's ``csv`` module (comma, ``"`` quoting with ``""``
escapes, quotes only open a field at its start) read over lines split at ``\\n``,
``\\r\\n`` or a lone ``\\r``:

* the header is the first record; ``source_line`` of a record is the 1-based physical
  line where it starts (quoted newlines make a record span several lines);
* **blank lines** (nothing at all between two line breaks, outside quotes) are not records:
  they are skipped and not counted as rows read. A line with only spaces or only commas is
  a record (all blank, so it fails ``missing_required``);
* records shorter than the header are padded with NULL; extra cells are ignored.

The fast path lets DuckDB's CSV reader split the cells and computes the record start lines
with numpy from the bytes. It is used only when it provably agrees with the reference:
no stray quotes (a quote not at a field boundary), balanced quotes, DuckDB's record count
and header equal to ours. Otherwise, or if DuckDB raises, the file is read with the
``csv`` module (exact, slower).
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from .text import clean_header_name

_NL, _CR, _QUOTE, _COMMA = 10, 13, 34, 44


@dataclass
class Layout:
    """Record structure of a UTF-8 CSV byte string, found without parsing cells."""

    data_lines: np.ndarray  # int64 start line of every data record (header excluded)
    quoted_newlines: bool  # some line break lies inside quotes
    trustworthy: bool  # quotes are well-formed, so the counting above is exact


_BOUNDARY = np.zeros(256, dtype=bool)
_BOUNDARY[[_NL, _CR, _COMMA]] = True


def _quotes_well_formed(buf: np.ndarray, quotes: np.ndarray) -> bool:
    """True when every run of quote characters sits where RFC 4180 allows it.

    With the parity of quotes before a run (even = outside a quoted field): a run that
    starts outside must open a field (preceded by , CR LF or the start of the file), and a
    run that ends outside must close one (followed by , CR LF or the end). Runs that start
    and end inside are escaped quotes. Anything else (a quote in an unquoted field, text
    after a closing quote) is where readers disagree.
    """
    if quotes.size == 0:
        return True
    n = buf.size
    new_run = np.ones(quotes.size, dtype=bool)
    new_run[1:] = np.diff(quotes) != 1
    first = np.flatnonzero(new_run)  # index into quotes of each run's first quote
    last = np.append(first[1:], quotes.size) - 1
    start, end = quotes[first], quotes[last]
    before_outside = first % 2 == 0
    after_outside = (last + 1) % 2 == 0
    prev_ok = np.ones(first.size, dtype=bool)
    has_prev = start > 0
    prev_ok[has_prev] = _BOUNDARY[buf[start[has_prev] - 1]]
    next_ok = np.ones(first.size, dtype=bool)
    has_next = end + 1 < n
    next_ok[has_next] = _BOUNDARY[buf[end[has_next] + 1]]
    return bool(np.all(~before_outside | prev_ok) and np.all(~after_outside | next_ok))


def _positions(buf: np.ndarray, byte: int, chunk: int = 1 << 24) -> np.ndarray:
    """Offsets of ``byte`` in ``buf``; in 16 MiB slices so no file-sized mask is allocated."""
    parts = [np.flatnonzero(buf[o : o + chunk] == byte) + o for o in range(0, buf.size, chunk)]
    return np.concatenate(parts) if parts else np.empty(0, np.int64)


def layout(data: bytes) -> Layout:
    buf = np.frombuffer(data, dtype=np.uint8)
    n = buf.size
    nl = _positions(buf, _NL)
    cr = _positions(buf, _CR) if b"\r" in data else np.empty(0, np.int64)  # memchr first
    if cr.size:
        nxt = np.where(cr + 1 < n, buf[np.minimum(cr + 1, n - 1)], 0)
        lone_cr = cr[(cr + 1 >= n) | (nxt != _NL)]
        breaks = np.union1d(nl, lone_cr) if lone_cr.size else nl
    else:
        breaks = nl
    quotes = _positions(buf, _QUOTE) if b'"' in data else np.empty(0, np.int64)

    # DuckDB guesses one line-ending style per file; a lone CR (old Mac style, or mixed
    # with LF) is left to the reference reader.
    trustworthy = breaks.size == nl.size and quotes.size % 2 == 0 and _quotes_well_formed(buf, quotes)
    if quotes.size:
        # Quote parity before each line break: odd = inside a quoted field.
        inside = (np.searchsorted(quotes, breaks) % 2).astype(bool)
        terminators = breaks[~inside]
        quoted_newlines = bool(inside.any())
    else:
        terminators = breaks
        quoted_newlines = False

    starts = terminators + 1
    starts = starts[starts < n]
    blank = (buf[starts] == _NL) | (buf[starts] == _CR)  # the next line break follows at once
    starts = starts[~blank]
    lines = np.searchsorted(breaks, starts) + 1  # breaks before the start, +1 for 1-based
    return Layout(lines.astype(np.int64), quoted_newlines, trustworthy)


def _columns(ncols: int) -> list[str]:
    return [f"c{i}" for i in range(ncols)]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# DuckDB's parallel reader cannot pad short records when quoted newlines exist.
_PARALLEL_PADDED = "null_padding=true"
_PARALLEL_UNPADDED = "null_padding=false"
_SERIAL_PADDED = "null_padding=true, parallel=false"


def _duckdb_read(path: Path, ncols: int, opts: str) -> pa.Table:
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols))
    sql = (
        f"SELECT * FROM read_csv({_sql_string(str(path))}, header=false, auto_detect=false, delim=',', quote='\"', "
        f"escape='\"', columns={{{cols}}}, strict_mode=false, max_line_size={MAX_FIELD_SIZE}, {opts})"
    )
    # A private in-memory connection: never touches the warehouse; no progress bar on stdout.
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


class Handover:
    """A file's content passed on with its only reference, so that the reader can let go of the
    bytes once DuckDB can read them from disk: a scale-20 register part is 1.75 GB of CSV, which
    otherwise stays in memory beside its 1.9 GiB of cells (docs/benchmarks/2026-11-28-session10).
    ``path`` then holds exactly the bytes, for the exact reader should the fast one step aside."""

    __slots__ = ("data", "path")

    def __init__(self, data: bytes) -> None:
        self.data: bytes | None = data
        self.path: Path | None = None

    def content(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


def read_fast(data: bytes | Handover, header: list[str], disk_path: Path | None = None,
              tmp_dir: Path | None = None) -> pa.Table | None:
    """Raw cells (c0..c{n-1}) plus source_line, or None when the fast path cannot be trusted.

    ``data`` is UTF-8; ``disk_path``, if given, is a plain file with exactly these bytes
    (saves writing a copy for DuckDB). A ``Handover`` gives up its bytes once they are on
    disk for good: ``disk_path``, or the copy written into ``tmp_dir`` (the caller's folder).
    """
    box = data if isinstance(data, Handover) else Handover(data)
    lay = layout(box.data)
    ncols = len(header)
    if not lay.trustworthy:
        return None
    if lay.data_lines.size == 0:
        return _empty(ncols)
    with contextlib.ExitStack() as stack:
        keeps = disk_path is not None or tmp_dir is not None  # the file outlives this call
        if disk_path is None:
            folder = tmp_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="smartcounty-rawload-")))
            disk_path = folder / "file.csv"
            disk_path.write_bytes(box.data)
        if keeps and box is data:
            box.path, box.data = disk_path, None
        # With quoted newlines: the parallel reader if no record is short, else the serial one.
        attempts = [_PARALLEL_UNPADDED, _SERIAL_PADDED] if lay.quoted_newlines else [_PARALLEL_PADDED]
        table = None
        for opts in attempts:
            try:
                table = _duckdb_read(disk_path, ncols, opts)
                break
            except duckdb.Error:
                table = None
    if table is None or table.num_rows != lay.data_lines.size + 1:
        return None
    first = [clean_header_name(v or "") for v in table.slice(0, 1).to_pylist()[0].values()]
    if first != header:
        return None
    table = table.slice(1)
    return table.append_column("source_line", pa.array(lay.data_lines, pa.int64()))


# The csv module rejects fields over 128 KiB by default (csv.Error, naming no file); the
# fast path reads fields up to DuckDB's max_line_size, so the reference reader must too.
MAX_FIELD_SIZE = 268435456


def allow_long_fields() -> None:
    if csv.field_size_limit() < MAX_FIELD_SIZE:
        csv.field_size_limit(MAX_FIELD_SIZE)


def read_exact(text: str, ncols: int) -> pa.Table:
    """The reference reader: Python's csv module, line numbers from its line counter."""
    allow_long_fields()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', doublequote=True)
    columns: list[list[str | None]] = [[] for _ in range(ncols)]
    lines: list[int] = []
    next(reader, None)  # header
    prev_line = reader.line_num
    for row in reader:
        start = prev_line + 1
        prev_line = reader.line_num
        if not row:  # blank line
            continue
        lines.append(start)
        for i in range(ncols):
            columns[i].append(row[i] if i < len(row) else None)
    arrays = [pa.array(c, pa.string()) for c in columns] + [pa.array(lines, pa.int64())]
    return pa.Table.from_arrays(arrays, names=[*_columns(ncols), "source_line"])


def _empty(ncols: int) -> pa.Table:
    arrays = [pa.array([], pa.string()) for _ in range(ncols)] + [pa.array([], pa.int64())]
    return pa.Table.from_arrays(arrays, names=[*_columns(ncols), "source_line"])


def read_records(
    data: bytes | Handover,
    encoding: str,
    header: list[str],
    disk_path: Path | None = None,
    force_exact: bool = False,
) -> tuple[pa.Table, str]:
    """(table of raw cells c0..c{n-1} + source_line, 'fast' or 'exact').

    ``data`` is the decompressed file content in ``encoding`` (a ``Handover`` lets the fast
    reader drop it once it is on disk); ``disk_path`` the file on disk when it holds exactly
    ``data`` (not gzip-compressed).
    """
    box = data if isinstance(data, Handover) else Handover(data)
    if encoding == "gb18030":
        # DuckDB has no GB18030 decoder offline: transcode to UTF-8 first.
        box.data = box.data.decode("gb18030").encode("utf-8")
        disk_path = None
    with tempfile.TemporaryDirectory(prefix="smartcounty-rawload-") as tmp:
        if not force_exact:
            table = read_fast(box, header, disk_path, tmp_dir=Path(tmp))
            if table is not None:
                return table, "fast"
        return read_exact(box.content().decode("utf-8-sig"), len(header)), "exact"
