"""Publish gate: an error-level expectation stops the publish, a warning does not."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import cli_env, copy_build, run_cli
from smartcounty.rawload.spec import REGISTRY

pytestmark = pytest.mark.slow  # two builds on copies of the session's build

REG_HEADER = ",".join(REGISTRY.headers)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def drop_with_bad_registry_rows(small_raw: Path, target: Path, bad_rows: int) -> Path:
    """The small drop plus a registry file of rows with an invalid credit code (quarantined)."""
    shutil.copytree(small_raw, target)
    lines = [REG_HEADER] + [f"91450325MA{i:07d}X,坏数据企业{i},存续,2015-01-01,,,,,,,6513,,,,450325,"
                            for i in range(bad_rows)]
    (target / "registry" / "zz_invalid_codes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def registry_rows(small_raw: Path) -> int:
    con = duckdb.connect()
    total = 0
    for f in sorted((small_raw / "registry").iterdir()):
        if f.name.endswith(".csv.gz"):
            total += con.execute(f"select count(*) from read_csv('{f}', all_varchar=true)").fetchone()[0]
    con.close()
    return total


@pytest.mark.timeout(600)
def test_error_band_blocks_publish_and_keeps_serving_copy(small_build, small_raw, tmp_path):
    copy = copy_build(small_build, tmp_path / "wh")
    warehouse, serving = copy.warehouse, copy.serving
    before = sha(serving)
    # > 20 % of registry rows quarantined: the error band of quarantine_share.registry
    bad = drop_with_bad_registry_rows(small_raw, tmp_path / "raw", bad_rows=registry_rows(small_raw) // 2)
    done = run_cli("build", env=cli_env(raw=bad, warehouse=warehouse, serving=serving))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "gx_raw_registry_volume" in done.stderr
    assert "serving copy was not replaced" in done.stderr
    assert "validation report:" in done.stderr
    assert sha(serving) == before
    report = (warehouse.parent / "validation_report.html").read_text(encoding="utf-8")
    assert "raw_registry_volume" in report and "ERROR" in report


@pytest.mark.timeout(600)
def test_warning_band_publishes_with_the_warning_reported(small_build, small_raw, tmp_path):
    copy = copy_build(small_build, tmp_path / "wh")
    warehouse, serving = copy.warehouse, copy.serving
    before = sha(serving)
    total = registry_rows(small_raw) + 0
    # about 10 % quarantined: inside the warning band (5 %–20 %), below the error band
    bad = drop_with_bad_registry_rows(small_raw, tmp_path / "raw", bad_rows=total // 9)
    done = run_cli("build", env=cli_env(raw=bad, warehouse=warehouse, serving=serving))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "warnings:" in done.stdout and "gx_raw_registry_volume" in done.stdout
    assert sha(serving) != before
    report = (warehouse.parent / "validation_report.html").read_text(encoding="utf-8")
    assert "raw_registry_volume" in report and "WARN" in report
    con = duckdb.connect(str(serving), read_only=True)
    passed, warnings = con.execute("select validation_passed, validation_warnings from meta.build_info").fetchone()
    con.close()
    assert passed is True and warnings >= 1
