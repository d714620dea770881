"""Discovering a raw drop and its structural checks (contract: "Files", "Failures").

``scan_drop`` selects and orders the files of every source, detects each file's encoding
from all of its bytes (strict UTF-8, else strict GB18030), and checks its header. Nothing is
loaded here; a file with a ``problem`` is a structural error and ``check_drop`` turns all of
them into one exception.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import hashlib
import io
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
from isal import igzip, igzip_lib

from .records import allow_long_fields
from .spec import SOURCES, SPECS
from .text import clean_header_name

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
GB18030 = "gb18030"
_BOM_UTF8 = b"\xef\xbb\xbf"


class StructuralError(Exception):
    """One or more files of the drop were rejected; the message lists every one of them."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        lines = [f"raw drop rejected: {len(self.problems)} file(s) with structural errors"]
        lines += [f"{source_file}: {problem}" for source_file, problem in self.problems]
        super().__init__("\n".join(lines))


@dataclass
class FileInfo:
    source: str
    path: Path  # absolute
    source_file: str  # relative to the raw dir, '/'-separated, e.g. 'procurement/a.csv'
    encoding: str | None  # utf-8 / utf-8-sig / gb18030; None when undecodable
    bytes: int  # size on disk (compressed size for .csv.gz)
    sha256: str  # of the bytes on disk
    header: list[str] = field(default_factory=list)  # cleaned header names, file order
    problem: str | None = None
    # An upper bound of the file's data records: its physical lines after the header (CR, LF
    # and CRLF; neither byte occurs inside a UTF-8 or GB18030 character; a quoted line break
    # only makes records fewer). None when the file was not decoded (known bytes).
    max_records: int | None = None


@dataclass
class DropManifest:
    raw_dir: Path
    files: dict[str, list[FileInfo]]
    ignored: dict[str, list[str]]

    def problems(self, sources: tuple[str, ...] | list[str] = SOURCES) -> list[tuple[str, str]]:
        return [
            (f.source_file, f.problem)
            for s in sources
            for f in self.files.get(s, [])
            if f.problem is not None
        ]


# --- file selection ---------------------------------------------------------------------


def is_selected_name(name: str) -> bool:
    lower = name.lower()
    return not name.startswith(".") and (lower.endswith(".csv") or lower.endswith(".csv.gz"))


def is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def list_source(raw_dir: Path, source: str) -> tuple[list[Path], list[str]]:
    """(selected files in code-point order of their names, ignored entries as relative paths)."""
    folder = raw_dir / source
    if not folder.is_dir():
        return [], []
    selected, ignored = [], []
    # An unreadable folder raises PermissionError here: scan_drop names it as a problem.
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):  # str order = code-point order
        # is_file() follows symlinks: a link to an export counts as the export.
        if entry.is_file() and is_selected_name(entry.name):
            selected.append(entry)
        else:
            ignored.append(f"{source}/{entry.name}" + ("/" if entry.is_dir() else ""))
    return selected, ignored


# --- encoding and decoding --------------------------------------------------------------


class DecodeError(Exception):
    """A structural problem found while reading a file (message = the problem)."""


def decompress(raw: bytes, gz: bool) -> bytes:
    if not gz:
        return raw
    # ISA-L's gzip (members, CRC and length checked), ≈ 2.8× faster than zlib: a scale-20 register
    # part (1.6 GiB of CSV) took 8.5 s with the standard library, 3.0 s here, and each part is
    # decompressed twice (scan, then load). ISA-L also verifies the optional header checksum
    # (FHCRC) that the standard library skips: a file it refuses gets the standard library's
    # verdict, so exactly the files Python's gzip reads are accepted.
    try:
        return igzip.decompress(raw)
    except (OSError, EOFError, zlib.error, igzip_lib.IsalError):
        pass
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DecodeError(f"cannot decompress gzip: {exc}") from None


# Bytes of a file's start sniffed for UTF-16/UTF-32, and the share of code units that must
# carry a NUL in one byte position (UTF-16 CSV headers alone are ≈ 20 % ASCII).
_SNIFF_BYTES = 4096
_WIDE_NUL_SHARE = 0.125


