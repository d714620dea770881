"""File selection, encoding detection and structural checks (smartcounty.rawload.scan)."""

from __future__ import annotations

import codecs
import gzip
import zlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rawload_helpers import HEADERS, csv_text, procurement_row, write
from smartcounty.rawload import StructuralError, check_drop, scan_drop
from smartcounty.rawload.scan import DecodeError, decompress, is_utf8, max_records
from smartcounty.rawload.spec import PROCUREMENT

GOOD = csv_text(PROCUREMENT.headers, [procurement_row(项目名称="兴安县智慧城市项目")])


def scan_one(tmp_path, content: str | bytes, name="a.csv", encoding="utf-8"):
    write(tmp_path, f"procurement/{name}", content, encoding)
    manifest = scan_drop(tmp_path)
    [info] = manifest.files["procurement"]
    return info


def test_selection_order_and_ignored(tmp_path):
    for name in ["b.csv", "A.CSV", "c.csv.gz", "d.CSV.GZ", "a.csv", "中文.csv", "z.csv"]:
        write(tmp_path, f"procurement/{name}", GOOD)
    write(tmp_path, "procurement/.hidden.csv", GOOD)
    write(tmp_path, "procurement/readme.txt", "hello")
    write(tmp_path, "procurement/data.csv.bak", GOOD)
    write(tmp_path, "procurement/x.gz", GOOD)
    (tmp_path / "procurement" / "sub.csv").mkdir()
    write(tmp_path, "procurement/sub.csv/inner.csv", GOOD)
    manifest = scan_drop(tmp_path)
    names = [f.source_file for f in manifest.files["procurement"]]
    # code-point order: upper case before lower case, CJK last
    assert names == [f"procurement/{n}" for n in
                     ["A.CSV", "a.csv", "b.csv", "c.csv.gz", "d.CSV.GZ", "z.csv", "中文.csv"]]
    assert manifest.ignored["procurement"] == [
        "procurement/.hidden.csv", "procurement/data.csv.bak", "procurement/readme.txt",
        "procurement/sub.csv/", "procurement/x.gz",
    ]
    assert all(f.problem is None for f in manifest.files["procurement"])
    assert manifest.files["registry"] == [] and manifest.ignored["registry"] == []
    check_drop(manifest)  # no error


def test_file_info_fields(tmp_path):
    import hashlib

    path = write(tmp_path, "procurement/a.csv.gz", GOOD)
    info = scan_drop(tmp_path).files["procurement"][0]
    assert info.path == path.resolve() and info.path.is_absolute()
    assert info.bytes == path.stat().st_size
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info.header == list(PROCUREMENT.headers)
    assert info.encoding == "utf-8"


def test_missing_raw_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        scan_drop(tmp_path / "nope")


def test_missing_source_folders_are_empty(tmp_path):
    manifest = scan_drop(tmp_path)
    assert manifest.files == {"procurement": [], "registry": [], "connectivity": []}
    check_drop(manifest)


@pytest.mark.parametrize(
    ("content", "encoding", "expected"),
    [
        (GOOD, "utf-8", "utf-8"),
        ("\ufeff" + GOOD, "utf-8", "utf-8-sig"),
        (GOOD, "gb18030", "gb18030"),
        (GOOD, "gbk", "gb18030"),  # GBK is a subset of GB18030
        (GOOD.replace("兴安县智慧城市项目", "兴安县智慧城市项目㐀"), "gb18030", "gb18030"),  # 4-byte GB18030
    ],
)
def test_encoding_detection(tmp_path, content, encoding, expected):
    info = scan_one(tmp_path, content, encoding=encoding)
    assert info.problem is None
    assert info.encoding == expected
    assert info.header == list(PROCUREMENT.headers)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "0 bytes"),
        (codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"), "UTF-16"),
        (GOOD.encode("utf-16-le"), "UTF-16"),  # no BOM: NUL-heavy
        (GOOD.encode("utf-8") + b"\xff\xfe\xff", "cannot be decoded"),
        (GOOD.encode("gb18030") + b"\x81\x20", "cannot be decoded"),
    ],
)
def test_rejected_encodings(tmp_path, data, problem):
    info = scan_one(tmp_path, data)
    assert info.problem is not None and problem in info.problem
    assert info.encoding is None


