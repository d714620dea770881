"""Hostile input: property-based tests of the three raw loaders (issue 7).

Every generated file either loads with exact accounting — rows read = accepted +
quarantined, rows read = the records Python's csv module finds in the decoded text
(blank lines skipped, the rule documented in smartcounty/rawload/records.py), the same
start lines and the same cell text — or is rejected with a StructuralError naming the
file, leaving the previous raw tables exactly as they were. Nothing else may escape.

The files are cheap (a few rows) and load into an in-memory DuckDB through
scan_drop + check_drop + load_source, not the full build. One CLI test runs a full
build over a drop with a hostile file and checks that the serving copy is untouched.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import shutil
import tempfile
import zlib
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import cli_env, run_cli
from rawload_helpers import SEEDS_DIR, connectivity_row, csv_text, procurement_row, registry_row, write
from smartcounty.rawload import SOURCES, SPECS, StructuralError, check_drop, load_source, scan_drop

EXAMPLES_PER_SOURCE = 170  # x 3 sources = 510 generated files per run
VALID_ROW = {"procurement": procurement_row, "registry": registry_row, "connectivity": connectivity_row}
# A free-text contract column per source (cleaned, never NFKC'd): its cell text is compared exactly.
TEXT_COLUMN = {"procurement": "项目名称", "registry": "企业名称", "connectivity": "区划名称"}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
FUZZED = {source: 0 for source in SOURCES}
OUTCOMES: dict[str, int] = {}  # 'loaded (fast)' / 'loaded (exact)' / 'structural' -> files


def count(outcome: str) -> None:
    OUTCOMES[outcome] = OUTCOMES.get(outcome, 0) + 1


# --- generated files ------------------------------------------------------------------------

HOSTILE_CELLS = [
    "a\nb", "a\r\nb", "a\rb", '"quoted"', 'a"b', '"', '""', ",", "a,b", " ", "\u3000", "\ufeff", "\u200b",
    "\0", "x\0y", "\t", "中标(成交)结果公告", "２０２３－０５－０６", "\\", "'", "\x85", "\u2028",
]
# Extra columns, some colliding (case-insensitively) with lineage, companions and helpers.
EXTRA_NAMES = ["备注", "REMARK", "remark", "source_file", "SOURCE_LINE", "reason", "notice_class", "USCC", "year",
               "__match_key", "__budget_literal", "__uscc_ok", "column_3", ""]
# Invalid UTF-8 (lone continuation / lead bytes, a cut character), NUL, a UTF-16 BOM.
SPLICED_BYTES = [b"\xff", b"\x80", b"\xc3", b"\xe4\xb8", b"\0", b"\xfe\xff"]
cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(HOSTILE_CELLS),
    st.integers(1_000, 200_000).map(lambda n: "长" * n),  # very long fields, built cheaply
)


@st.composite
def header_of(draw, source: str) -> list[str]:
    header = list(SPECS[source].headers)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 7)) == 0:  # drop some headers (required ones too, now and then)
        drop = draw(st.sets(st.sampled_from(header), max_size=3))
        header = [h for h in header if h not in drop]
    header += draw(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(EXTRA_NAMES)),
                            max_size=2))
    if header and draw(st.integers(0, 7)) == 0:  # a duplicated header
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(header)))
    if header and draw(st.integers(0, 5)) == 0:  # padded / BOM-prefixed header names
        i = draw(st.integers(0, len(header) - 1))
        header[i] = draw(st.sampled_from([" ", "\ufeff", "\u3000", "\u200b"])) + header[i] + " "
    return header


@st.composite
def row_of(draw, source: str, header: list[str]) -> list[str]:
    valid = dict(zip(SPECS[source].headers, VALID_ROW[source]()))
    row = [valid.get(h.strip(" \ufeff\u3000\u200b"), "x") for h in header]
    for _ in range(draw(st.integers(0, 3))):
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(cell_text)
    shape = draw(st.integers(0, 5))
    if shape == 0:  # missing fields
        row = row[: draw(st.integers(0, len(row)))]
    elif shape == 1:  # extra fields
        row += draw(st.lists(cell_text, min_size=1, max_size=3))
    return row


def serialize(rows: list[list[str]], style: str, newline: str) -> str:
    if style == "naive":  # no quoting at all: embedded quotes, commas and newlines break the structure
        return "".join(",".join(r) + newline for r in rows)
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if style == "quote_all" else csv.QUOTE_MINIMAL
    csv.writer(buf, lineterminator=newline, quoting=quoting).writerows(rows)
    return buf.getvalue()


def encode(lines: list[str], encoding: str) -> bytes:
    if encoding == "mixed":  # one file, records in UTF-8 and GB18030 alternately
        return b"".join(line.encode("utf-8" if i % 2 == 0 else "gb18030") for i, line in enumerate(lines))
    data = "".join(lines).encode("gb18030" if encoding == "gb18030" else "utf-8")
    return codecs.BOM_UTF8 + data if encoding == "utf-8-sig" else data


@st.composite
def hostile_file(draw, source: str) -> tuple[str, bytes]:
    """(file name, bytes on disk)."""
    gz = draw(st.integers(0, 9)) == 0
    name = "hostile.csv.gz" if gz else draw(st.sampled_from(["hostile.csv", "HOSTILE.CSV", "测试 文件.csv"]))
    kind = draw(st.sampled_from(["rows"] * 8 + ["random", "empty", "header_only", "header_only"]))
    if kind == "random":
        data = draw(st.binary(max_size=300))
    elif kind == "empty":
        data = draw(st.sampled_from([b"", codecs.BOM_UTF8, b"\n", b"\r\n\r\n", b"\0"]))
    else:
        header = draw(header_of(source))
        rows = [] if kind == "header_only" else draw(st.lists(row_of(source, header), max_size=6))
        newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        style = draw(st.sampled_from(["minimal", "minimal", "quote_all", "naive"]))
        lines = [serialize([r], style, newline) for r in [header, *rows]]
        for _ in range(draw(st.integers(0, 2))):  # blank lines anywhere after the header
            lines.insert(draw(st.integers(1, len(lines))), newline)
        if draw(st.booleans()) and lines:  # no line break at the end of the file
            lines[-1] = lines[-1].rstrip("\r\n")
        data = encode(lines, draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "gb18030", "gb18030", "mixed"])))
        for _ in range(draw(st.integers(0, 11)) // 10):  # invalid bytes / NUL spliced in at random offsets
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from(SPLICED_BYTES)) + data[at:]
        if draw(st.integers(0, 11)) == 0:  # truncated mid-file (maybe mid-character)
            data = data[: draw(st.integers(0, len(data)))]
    return name, gzip.compress(data, mtime=0) if gz else data


# --- the reference --------------------------------------------------------------------------


def reference_decode(raw: bytes, gz: bool) -> str | None:
    """The contract's decoding (strict UTF-8 without BOM, else GB18030); None = structural."""
    if gz:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            return None
    if not raw:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def reference_records(text: str) -> list[tuple[int, list[str]]]:
    """(start line, cells) of every record after the header; blank lines are not records."""
    limit = csv.field_size_limit(1 << 30)  # the reference has no field size limit
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader, None)
        records, prev = [], reader.line_num
        for row in reader:
            start, prev = prev + 1, reader.line_num
            if row:
                records.append((start, row))
        return records
    finally:
        csv.field_size_limit(limit)


