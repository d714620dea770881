"""The project's paths, read from one place by the CLI, Dagster and (through the
environment) dbt's ``profiles.yml``.

Relative values are resolved against the current directory once, here, because dbt-duckdb
resolves relative paths against whatever directory dbt happens to run in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

WAREHOUSE_ENV = "SMARTCOUNTY_WAREHOUSE"
RAW_DIR_ENV = "SMARTCOUNTY_RAW_DIR"
SERVING_ENV = "SMARTCOUNTY_SERVING"
# Optional JSON file overriding the validation parameters and bands (expectations/params.py).
CHECK_PARAMS_ENV = "SMARTCOUNTY_CHECK_PARAMS"
# DuckDB's buffer-manager limit for every read-write connection (the raw load and dbt): DuckDB
# spills to disk beyond it, so a build's memory stays flat as the drop grows (its default, 80 %
# of RAM, lets one build take the machine).
MEMORY_LIMIT_ENV = "SMARTCOUNTY_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"
# dbt's own limit. dbt runs after the raw load, whose peak is the Python side holding one file's
# cells (≈ 4–7 GiB at scale 20 beside DuckDB's 1 GB), and the build process gives that back
# (≈ 0.4 GiB) before dbt starts; under 1 GB the registry's window and join models spilled most of
# their work (scale 20: int_registry__deduplicated 338 s). docs/benchmarks/2026-11-28-session10.
DBT_MEMORY_LIMIT_ENV = "SMARTCOUNTY_DBT_MEMORY_LIMIT"
DEFAULT_DBT_MEMORY_LIMIT = "4GB"
# The shrink guard (smartcounty/rawload/guard.py): a build is refused when a source's accepted
# rows fall below this share of the last published build's (0 = only refuse a source whose
# files all disappeared). `smartcounty build --allow-shrink` skips the guard for one run, which
# the CLI tells the raw-load asset through this Dagster run tag.
MIN_ROW_SHARE_ENV = "SMARTCOUNTY_MIN_ROW_SHARE"
DEFAULT_MIN_ROW_SHARE = 0.5
ALLOW_SHRINK_TAG = "smartcounty/allow_shrink"

_DEFAULTS = {
    WAREHOUSE_ENV: PROJECT_ROOT / "data" / "warehouse.duckdb",
    RAW_DIR_ENV: PROJECT_ROOT / "data" / "raw",
    SERVING_ENV: PROJECT_ROOT / "data" / "serving.duckdb",
}


def _path(env: str) -> Path:
    value = os.environ.get(env, "").strip()
    return Path(value).expanduser().resolve() if value else _DEFAULTS[env]


def dbt_executable() -> str:
    """dbt next to the running interpreter, so an un-activated venv still works."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def warehouse_path() -> Path:
    return _path(WAREHOUSE_ENV)


def raw_dir() -> Path:
    return _path(RAW_DIR_ENV)


def serving_path() -> Path:
    return _path(SERVING_ENV)


def _memory_limit(env: str, default: str) -> str:
    import re

    value = os.environ.get(env, "").strip() or default
    if not re.fullmatch(r"(?i)\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value):
        raise ValueError(f"{env}={value!r}: expected a size such as 1GB or 800MB")
    return value


def duckdb_memory_limit() -> str:
    """The DuckDB memory limit of the raw load and the export (e.g. ``1GB``, ``800MB``); validated
    so a typo fails early."""
    return _memory_limit(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT)


def dbt_memory_limit() -> str:
    """dbt's DuckDB memory limit (the profile's plugin sets it), validated likewise."""
    return _memory_limit(DBT_MEMORY_LIMIT_ENV, DEFAULT_DBT_MEMORY_LIMIT)


def min_row_share() -> float:
    """The shrink guard's minimum share, validated (a number from 0 to 1)."""
    value = os.environ.get(MIN_ROW_SHARE_ENV, "").strip()
    if not value:
        return DEFAULT_MIN_ROW_SHARE
    try:
        share = float(value)
    except ValueError:
        share = float("nan")
    if not 0 <= share <= 1:  # NaN fails too
        raise ValueError(f"{MIN_ROW_SHARE_ENV}={value!r}: expected a share from 0 to 1, e.g. 0.5")
    return share


def export_env(
    warehouse: str | os.PathLike | None = None,
    raw: str | os.PathLike | None = None,
    serving: str | os.PathLike | None = None,
) -> None:
    """Write absolute paths into the environment (CLI flags win over inherited values)."""
    for env, value in ((WAREHOUSE_ENV, warehouse), (RAW_DIR_ENV, raw), (SERVING_ENV, serving)):
        if value is not None:
            os.environ[env] = str(Path(value).expanduser().resolve())
        os.environ[env] = str(_path(env))
    os.environ[MEMORY_LIMIT_ENV] = duckdb_memory_limit()
    os.environ[DBT_MEMORY_LIMIT_ENV] = dbt_memory_limit()  # read by dbt's profile plugin, in dbt's process
    min_row_share()  # a typo fails now, not in the middle of the build
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def check_params() -> dict | None:
    """Validation overrides from ``$SMARTCOUNTY_CHECK_PARAMS`` (a JSON file), if set."""
    import json

    value = os.environ.get(CHECK_PARAMS_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    try:
        params = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{CHECK_PARAMS_ENV}: cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{CHECK_PARAMS_ENV}: {path} is not valid JSON: {exc}") from None
    if not isinstance(params, dict):
        raise ValueError(f"{CHECK_PARAMS_ENV}: {path} must hold a JSON object, not {type(params).__name__}")
    return params