def wide_encoding(data: bytes) -> str | None:
    """'UTF-32' / 'UTF-16' when ``data`` looks like text in one of those encodings, else None.

    A byte-order mark decides. Without one, ASCII characters (commas, digits, line breaks —
    plentiful in any CSV, even an all-Chinese one) leave a NUL in the same position of every
    code unit. The NULs must dominate that position and be rare in the others: a stray NUL or
    two in a UTF-8 file is neither (it is valid UTF-8 and loads as text)."""
    if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):  # before UTF-16: FF FE 00 00 starts with FF FE
        return "UTF-32"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "UTF-16"
    head = data[:_SNIFF_BYTES]
    if head.count(0) < 2:
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        head_w = head[: len(head) - len(head) % width]
        units = len(head_w) // width
        if units < 2:
            continue
        nuls = [head_w[i::width].count(0) for i in range(width)]
        if width == 4:
            # Every character below U+10000 has two NUL bytes (LE: positions 2, 3; BE: 0, 1),
            # and the position of its low byte is rarely NUL.
            if (min(nuls[2:]) >= 0.9 * units and nuls[0] < 0.5 * units) or (
                min(nuls[:2]) >= 0.9 * units and nuls[3] < 0.5 * units
            ):
                return name
            continue
        high, low = max(nuls), min(nuls)
        if high >= max(4, units * _WIDE_NUL_SHARE) and low * 4 <= high:
            return name
    return None