def reference_header(text: str) -> list[str]:
    limit = csv.field_size_limit(1 << 30)
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    finally:
        csv.field_size_limit(limit)
    return [clean(c) or "" for c in first]


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    for ch in ZERO_WIDTH:
        value = value.replace(ch, "")
    return value.strip() or None  # str.strip() trims exactly the str.isspace() set, U+3000 included


def expected_outcome(source: str, raw: bytes, gz: bool) -> str:
    """'structural', 'load', or 'either' (NUL bytes: the UTF-16 heuristic may reject them)."""
    text = reference_decode(raw, gz)
    if text is None:
        return "structural"
    content = gzip.decompress(raw) if gz else raw
    header = reference_header(text)
    spec = SPECS[source]
    if any(h not in header for h in spec.required) or any(header.count(h) > 1 for h in spec.headers):
        return "structural"
    return "either" if b"\0" in content or content[:2] in (b"\xff\xfe", b"\xfe\xff") else "load"


# --- the warehouse state ----------------------------------------------------------------------


def raw_state(con) -> dict:
    """Every raw table: its columns, row count and an order-independent digest of all rows
    (the 'previous tables' to compare; a full fetch of the long fields would dominate the run)."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'raw' "
        "order by table_name, ordinal_position"
    ).fetchall():
        columns.setdefault(table, []).append(column)
    if not columns:
        return {}
    digests = " union all ".join(
        f"select '{t}', count(*), sum(hash(t)::hugeint) from raw.\"{t}\" t" for t in columns)
    return {t: (columns[t], (n, digest)) for t, n, digest in con.execute(digests).fetchall()}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """One in-memory warehouse with a valid baseline loaded for every source."""
    base = tmp_path_factory.mktemp("fuzz_base")
    for source, make in VALID_ROW.items():
        header = SPECS[source].headers
        write(base, f"{source}/base.csv", csv_text(header, [make(), make()]))
    c = duckdb.connect()
    manifest = scan_drop(base)
    for source in SOURCES:
        load_source(c, manifest, source, SEEDS_DIR)
    yield c
    c.close()
    print(f"\nfiles fuzzed: {FUZZED} (total {sum(FUZZED.values())}); outcomes {OUTCOMES}")


def fetch_file_rows(con, source: str, source_file: str) -> dict[int, str | None]:
    spec = SPECS[source]
    col = TEXT_COLUMN[source]
    rows = con.execute(
        f'select source_line, "{col}" from raw.{spec.table} where source_file = ? '
        f'union all select source_line, "{col}" from raw.{spec.quarantine_table} where source_file = ?',
        [source_file, source_file],
    ).fetchall()
    lines = [line for line, _ in rows]
    assert len(lines) == len(set(lines)), "a record was loaded twice"
    return dict(rows)


def check_file(con, source: str, name: str, data: bytes, with_valid_sibling: bool) -> None:
    FUZZED[source] += 1
    with tempfile.TemporaryDirectory(prefix="harden-fuzz-") as tmp:
        raw = Path(tmp)
        (raw / source).mkdir()
        (raw / source / name).write_bytes(data)
        if with_valid_sibling:  # a valid file must not load when its neighbour is rejected
            write(raw, f"{source}/00_valid.csv", csv_text(SPECS[source].headers, [VALID_ROW[source]()]))
        source_file = f"{source}/{name}"
        before = raw_state(con)
        expected = expected_outcome(source, data, name.lower().endswith(".gz"))
        try:
            manifest = scan_drop(raw)
            check_drop(manifest)
            result = load_source(con, manifest, source, SEEDS_DIR)
        except StructuralError as exc:
            assert expected != "load", f"a loadable file was rejected: {exc}"
            assert source_file in str(exc), f"the message does not name {source_file}: {exc}"
            assert [p for p in exc.problems if p[0] == source_file], exc.problems
            assert raw_state(con) == before, "a structural failure changed the raw tables"
            # load_source on the same manifest refuses too, and changes nothing
            with pytest.raises(StructuralError):
                load_source(con, scan_drop(raw), source, SEEDS_DIR)
            assert raw_state(con) == before
            count("structural")
            return
        assert expected != "structural", f"a structurally broken file was loaded: {result.per_file}"

    text = reference_decode(data, name.lower().endswith(".gz"))
    records = reference_records(text)
    stats = {f["source_file"]: f for f in result.per_file}[source_file]
    assert stats["rows_read"] == stats["rows_accepted"] + stats["rows_quarantined"]
    assert stats["rows_read"] == len(records), (stats, [line for line, _ in records])
    loaded = fetch_file_rows(con, source, source_file)
    assert sorted(loaded) == [line for line, _ in records], "source_line differs from the reference reader"
    header = reference_header(text)
    col = header.index(TEXT_COLUMN[source]) if TEXT_COLUMN[source] in header else None
    for line, cells in records:
        want = clean(cells[col]) if col is not None and col < len(cells) else None
        assert loaded[line] == want, f"line {line}: {loaded[line]!r} != {want!r}"
    files_row = con.execute(
        f"select status, rows_read, rows_accepted, rows_quarantined from raw.{SPECS[source].files_table} "
        "where source_file = ?", [source_file]).fetchall()
    assert files_row == [("loaded", stats["rows_read"], stats["rows_accepted"], stats["rows_quarantined"])]
    others = {t: v for t, v in raw_state(con).items() if not t.startswith(source)}
    assert others == {t: v for t, v in before.items() if not t.startswith(source)}, "another source changed"
    count(f"loaded ({result.readers[source_file]})")


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_SOURCE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.mark.slow  # a fuzzing run: 20-30 s of CPU each
@pytest.mark.timeout(240)
@FUZZ_SETTINGS
@given(file=hostile_file("procurement"), sibling=st.booleans())
def test_procurement_loader_survives_hostile_files(con, file, sibling):
    check_file(con, "procurement", *file, with_valid_sibling=sibling)


@pytest.mark.slow  # a fuzzing run: 20-30 s of CPU each
@pytest.mark.timeout(240)
@FUZZ_SETTINGS
@given(file=hostile_file("registry"), sibling=st.booleans())
def test_registry_loader_survives_hostile_files(con, file, sibling):
    check_file(con, "registry", *file, with_valid_sibling=sibling)


@pytest.mark.slow  # a fuzzing run: 20-30 s of CPU each
@pytest.mark.timeout(240)
@FUZZ_SETTINGS
@given(file=hostile_file("connectivity"), sibling=st.booleans())
def test_connectivity_loader_survives_hostile_files(con, file, sibling):
    check_file(con, "connectivity", *file, with_valid_sibling=sibling)


# --- known-hostile files, always run (the generator may or may not hit them) ------------------


@pytest.mark.parametrize("name, data, expect", [
    ("long_header.csv", csv_text([*SPECS["procurement"].headers, "备" * 200_000], [procurement_row()]).encode(), "load"),
    ("long_field_stray_quote.csv",
     (csv_text(SPECS["procurement"].headers, [procurement_row(项目名称="长" * 200_000)], newline="\r")
      + 'N2,P2,名称,采购公告,2023-01-01,,,,买"家\r').encode(), "load"),
    ("nul_in_extra_header.csv",
     csv_text([*SPECS["procurement"].headers, "\0备注"], [procurement_row() + ["x"]]).encode(), "either"),
    ("empty.csv", b"", "structural"),
    ("bom_only.csv", codecs.BOM_UTF8, "structural"),
    ("utf16.csv", csv_text(SPECS["procurement"].headers, [procurement_row()]).encode("utf-16"), "structural"),
    ("bad.csv.gz", b"\x1f\x8b not gzip", "structural"),
])
def test_known_hostile_procurement_files(con, name, data, expect):
    assert expected_outcome("procurement", data, name.endswith(".gz")) == expect
    check_file(con, "procurement", name, data, with_valid_sibling=True)


# --- the full build never publishes over a hostile drop ---------------------------------------


@pytest.mark.slow  # a build on a copy of the session's build
@pytest.mark.timeout(300)
def test_cli_build_with_a_hostile_file_keeps_the_serving_copy(small_build, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_build.raw, raw)
    work = tmp_path / "wh"
    work.mkdir()
    shutil.copy2(small_build.warehouse, work / "warehouse.duckdb")
    shutil.copy2(small_build.serving, work / "serving.duckdb")
    digest = hashlib.sha256((work / "serving.duckdb").read_bytes()).hexdigest()
    (raw / "registry" / "zz_broken.csv").write_bytes("统一社会信用代码,企业名称\n".encode("utf-16"))

    done = run_cli("build", env=cli_env(raw=raw, warehouse=work / "warehouse.duckdb", serving=work / "serving.duckdb"),
                   timeout=240)
    assert done.returncode != 0
    named = [line for line in done.stderr.splitlines() if "registry/zz_broken.csv" in line]
    assert len(named) == 1, done.stderr  # one clear line naming the file (not repeated, not absent)
    assert "UTF-16" in named[0]
    assert "Traceback" not in done.stderr
    assert hashlib.sha256((work / "serving.duckdb").read_bytes()).hexdigest() == digest
    assert not list(work.glob("serving.duckdb.tmp-*"))