def test_bad_gzip_rejected(tmp_path):
    (tmp_path / "procurement").mkdir()
    (tmp_path / "procurement" / "a.csv.gz").write_bytes(b"\x1f\x8bnot really gzip")
    info = scan_drop(tmp_path).files["procurement"][0]
    assert "gzip" in info.problem


def _strict_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Byte pieces that make the validator's hard cases likely: lead bytes without their continuation,
# surrogates (ED A0..BF), overlong forms (C0, C1, E0 80, F0 80), beyond U+10FFFF (F4 90, F5..FF).
_PIECES = st.one_of(
    st.binary(max_size=6),
    st.sampled_from([b"\xed\xa0\x80", b"\xed\x9f\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xe0\xa0\x80",
                     b"\xf0\x80\x80\x80", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80",
                     b"\xf5\x80\x80\x80", b"\xe4\xb8", b"\x80", b"\xef\xbb\xbf", b"\x00"]),
    st.text(max_size=4).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=8).map(b"".join))
@example(b"")
@example("广西壮族自治区".encode())
@example(b"\xed\xa0\x80")  # a surrogate: Python's codec refuses it
def test_is_utf8_agrees_with_the_strict_codec(data):
    assert is_utf8(data) == _strict_utf8(data)


def test_a_surrogate_is_not_utf8(tmp_path):
    # As with the strict codec, the file is then read as GB18030 (where these bytes are valid).
    info = scan_one(tmp_path, "兴安县".encode() + b"\xed\xa0\x80,x\n")
    assert info.encoding == "gb18030"


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"a\nb\n", 1), (b"a\r\nb\r\n", 1), (b"a\rb\rc", 2), (b"a\r\n\rb\n", 2), (b"a\nb", 1), (b"a", 0)],
)
def test_max_records_counts_every_line_break(data, expected):
    assert max_records(data) == expected


def _with_header_crc(member: bytes, crc: bytes) -> bytes:
    """``member`` with the optional header checksum (FHCRC) set to ``crc``."""
    return member[:3] + bytes([member[3] | 0x02]) + member[4:10] + crc + member[10:]


def _with_name(member: bytes, name: bytes) -> bytes:
    """``member`` with an original file name (FNAME) in its header."""
    return member[:3] + bytes([member[3] | 0x08]) + member[4:10] + name + b"\0" + member[10:]


@pytest.mark.parametrize(
    "variant",
    [lambda d: d[:-10], lambda d: d + b"xyz", lambda d: d[:30] + b"\xff\xff" + d[32:],
     lambda d: d[:-8] + bytes([d[-8] ^ 0xFF]) + d[-7:], lambda d: d[:-1] + bytes([d[-1] ^ 0xFF]),
     lambda d: d + d, lambda d: d + b"\0" * 8, lambda d: _with_name(d, b"a.csv"),
     lambda d: _with_header_crc(d, b"\0\0"), lambda d: d[:2] + b"\x07" + d[3:]],
    ids=["truncated", "trailing garbage", "corrupt data", "bad CRC", "bad length", "two members",
         "zero padding", "file name", "wrong header checksum", "unknown method"],
)
def test_gzip_is_read_exactly_as_python_reads_it(variant):
    # Python's gzip decides (it skips the header checksum ISA-L would verify); refusals are named.
    data = variant(gzip.compress(GOOD.encode() * 50, mtime=0))
    try:
        expected = gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        with pytest.raises(DecodeError, match="cannot decompress gzip"):
            decompress(data, gz=True)
    else:
        assert decompress(data, gz=True) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b"\n", b"\r", b"\r\n", "县".encode()]), max_size=30).map(b"".join))
def test_max_records_equals_the_three_count_formula(data):
    breaks = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    assert max_records(data) == max(breaks - (1 if data.endswith((b"\n", b"\r")) else 0), 0)


def test_empty_gzip_rejected(tmp_path):
    info = scan_one(tmp_path, b"", name="a.csv.gz")
    assert "0 bytes" in info.problem


def test_header_only_is_valid(tmp_path):
    info = scan_one(tmp_path, ",".join(PROCUREMENT.headers))
    assert info.problem is None


