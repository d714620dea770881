"""End to end at the real sources' size: the calibrated sample reproduces every published figure."""

from __future__ import annotations

import time

import duckdb
import pytest

from conftest import build_drop, run_cli

pytestmark = pytest.mark.slow


def test_scale1_sample_build_reconciles(scale1_raw, tmp_path):
    raw, summary = scale1_raw  # what `smartcounty sample --scale 1` writes, shared with test_sample.py
    sample_s = summary["seconds"]
    started = time.perf_counter()
    build = build_drop(raw, tmp_path)
    build_s = time.perf_counter() - started
    print(f"scale-1 sample {sample_s:.1f} s, build {build_s:.1f} s")

    con = duckdb.connect(str(build.warehouse), read_only=True)
    rows = con.execute(
        "select figure_id, published_value, computed_value, matches from report.figure_reconciliation order by 1"
    ).fetchall()
    con.close()
    assert len(rows) == 15
    mismatches = [r for r in rows if r[3] is not True]
    assert not mismatches, f"figures that do not match: {mismatches}"
    assert build.serving.exists()

    figures = run_cli("figures", "--warehouse", str(build.warehouse), check=True)
    assert "15/15 figures match" in figures.stdout
