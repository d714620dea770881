"""``smartcounty bulletin``: the next issue of 《大数据与决策研究》 as DOCX and PDF, from the serving copy.

Steps, each a plain function: ``data.load`` (read-only, one short connection) →
``compose.compose`` (numbers into the seed report's wording and structure) → the writers.
Both files are rendered in memory first and then moved into place, so a failure writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from smartcounty.bulletin.data import BulletinDataMissing, load

FORMATS = ("docx", "pdf")

__all__ = ["FORMATS", "BulletinDataMissing", "parse_formats", "render_bulletin", "write_bulletin"]


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """'docx,pdf' → ('docx', 'pdf'); unknown or empty → ValueError."""
    items = value.split(",") if isinstance(value, str) else list(value)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return formats


def render_bulletin(serving: Path, year: int | None = None, formats: Iterable[str] = FORMATS) -> tuple[int, dict[str, bytes]]:
    """(year, {format: file bytes}) — nothing touches the disk but the read of the serving copy."""
    from smartcounty.bulletin import compose, docx_writer, pdf_writer

    data = load(serving, year)
    doc = compose.compose(data)
    writers = {"docx": docx_writer.render, "pdf": pdf_writer.render}
    return data.year, {fmt: writers[fmt](doc) for fmt in parse_formats(formats)}


def write_bulletin(serving: Path, out_dir: Path, year: int | None = None,
                   formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write ``bulletin_<year>.<format>`` into ``out_dir``; returns the paths written."""
    year, files = render_bulletin(serving, year, formats)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, content in files.items():
        target = out_dir / f"bulletin_{year}.{fmt}"
        partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        partial.write_bytes(content)
        os.replace(partial, target)  # a reader never sees a half-written file
        written.append(target)
    return written
