"""Record splitting and source_line (smartcounty.rawload.records): the DuckDB fast path
must agree with the csv-module reference, or step aside."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import duckdb

from smartcounty.rawload import records
from smartcounty.rawload.records import Handover, layout, read_exact, read_fast, read_records

HEADER = ["a", "b", "c"]


def rows(table):
    names = [n for n in table.column_names if n != "source_line"]
    return [
        (r["source_line"], tuple(r[n] for n in names)) for r in table.to_pylist()
    ]


def both(text: str, header=HEADER):
    data = text.encode("utf-8")
    fast = read_fast(data, header)
    exact = read_exact(text, len(header))
    return fast, exact


def test_embedded_newlines_and_blank_lines():
    text = 'a,b,c\n1,2,3\n"x\ny\nz",5,6\n\n7,"8\r\n9",10\n\n\n11,12,13'
    fast, exact = both(text)
    expected = [
        (2, ("1", "2", "3")),
        (3, ("x\ny\nz", "5", "6")),
        (7, ("7", "8\r\n9", "10")),  # line 6 is blank; record at 7 spans 7-8
        (11, ("11", "12", "13")),
    ]
    assert rows(exact) == expected
    assert rows(fast) == expected


def test_crlf_and_lone_cr_line_endings():
    text = "a,b,c\r\n1,2,3\r\n\r\n4,5,6\r7,8,9\r\n"
    fast, exact = both(text)
    expected = [(2, ("1", "2", "3")), (4, ("4", "5", "6")), (5, ("7", "8", "9"))]
    assert rows(exact) == expected
    assert fast is None or rows(fast) == expected


def test_padding_and_extra_cells():
    text = "a,b,c\n1\n1,2\n1,2,3,4,5\n,,\n  \n"
    fast, exact = both(text)
    expected = [
        (2, ("1", None, None)),
        (3, ("1", "2", None)),
        (4, ("1", "2", "3")),  # extra cells ignored
        (5, (None, None, None)),  # a line of commas is a record (all blank)
        (6, ("  ", None, None)),  # whitespace is not a blank line
    ]
    norm = lambda rs: [(l, tuple(v or None for v in vals)) for l, vals in rs]  # '' vs NULL
    assert norm(rows(exact)) == expected
    assert norm(rows(fast)) == expected


def test_padding_with_quoted_newlines_uses_serial_reader():
    text = 'a,b,c\n"1\n2"\n3,4,5\n'
    fast, exact = both(text)
    assert rows(exact) == [(2, ("1\n2", None, None)), (4, ("3", "4", "5"))]
    assert rows(fast) == rows(exact)


def test_header_only_and_no_trailing_newline():
    assert read_fast(b"a,b,c", HEADER).num_rows == 0
    assert read_fast(b"a,b,c\n\n", HEADER).num_rows == 0
    assert read_exact("a,b,c\n\n", 3).num_rows == 0
    fast, exact = both("a,b,c\n1,2,3")
    assert rows(fast) == rows(exact) == [(2, ("1", "2", "3"))]


def test_stray_quotes_fall_back_to_exact_reader():
    text = 'a,b,c\n1,ab"c,3\n4,5,6\n'
    assert not layout(text.encode()).trustworthy
    table, reader = read_records(text.encode(), "utf-8", HEADER)
    assert reader == "exact"
    assert rows(table) == [(2, ("1", 'ab"c', "3")), (3, ("4", "5", "6"))]


def test_escaped_quotes_stay_on_fast_path():
    text = 'a,b,c\n"say ""hi""",2,"a,b"\n'
    table, reader = read_records(text.encode(), "utf-8", HEADER)
    assert reader == "fast"
    assert rows(table) == [(2, ('say "hi"', "2", "a,b"))]


def test_gb18030_is_transcoded():
    text = "a,b,c\n兴安县,智慧城市,㐀\n"
    table, reader = read_records(text.encode("gb18030"), "gb18030", HEADER)
    assert reader == "fast"
    assert rows(table) == [(2, ("兴安县", "智慧城市", "㐀"))]


def test_bom_is_not_a_cell():
    text = "\ufeffa,b,c\n1,2,3\n"
    for force in (False, True):
        table, _ = read_records(text.encode("utf-8"), "utf-8-sig", HEADER, force_exact=force)
        assert rows(table) == [(2, ("1", "2", "3"))]


def test_a_handover_gives_up_its_bytes_and_the_exact_reader_still_reads_them(monkeypatch, tmp_path):
    text = 'a,b,c\n1,2,3\n"x\ny",5,6\n'
    expected = [(2, ("1", "2", "3")), (3, ("x\ny", "5", "6"))]
    box = Handover(text.encode())
    table, reader = read_records(box, "utf-8", HEADER)
    assert (reader, rows(table)) == ("fast", expected)
    assert box.data is None  # on disk for DuckDB: the bytes were let go
    on_disk = tmp_path / "f.csv"
    on_disk.write_bytes(text.encode())
    box = Handover(text.encode())
    assert rows(read_records(box, "utf-8", HEADER, disk_path=on_disk)[0]) == expected
    assert (box.data, box.path) == (None, on_disk)

    def fails(*args):
        raise duckdb.Error("reader gave up")

    # DuckDB fails after the bytes were given up: the exact reader gets them back from the copy
    monkeypatch.setattr(records, "_duckdb_read", fails)
    for disk in (None, on_disk):
        table, reader = read_records(Handover(text.encode()), "utf-8", HEADER, disk_path=disk)
        assert (reader, rows(table)) == ("exact", expected)
    # plain bytes are the caller's: read_fast keeps nothing and returns None
    assert read_fast(text.encode(), HEADER) is None


# Property: on any input built from CSV-significant pieces, the fast path either steps
# aside (None) or gives exactly the reference result.
PIECES = st.sampled_from(["x", "兴安", ",", "\n", "\r\n", "\r", '"', '""', " ", "1", "\u3000"])


@settings(max_examples=int(__import__("os").environ.get("RAWLOAD_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_fast_path_agrees_with_reference(pieces):
    text = "a,b,c\n" + "".join(pieces)
    fast, exact = both(text)
    if fast is not None:
        norm = lambda rs: [(l, tuple(v or None for v in vals)) for l, vals in rs]
        assert norm(rows(fast)) == norm(rows(exact))


def test_mixed_lf_and_crlf():
    text = "a,b,c\r\n1,2,3\n4,5,6\r\n\n7,8,9\n"
    fast, exact = both(text)
    expected = [(2, ("1", "2", "3")), (3, ("4", "5", "6")), (5, ("7", "8", "9"))]
    assert rows(exact) == expected
    assert fast is None or rows(fast) == expected
