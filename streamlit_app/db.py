"""The front end's only access to data: the serving copy, read-only, one short connection per query.

Why this shape: the pipeline swaps a new serving file in with ``os.replace``.
A connection kept open (a cached resource, ``session_state``) would pin the old file and
block writers, so every query opens, reads and closes. Results are cached with
``st.cache_data`` under a key that contains the file's identity (mtime, size, inode): a new
publish changes the key, so it shows up on the next rerun without clearing any cache.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from smartcounty import settings

LOCK_RETRIES = 5
LOCK_BACKOFF_SECONDS = 0.1


class ServingUnavailable(Exception):
    """The serving copy cannot be read right now; pages show a friendly message instead."""


class ServingMissing(ServingUnavailable):
    """No serving copy has been published yet."""


class ServingBusy(ServingUnavailable):
    """The file stayed locked by a writer after every retry."""


def serving_path() -> Path:
    return settings.serving_path()


def serving_version(path: Path) -> tuple[int, int, int] | None:
    """Identity of the published file, or None when there is none."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def is_available() -> bool:
    path = serving_path()
    return path.is_file() and serving_version(path) is not None


def query(sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one read-only query; user input must only ever arrive through ``params`` (``?``)."""
    path = serving_path()
    version = serving_version(path)
    if version is None:
        raise ServingMissing(str(path))
    return _cached_query(str(path), version, sql, tuple(params))


def scalar(sql: str, params: Sequence[object] = ()) -> object:
    frame = query(sql, params)
    if frame.empty:
        return None
    value = frame.iat[0, 0]
    return None if pd.isna(value) else value


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(path: str, version: tuple[int, int, int], sql: str, params: tuple) -> pd.DataFrame:
    # ``version`` is unused in the body on purpose: it only makes a new publish a new cache key.
    del version
    return _run(path, sql, params)


def _run(path: str, sql: str, params: tuple) -> pd.DataFrame:
    for attempt in range(LOCK_RETRIES):
        try:
            with duckdb.connect(path, read_only=True) as con:
                return con.execute(sql, list(params)).df()
        except duckdb.IOException as exc:
            message = str(exc).lower()
            if not os.path.exists(path):
                raise ServingMissing(path) from exc
            if "lock" not in message:
                raise
            if attempt == LOCK_RETRIES - 1:
                raise ServingBusy(path) from exc
            time.sleep(LOCK_BACKOFF_SECONDS * 2**attempt)
    raise AssertionError("unreachable")


def relation_exists(schema: str, name: str) -> bool:
    """Whether the serving copy has ``schema.name`` (an older copy may predate a page's relations)."""
    return bool(scalar(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ))


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (use with ``ESCAPE '\\'``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def validation_report_file(recorded: str | None) -> Path | None:
    """The HTML validation report: the path recorded at build time, else the copy next to the serving file."""
    candidates = []
    if recorded:
        candidates.append(Path(recorded))
    candidates.append(serving_path().parent / "validation_report.html")
    for candidate in candidates:
        if candidate.suffix.lower() in {".html", ".htm"} and candidate.is_file():
            return candidate
    return None
