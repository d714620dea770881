"""Shared fixtures: small raw drops and warehouses built through the real CLI.

A full ``smartcounty build`` costs about a minute of fixed time and the scale-1 drop about a
minute to write, so each is made once per session here and shared; a test that changes a build
works on ``copy_build`` (a file copy) instead of building again. docs/testing.md lists the tiers.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
SMARTCOUNTY = [sys.executable, "-m", "smartcounty.cli"]


@dataclass
class Build:
    raw: Path
    warehouse: Path
    serving: Path
    result: subprocess.CompletedProcess


def default_signals() -> None:
    """``preexec_fn`` for a child the test stops with a signal: the sandbox (or ``nohup``/a
    background job) may start pytest with SIGTERM/SIGINT ignored, and children inherit that."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


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


def pytest_addoption(parser):
    parser.addoption(
        "--reuse-small-build", action="store_true",
        help="keep small_raw and small_build in pytest's cache and reuse them while nothing they are made "
             "from (pipeline code, dbt project, suites, sample, installed packages) has changed (make test-fast)")


# ---------------------------------------------------------------- two workers (pytest-xdist, --dist loadgroup)
# A unit of work goes whole to one worker: the tests of a module with a module-scoped fixture (its own
# build, its own drop) are one unit, so that fixture is made once; every other test is a unit of its
# own. Units start longest first (with --no-loadscope-reorder xdist keeps this order), so that the long
# ones run beside the rest instead of after it; the session fixtures are made once per run whichever
# worker asks first (_once_per_run). The costs are the seconds of one unit of the module on this
# machine (docs/testing.md); a module not listed has units of less than ~20 s and keeps its place.
LONG_UNITS = {
    "test_e2e_scale1": 400,  # the scale-1 drop, then its build
    "test_hardening_crash": 300,  # four killed builds and a final one
    "test_incremental": 250,  # two builds per test
    "test_sample": 250,  # the scale-1 CSVs read back with pandas, the scale-1 truth in memory
    "test_e2e_suppliers": 200,  # one build each, the next five
    "test_bench": 190,
    "test_hardening_readers": 180,
    "test_e2e_scorecard": 170,
    "test_hardening_fuzz": 150,
    "test_app_pages": 150,
    "test_e2e_handmade": 125,
    "test_hardening_suppliers": 120,
    "test_guard_rails": 100,  # three builds on copies
    "test_app_browser": 90,
    "test_export": 75,  # the XLSX round trip
    "test_publish_gate": 70,
    "test_expectations": 60,  # with the other two GX modules, one unit
    "test_expectations_integrity": 60,
    "test_expectations_scorecard": 60,
    "test_dbt_unit_tests": 40,
    "test_docs": 35,
}


# Modules that share one costly import and session fixture go to one worker together: the GX suites
# (GX's import and the first validations, gx_warehouse) are paid once instead of once per worker.
SHARED_UNITS = {"test_expectations": "gx", "test_expectations_integrity": "gx", "test_expectations_scorecard": "gx"}


def _module_unit(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(d.scope in ("module", "class", "package")
                                    for defs in info.name2fixturedefs.values() for d in defs)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    # xdist's scheduler reads a test's group from the "@group" suffix of its node id, which xdist 3.8
    # writes to ``item._nodeid``; pytest 9 builds the node id from ``item._id``, so it is written here.
    suffix = (getattr(config.option, "loadgroup", False) and "PYTEST_XDIST_WORKER" in os.environ
              and hasattr(items[0] if items else None, "_id"))
    for item in items:
        module = item.module.__name__
        if not any(True for _ in item.iter_markers("xdist_group")):
            if module in SHARED_UNITS:
                item.add_marker(pytest.mark.xdist_group(SHARED_UNITS[module]))
            elif _module_unit(item):
                item.add_marker(pytest.mark.xdist_group(module))
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        if suffix and groups and "@" not in item.nodeid:
            item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(groups)}")
    items.sort(key=lambda item: -LONG_UNITS.get(item.module.__name__, 0))  # stable: the rest keeps its order


# What small_raw and small_build are made from (with Python, the installed versions of the project's
# dependencies and the SMARTCOUNTY_*/DBT_* settings): a change to any of these makes them again.
_BUILD_INPUTS = ("smartcounty", "dagster_pipeline", "dbt_project", "expectations")
_BUILD_OUTPUTS = {"__pycache__", "target", "logs", "dbt_packages"}
# The settings as the run was started: importing the project's settings fills in their defaults, and
# whether a test module has done so when the first test asks for the build must not change the key.
_SETTINGS_AT_START = {k: v for k, v in os.environ.items() if k.startswith(("SMARTCOUNTY_", "DBT_"))}


def _inputs_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for requirement in importlib.metadata.requires("smartcounty") or []:
        if "extra ==" not in requirement:
            dist = re.split(r"[\s;<>=!~\[]", requirement, maxsplit=1)[0]
            digest.update(f"\0{dist}={importlib.metadata.version(dist)}".encode())
    for name, value in sorted(_SETTINGS_AT_START.items()):
        digest.update(f"\0{name}={value}".encode())
    for name in _BUILD_INPUTS:
        root = ROOT / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            rel = path.relative_to(ROOT)
            if path.is_file() and path.suffix != ".pyc" and not _BUILD_OUTPUTS & set(rel.parts):
                digest.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _made_once(request, name: str, target: Path, make) -> dict:
    """``make(target)`` fills the empty folder ``target`` and returns a JSON-able record. With
    --reuse-small-build a good result is kept in pytest's cache under the inputs' key and copied
    back next time (a copy: tests never touch the cached files)."""
    if not request.config.getoption("reuse_small_build") or getattr(request.config, "cache", None) is None:
        return make(target)  # not asked for, or pytest's cache is off (-p no:cacheprovider)
    cache = Path(request.config.cache.mkdir("smartcounty"))
    saved = cache / f"{name}-{_inputs_key()}"
    record = saved.with_suffix(".json")
    if record.exists():
        shutil.copytree(saved, target, dirs_exist_ok=True)
        return json.loads(record.read_text(encoding="utf-8"))
    made = make(target)
    if made.get("returncode", 0) == 0:
        for old in cache.glob(f"{name}-*"):  # earlier inputs' results
            (shutil.rmtree if old.is_dir() else Path.unlink)(old)
        shutil.copytree(target, saved)
        record.write_text(json.dumps(made), encoding="utf-8")
    return made


