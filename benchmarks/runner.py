"""``smartcounty bench``: the pipeline against its engine floor and a pandas peer, per scale.

For each scale, on one generated drop: sample generation time; ``smartcounty build`` wall time
split by stage (from the build's ``▶ step`` / ``✓ step (s)`` progress lines), peak resident
memory of the build's process tree (psutil polling), its CPU time, warehouse and serving sizes,
rows per source; then the floor (``floor.sql``) and the peer (``peer_pandas.py``). Timings are
medians of ``--repeats`` runs. The floor's and the peer's figures must equal the pipeline's
``report`` relations — a mismatch fails the benchmark (exit 1), so it doubles as a differential
test of the models. Last, the incremental build: one day of new notices
(``benchmarks/day.py``) per repeat, each built on top of the previous (``--no-incremental`` skips it).

Writes into ``--out``: ``measurements.csv`` (every measurement), ``summary.md`` (medians and the
ratios pipeline/floor and peer/pipeline) and ``time_vs_scale.png`` (log–log).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from . import floor, peer_pandas
from .common import ROOT, SOURCES, compare_figures, pipeline_figures, report_params, selected_files
from .day import write_day

DEFAULT_OUT = ROOT / "artifacts" / "bench"
STAGES = ("raw_load", "dbt", "checks", "publish")
_DONE = re.compile(r"^\s*✓\s+(\S+)\s+\(([\d.]+)\s*s\)")


# ---------------------------------------------------------------- measurements
@dataclass
class Recorder:
    rows: list[dict] = field(default_factory=list)

    def add(self, scale: float, subject: str, metric: str, value, unit: str, repeat: int | str = "") -> None:
        self.rows.append({"scale": scale, "subject": subject, "metric": metric, "repeat": repeat,
                          "value": value, "unit": unit})

    def values(self, scale: float, subject: str, metric: str) -> list[float]:
        return [r["value"] for r in self.rows if r["scale"] == scale and r["subject"] == subject
                and r["metric"] == metric and r["repeat"] != "median" and r["value"] is not None]

    def add_median(self, scale: float, subject: str, metric: str, unit: str) -> float | None:
        values = self.values(scale, subject, metric)
        median = statistics.median(values) if values else None
        self.add(scale, subject, metric, median, unit, "median")
        return median

    def median(self, scale: float, subject: str, metric: str) -> float | None:
        for r in self.rows:
            if (r["scale"], r["subject"], r["metric"], r["repeat"]) == (scale, subject, metric, "median"):
                return r["value"]
        return None


def stage_of(step: str) -> str:
    """Which build stage a Dagster step belongs to. Step keys seen: raw_sources,
    raw_<source>_gx_<suite> (GX checks), smartcounty_dbt, serving_snapshot."""
    key = step.lower()
    if "gx" in key or "check" in key:
        return "checks"
    if "dbt" in key:
        return "dbt"
    if "serving" in key or "publish" in key:
        return "publish"
    if key.startswith("raw"):
        return "raw_load"
    return "checks"


def stage_times(progress: list[str]) -> dict[str, float]:
    """Seconds per stage from the ``✓ step (s)`` lines of a build's stderr."""
    out = dict.fromkeys(STAGES, 0.0)
    for line in progress:
        m = _DONE.match(line)
        if m:
            out[stage_of(m.group(1))] += float(m.group(2))
    return out


