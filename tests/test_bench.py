"""The benchmark's two baselines (engine floor, pandas peer) and its runner.

The unit tests run both baselines on the hand-made drop of test_e2e_handmade.py, whose figures
are worked out by hand there from the contract; the slow test runs ``smartcounty bench`` at
scale 0.01, which fails unless both baselines reproduce the pipeline's report relations."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import test_e2e_handmade as hand
from benchmarks import floor, peer_pandas
from benchmarks.common import compare_figures, report_params
from benchmarks.runner import main as bench_main, stage_times

# Worked out in test_e2e_handmade.py (each lot and enterprise is commented there):
# 2022: P1 1,000,000 + P5 800,000 (smart) + P7 2,000,000 (informatization only);
# 2023: P3 2,000,000 + P4 3,000,000 + P9 250,000 + P10 450,000 + P11 NULL (smart) + P12 1,000,000;
# on the register and attributed: E1 E3 E6 E9 E11 E12 E14; digital: all but E12; smart: E1 E3;
# penetration 2023 over 兴安县 (revised users), 北流市, 横县 → 横州市.
_POP, _RURAL = 300_000 + 1_000_000 + 900_000, 200_000 + 500_000 + 600_000
_USERS, _RURAL_USERS = hand.REVISED_XINGAN_USERS + 800_000 + 600_000, 120_000 + 300_000 + 330_000
EXPECTED = {
    "fig1_investment_share": [
        {"year": 2022, "informatization_investment_yuan": Decimal(3_800_000), "smart_city_investment_yuan": Decimal(1_800_000),
         "smart_city_share": 1_800_000 / 3_800_000, "informatization_lot_count": 3, "smart_city_lot_count": 2,
         "counties_with_smart_city": 2},
        {"year": 2023, "informatization_investment_yuan": Decimal(6_700_000), "smart_city_investment_yuan": Decimal(5_700_000),
         "smart_city_share": 5_700_000 / 6_700_000, "informatization_lot_count": 6, "smart_city_lot_count": 5,
         "counties_with_smart_city": 3},
    ],
    "enterprise_counts": [{"as_of_date": date(2024, 6, 30), "enterprises_on_register": 7,
                           "digital_economy_enterprises": 6, "smart_city_enterprises": 2}],
    "internet_penetration": [{"year": 2023, "county_count": 3, "overall_rate": _USERS / _POP,
                              "rural_rate": _RURAL_USERS / _RURAL,
                              "urban_rate": (_USERS - _RURAL_USERS) / (_POP - _RURAL)}],
}


def write_handmade(raw: Path) -> Path:
    hand.write(raw / "procurement" / "notices.csv", hand.PROCUREMENT)
    hand.write(raw / "registry" / "enterprises.csv", hand.REGISTRY, encoding="gb18030")
    hand.write(raw / "connectivity" / "2023.csv", hand.CONNECTIVITY_MAIN)
    hand.write(raw / "connectivity" / "2023_revised.csv", hand.CONNECTIVITY_REVISED)
    return raw


@pytest.fixture(scope="module")
def handmade_raw(tmp_path_factory) -> Path:
    return write_handmade(tmp_path_factory.mktemp("bench_hand") / "raw")


@pytest.fixture(scope="module")
def messy_raw(tmp_path_factory) -> Path:
    """The same records, spelled the hard way: procurement gzipped with a BOM, padded header names
    and reordered columns plus an extra one; an ignored file; an empty-but-valid registry part."""
    raw = write_handmade(tmp_path_factory.mktemp("bench_messy") / "raw")
    rows = list(csv.reader((raw / "procurement" / "notices.csv").read_text(encoding="utf-8").splitlines()))
    order = list(reversed(range(len(rows[0]))))
    header = [f" {rows[0][i]}\u3000" for i in order] + ["原文链接"]
    body = [[r[i] for i in order] + ["http://example.invalid"] for r in rows[1:]]
    lines = [",".join(f'"{c}"' for c in header)] + [",".join(f'"{c}"' for c in r) for r in body]
    (raw / "procurement" / "notices.csv").unlink()
    (raw / "procurement" / "notices.CSV.gz").write_bytes(gzip.compress(("\ufeff" + "\n".join(lines) + "\n").encode()))
    (raw / "procurement" / "readme.txt").write_text("not a csv: ignored", encoding="utf-8")
    (raw / "registry" / "a_empty.csv").write_text(hand.REG_HEADER + "\n", encoding="utf-8")
    return raw


@pytest.mark.parametrize("drop", ["handmade_raw", "messy_raw"])
def test_floor_reproduces_hand_worked_figures(drop, request):
    run = floor.run_floor(request.getfixturevalue(drop))
    assert compare_figures(EXPECTED, run.figures) == []
    assert run.prepare_s >= 0 and run.query_s > 0


@pytest.mark.parametrize("drop", ["handmade_raw", "messy_raw"])
def test_peer_reproduces_hand_worked_figures(drop, request):
    assert compare_figures(EXPECTED, peer_pandas.compute(request.getfixturevalue(drop))) == []


def test_empty_connectivity_folder_gives_no_penetration_rows(tmp_path):
    raw = write_handmade(tmp_path / "raw")
    for p in (raw / "connectivity").iterdir():
        p.unlink()
    assert floor.run_floor(raw).figures["internet_penetration"] == []
    assert peer_pandas.compute(raw)["internet_penetration"] == []


def test_compare_figures_reports_every_kind_of_difference():
    params = report_params()
    assert params.report_years == (2022, 2023)
    changed = {k: [dict(r) for r in v] for k, v in EXPECTED.items()}
    changed["fig1_investment_share"][0]["informatization_investment_yuan"] += Decimal("0.000001")
    changed["enterprise_counts"][0]["smart_city_enterprises"] = 3
    changed["internet_penetration"][0]["overall_rate"] *= 1 + 1e-9
    problems = compare_figures(EXPECTED, changed)
    assert len(problems) == 3
    # ratios are compared to 1e-12 relative, not exactly
    close = {k: [dict(r) for r in v] for k, v in EXPECTED.items()}
    close["internet_penetration"][0]["overall_rate"] *= 1 + 1e-14
    assert compare_figures(EXPECTED, close) == []
    assert compare_figures(EXPECTED, {**EXPECTED, "enterprise_counts": []}) == [
        "enterprise_counts: 1 rows expected, 0 got"]


def test_stage_times_from_progress_lines():
    lines = ["building x from y\n", "▶ raw_sources\n", "✓ raw_sources (2.5 s)\n",
             "✓ raw_registry_gx_raw_registry_volume (0.25 s)\n", "▶ smartcounty_dbt\n",
             "    · staging/stg\n", "✓ smartcounty_dbt (10.0 s)\n", "✓ gx_fct_enterprises (1.0 s)\n",
             "✓ gx_fct_procurement_lots (0.5 s)\n", "✓ serving_snapshot (0.7 s)\n", "✗ other failed\n"]
    assert stage_times(lines) == {"raw_load": 2.5, "dbt": 10.0, "checks": 1.75, "publish": 0.7}


@pytest.mark.slow
def test_bench_small_run_agrees_with_the_pipeline(tmp_path):
    out = tmp_path / "bench"
    code = bench_main(["--scales", "0.01", "--repeats", "1", "--out", str(out), "--seed", "7"])
    with open(out / "measurements.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    agree = {r["subject"]: r["value"] for r in rows if r["metric"] == "figures_match"}
    assert agree == {"floor": "1", "peer": "1"}, (out / "summary.md").read_text(encoding="utf-8")
    assert code == 0
    assert (out / "summary.md").read_text(encoding="utf-8").count("| 0.01 |") >= 3
    assert (out / "time_vs_scale.png").stat().st_size > 1000
    metrics = {(r["subject"], r["metric"]) for r in rows if r["repeat"] == "median"}
    assert {("pipeline", "wall_s"), ("pipeline", "peak_rss_bytes"), ("floor", "wall_s"), ("peer", "wall_s"),
            ("sample", "wall_s"), ("incremental", "wall_s")} <= metrics
    assert "## Incremental build after one day of new notices" in (out / "summary.md").read_text(encoding="utf-8")


def test_day_rows_touch_old_lots_and_add_new_projects():
    from benchmarks.day import day_rows

    header = ["公告ID", "项目编号", "公告类型", "发布日期", "中标金额", "标项号"]
    quarter = [[f"A{i}", f"P{i}", "采购公告", "2024-06-01", "", "1"] for i in range(910)]
    rows = day_rows(header, quarter, "2024-07-01", seed=1)
    assert len(rows) == 10  # a quarter's rows / 91
    assert rows == day_rows(header, quarter, "2024-07-01", seed=1)  # deterministic
    assert {r[3] for r in rows} == {"2024-07-01"} and len({r[0] for r in rows}) == 10
    kinds = [r[2] for r in rows]
    assert {"终止公告", "更正公告", "中标(成交)结果公告", "采购公告"} <= set(kinds)
    old = [r for r in rows if r[2] != "采购公告"]
    assert old and all(r[1].startswith("P") for r in old)  # existing projects: their lots must be recomputed
    assert all(r[1].startswith("NEW-") for r in rows if r[2] == "采购公告")
