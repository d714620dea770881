"""The benchmark's two baselines (engine floor, pandas peer) and its runner.

The unit tests run both baselines on the hand-made drop of test_e2e_handmade.py, whose figures
are worked out by hand there from the contract; the slow test runs ``smartcounty bench`` at
scale 0.01, which fails unless both baselines reproduce the pipeline's report relations."""

from __future__ import annotations

import csv
import gzip
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import test_e2e_handmade as hand
from benchmarks import floor, peer_pandas
from benchmarks.common import compare_figures, report_params
from benchmarks import report
from benchmarks.runner import BuildRun, Recorder, dbt_execution_s, profile, stage_times
from benchmarks.runner import main as bench_main

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
    quiet = ["building x from y\n", "▶ raw_sources\n", "✓ raw_sources (2.5 s): 3 relations\n",
             "✓ checks (1.5 s): 6 passed\n", "▶ smartcounty_dbt\n", "    dbt build --full-refresh\n",
             "✓ smartcounty_dbt (10.0 s): 95 relations, 400 tests, 0 failed\n", "✓ checks (2.25 s): 4 passed\n",
             "▶ serving_snapshot\n", "✓ serving_snapshot (0.7 s)\n"]
    assert stage_times(quiet) == {"raw_load": 2.5, "raw_checks": 1.5, "dbt": 10.0, "gx_checks": 2.25, "publish": 0.7}
    verbose = ["▶ raw_sources\n", "✓ raw_sources (2.5 s)\n", "✓ raw_registry_gx_raw_registry_volume (0.25 s)\n",
               "▶ smartcounty_dbt\n", "    · staging/stg\n", "✓ smartcounty_dbt (10.0 s)\n",
               "✓ gx_fct_enterprises (1.0 s)\n", "✓ marts_fct_procurement_lots_gx_fct_procurement_lots (0.5 s)\n",
               "✓ serving_snapshot (0.7 s)\n", "✗ other failed\n"]
    assert stage_times(verbose) == {"raw_load": 2.5, "raw_checks": 0.25, "dbt": 10.0, "gx_checks": 1.5, "publish": 0.7}


def test_dbt_split_into_start_and_execution_by_when_its_nodes_start():
    progress = [(0.5, "▶ raw_sources\n"), (3.0, "✓ raw_sources (2.5 s)\n"), (4.0, "▶ smartcounty_dbt\n"),
                (44.0, "✓ smartcounty_dbt (40.0 s): 95 relations\n"), (46.0, "✓ checks (2.0 s): 4 passed\n")]
    log = [(5.0, "Running with dbt=1.11.16"), (11.5, "Found 61 models, 12 seeds, 538 data tests"), (11.6, ""),
           (12.0, "2 of 611 START sql view model staging.a ........ [RUN]"),
           (12.1, "1 of 611 START sql table model marts.b ........ [RUN]"), (43.0, "Finished running 611 nodes")]
    assert dbt_execution_s(progress, log) == 32.0
    assert dbt_execution_s(progress, log[:2]) is None and dbt_execution_s(progress[:3], log) is None
    run = BuildRun(0, wall_s=60.0, cpu_s=50.0, peak_rss=1, startup_s=5.0, dbt_execution_s=32.0, stderr="",
                   stages={"raw_load": 3.0, "raw_checks": 1.0, "dbt": 40.0, "gx_checks": 2.0, "publish": 1.0})
    assert profile(run) == {"startup": 5.0, "raw_load": 3.0, "raw_checks": 1.0, "dbt_start": 8.0, "dbt_run": 32.0,
                            "gx_checks": 2.0, "publish": 1.0, "other": 8.0}
    assert profile(replace(run, dbt_execution_s=None))["dbt_start"] is None


