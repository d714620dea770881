"""Shared fixtures: small raw drops and warehouses built through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMARTCOUNTY = [sys.executable, "-m", "smartcounty.cli"]


@dataclass
class Build:
    raw: Path
    warehouse: Path
    serving: Path
    result: subprocess.CompletedProcess


def cli_env(**paths: Path) -> dict:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    names = {"warehouse": "SMARTCOUNTY_WAREHOUSE", "raw": "SMARTCOUNTY_RAW_DIR", "serving": "SMARTCOUNTY_SERVING"}
    for key, value in paths.items():
        env[names[key]] = str(value)
    return env


def run_cli(*args: str, env: dict | None = None, timeout: float = 900, check: bool = False) -> subprocess.CompletedProcess:
    done = subprocess.run([*SMARTCOUNTY, *args], cwd=ROOT, env=env or cli_env(), capture_output=True,
                          text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"smartcounty {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def build_drop(raw: Path, workdir: Path, check: bool = True, check_params: dict | None = None) -> Build:
    warehouse, serving = workdir / "warehouse.duckdb", workdir / "serving.duckdb"
    env = cli_env(warehouse=warehouse, raw=raw, serving=serving)
    if check_params is not None:
        params = workdir / "check_params.json"
        params.write_text(json.dumps(check_params), encoding="utf-8")
        env["SMARTCOUNTY_CHECK_PARAMS"] = str(params)
    done = run_cli("build", env=env, check=check)
    return Build(raw, warehouse, serving, done)


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory) -> Path:
    """A synthetic drop at scale 0.01 (about 2,000 notices, 11,000 registry rows)."""
    raw = tmp_path_factory.mktemp("raw_small")
    run_cli("sample", "--out", str(raw), "--scale", "0.01", "--seed", "7", check=True)
    return raw


@pytest.fixture(scope="session")
def small_build(small_raw, tmp_path_factory) -> Build:
    """Warehouse + serving copy built from ``small_raw`` through ``smartcounty build``."""
    return build_drop(small_raw, tmp_path_factory.mktemp("wh_small"))
