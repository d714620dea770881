"""``smartcounty bench``: the pipeline against its engine floor and a pandas peer, per scale.
Long because it is the bench's one plan: measuring a run, one scale, the incremental days and the
baseline checkout share the same recorder and paths (the report is in ``report.py``).

For each scale, on one generated drop: sample generation time and peak memory; the **first
build of a fresh warehouse** (a new warehouse path and a new ``DAGSTER_HOME``: what a new user
meets; dbt starts from the project's saved parse, which ``make manifest`` writes and which no
warehouse path invalidates) and then ``--repeats`` warm full builds (the warehouse deleted,
its path, dbt's partial parse and ``DAGSTER_HOME`` kept, as a daily job on one machine). Each
build's wall time is split by stage from the build's own ``▶ step`` / ``✓ step (s)`` progress
lines (start-up, raw load, raw checks, dbt, GX checks, publish) and dbt further into start-up
and parse versus execution by when its first node starts in the build log (followed as it
grows); each run's peak
resident memory of its whole process tree (psutil polling), CPU time, warehouse and serving
sizes, rows per source. Then the floor (``floor.sql``) and the peer (``peer_pandas.py``).
Timings are medians of ``--repeats`` runs; ``--single-scales`` (e.g. 20) run once each, their
one build a first build. The floor's and the peer's figures must equal the pipeline's ``report``
relations — a mismatch fails the benchmark (exit 1), so it doubles as a differential test of the
models. Last, the incremental build: one day of new notices (``benchmarks/day.py``) per repeat,
each built on top of the previous (``--no-incremental`` skips it).

Writes into ``--out``: ``measurements.csv`` (every measurement), ``summary.md`` (``report.py``)
and ``time_vs_scale.png`` (log–log).
"""

from __future__ import annotations

import argparse
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

from . import floor, peer_pandas, report
from .common import ROOT, SOURCES, compare_figures, pipeline_figures, report_params, selected_files
from .day import write_day

DEFAULT_OUT = ROOT / "artifacts" / "bench"
STAGES = ("raw_load", "raw_checks", "dbt", "gx_checks", "publish")
# the per-stage profile of a build: stages plus start-up, dbt split in two, and what no step covers
PROFILE = ("startup", "raw_load", "raw_checks", "dbt_start", "dbt_run", "gx_checks", "publish", "other")
_DONE = re.compile(r"^\s*✓\s+(\S+)\s+\(([\d.]+)\s*s\)")
_DBT_STEP = re.compile(r"^\s*[▶✓]\s+\S*dbt\S*(\s|$)")
_NODE_START = re.compile(r"\b\d+ of \d+ START\b")     # dbt's "2 of 611 START sql view model ..."


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


def stage_of(step: str, after_dbt: bool = False) -> str:
    """Which build stage a Dagster step belongs to. Step keys seen: raw_sources,
    raw_<source>_gx_<suite> (GX checks of a raw table), <asset>_gx_<suite> (GX checks of the
    models), smartcounty_dbt, serving_snapshot; the quiet console sums check steps into one
    ``checks`` line: before dbt, those of the raw tables."""
    key = step.lower()
    if "gx" in key or "check" in key:
        return "raw_checks" if key.startswith("raw") or not after_dbt else "gx_checks"
    if "dbt" in key:
        return "dbt"
    if "serving" in key or "publish" in key:
        return "publish"
    if key.startswith("raw"):
        return "raw_load"
    return "gx_checks"


def stage_times(progress: list[str]) -> dict[str, float]:
    """Seconds per stage from the ``✓ step (s)`` lines of a build's stderr."""
    out = dict.fromkeys(STAGES, 0.0)
    after_dbt = False
    for line in progress:
        after_dbt |= bool(_DBT_STEP.match(line))
        m = _DONE.match(line)
        if m:
            out[stage_of(m.group(1), after_dbt)] += float(m.group(2))
    return out