def _once_per_run(tmp_path_factory, name: str, make) -> tuple[Path, dict]:
    """The folder ``name`` made by ``make(folder)`` (which returns a JSON-able record) once per run.

    Under pytest-xdist every worker is its own session: the first worker to ask makes the folder
    under the run's shared temp dir while the others wait on a file lock, then all read the same
    folder and record (the pattern of xdist's docs). Without xdist this is a plain session fixture."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/, shared by the workers' popen-gwK/ folders
    target, record = base / name, base / f"{name}.json"
    with FileLock(str(base / f"{name}.lock")):
        if not record.exists():
            shutil.rmtree(target, ignore_errors=True)  # a worker that failed to make it left this
            target.mkdir()
            record.write_text(json.dumps(make(target)), encoding="utf-8")
    return target, json.loads(record.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small_raw(request, tmp_path_factory) -> Path:
    """A synthetic drop at scale 0.01 (about 2,000 notices, 11,000 registry rows)."""

    def make(target: Path) -> dict:
        run_cli("sample", "--out", str(target), "--scale", "0.01", "--seed", "7", check=True)
        return {}

    raw, _ = _once_per_run(tmp_path_factory, "raw_small", lambda target: _made_once(request, "small_raw", target, make))
    return raw


@pytest.fixture(scope="session")
def small_build(request, small_raw, tmp_path_factory) -> Build:
    """Warehouse + serving copy built from ``small_raw`` through ``smartcounty build``."""

    def make(target: Path) -> dict:
        done = build_drop(small_raw, target).result
        return {"args": done.args, "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}

    workdir, done = _once_per_run(tmp_path_factory, "wh_small",
                                  lambda target: _made_once(request, "small_build", target, make))
    return Build(small_raw, workdir / "warehouse.duckdb", workdir / "serving.duckdb", subprocess.CompletedProcess(**done))


def copy_build(build: Build, workdir: Path) -> Build:
    """A private copy of ``build`` (warehouse, serving copy, validation outcomes, check parameters)
    for a test that builds on top of it or changes it: the next build sees the same state."""
    workdir.mkdir(parents=True, exist_ok=True)
    for item in build.warehouse.parent.iterdir():
        if item.name.startswith(("warehouse", "serving", "validation")) or item.name.endswith(".json"):
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, workdir / item.name)
    return Build(build.raw, workdir / build.warehouse.name, workdir / build.serving.name, build.result)


@pytest.fixture(scope="session")
def scale1_raw(tmp_path_factory) -> tuple[Path, dict]:
    """The scale-1 drop (seed 2024, what `smartcounty sample` writes by default) and its summary,
    written once per run for every scale-1 test."""
    from smartcounty.sample import generate  # noqa: PLC0415 - only the slow tier pays the import

    def make(target: Path) -> dict:
        # the drop's truth beside it (not in it: the loader reads the folder), for scale1_truth
        def keep(k: int, truth: dict) -> None:
            with open(_truth_file(target), "wb") as sink:
                pickle.dump(truth, sink, protocol=pickle.HIGHEST_PROTOCOL)

        return generate(target, scale=1.0, seed=2024, on_truth=keep)

    return _once_per_run(tmp_path_factory, "raw_scale1", make)


def _truth_file(raw: Path) -> Path:
    return raw.parent / f"{raw.name}.truth.pickle"


@pytest.fixture(scope="session")
def scale1_truth(scale1_raw) -> dict:
    """The truth tables of ``scale1_raw`` (lots, projects, enterprises, connectivity, modes: what
    ``smartcounty.sample.build`` returns), kept by its generator instead of generated a second time."""
    with open(_truth_file(scale1_raw[0]), "rb") as source:
        return pickle.load(source)


# ---------------------------------------------------------------- GX suites on a hand-made warehouse
# tests/test_expectations*.py validate their suites on one small in-memory warehouse
# (test_expectations.build_warehouse), built once per session; each test's defects are rolled back.
@pytest.fixture(scope="session")
def gx_warehouse():
    from test_expectations import build_warehouse  # noqa: PLC0415 - the warehouse is that module's

    con = duckdb.connect()
    build_warehouse(con)
    yield con
    con.close()


@pytest.fixture()
def wh(gx_warehouse):
    """The good warehouse; every test's defects are rolled back afterwards."""
    gx_warehouse.execute("begin transaction")
    yield gx_warehouse
    gx_warehouse.execute("rollback")


def failed_keys(outcome) -> set[tuple[str, str]]:
    """(expectation, column or columns) of each failed expectation of a suite's outcome."""
    keys = set()
    for f in outcome.failed:
        kw = f["kwargs"]
        target = kw.get("column") or kw.get("column_A") or ",".join(kw.get("column_list") or []) or ""
        keys.add((f["expectation"], target))
    return keys