class TreeMemory(threading.Thread):
    """Peak resident memory of a process and all its descendants, sampled every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._halt.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


@dataclass
class BuildRun:
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss: int
    stages: dict[str, float]
    startup_s: float | None  # process start to the first step (imports, dbt manifest, Dagster set-up)
    stderr: str


def cli_env() -> dict:
    return {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}


def run_build(raw: Path, warehouse: Path, serving: Path, timeout: float, fresh: bool = True) -> BuildRun:
    """One ``smartcounty build``; ``fresh`` deletes the warehouse first (a full build), else the
    build is incremental on top of the last one."""
    if fresh:
        for path in (warehouse, serving):
            path.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "smartcounty.cli", "build", "--raw", str(raw), "--warehouse", str(warehouse),
           "--serving", str(serving)]
    children_before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", errors="replace")
    memory = TreeMemory(proc.pid)
    memory.start()
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=lambda: lines.extend((time.perf_counter(), ln) for ln in proc.stderr),
                              daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    wall = time.perf_counter() - started
    reader.join()
    peak = memory.stop()
    after = os.times()
    cpu = (after.children_user - children_before.children_user) + (after.children_system - children_before.children_system)
    first_step = next((t for t, ln in lines if ln.lstrip().startswith("▶")), None)
    startup = None if first_step is None else first_step - started
    text = [ln for _, ln in lines]
    return BuildRun(proc.returncode, wall, cpu, peak, stage_times(text), startup, "".join(text))


def run_sample(raw: Path, scale: float, seed: int, timeout: float) -> float:
    if raw.exists():
        shutil.rmtree(raw)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "smartcounty.cli", "sample", "--out", str(raw), "--scale", str(scale),
                    "--seed", str(seed), "--force"], cwd=ROOT, env=cli_env(), check=True, capture_output=True,
                   timeout=timeout)
    return time.perf_counter() - started


def source_rows(warehouse: Path) -> dict[str, tuple[int, int, int]]:
    """(rows read, accepted, quarantined) per source from the load's accounting tables."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {s: tuple(int(v or 0) for v in con.execute(
            f"select sum(rows_read), sum(rows_accepted), sum(rows_quarantined) from raw.{s}_files "
            "where status = 'loaded'").fetchone()) for s in SOURCES}
    finally:
        con.close()


def timed(fn, *args):
    cpu0, started = time.process_time(), time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu0


