"""Streaming writer of a drop: every file is opened once and appended to slice by slice.

A file's bytes equal ``render.write_csv`` of its concatenated frames (header once, one gzip member
with zlib's own header: no name, mtime 0), so a one-slice drop is byte-identical to writing each
frame whole, and memory stays bounded by one slice at any scale.
"""

from __future__ import annotations

import codecs
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from .render import csv_header, csv_rows

CHUNK_ROWS = 100_000          # rows rendered to text at once (bounds the text held in memory)


class _Sink:
    def __init__(self, path: Path, encoding: str, gz: bool, columns: list[str]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("wb")
        self.encoding = encoding
        self.encoder = codecs.getincrementalencoder(encoding)()     # utf-8-sig: one BOM, at the start
        self.deflate = zlib.compressobj(1, zlib.DEFLATED, 31) if gz else None   # = gzip.compress(level 1, mtime 0)
        self.columns = columns
        self.rows = 0
        self._put(csv_header(columns))

    def _put(self, text: str) -> None:
        data = self.encoder.encode(text)
        self.handle.write(self.deflate.compress(data) if self.deflate else data)

    def append(self, df: pd.DataFrame) -> None:
        if list(df.columns) != self.columns:
            raise ValueError(f"{self.handle.name}: columns {list(df.columns)} differ from the header {self.columns}")
        for start in range(0, len(df), CHUNK_ROWS):
            self._put(csv_rows(df.iloc[start:start + CHUNK_ROWS]))
        self.rows += len(df)

    def close(self) -> None:
        tail = self.encoder.encode("", final=True)
        if self.deflate:
            tail = self.deflate.compress(tail) + self.deflate.flush()
        self.handle.write(tail)
        self.handle.close()


class DropWriter:
    """``write`` the frames of one slice (two threads: one renders text while the other deflates),
    then ``close`` to get (relative path, rows, encoding) per file."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.sinks: dict[str, _Sink] = {}

    def write(self, files: dict) -> None:
        """files: relative path → (frame, encoding, gz)."""
        for rel, (df, enc, gz) in files.items():
            if rel not in self.sinks:
                self.sinks[rel] = _Sink(self.out_dir / rel, enc, gz, [str(c) for c in df.columns])
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda kv: self.sinks[kv[0]].append(kv[1][0]), sorted(files.items())))

    def close(self) -> list[tuple[str, int, str]]:
        for sink in self.sinks.values():
            sink.close()
        return [(rel, s.rows, s.encoding) for rel, s in sorted(self.sinks.items())]

    def __enter__(self) -> DropWriter:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:            # a failed generation leaves no half-written file behind
            for rel, sink in self.sinks.items():
                sink.handle.close()
                (self.out_dir / rel).unlink(missing_ok=True)