def dbt_execution_s(progress: list[tuple[float, str]], dbt_log: list[tuple[float, str]]) -> float | None:
    """Seconds dbt spent executing nodes: from the moment its first ``k of N START`` line
    reached the build log (the bench follows the file as it grows) to the end of the dbt step on
    the console. The rest of the dbt step is dbt's start-up and parse. None when either is missing."""
    start = next((t for t, ln in dbt_log if _NODE_START.search(ln)), None)
    end = next((t for t, ln in progress if _DBT_STEP.match(ln) and _DONE.match(ln)), None)
    return None if start is None or end is None else max(0.0, end - start)


def profile(run: BuildRun) -> dict[str, float | None]:
    """The build's wall time by stage (``PROFILE``); ``dbt_start``/``dbt_run`` None when dbt's log had no node lines."""
    out = {"startup": run.startup_s, **{s: run.stages[s] for s in STAGES if s != "dbt"}}
    dbt = run.stages["dbt"]
    executing = None if run.dbt_execution_s is None else min(run.dbt_execution_s, dbt)
    out["dbt_run"] = executing
    out["dbt_start"] = None if executing is None else dbt - executing
    out["other"] = max(0.0, run.wall_s - (run.startup_s or 0.0) - sum(run.stages.values()))
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


class FileFollower(threading.Thread):
    """The lines appended to a file while a run goes on, each with the time it was first seen."""

    def __init__(self, path: Path, started: float, interval: float = 0.1):
        super().__init__(daemon=True)
        self.path, self.started, self.interval = path, started, interval
        self.lines: list[tuple[float, str]] = []
        self._halt, self._pos, self._partial = threading.Event(), 0, ""

    def poll(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                if fh.seek(0, 2) < self._pos:        # truncated: the build opened a new log
                    self._pos, self._partial = 0, ""
                fh.seek(self._pos)
                data = fh.read()
        except FileNotFoundError:
            return
        self._pos += len(data)
        now = time.perf_counter() - self.started
        *complete, self._partial = (self._partial + data.decode("utf-8", errors="replace")).split("\n")
        self.lines += [(now, ln) for ln in complete]

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.poll()

    def stop(self) -> list[tuple[float, str]]:
        self._halt.set()
        self.join()
        self.poll()
        return self.lines


@dataclass
class BuildRun:
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss: int
    stages: dict[str, float]
    startup_s: float | None  # process start to the first step (imports, dbt manifest, Dagster set-up)
    dbt_execution_s: float | None
    stderr: str


def cli_env(dagster_home: Path | None = None) -> dict:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    if dagster_home is not None:
        dagster_home.mkdir(parents=True, exist_ok=True)
        env["DAGSTER_HOME"] = str(dagster_home)
    return env


def run_measured(cmd: list[str], env: dict, timeout: float, follow: Path | None = None, cwd: Path = ROOT):
    """Run `cmd`: exit code, wall s, CPU s of its children, peak RSS of its process tree, its
    stderr lines and (``follow``) the lines appended to that file, each with its arrival time."""
    children_before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", errors="replace")
    memory = TreeMemory(proc.pid)
    memory.start()
    follower = FileFollower(follow, started) if follow else None
    if follower:
        follower.start()
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=lambda: lines.extend((time.perf_counter() - started, ln) for ln in proc.stderr),
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
    followed = follower.stop() if follower else []
    after = os.times()
    cpu = (after.children_user - children_before.children_user) + (after.children_system - children_before.children_system)
    return proc.returncode, wall, cpu, peak, lines, followed


def run_build(raw: Path, warehouse: Path, serving: Path, timeout: float, fresh: bool = True,
              dagster_home: Path | None = None, checkout: Path = ROOT) -> BuildRun:
    """One ``smartcounty build``; ``fresh`` deletes the warehouse first (a full build), else the
    build is incremental on top of the last one. ``checkout``: another checkout with its own
    ``.venv`` (``--baseline``), whose ``smartcounty`` then builds."""
    if fresh:
        for path in (warehouse, serving):
            path.unlink(missing_ok=True)
    log = warehouse.parent / "build.log"          # where the build writes dbt's output
    log.unlink(missing_ok=True)
    python = sys.executable if checkout == ROOT else str(checkout / ".venv" / "bin" / "python")
    cmd = [python, "-m", "smartcounty.cli", "build", "--raw", str(raw), "--warehouse", str(warehouse),
           "--serving", str(serving)]
    # `-m` puts the working directory first on sys.path: run from the checkout whose code is meant
    code, wall, cpu, peak, lines, dbt_log = run_measured(cmd, cli_env(dagster_home), timeout, follow=log, cwd=checkout)
    startup = next((t for t, ln in lines if ln.lstrip().startswith("▶")), None)
    text = [ln for _, ln in lines]
    return BuildRun(code, wall, cpu, peak, stage_times(text), startup, dbt_execution_s(lines, dbt_log), "".join(text))


def run_sample(raw: Path, scale: float, seed: int, timeout: float) -> tuple[float, int]:
    """Generate the drop: wall s and peak RSS."""
    if raw.exists():
        shutil.rmtree(raw)
    cmd = [sys.executable, "-m", "smartcounty.cli", "sample", "--out", str(raw), "--scale", str(scale),
           "--seed", str(seed), "--force"]
    code, wall, _, peak, lines, _ = run_measured(cmd, cli_env(), timeout)
    if code != 0:
        raise RuntimeError(f"smartcounty sample --scale {scale:g} exited {code}: " + "".join(ln for _, ln in lines[-20:]))
    return wall, peak


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
def record_build(rec: Recorder, scale: float, subject: str, run: BuildRun, r: int) -> None:
    rec.add(scale, subject, "wall_s", run.wall_s, "s", r)
    rec.add(scale, subject, "cpu_s", run.cpu_s, "s", r)
    rec.add(scale, subject, "peak_rss_bytes", run.peak_rss, "bytes", r)
    for stage, seconds in profile(run).items():
        rec.add(scale, subject, f"stage_{stage}_s", seconds, "s", r)


def add_build_medians(rec: Recorder, scale: float, subject: str) -> None:
    for metric, unit in [("wall_s", "s"), ("cpu_s", "s"), ("peak_rss_bytes", "bytes"),
                         *[(f"stage_{s}_s", "s") for s in PROFILE]]:
        rec.add_median(scale, subject, metric, unit)


def bench_scale(scale: float, args, rec: Recorder, work: Path, log) -> list[str]:
    """Measure one scale; returns the problems found (failed builds, figure mismatches)."""
    problems = []
    single = scale in args.single_scales
    repeats, sample_repeats = (1, 1) if single else (args.repeats, args.sample_repeats)
    folder = work / f"scale_{scale:g}"
    raw, warehouse, serving = folder / "raw", folder / "warehouse.duckdb", folder / "serving.duckdb"
    # a new folder and a DAGSTER_HOME of its own: the scale's first build meets nothing an earlier one left
    dagster_home = folder / "dagster_home"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    params = report_params()
    rec.add(scale, "bench", "repeats", repeats, "runs")

    for r in range(sample_repeats):
        seconds, peak = run_sample(raw, scale, args.seed, args.timeout)
        rec.add(scale, "sample", "wall_s", seconds, "s", r)
        rec.add(scale, "sample", "peak_rss_bytes", peak, "bytes", r)
        log(f"scale {scale:g}: sample {r + 1}/{sample_repeats} {seconds:.1f} s, peak {peak / 2**20:.0f} MiB")
    rec.add_median(scale, "sample", "wall_s", "s")
    rec.add_median(scale, "sample", "peak_rss_bytes", "bytes")
    for source in SOURCES:
        files = selected_files(raw, source)
        rec.add(scale, "drop", f"{source}_files", len(files), "files")
        rec.add(scale, "drop", f"{source}_bytes", sum(p.stat().st_size for p in files), "bytes")

    # the first build of a fresh warehouse, then the warm full builds (one build only at a single
    # scale); with --baseline, each warm build is followed by one of the baseline checkout on the
    # same drop, so both see the same machine state
    warm = [("pipeline", r) for r in range(repeats)]
    if args.baseline is not None and not single:  # the baseline's first build (its parse) is kept apart too
        warm = [("baseline_first", 0)] + [run for r in range(repeats) for run in (("pipeline", r), ("baseline", r))]
    plan = [("first_build", 0)] + ([] if single else warm)
    good_build = None
    base_paths = (folder / "baseline" / "warehouse.duckdb", folder / "baseline" / "serving.duckdb")
    for subject, r in plan:
        if subject.startswith("baseline"):
            base_paths[0].parent.mkdir(parents=True, exist_ok=True)
            run = run_build(raw, *base_paths, args.timeout, dagster_home=folder / "baseline" / "dagster_home",
                            checkout=args.baseline.resolve())
            rec.add(scale, subject, "exit_code", run.returncode, "", r)
            log(f"scale {scale:g}: {subject.replace('_', ' ')} build {r + 1}/{repeats} "
                f"{'ok' if run.returncode == 0 else 'FAILED'} {run.wall_s:.1f} s")
            if run.returncode == 0:
                record_build(rec, scale, subject, run, r)
            else:
                problems.append(f"scale {scale:g}: baseline build {r + 1} exited {run.returncode}")
                (args.out / f"build_scale_{scale:g}_{subject}_{r + 1}.log").write_text(run.stderr, encoding="utf-8")
            continue
        run = run_build(raw, warehouse, serving, args.timeout, dagster_home=dagster_home)
        ok = run.returncode == 0
        rec.add(scale, subject, "exit_code", run.returncode, "", r)
        what = "first build (fresh warehouse)" if subject == "first_build" else f"warm build {r + 1}/{repeats}"
        log(f"scale {scale:g}: {what} {'ok' if ok else 'FAILED'} {run.wall_s:.1f} s, peak {run.peak_rss / 2**20:.0f} MiB")
        if not ok:
            problems.append(f"scale {scale:g}: {what} exited {run.returncode}:\n"
                            + "".join(run.stderr.splitlines(keepends=True)[-30:]))
            (args.out / f"build_scale_{scale:g}_{subject}_{r + 1}.log").write_text(run.stderr, encoding="utf-8")
            continue
        good_build = run
        record_build(rec, scale, subject, run, r)
        if single:       # its only build stands for the full build too (the report says it is a first one)
            record_build(rec, scale, "pipeline", run, r)
    if good_build is not None:  # the progress lines of the last good build, for reading the stages
        (args.out / f"build_scale_{scale:g}.log").write_text(good_build.stderr, encoding="utf-8")
    for subject in ("first_build", "pipeline", "baseline_first", "baseline"):
        add_build_medians(rec, scale, subject)

    expected = None
    if good_build is not None:
        rec.add(scale, "pipeline", "warehouse_bytes", warehouse.stat().st_size, "bytes")
        rec.add(scale, "pipeline", "serving_bytes", serving.stat().st_size if serving.exists() else None, "bytes")
        for source, (read, accepted, quarantined) in source_rows(warehouse).items():
            rec.add(scale, "drop", f"{source}_rows_read", read, "rows")
            rec.add(scale, "drop", f"{source}_rows_accepted", accepted, "rows")
            rec.add(scale, "drop", f"{source}_rows_quarantined", quarantined, "rows")
        expected = pipeline_figures(warehouse)

    baselines = [("floor", lambda: floor.run_floor(raw, params))]
    if scale <= args.peer_max_scale:
        baselines.append(("peer", lambda: peer_pandas.compute(raw, params)))
    else:
        log(f"scale {scale:g}: peer skipped (above --peer-max-scale {args.peer_max_scale:g})")
    for subject, fn in baselines:
        figures = None
        for r in range(repeats):
            result, wall, cpu = timed(fn)
            rec.add(scale, subject, "wall_s", wall, "s", r)
            rec.add(scale, subject, "cpu_s", cpu, "s", r)
            if subject == "floor":
                rec.add(scale, subject, "prepare_s", result.prepare_s, "s", r)
                figures = result.figures
            else:
                figures = result
            log(f"scale {scale:g}: {subject} {r + 1}/{repeats} {wall:.1f} s")
        for metric in ("wall_s", "cpu_s") + (("prepare_s",) if subject == "floor" else ()):
            rec.add_median(scale, subject, metric, "s")
        if expected is not None:
            diff = compare_figures(expected, figures)
            rec.add(scale, subject, "figures_match", int(not diff), "bool")
            problems += [f"scale {scale:g}: {subject} ≠ pipeline: {line}" for line in diff]

    if good_build is not None and args.incremental:
        problems += bench_incremental(scale, repeats, args, rec, (raw, warehouse, serving, dagster_home), log)

    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return problems


def bench_incremental(scale: float, repeats: int, args, rec: Recorder, paths: tuple, log) -> list[str]:
    """After the full builds (and the baselines, which read the unchanged drop): one day of new
    notices arrives, then ``smartcounty build`` runs incrementally — once per repeat, each on top
    of the previous day, as a daily job would."""
    raw, warehouse, serving, dagster_home = paths
    problems = []
    for r in range(repeats):
        day = (date(2024, 7, 1) + timedelta(days=r)).isoformat()
        _, rows = write_day(raw, day, args.seed)
        rec.add(scale, "incremental", "day_rows", rows, "rows", r)
        run = run_build(raw, warehouse, serving, args.timeout, fresh=False, dagster_home=dagster_home)
        rec.add(scale, "incremental", "exit_code", run.returncode, "", r)
        log(f"scale {scale:g}: incremental build {r + 1}/{repeats} (+{rows} notices of {day}) "
            f"{'ok' if run.returncode == 0 else 'FAILED'} {run.wall_s:.1f} s, peak {run.peak_rss / 2**20:.0f} MiB")
        if run.returncode != 0 or "incremental build" not in run.stderr:
            problems.append(f"scale {scale:g}: incremental build {r + 1} exited {run.returncode} "
                            f"or was not incremental:\n" + "".join(run.stderr.splitlines(keepends=True)[-30:]))
            continue
        record_build(rec, scale, "incremental", run, r)
    add_build_medians(rec, scale, "incremental")
    return problems


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
    p.add_argument("--scales", type=parse_scales, default=parse_scales("0.01,0.1,1,4"),
                   help="comma-separated sample scales (default 0.01,0.1,1,4)")
    p.add_argument("--single-scales", type=parse_scales, default=[],
                   help="more scales run once each (sample, one first build, floor; e.g. 20 — national size)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default artifacts/bench)")
    p.add_argument("--repeats", type=int, default=3, help="warm builds per scale; the median is reported (default 3)")
    p.add_argument("--sample-repeats", type=int, default=3,
                   help="runs of the sample generator per scale; the median is reported (default 3)")
    p.add_argument("--seed", type=int, default=2024, help="sample seed (default 2024)")
    p.add_argument("--work", type=Path, help="scratch folder for drops and warehouses (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep drops and warehouses in the scratch folder")
    p.add_argument("--no-incremental", dest="incremental", action="store_false",
                   help="skip the incremental builds (one day of new notices per repeat) after the full ones")
    p.add_argument("--peer-max-scale", type=float, default=4.0,
                   help="run the pandas peer only up to this scale (default 4: it took 566 s there)")
    p.add_argument("--baseline", type=Path,
                   help="another checkout of smartcounty (with its own .venv, e.g. a `git worktree` of an earlier "
                        "commit): its warm builds alternate with this one's on the same drop and the report "
                        "gives the ratio")
    p.add_argument("--timeout", type=float, default=7200, help="seconds allowed per sample or build run")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeats < 1 or args.sample_repeats < 1:
        print("error: --repeats and --sample-repeats must be ≥ 1", file=sys.stderr)
        return 2
    if args.baseline is not None and not (args.baseline / ".venv" / "bin" / "python").exists():
        print(f"error: --baseline {args.baseline}: no .venv/bin/python there (run `make install manifest` in it)",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    scales = list(dict.fromkeys(args.scales + args.single_scales))
    args.single_scales = [s for s in args.single_scales if s not in args.scales]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rec, problems = Recorder(), []
    work = args.work or Path(tempfile.mkdtemp(prefix="smartcounty-bench-"))
    try:
        for scale in scales:
            problems += bench_scale(scale, args, rec, work, log)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        csv_path, md_path, png_path = args.out / "measurements.csv", args.out / "summary.md", args.out / "time_vs_scale.png"
        report.write_csv(rec, csv_path)
        report.write_markdown(rec, scales, args.repeats, args.single_scales, md_path, problems)
        report.write_plot(rec, scales, png_path)
    print(md_path.read_text(encoding="utf-8"))
    print(f"wrote {csv_path}, {md_path}, {png_path}")
    for line in problems:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