# ---------------------------------------------------------------- one scale
def bench_scale(scale: float, args, rec: Recorder, work: Path, log) -> list[str]:
    """Measure one scale; returns the problems found (failed builds, figure mismatches)."""
    problems = []
    folder = work / f"scale_{scale:g}"
    raw, warehouse, serving = folder / "raw", folder / "warehouse.duckdb", folder / "serving.duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    params = report_params()

    for r in range(args.sample_repeats):
        seconds = run_sample(raw, scale, args.seed, args.timeout)
        rec.add(scale, "sample", "wall_s", seconds, "s", r)
        log(f"scale {scale:g}: sample {r + 1}/{args.sample_repeats} {seconds:.1f} s")
    rec.add_median(scale, "sample", "wall_s", "s")
    for source in SOURCES:
        files = selected_files(raw, source)
        rec.add(scale, "drop", f"{source}_files", len(files), "files")
        rec.add(scale, "drop", f"{source}_bytes", sum(p.stat().st_size for p in files), "bytes")

    good_build = None
    for r in range(args.repeats):
        run = run_build(raw, warehouse, serving, args.timeout)
        ok = run.returncode == 0
        rec.add(scale, "pipeline", "exit_code", run.returncode, "", r)
        log(f"scale {scale:g}: build {r + 1}/{args.repeats} {'ok' if ok else 'FAILED'} {run.wall_s:.1f} s, "
            f"peak {run.peak_rss / 2**20:.0f} MiB")
        if not ok:
            problems.append(f"scale {scale:g}: build {r + 1} exited {run.returncode}:\n"
                            + "".join(run.stderr.splitlines(keepends=True)[-30:]))
            (args.out / f"build_scale_{scale:g}_run_{r + 1}.log").write_text(run.stderr, encoding="utf-8")
            continue
        good_build = run
        rec.add(scale, "pipeline", "wall_s", run.wall_s, "s", r)
        rec.add(scale, "pipeline", "cpu_s", run.cpu_s, "s", r)
        rec.add(scale, "pipeline", "peak_rss_bytes", run.peak_rss, "bytes", r)
        for stage, seconds in run.stages.items():
            rec.add(scale, "pipeline", f"stage_{stage}_s", seconds, "s", r)
        rec.add(scale, "pipeline", "stage_startup_s", run.startup_s, "s", r)
        rec.add(scale, "pipeline", "stage_other_s",
                max(0.0, run.wall_s - (run.startup_s or 0.0) - sum(run.stages.values())), "s", r)
    if good_build is not None:  # the progress lines of the last good build, for reading the stages
        (args.out / f"build_scale_{scale:g}.log").write_text(good_build.stderr, encoding="utf-8")
    for metric, unit in [("wall_s", "s"), ("cpu_s", "s"), ("peak_rss_bytes", "bytes"),
                         *[(f"stage_{s}_s", "s") for s in ("startup", *STAGES, "other")]]:
        rec.add_median(scale, "pipeline", metric, unit)

    expected = None
    if good_build is not None:
        rec.add(scale, "pipeline", "warehouse_bytes", warehouse.stat().st_size, "bytes")
        rec.add(scale, "pipeline", "serving_bytes", serving.stat().st_size if serving.exists() else None, "bytes")
        for source, (read, accepted, quarantined) in source_rows(warehouse).items():
            rec.add(scale, "drop", f"{source}_rows_read", read, "rows")
            rec.add(scale, "drop", f"{source}_rows_accepted", accepted, "rows")
            rec.add(scale, "drop", f"{source}_rows_quarantined", quarantined, "rows")
        expected = pipeline_figures(warehouse)

    for subject, fn in (("floor", lambda: floor.run_floor(raw, params)),
                        ("peer", lambda: peer_pandas.compute(raw, params))):
        figures = None
        for r in range(args.repeats):
            result, wall, cpu = timed(fn)
            rec.add(scale, subject, "wall_s", wall, "s", r)
            rec.add(scale, subject, "cpu_s", cpu, "s", r)
            if subject == "floor":
                rec.add(scale, subject, "prepare_s", result.prepare_s, "s", r)
                figures = result.figures
            else:
                figures = result
            log(f"scale {scale:g}: {subject} {r + 1}/{args.repeats} {wall:.1f} s")
        for metric in ("wall_s", "cpu_s") + (("prepare_s",) if subject == "floor" else ()):
            rec.add_median(scale, subject, metric, "s")
        if expected is not None:
            diff = compare_figures(expected, figures)
            rec.add(scale, subject, "figures_match", int(not diff), "bool")
            problems += [f"scale {scale:g}: {subject} ≠ pipeline: {line}" for line in diff]

    if good_build is not None and args.incremental:
        problems += bench_incremental(scale, args, rec, raw, warehouse, serving, log)

    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return problems


def bench_incremental(scale: float, args, rec: Recorder, raw: Path, warehouse: Path, serving: Path, log) -> list[str]:
    """After the full builds (and the baselines, which read the unchanged drop): one day of new
    notices arrives, then ``smartcounty build`` runs incrementally — once per repeat, each on top
    of the previous day, as a daily job would."""
    problems = []
    for r in range(args.repeats):
        day = (date(2024, 7, 1) + timedelta(days=r)).isoformat()
        _, rows = write_day(raw, day, args.seed)
        rec.add(scale, "incremental", "day_rows", rows, "rows", r)
        run = run_build(raw, warehouse, serving, args.timeout, fresh=False)
        rec.add(scale, "incremental", "exit_code", run.returncode, "", r)
        log(f"scale {scale:g}: incremental build {r + 1}/{args.repeats} (+{rows} notices of {day}) "
            f"{'ok' if run.returncode == 0 else 'FAILED'} {run.wall_s:.1f} s")
        if run.returncode != 0 or "incremental build" not in run.stderr:
            problems.append(f"scale {scale:g}: incremental build {r + 1} exited {run.returncode} "
                            f"or was not incremental:\n" + "".join(run.stderr.splitlines(keepends=True)[-30:]))
            continue
        rec.add(scale, "incremental", "wall_s", run.wall_s, "s", r)
        rec.add(scale, "incremental", "peak_rss_bytes", run.peak_rss, "bytes", r)
        for stage, seconds in run.stages.items():
            rec.add(scale, "incremental", f"stage_{stage}_s", seconds, "s", r)
        rec.add(scale, "incremental", "stage_startup_s", run.startup_s, "s", r)
    for metric, unit in [("wall_s", "s"), ("peak_rss_bytes", "bytes"),
                         *[(f"stage_{s}_s", "s") for s in ("startup", *STAGES)]]:
        rec.add_median(scale, "incremental", metric, unit)
    return problems