def _decodes(data: bytes, encoding: str, chunk: int = 1 << 24) -> None:
    """Strict decode in 16 MiB steps (raises UnicodeDecodeError with the file's byte offset):
    the check never holds the whole file as text."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    for start in range(0, len(data), chunk):
        try:
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(exc.encoding, data, start + exc.start, start + exc.end, exc.reason) from None


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is strict UTF-8 (as Python's codec: no surrogates, no overlong forms, nothing
    above U+10FFFF), checked by Arrow's validator over the bytes in place instead of building the
    text: a scale-20 register part (1.6 GiB) took 2.9–4.9 s to decode, 2.0 s to validate."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """utf-8 / utf-8-sig / gb18030, strict over the whole content (UTF-8 validated in place,
    GB18030 decoded), else DecodeError."""
    if not data:
        raise DecodeError("empty file (0 bytes)")
    wide = wide_encoding(data)
    if wide:
        raise DecodeError(f"{wide} encoded (only UTF-8 and GB18030 are accepted)")
    try:
        if not is_utf8(data):
            _decodes(data, "utf-8")  # names the first bad byte (and decides, should the two disagree)
        return UTF8_SIG if data.startswith(_BOM_UTF8) else UTF8
    except UnicodeDecodeError as exc:
        utf8_offset = exc.start
    try:
        _decodes(data, "gb18030")
        return GB18030
    except UnicodeDecodeError as exc:
        # Both offsets: a UTF-8 file with one bad byte fails as GB18030 much earlier, at its
        # first Chinese character; the UTF-8 offset is then the one to look at.
        raise DecodeError(
            f"cannot be decoded as UTF-8 (first bad byte at offset {utf8_offset}) "
            f"or GB18030 (at offset {exc.start})"
        ) from None


def max_records(data: bytes) -> int:
    """Physical lines after the first one (an upper bound of the data records)."""
    cr = data.count(b"\r")  # most exports have none: then CRLF need not be searched (≈ 1.8 s per 1.6 GiB)
    breaks = data.count(b"\n") + (cr - data.count(b"\r\n") if cr else 0)
    return max(breaks - (1 if data.endswith((b"\n", b"\r")) else 0), 0)


# --- header -----------------------------------------------------------------------------


def header_of(data: bytes, encoding: str, truncated: bool = False) -> list[str] | None:
    """The cleaned cells of the first CSV record (which may span lines when quoted), decoding
    only a growing prefix: the header is tiny, the file may be gigabytes. ``truncated``: ``data``
    is only the start of the file, and None is returned when the record does not end inside it.
    """
    allow_long_fields()
    codec = UTF8_SIG if encoding in (UTF8, UTF8_SIG) else encoding
    size = 1 << 16
    while True:
        whole = size >= len(data) and not truncated
        # A cut prefix may end inside a multi-byte character: only that last character is lost,
        # and it lies beyond the header when a second record started inside the prefix.
        text = data[:size].decode(codec, errors="strict" if whole else "ignore")
        rows = csv.reader(io.StringIO(text, newline=""))
        first = next(rows, [])
        if whole or next(rows, None) is not None:
            return [clean_header_name(c) for c in first]
        if size >= len(data):
            return None
        size *= 4


# More columns than any export of the three sources has (12–19 contract headers plus a few
# extras): a wider file is a wrong or broken export, and loading its cells would take
# minutes and gigabytes (one Arrow column per header cell).
MAX_COLUMNS = 1000


def header_problem(source: str, header: list[str]) -> str | None:
    spec = SPECS[source]
    if len(header) > MAX_COLUMNS:
        return f"{len(header):,} columns in the header (at most {MAX_COLUMNS:,} are accepted)"
    problems = []
    missing = [h for h in spec.required if h not in header]
    if missing:
        problems.append("missing required header(s): " + ", ".join(missing))
    # A contract header given twice is ambiguous: which cell is the value? Reject it,
    # required or not, rather than guess.
    duplicated = [h for h in spec.headers if header.count(h) > 1]
    if duplicated:
        problems.append("duplicated header(s): " + ", ".join(duplicated))
    return "; ".join(problems) or None


# --- the drop ---------------------------------------------------------------------------


def read_file_bytes(path: Path) -> tuple[bytes, str]:
    raw = path.read_bytes()
    return raw, hashlib.sha256(raw).hexdigest()


_HEADER_PREFIX = 1 << 16


def _known_header(raw: bytes, gz: bool, encoding: str) -> list[str] | None:
    """The header of a file whose full decode succeeded before (same bytes), from a prefix;
    None when the header record does not end inside the prefix."""
    try:
        data = gzip.GzipFile(fileobj=io.BytesIO(raw)).read(_HEADER_PREFIX) if gz else raw[:_HEADER_PREFIX]
    except (OSError, EOFError, zlib.error):
        return None
    return header_of(data, encoding, truncated=len(data) >= _HEADER_PREFIX)


def inspect_file(source: str, path: Path, source_file: str,
                 known: dict[str, tuple[str, str]] | None = None) -> FileInfo:
    try:
        raw, digest = read_file_bytes(path)
    except OSError as exc:  # unreadable (permissions, I/O error, vanished): named like any other problem
        return FileInfo(source, path, source_file, None, 0, "", problem=f"cannot be read: {exc.strerror or exc}")
    info = FileInfo(source, path, source_file, None, len(raw), digest)
    previous = (known or {}).get(source_file)
    if previous is not None and previous[0] == digest and previous[1]:
        # Same bytes as a file that was decoded in full and loaded before: trust its encoding.
        header = _known_header(raw, is_gzip_name(path.name), previous[1])
        if header is not None:
            info.encoding, info.header = previous[1], header
            info.problem = header_problem(source, header)
            return info
    try:
        data = decompress(raw, is_gzip_name(path.name))
        info.encoding = detect_encoding(data)
    except DecodeError as exc:
        info.problem = str(exc)
        return info
    info.max_records = max_records(data)
    try:
        info.header = header_of(data, info.encoding)
    except csv.Error as exc:  # e.g. a header cell beyond the field size limit
        info.problem = f"unreadable CSV header: {exc}"
        return info
    info.problem = header_problem(source, info.header)
    return info


def scan_drop(raw_dir: Path, known: dict[str, tuple[str, str]] | None = None) -> DropManifest:
    """``known`` (source_file -> (sha256, encoding), e.g. ``rawload.known_files(con)``) skips
    the full decode of files whose bytes were loaded before."""
    raw_dir = Path(raw_dir).resolve()
    if not raw_dir.exists():
        raise FileNotFoundError(f"raw drop directory not found: {raw_dir}")
    if not raw_dir.is_dir():
        raise NotADirectoryError(f"raw drop path is not a directory: {raw_dir}")
    files: dict[str, list[FileInfo]] = {}
    ignored: dict[str, list[str]] = {}
    for source in SOURCES:
        try:
            selected, ignored[source] = list_source(raw_dir, source)
        except OSError as exc:  # the source folder itself cannot be listed
            files[source] = [FileInfo(source, raw_dir / source, f"{source}/", None, 0, "",
                                      problem=f"folder cannot be read: {exc.strerror or exc}")]
            ignored[source] = []
            continue
        # Two files at a time: hashing and gunzip release the GIL (memory: two files' bytes).
        # A large file is inspected alone: its bytes and its decompressed copy are held while it
        # is read, and two scale-20 register parts side by side held 6.6 GiB.
        slots = _Slots(2)

        def inspect(path: Path) -> FileInfo:
            with slots.take(2 if _file_size(path) >= LARGE_FILE_BYTES else 1):
                return inspect_file(source, path, f"{source}/{path.name}", known)

        with ThreadPoolExecutor(max_workers=2) as pool:
            files[source] = list(pool.map(inspect, selected))
    return DropManifest(raw_dir, files, ignored)


LARGE_FILE_BYTES = 64 << 20  # on disk; a gzip member of this size is ≈ 250 MB of CSV


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # inspect_file names the problem
        return 0


class _Slots:
    """A counting semaphore whose holders take one slot or several at once."""

    def __init__(self, total: int) -> None:
        self.total, self.free = total, total
        self.cond = threading.Condition()

    @contextlib.contextmanager
    def take(self, n: int):
        n = min(n, self.total)
        with self.cond:
            self.cond.wait_for(lambda: self.free >= n)
            self.free -= n
        try:
            yield
        finally:
            with self.cond:
                self.free += n
                self.cond.notify_all()


def check_drop(manifest: DropManifest) -> None:
    problems = manifest.problems()
    if problems:
        raise StructuralError(problems)
