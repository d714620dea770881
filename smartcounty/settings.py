"""The project's paths, read from one place by the CLI, Dagster and (through the
environment) dbt's ``profiles.yml``.

Relative values are resolved against the current directory once, here, because dbt-duckdb
resolves relative paths against whatever directory dbt happens to run in.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

WAREHOUSE_ENV = "SMARTCOUNTY_WAREHOUSE"
RAW_DIR_ENV = "SMARTCOUNTY_RAW_DIR"
SERVING_ENV = "SMARTCOUNTY_SERVING"
# Optional JSON file overriding the validation parameters and bands (expectations/params.py).
CHECK_PARAMS_ENV = "SMARTCOUNTY_CHECK_PARAMS"

_DEFAULTS = {
    WAREHOUSE_ENV: PROJECT_ROOT / "data" / "warehouse.duckdb",
    RAW_DIR_ENV: PROJECT_ROOT / "data" / "raw",
    SERVING_ENV: PROJECT_ROOT / "data" / "serving.duckdb",
}


def _path(env: str) -> Path:
    value = os.environ.get(env, "").strip()
    return Path(value).expanduser().resolve() if value else _DEFAULTS[env]


def warehouse_path() -> Path:
    return _path(WAREHOUSE_ENV)


def raw_dir() -> Path:
    return _path(RAW_DIR_ENV)


def serving_path() -> Path:
    return _path(SERVING_ENV)


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
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def check_params() -> dict | None:
    """Validation overrides from ``$SMARTCOUNTY_CHECK_PARAMS`` (a JSON file), if set."""
    import json

    value = os.environ.get(CHECK_PARAMS_ENV, "").strip()
    if not value:
        return None
    return json.loads(Path(value).expanduser().read_text(encoding="utf-8"))