def test_header_names_trimmed(tmp_path):
    header = [f" {h}\u3000" if i % 2 else f"\u200b{h}\u00a0" for i, h in enumerate(PROCUREMENT.headers)]
    info = scan_one(tmp_path, "\ufeff" + csv_text(header, []))
    assert info.problem is None
    assert info.header == list(PROCUREMENT.headers)


def test_missing_required_header_named(tmp_path):
    header = [h for h in PROCUREMENT.headers if h not in ("公告类型", "采购人")]
    info = scan_one(tmp_path, csv_text(header, []))
    assert "公告类型" in info.problem and "采购人" in info.problem
    assert "missing" in info.problem


def test_missing_optional_header_is_fine(tmp_path):
    header = [h for h in PROCUREMENT.headers if h != "中标金额"]
    assert scan_one(tmp_path, csv_text(header, [])).problem is None


def test_duplicated_required_header(tmp_path):
    info = scan_one(tmp_path, csv_text([*PROCUREMENT.headers, "发布日期"], []))
    assert "duplicated" in info.problem and "发布日期" in info.problem


def test_check_drop_lists_every_rejected_file_across_sources(tmp_path):
    write(tmp_path, "procurement/ok.csv", GOOD)
    write(tmp_path, "procurement/empty.csv", b"")
    write(tmp_path, "registry/r.csv", csv_text([h for h in HEADERS["registry"] if h != "成立日期"], []))
    write(tmp_path, "connectivity/c.csv", codecs.BOM_UTF16_LE + "区划代码".encode("utf-16-le"))
    manifest = scan_drop(tmp_path)
    with pytest.raises(StructuralError) as err:
        check_drop(manifest)
    message = str(err.value)
    lines = message.splitlines()
    assert any(line.startswith("procurement/empty.csv: ") for line in lines)
    assert any(line.startswith("registry/r.csv: ") and "成立日期" in line for line in lines)
    assert any(line.startswith("connectivity/c.csv: ") and "UTF-16" in line for line in lines)
    assert "procurement/ok.csv" not in message
    assert [p[0] for p in err.value.problems] == ["procurement/empty.csv", "registry/r.csv", "connectivity/c.csv"]


def test_header_of_decodes_only_what_the_header_needs():
    from smartcounty.rawload.scan import header_of

    long_cell = "说明" * 40_000  # a quoted header cell far beyond the first 64 KiB prefix
    rows = "1,x\r\n" * 50_000
    # the header ends inside the 256 KiB prefix; the invalid tail beyond it is never decoded
    data = f'公告ID,"{long_cell}"\r\n{rows}'.encode("gb18030") + b"\xff" * 10
    assert header_of(data, "gb18030") == ["公告ID", long_cell]
    # a prefix that ends inside the header record cannot answer
    assert header_of(data[:70_000], "gb18030", truncated=True) is None
    assert header_of(b"\xef\xbb\xbf a ,b\n", "utf-8-sig") == ["a", "b"]


def test_a_large_file_is_inspected_alone(tmp_path, monkeypatch):
    """Two files at a time, but never a large one beside another: each holds its bytes and its
    decompressed copy while it is read."""
    import threading
    import time

    from smartcounty.rawload import scan

    folder = tmp_path / "procurement"
    folder.mkdir()
    sizes = {"a_big.csv": 5000, "b_small.csv": 10, "c_small.csv": 10, "d_big.csv": 5000, "e_small.csv": 10}
    for name, size in sizes.items():
        (folder / name).write_bytes(b"x" * size)
    monkeypatch.setattr(scan, "LARGE_FILE_BYTES", 1000)
    running: set[str] = set()
    seen: list[frozenset] = []
    lock = threading.Lock()

    def inspect_file(source, path, source_file, known=None):
        with lock:
            running.add(path.name)
            seen.append(frozenset(running))
        time.sleep(0.2)
        with lock:
            running.discard(path.name)
        return scan.FileInfo(source, path, source_file, "utf-8", path.stat().st_size, "")

    monkeypatch.setattr(scan, "inspect_file", inspect_file)
    manifest = scan.scan_drop(tmp_path)
    assert [i.source_file for i in manifest.files["procurement"]] == [f"procurement/{n}" for n in sizes]
    big = {"a_big.csv", "d_big.csv"}
    assert all(len(s) == 1 for s in seen if s & big)
    assert any(len(s) == 2 for s in seen)  # small files still go two at a time