# ---------------------------------------------------------------- outputs
def write_csv(rec: Recorder, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["scale", "subject", "metric", "repeat", "value", "unit"])
        writer.writeheader()
        writer.writerows(rec.rows)


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(a, b) -> str:
    return f"{a / b:.3g}×" if a is not None and b else "–"


def write_markdown(rec: Recorder, scales: list[float], repeats: int, path: Path, problems: list[str]) -> None:
    def last(scale, subject, metric):
        vals = rec.values(scale, subject, metric)
        return vals[-1] if vals else None

    def mib(value):
        return None if value is None else value / 2**20

    lines = ["# smartcounty benchmark", "",
             f"Medians of {repeats} run(s) per timing; wall-clock seconds unless noted. "
             "Pipeline = `smartcounty build` (process start to exit); floor = `benchmarks/floor.sql` "
             "(incl. preparing a UTF-8 copy of the drop); peer = `benchmarks/peer_pandas.py`.", "",
             "| scale | notices | registry rows | sample s | pipeline s | floor s | peer s | "
             "pipeline / floor | peer / pipeline | figures agree |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in scales:
        pipe, flo, peer = (rec.median(s, x, "wall_s") for x in ("pipeline", "floor", "peer"))
        agree = [last(s, x, "figures_match") for x in ("floor", "peer")]
        agree_txt = "–" if None in agree else ("yes" if all(agree) else "**NO**")
        lines.append(f"| {s:g} | {_fmt(last(s, 'drop', 'procurement_rows_read'))} | "
                     f"{_fmt(last(s, 'drop', 'registry_rows_read'))} | {_fmt(rec.median(s, 'sample', 'wall_s'), 1)} | "
                     f"{_fmt(pipe, 1)} | {_fmt(flo, 2)} | {_fmt(peer, 2)} | {_ratio(pipe, flo)} | "
                     f"{_ratio(peer, pipe)} | {agree_txt} |")
    lines += ["", "## Pipeline by stage (median s) and resources", "",
              "| scale | start-up | raw load | dbt | checks | publish | other (between steps, exit) | CPU s | "
              "peak RSS MiB | warehouse MiB | serving MiB |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in scales:
        stage = [_fmt(rec.median(s, "pipeline", f"stage_{x}_s"), 1) for x in ("startup", *STAGES, "other")]
        lines.append(f"| {s:g} | " + " | ".join(stage) + f" | {_fmt(rec.median(s, 'pipeline', 'cpu_s'), 1)} | "
                     f"{_fmt(mib(rec.median(s, 'pipeline', 'peak_rss_bytes')), 0)} | "
                     f"{_fmt(mib(last(s, 'pipeline', 'warehouse_bytes')), 1)} | "
                     f"{_fmt(mib(last(s, 'pipeline', 'serving_bytes')), 1)} |")
    lines += ["", "## Rows per source (read / accepted / quarantined)", "",
              "| scale | " + " | ".join(SOURCES) + " |", "|---|---|---|---|"]
    for s in scales:
        cells = [f"{_fmt(last(s, 'drop', f'{x}_rows_read'))} / {_fmt(last(s, 'drop', f'{x}_rows_accepted'))} / "
                 f"{_fmt(last(s, 'drop', f'{x}_rows_quarantined'))}" for x in SOURCES]
        lines.append(f"| {s:g} | " + " | ".join(cells) + " |")
    lines += ["", "## Floor and peer CPU (median s)", "", "| scale | floor wall | floor prepare | floor CPU | "
              "peer wall | peer CPU |", "|---|---|---|---|---|---|"]
    for s in scales:
        lines.append(f"| {s:g} | {_fmt(rec.median(s, 'floor', 'wall_s'))} | {_fmt(rec.median(s, 'floor', 'prepare_s'))} | "
                     f"{_fmt(rec.median(s, 'floor', 'cpu_s'))} | {_fmt(rec.median(s, 'peer', 'wall_s'))} | "
                     f"{_fmt(rec.median(s, 'peer', 'cpu_s'))} |")
    if any(rec.median(s, "incremental", "wall_s") for s in scales):
        lines += ["", "## Incremental build after one day of new notices (median s)", "",
                  "| scale | notices added | incremental s | full s | incremental / full | start-up | raw load | "
                  "dbt | checks | publish |", "|---|---|---|---|---|---|---|---|---|---|"]
        for s in scales:
            inc, full = rec.median(s, "incremental", "wall_s"), rec.median(s, "pipeline", "wall_s")
            if not inc:
                continue
            stage = [_fmt(rec.median(s, "incremental", f"stage_{x}_s"), 1) for x in ("startup", *STAGES)]
            share = f"{inc / full:.0%}" if full else "–"
            lines.append(f"| {s:g} | {_fmt(last(s, 'incremental', 'day_rows'))} | {_fmt(inc, 1)} | {_fmt(full, 1)} | "
                         f"{share} | " + " | ".join(stage) + " |")
    if problems:
        lines += ["", "## Problems", ""] + [f"- {p.splitlines()[0]}" for p in problems]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_plot(rec: Recorder, scales: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for subject, label, marker in (("pipeline", "pipeline (smartcounty build)", "o"),
                                   ("floor", "engine floor (DuckDB SQL)", "s"), ("peer", "pandas peer", "^")):
        points = [(s, rec.median(s, subject, "wall_s")) for s in scales]
        points = [(s, v) for s, v in points if v]
        if points:
            ax.plot(*zip(*points), marker=marker, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("scale (1 = real Guangxi size)")
    ax.set_ylabel("wall time, s (median)")
    ax.set_title("Time against scale")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------- CLI
def parse_scales(text: str) -> list[float]:
    try:
        scales = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not scales or any(s <= 0 for s in scales):
        raise argparse.ArgumentTypeError("scales must be positive numbers")
    return scales


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartcounty bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", type=parse_scales, default=parse_scales("0.1,1,4"),
                   help="comma-separated sample scales (default 0.1,1,4)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default artifacts/bench)")
    p.add_argument("--repeats", type=int, default=3, help="runs per timing; the median is reported (default 3)")
    p.add_argument("--sample-repeats", type=int, default=3,
                   help="runs of the sample generator per scale; the median is reported (default 3)")
    p.add_argument("--seed", type=int, default=2024, help="sample seed (default 2024)")
    p.add_argument("--work", type=Path, help="scratch folder for drops and warehouses (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep drops and warehouses in the scratch folder")
    p.add_argument("--no-incremental", dest="incremental", action="store_false",
                   help="skip the incremental builds (one day of new notices per repeat) after the full ones")
    p.add_argument("--timeout", type=float, default=7200, help="seconds allowed per sample or build run")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeats < 1 or args.sample_repeats < 1:
        print("error: --repeats and --sample-repeats must be ≥ 1", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rec, problems = Recorder(), []
    work = args.work or Path(tempfile.mkdtemp(prefix="smartcounty-bench-"))
    try:
        for scale in args.scales:
            problems += bench_scale(scale, args, rec, work, log)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        csv_path, md_path, png_path = args.out / "measurements.csv", args.out / "summary.md", args.out / "time_vs_scale.png"
        write_csv(rec, csv_path)
        write_markdown(rec, args.scales, args.repeats, md_path, problems)
        write_plot(rec, args.scales, png_path)
    print(md_path.read_text(encoding="utf-8"))
    print(f"wrote {csv_path}, {md_path}, {png_path}")
    for line in problems:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