def test_report_shows_first_builds_runs_profile_and_memory_curve(tmp_path):
    rec = Recorder()
    for scale, peak in ((0.01, 0.5), (1, 2.0), (4, 3.5), (20, 11.5)):
        runs = [("first_build", 0)] if scale == 20 else [("first_build", 0), ("pipeline", 0), ("pipeline", 1)]
        for subject, r in runs + [("sample", 0)]:
            rec.add(scale, subject, "wall_s", 10.0 * (r + 1), "s", r)
            rec.add(scale, subject, "peak_rss_bytes", peak * 2**30, "bytes", r)
            if subject != "sample":
                rec.add(scale, subject, "stage_dbt_run_s", 4.0, "s", r)
        if scale == 20:
            for subject, r in runs:
                rec.add(scale, "pipeline", "wall_s", 10.0, "s", r)
                rec.add(scale, "pipeline", "peak_rss_bytes", peak * 2**30, "bytes", r)
        for subject in ("first_build", "pipeline", "sample"):
            for metric in ("wall_s", "peak_rss_bytes", "stage_dbt_run_s"):
                rec.add_median(scale, subject, metric, "")
    path = tmp_path / "summary.md"
    report.write_markdown(rec, [0.01, 1, 4, 20], 2, [20], path, [])
    text = path.read_text(encoding="utf-8")
    assert "| 20 | 1 (single run) |" in text and "| 1 | 2 |" in text
    assert "| 0.01 | first | " in text and "| 0.01 | warm | " in text and "| 20 | warm |" not in text
    assert "| 0.01 | pipeline 2 | 20.0 | 512 |" in text and "| 20 | first build 1 | 10.0 | 11776 |" in text
    # 0.5 GiB per scale from 1 to 20 (1.5 GiB at 0): 24 GiB at scale 45
    assert "24 GiB reached at scale ≈ 45" in text
    assert report.largest_scale(report.memory_fit([(1, 1.0)])) is None


@pytest.mark.slow
def test_bench_small_run_agrees_with_the_pipeline(tmp_path):
    out = tmp_path / "bench"
    code = bench_main(["--scales", "0.01", "--repeats", "1", "--sample-repeats", "1", "--out", str(out), "--seed", "7"])
    with open(out / "measurements.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    agree = {r["subject"]: r["value"] for r in rows if r["metric"] == "figures_match"}
    assert agree == {"floor": "1", "peer": "1"}, (out / "summary.md").read_text(encoding="utf-8")
    assert code == 0
    assert (out / "summary.md").read_text(encoding="utf-8").count("| 0.01 |") >= 3
    assert (out / "time_vs_scale.png").stat().st_size > 1000
    metrics = {(r["subject"], r["metric"]) for r in rows if r["repeat"] == "median"}
    assert {("pipeline", "wall_s"), ("pipeline", "peak_rss_bytes"), ("floor", "wall_s"), ("peer", "wall_s"),
            ("sample", "wall_s"), ("sample", "peak_rss_bytes"), ("incremental", "wall_s"), ("first_build", "wall_s"),
            ("first_build", "peak_rss_bytes"), ("first_build", "stage_dbt_start_s")} <= metrics
    assert "## Where a build's time goes" in (out / "summary.md").read_text(encoding="utf-8")
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


def test_file_follower_stamps_appended_lines_and_survives_a_new_log(tmp_path):
    import time as _time

    from benchmarks.runner import FileFollower

    log = tmp_path / "build.log"
    follower = FileFollower(log, _time.perf_counter())
    follower.poll()                                    # no file yet
    log.write_text("Running with dbt\n1 of 2 ST", encoding="utf-8")
    follower.poll()
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("ART sql view model a\n")
    follower.poll()
    log.write_text("new build\n", encoding="utf-8")     # truncated by the next build
    follower.poll()
    lines = [ln for _, ln in follower.lines]
    assert lines == ["Running with dbt", "1 of 2 START sql view model a", "new build"]
    assert [t for t, _ in follower.lines] == sorted(t for t, _ in follower.lines)


def test_report_compares_with_the_baseline_checkout(tmp_path):
    rec = Recorder()
    for subject, walls, cpus in (("pipeline", (110.0, 100.0, 120.0), (90.0, 80.0, 85.0)),
                                 ("baseline", (95.0, 100.0, 90.0), (70.0, 60.0, 65.0))):
        for r, (wall, cpu) in enumerate(zip(walls, cpus)):
            rec.add(1, subject, "wall_s", wall, "s", r)
            rec.add(1, subject, "cpu_s", cpu, "s", r)
        rec.add_median(1, subject, "wall_s", "s")
        rec.add_median(1, subject, "cpu_s", "s")
    path = tmp_path / "summary.md"
    report.write_markdown(rec, [1], 3, [], path, [])
    # medians 110 / 95 and CPU 85 / 65
    assert "| 1 | 110.0 | 95.0 | 1.16× | 1.31× | – / – |" in path.read_text(encoding="utf-8")


def test_baseline_without_a_venv_is_refused(tmp_path, capsys):
    assert bench_main(["--baseline", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "no .venv/bin/python" in capsys.readouterr().err
