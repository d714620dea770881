"""The bench's outputs: ``measurements.csv`` (every measurement), ``summary.md`` (medians, ratios,
the per-stage profile, every run's time and peak memory, the memory curve) and a log–log plot."""

from __future__ import annotations

import csv
from pathlib import Path

from .common import SOURCES

GIB = 2**30
MEMORY_LIMIT = 24 * GIB        # the machine the extrapolation is for
PROFILE_LABELS = {"startup": "start-up", "raw_load": "raw load", "raw_checks": "raw checks",
                  "dbt_start": "dbt start + parse", "dbt_run": "dbt execution", "gx_checks": "GX checks",
                  "publish": "publish", "other": "other (between steps, exit)"}


def write_csv(rec, path: Path) -> None:
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


def _mib(value):
    return None if value is None else value / 2**20


def memory_fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares line (intercept, slope) of peak bytes against scale; None under two scales."""
    if len({s for s, _ in points}) < 2:
        return None
    n = len(points)
    mx, my = sum(s for s, _ in points) / n, sum(v for _, v in points) / n
    slope = sum((s - mx) * (v - my) for s, v in points) / sum((s - mx) ** 2 for s, _ in points)
    return my - slope * mx, slope


def largest_scale(fit: tuple[float, float] | None, limit: float = MEMORY_LIMIT) -> float | None:
    if fit is None or fit[1] <= 0:
        return None
    return (limit - fit[0]) / fit[1]


def write_markdown(rec, scales: list[float], repeats: int, single: list[float], path: Path,
                   problems: list[str]) -> None:
    def last(scale, subject, metric):
        vals = rec.values(scale, subject, metric)
        return vals[-1] if vals else None

    def runs(s):
        return "1 (single run)" if s in single else str(repeats)

    lines = ["# smartcounty benchmark", "",
             f"Medians of {repeats} run(s) per timing; scales marked *single run* ran once (their one build "
             "is a first build). Wall-clock seconds unless noted. Pipeline = `smartcounty build` (process start "
             "to exit), warm: the warehouse deleted but its path, dbt's partial parse and `DAGSTER_HOME` kept; "
             "first build = a fresh warehouse (new path, new `DAGSTER_HOME`; dbt starts from the project's saved "
             "parse, as after `make manifest`: the profile does not name the warehouse). Floor = "
             "`benchmarks/floor.sql` (incl. preparing a UTF-8 copy of the drop); peer = `benchmarks/peer_pandas.py`.",
             "",
             "| scale | runs | notices | registry rows | sample s | sample peak MiB | first build s | pipeline s | "
             "floor s | peer s | pipeline / floor | peer / pipeline | figures agree |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in scales:
        pipe, flo, peer = (rec.median(s, x, "wall_s") for x in ("pipeline", "floor", "peer"))
        agree = [last(s, x, "figures_match") for x in ("floor", "peer") if rec.values(s, x, "wall_s")]
        agree_txt = "–" if not agree or None in agree else ("yes" if all(agree) else "**NO**")
        lines.append(f"| {s:g} | {runs(s)} | {_fmt(last(s, 'drop', 'procurement_rows_read'))} | "
                     f"{_fmt(last(s, 'drop', 'registry_rows_read'))} | {_fmt(rec.median(s, 'sample', 'wall_s'), 1)} | "
                     f"{_fmt(_mib(rec.median(s, 'sample', 'peak_rss_bytes')), 0)} | "
                     f"{_fmt(rec.median(s, 'first_build', 'wall_s'), 1)} | {_fmt(pipe, 1)} | {_fmt(flo, 2)} | "
                     f"{_fmt(peer, 2)} | {_ratio(pipe, flo)} | {_ratio(peer, pipe)} | {agree_txt} |")

    lines += ["", "## Where a build's time goes (per-stage profile, median s)", "",
              "From the build's own step timings (`✓ step (s)` lines; the quiet console sums the check steps "
              "of a stage into one `checks` line: before dbt the raw tables', after it the models'). dbt is "
              "split by the build log, followed as it grows: execution = from dbt's first `k of N START` line "
              "to the end of the dbt step, start + parse = the rest of it (process start, profile, parse, "
              "manifest).", "",
              "| scale | build | " + " | ".join(PROFILE_LABELS.values()) + " | total | CPU s | peak RSS MiB |",
              "|---|---|" + "---|" * (len(PROFILE_LABELS) + 3)]
    for s in scales:
        for subject, label in (("first_build", "first"), ("pipeline", "warm"), ("incremental", "incremental")):
            if s in single and subject == "pipeline" or rec.median(s, subject, "wall_s") is None:
                continue
            cells = [_fmt(rec.median(s, subject, f"stage_{x}_s"), 1) for x in PROFILE_LABELS]
            lines.append(f"| {s:g} | {label} | " + " | ".join(cells) + f" | {_fmt(rec.median(s, subject, 'wall_s'), 1)}"
                         f" | {_fmt(rec.median(s, subject, 'cpu_s'), 1)} | "
                         f"{_fmt(_mib(rec.median(s, subject, 'peak_rss_bytes')), 0)} |")

    lines += ["", "## Every run: wall time and peak memory (whole process tree)", "",
              "| scale | run | wall s | peak RSS MiB |", "|---|---|---|---|"]
    for s in scales:
        for subject in ("sample", "first_build", "pipeline", "incremental"):
            walls, peaks = rec.values(s, subject, "wall_s"), rec.values(s, subject, "peak_rss_bytes")
            if s in single and subject == "pipeline":
                continue
            for k, (wall, peak) in enumerate(zip(walls, peaks), 1):
                lines.append(f"| {s:g} | {subject.replace('_', ' ')} {k} | {wall:.1f} | {peak / 2**20:.0f} |")

    lines += ["", "## Memory against scale", ""]
    for subject, what in (("pipeline", "build"), ("sample", "sample generator")):
        points = [(s, rec.median(s, subject, "peak_rss_bytes")) for s in scales if s >= 1]
        points = [(s, v) for s, v in points if v]
        fit = memory_fit(points)
        big = largest_scale(fit)
        if fit is None:
            lines.append(f"- {what}: fewer than two scales ≥ 1 measured, no extrapolation.")
        else:
            lines.append(f"- {what}: peak ≈ {fit[0] / 2**20:.0f} MiB + {fit[1] / 2**20:.0f} MiB × scale "
                         f"(least squares over scales {', '.join(f'{s:g}' for s, _ in points)}); 24 GiB "
                         + (f"reached at scale ≈ {big:.0f} by that line." if big else "not reached (flat)."))

    lines += ["", "## Rows per source (read / accepted / quarantined)", "",
              "| scale | " + " | ".join(SOURCES) + " |", "|---|---|---|---|"]
    for s in scales:
        cells = [f"{_fmt(last(s, 'drop', f'{x}_rows_read'))} / {_fmt(last(s, 'drop', f'{x}_rows_accepted'))} / "
                 f"{_fmt(last(s, 'drop', f'{x}_rows_quarantined'))}" for x in SOURCES]
        lines.append(f"| {s:g} | " + " | ".join(cells) + " |")
    lines += ["", "## Floor and peer CPU (median s)", "", "| scale | floor wall | floor prepare | floor CPU | "
              "peer wall | peer CPU | warehouse MiB | serving MiB |", "|---|---|---|---|---|---|---|---|"]
    for s in scales:
        lines.append(f"| {s:g} | {_fmt(rec.median(s, 'floor', 'wall_s'))} | {_fmt(rec.median(s, 'floor', 'prepare_s'))} | "
                     f"{_fmt(rec.median(s, 'floor', 'cpu_s'))} | {_fmt(rec.median(s, 'peer', 'wall_s'))} | "
                     f"{_fmt(rec.median(s, 'peer', 'cpu_s'))} | {_fmt(_mib(last(s, 'pipeline', 'warehouse_bytes')), 1)} | "
                     f"{_fmt(_mib(last(s, 'pipeline', 'serving_bytes')), 1)} |")
    if any(rec.median(s, "incremental", "wall_s") for s in scales):
        lines += ["", "## Incremental build after one day of new notices (median s)", "",
                  "| scale | notices added | incremental s | full s | incremental / full |", "|---|---|---|---|---|"]
        for s in scales:
            inc, full = rec.median(s, "incremental", "wall_s"), rec.median(s, "pipeline", "wall_s")
            if not inc:
                continue
            share = f"{inc / full:.0%}" if full else "–"
            lines.append(f"| {s:g} | {_fmt(last(s, 'incremental', 'day_rows'))} | {_fmt(inc, 1)} | {_fmt(full, 1)} | "
                         f"{share} |")
    if any(rec.median(s, "baseline", "wall_s") for s in scales):
        lines += ["", "## Against the baseline checkout (`--baseline`, warm builds alternated, median s)", "",
                  "| scale | this checkout s | baseline s | this / baseline | CPU this / baseline | first builds: "
                  "this / baseline s |", "|---|---|---|---|---|---|"]
        for s in scales:
            pipe, base = rec.median(s, "pipeline", "wall_s"), rec.median(s, "baseline", "wall_s")
            if base:
                lines.append(f"| {s:g} | {_fmt(pipe, 1)} | {_fmt(base, 1)} | {_ratio(pipe, base)} | "
                             f"{_ratio(rec.median(s, 'pipeline', 'cpu_s'), rec.median(s, 'baseline', 'cpu_s'))} | "
                             f"{_fmt(rec.median(s, 'first_build', 'wall_s'), 1)} / "
                             f"{_fmt(rec.median(s, 'baseline_first', 'wall_s'), 1)} |")
    if problems:
        lines += ["", "## Problems", ""] + [f"- {p.splitlines()[0]}" for p in problems]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_plot(rec, scales: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for subject, label, marker in (("pipeline", "pipeline (smartcounty build)", "o"),
                                   ("first_build", "first build (fresh warehouse)", "D"),
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
