"""Runs the engine floor (``floor.sql``) over a raw drop.

DuckDB reads only UTF-8 offline, so the drop is first *prepared*: every selected file becomes an
entry of a scratch folder named by its read position (``000001.csv``, ``000002.csv.gz``…) —
a symlink when DuckDB can read the file as it is, else a UTF-8 copy (GB18030 transcoded, a
header that needs trimming rewritten). A header-only ``000000.csv`` with every contract
header comes first, so columns no file has, and empty folders, still bind. The preparation
is part of the floor's time.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from smartcounty.rawload.spec import SPECS

from .common import SEEDS, SOURCES, FIGURES, ReportParams, report_params, selected_files

SQL_FILE = Path(__file__).with_name("floor.sql")

# The contract headers (raw_inputs.md), in contract order.
HEADERS = {name: spec.headers for name, spec in SPECS.items()}
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def clean_header_cell(cell: str) -> str:
    for ch in _ZERO_WIDTH:
        cell = cell.replace(ch, "")
    return cell.strip(_WHITESPACE)


def _header_is_clean(first_line: str) -> bool:
    """True when DuckDB will see exactly the contract's (trimmed) header names."""
    if '"' in first_line:
        return False
    return all(cell == clean_header_cell(cell) for cell in first_line.rstrip("\r\n").split(","))


def _clean_header_text(text: str) -> str:
    """The file's text with its header record rewritten as trimmed, quoted names."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    # Where the header record ends: the csv reader consumed reader.line_num physical lines.
    rest = text
    for _ in range(reader.line_num):
        cut = re.search(r"\r\n|\n|\r", rest)
        rest = rest[cut.end():] if cut else ""
    names = ",".join('"' + clean_header_cell(c).replace('"', '""') + '"' for c in header)
    return names + "\n" + rest


def prepare_file(path: Path, target_stem: Path) -> Path:
    """Make one source file readable by DuckDB at ``target_stem`` + suffix; returns the path."""
    raw = path.read_bytes()
    gz = path.name.lower().endswith(".gz")
    data = gzip.decompress(raw) if gz else raw
    try:
        text = data.decode("utf-8")  # strict: the contract's detection order
        utf8 = True
    except UnicodeDecodeError:
        text = data.decode("gb18030")
        utf8 = False
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    if utf8 and _header_is_clean(first_line):
        target = target_stem.with_suffix(".csv.gz" if gz else ".csv")
        target.symlink_to(path.resolve())
        return target
    target = target_stem.with_suffix(".csv")
    target.write_text(text if _header_is_clean(first_line) else _clean_header_text(text), encoding="utf-8")
    return target


def prepare_drop(raw_dir: Path, work_dir: Path) -> Path:
    """The scratch folder the floor reads (``{raw}``)."""
    out = Path(work_dir) / "floor_raw"
    for source in SOURCES:
        folder = out / source
        folder.mkdir(parents=True, exist_ok=False)
        (folder / "000000.csv").write_text(",".join(HEADERS[source]) + "\n", encoding="utf-8")
        for i, path in enumerate(selected_files(raw_dir, source), start=1):
            prepare_file(path, folder / f"{i:06d}")
    return out


def statements(sql: str) -> list[tuple[str | None, str]]:
    """(result name or None, statement) in script order; a statement ends at a line ending in ';'."""
    out, lines, name = [], [], None
    for line in sql.splitlines():
        marker = re.match(r"--\s*result:\s*(\w+)", line.strip())
        if marker and not any(ln.strip() and not ln.strip().startswith("--") for ln in lines):
            name = marker.group(1)  # a marker counts only before the statement's first code line
        lines.append(line)
        if line.rstrip().endswith(";"):
            body = "\n".join(lines).strip()
            if any(ln.strip() and not ln.strip().startswith("--") for ln in lines):
                out.append((name, body))
            lines, name = [], None
    return out


def render(sql: str, raw: Path, params: ReportParams, seeds: Path = SEEDS) -> str:
    values = {"{raw}": raw.as_posix(), "{seeds}": Path(seeds).as_posix(),
              "{as_of_date}": params.as_of_date.isoformat(),
              "{report_years}": ", ".join(str(y) for y in params.report_years)}
    for key, value in values.items():
        sql = sql.replace(key, value)
    return sql


@dataclass
class FloorRun:
    figures: dict[str, list[dict]]
    prepare_s: float
    query_s: float

    @property
    def total_s(self) -> float:
        return self.prepare_s + self.query_s


def run_floor(raw_dir: Path, params: ReportParams | None = None, threads: int | None = None) -> FloorRun:
    params = params or report_params()
    sql = SQL_FILE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="smartcounty-floor-") as tmp:
        started = time.perf_counter()
        prepared = prepare_drop(Path(raw_dir), Path(tmp))
        prepared_at = time.perf_counter()
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET enable_progress_bar = false")
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            figures = {}
            for name, statement in statements(render(sql, prepared, params)):
                cur = con.execute(statement)
                if name:
                    columns = [d[0] for d in cur.description]
                    figures[name] = [dict(zip(columns, row)) for row in cur.fetchall()]
        finally:
            con.close()
        finished = time.perf_counter()
    missing = set(FIGURES) - set(figures)
    if missing:
        raise RuntimeError(f"floor.sql produced no result set for {sorted(missing)}")
    return FloorRun(figures, prepared_at - started, finished - prepared_at)
