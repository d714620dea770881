"""``smartcounty`` — command-line entry point. Long because it is the whole command surface:
one parser and one short function per command, each importing the layer it drives lazily.

Every command fails with a one-line message and a non-zero exit; ``--debug`` shows the
traceback instead."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import re
import sys
import time
from pathlib import Path

from smartcounty import settings


class CliError(Exception):
    """An expected failure: shown as one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise SystemExit(_fail(f"{self.prog}: {message} (see --help)", 2))


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


# ---------------------------------------------------------------- sample
def positive_scale(text: str) -> float:
    """argparse type of --scale: a finite number > 0 (NaN and infinity would reach numpy)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid scale {text!r}: expected a number > 0, e.g. 0.01") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"invalid scale {text!r}: expected a finite number > 0, e.g. 0.01")
    return value


def seed_value(text: str) -> int:
    """argparse type of --seed: an integer >= 0 (numpy's seeds are non-negative)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: expected an integer >= 0") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: expected an integer >= 0")
    return value


def cmd_sample(args) -> int:
    from smartcounty.sample import generate

    out = Path(args.out).expanduser().resolve() if args.out else settings.raw_dir()
    existing = [p for sub in ("procurement", "registry", "connectivity") if (out / sub).is_dir()
                for p in (out / sub).iterdir() if p.is_file()]
    if existing and not args.force:
        raise CliError(f"{out} already holds {len(existing)} raw files; use --force to replace them")
    for p in existing:
        p.unlink()

    def progress(k: int, n: int, seconds: float) -> None:
        if n > 1:   # a sliced drop (scale > 1) takes minutes: say how far it is
            print(f"  slice {k}/{n} written ({seconds:.0f} s)", file=sys.stderr, flush=True)

    started = time.perf_counter()
    summary = generate(out, scale=args.scale, seed=args.seed, progress=progress)
    elapsed = time.perf_counter() - started
    print(f"wrote a synthetic raw drop to {out} in {elapsed:.1f} s (scale {args.scale}, seed {args.seed})")
    for key, value in (summary or {}).items():
        if key != "files":
            print(f"  {key}: {value}")
    return 0


# ---------------------------------------------------------------- build
def _root_cause(error) -> str:
    """The innermost message of a Dagster SerializableErrorInfo chain."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return (getattr(error, "message", None) or str(error)).strip()


def incremental_subset(defs, dirty: tuple[str, ...]):
    """(asset keys, check keys) of an incremental build: the raw assets, everything downstream
    of the dirty sources' raw assets, the publish step, and the checks of what is rebuilt."""
    import dagster as dg

    from dagster_pipeline.assets.raw import RAW_ASSET_KEYS

    graph = defs.resolve_asset_graph()
    dirty_raw = [RAW_ASSET_KEYS[s] for s in dirty]
    rebuilt = dg.AssetSelection.assets(*dirty_raw).downstream().resolve(graph) if dirty_raw else set()
    assets = set(rebuilt) | set(RAW_ASSET_KEYS.values()) | {dg.AssetKey("serving_snapshot")}
    checks = {key for key in graph.asset_check_keys if key.asset_key in rebuilt}
    return assets, checks


def run_build(*, select: str | None = None, raise_on_error: bool = False, full_refresh: bool = False,
              allow_shrink: bool = False):
    """Materialise the assets in this process through Dagster; returns the run result.

    An incremental build (a previous good build exists, the rules are unchanged) runs only the
    raw loads and what is downstream of the sources that changed (dagster_pipeline.incremental)."""
    from dagster_pipeline.instance import build_instance
    from dagster_pipeline.project import ensure_manifest
    from dagster_pipeline import incremental

    ensure_manifest()
    from dagster_pipeline.definitions import defs

    gc.freeze()  # what the imports made stays: the collector need not scan it again (cmd_build)
    gc.enable()
    plan = incremental.plan_build(settings.warehouse_path(), settings.raw_dir(), full_refresh=full_refresh)
    print(f"{plan.mode} build ({plan.reason})", file=sys.stderr, flush=True)
    job = defs.resolve_implicit_global_asset_job_def()
    if plan.mode == "incremental":
        assets, checks = incremental_subset(defs, plan.dirty)
        job = job.get_subset(asset_selection=assets, asset_check_selection=checks)
    tags = {**plan.tags, settings.ALLOW_SHRINK_TAG: "true"} if allow_shrink else plan.tags
    with build_instance() as instance:
        # Loggers only take effect when the run config names them (else Dagster uses its own console).
        return job.execute_in_process(instance=instance, raise_on_error=raise_on_error,
                                      run_config={"loggers": {"console": {}}}, tags=tags)


def summarize_failures(result, log: Path | None = None) -> list[str]:
    """The failed steps, blocking checks (with their first reason) and dbt models/tests (from dbt's log)."""
    from dagster_pipeline.console import check_failure_detail, dbt_problems

    lines = []
    for event in result.get_step_failure_events():
        lines.append(f"step {event.step_key}: {_root_cause(event.step_failure_data.error)}")
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity.value == "ERROR":
            detail = check_failure_detail(dict(evaluation.metadata or {}))
            lines.append(f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed"
                         + (f": {detail}" if detail else ""))
    if log is not None and log.exists() and (lines or not result.success):
        lines += [f"dbt: {problem}" for problem in dbt_problems(log.read_text(encoding="utf-8", errors="replace"))]
    return lines


@contextlib.contextmanager
def build_output(log: Path, verbose: bool = False):
    """The build console around a run: dbt's own output into ``log`` (and, with --verbose, on the
    terminal too); progress through dagster_pipeline.console on stderr."""
    from dagster_pipeline import progress
    from dagster_pipeline.console import BuildConsole, Tee

    with open(log, "w", encoding="utf-8") as sink, BuildConsole(verbose=verbose) as display:
        progress.attach(display)
        try:
            with contextlib.redirect_stdout(Tee(sink, sys.stdout) if verbose else sink):
                yield display
        finally:
            progress.attach(None)


def check_build_inputs() -> tuple[Path, Path, Path]:
    """(raw, warehouse, serving) from the exported settings, every one validated before any
    work starts: a bad path must fail in a second with its reason, not after the build."""
    try:
        settings.check_params()
    except ValueError as exc:
        raise CliError(str(exc)) from None
    raw, warehouse, serving = settings.raw_dir(), settings.warehouse_path(), settings.serving_path()
    if not raw.exists():
        raise CliError(f"raw drop folder not found: {raw} (run `smartcounty sample` or pass --raw)")
    if not raw.is_dir():
        raise CliError(f"--raw is not a folder: {raw} (give the folder holding procurement/, registry/, connectivity/)")
    check_output_paths(warehouse, serving)
    _check_writable(warehouse, "warehouse")
    _check_writable(serving, "serving copy")
    _check_unlocked(warehouse)
    return raw, warehouse, serving


def check_output_paths(warehouse: Path, serving: Path) -> None:
    """The warehouse and the serving copy: two different files (not folders). Publishing over
    the warehouse would replace it with the served subset and lose the raw tables."""
    for label, flag, path in (("warehouse", "--warehouse", warehouse), ("serving copy", "--serving", serving)):
        if path.is_dir():
            raise CliError(f"{flag} is a folder: {path} (give the {label}'s file name, e.g. {path / (flag[2:] + '.duckdb')})")
    same = warehouse.resolve() == serving.resolve() or (
        warehouse.exists() and serving.exists() and os.path.samefile(warehouse, serving))
    if same:
        raise CliError(f"--serving and --warehouse are the same file ({warehouse}): "
                       "the serving copy would overwrite the warehouse; give two different files")


PROFILE_FILE = "build_profile.json"  # next to the warehouse; `smartcounty bench` may read it


def write_profile(path: Path, display, process_started: float) -> dict:
    """The build's seconds by stage and step (dagster_pipeline.console.build_profile), as JSON."""
    from dagster_pipeline.console import build_profile

    startup = None if display.first_step_at is None else display.first_step_at - process_started
    profile = build_profile(time.monotonic() - process_started, startup, display.steps)
    path.write_text(json.dumps(profile, indent=1), encoding="utf-8")
    return profile


def cmd_build(args) -> int:
    settings.export_env(warehouse=args.warehouse, raw=args.raw, serving=args.serving)
    raw, warehouse, _ = check_build_inputs()
    # Importing Dagster, dagster-dbt and dbt makes ~10^6 objects; without the cyclic GC (and GX's
    # pool doing likewise) the start-up stage took 7.1–8.0 s instead of 8.8–10.6 s (0.01 A/B,
    # docs/DESIGN.md). run_build turns it back on once the definitions are loaded.
    gc.disable()
    from dagster_pipeline import dbt_worker
    from expectations import pool

    # The GX workers import GX (≈ 5 s of CPU) while this process imports dbt (≈ 4 s, on the other
    # core), then dbt is parsed in a worker forked once this process has imported it (before
    # anything else is opened; it closes its copies of the GX workers' sockets), while this
    # process imports Dagster and loads the raw drop; the run's `dbt` step and `gx` resource
    # take them over (a run without them ends them unused).
    pool.prestart()
    dbt_worker.prestart(in_child=pool.forget_in_fork)
    from dagster_pipeline import reaper
    from dagster_pipeline.console import process_age, profile_line
    from expectations import outcomes as validation

    process_started = time.monotonic() - process_age()
    log = warehouse.parent / "build.log"
    print(f"building {warehouse} from {raw} (dbt log: {log})", file=sys.stderr)
    started = time.perf_counter()
    # If this process dies (even by SIGKILL), the watcher ends the dbt process it started,
    # which would otherwise keep writing to — and locking — the warehouse.
    watcher = reaper.watch_children()
    try:
        with build_output(log, verbose=args.verbose) as display:
            result = run_build(full_refresh=args.full_refresh, allow_shrink=args.allow_shrink)
    finally:
        gc.enable()  # a run that failed before run_build turned it on
        pool.discard_prestarted()
        dbt_worker.discard()
        reaper.release(watcher)
    elapsed = time.perf_counter() - started
    profile = write_profile(warehouse.parent / PROFILE_FILE, display, process_started)
    report = validation.report_path(warehouse)
    # Only a report this build wrote (a build stopped before its checks wrote none).
    report_is_fresh = report.exists() and report.stat().st_mtime >= time.time() - elapsed
    failures = summarize_failures(result, log)
    if not result.success or failures:
        from dagster_pipeline.console import failure_block

        for line in failure_block(elapsed, failures, log, report if report_is_fresh else None):
            print(line, file=sys.stderr)
        return 1
    warnings = [f"{e.asset_key.to_user_string()}:{e.check_name}" for e in result.get_asset_check_evaluations()
                if not e.passed]
    print(f"build succeeded in {elapsed:.1f} s")
    print(f"  warehouse: {warehouse}")
    print(f"  serving copy: {settings.serving_path()}")
    if report.exists():
        print(f"  validation report: {report}")
    print(f"  dbt log: {log}")
    print(f"  {profile_line(profile)}; per step: {warehouse.parent / PROFILE_FILE}")
    if warnings:
        print(f"  warnings: {', '.join(warnings)}")
    return 0


def _check_writable(path: Path, label: str) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create the {label} folder {folder}: {exc.strerror}") from exc
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"{label} path is not writable: {path}")


def lock_message(path: Path, error: str) -> str:
    """One line for a warehouse another process holds; DuckDB's message names its PID."""
    pid = re.search(r"\(PID (\d+)\)", error)
    holder = f"another process (PID {pid.group(1)})" if pid else "another process"
    return (f"warehouse {path} is locked by {holder}: another build, or a program writing to it, holds it; "
            "wait for it to end or stop it")


def _check_unlocked(path: Path) -> None:
    import duckdb

    if path.exists():
        try:
            duckdb.connect(str(path)).close()
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise CliError(lock_message(path, str(exc))) from None
            raise CliError(f"cannot open warehouse {path}: {exc}") from None


# ---------------------------------------------------------------- figures
def reconciliation_rows(path: Path) -> list[dict]:
    import duckdb

    if not path.exists():
        raise CliError(f"warehouse not found: {path} (run `smartcounty build` first)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise CliError(f"cannot open {path} read-only: {exc}") from exc
    try:
        cur = con.execute(
            "select figure_id, claim_zh, published_value, computed_value, unit, comparison, matches, report_model "
            "from report.figure_reconciliation order by figure_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    except duckdb.CatalogException as exc:
        raise CliError(f"{path} has no report.figure_reconciliation (run `smartcounty build`)") from exc
    finally:
        con.close()


def format_table(rows: list[dict]) -> str:
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)

    cols = ["figure_id", "published_value", "computed_value", "unit", "comparison", "matches", "claim_zh"]
    cells = [[("✓" if r[c] else "✗") if c == "matches" else ("" if r[c] is None else str(r[c])) for c in cols]
             for r in rows]
    widths = [max([width(c)] + [width(row[i]) for row in cells]) for i, c in enumerate(cols)]

    def line(values):
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(cols), line(["-" * w for w in widths])] + [line(row) for row in cells]
    matched = sum(1 for r in rows if r["matches"])
    out.append(f"{matched}/{len(rows)} figures match the published values")
    return "\n".join(out)


def cmd_figures(args) -> int:
    settings.export_env(warehouse=args.warehouse)
    rows = reconciliation_rows(settings.warehouse_path())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    else:
        print(format_table(rows))
    return 0


# ---------------------------------------------------------------- docs
def cmd_docs(args) -> int:
    from smartcounty.serving import docs_site

    settings.export_env(warehouse=args.warehouse)
    site = docs_site.site_dir(settings.warehouse_path())
    try:
        if not args.no_generate:
            docs_site.require_warehouse(settings.warehouse_path())
            started = time.perf_counter()
            print(f"generating the dbt docs site from {settings.warehouse_path()} …", file=sys.stderr, flush=True)
            site = docs_site.generate(settings.warehouse_path())
            print(f"wrote the dbt docs site to {site} in {time.perf_counter() - started:.1f} s "
                  f"(open {site / 'index.html'})")
        if args.serve:
            server = docs_site.make_server(site, args.port)
            print(f"serving {site} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)",
                  file=sys.stderr, flush=True)
            with server:
                server.serve_forever()
    except docs_site.DocsError as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:  # e.g. the port is taken
        raise CliError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}") from exc
    return 0


# ---------------------------------------------------------------- export
def cmd_export(args) -> int:
    from smartcounty.serving import export

    settings.export_env(serving=args.serving)
    serving = settings.serving_path()
    out = Path(args.out).expanduser().resolve() if args.out else serving.parent / f"export-{args.format}"
    started = time.perf_counter()
    try:
        manifest = export.export(serving, out, args.format)
    except export.ExportError as exc:
        raise CliError(str(exc)) from exc
    size = sum(f["bytes"] for f in manifest["files"])
    print(f"exported {len(manifest['relations'])} relations "
          f"({sum(r['rows'] for r in manifest['relations'])} rows, {size / 1e6:.1f} MB of {args.format}) "
          f"to {out} in {time.perf_counter() - started:.1f} s; schema and checksums: {out / export.MANIFEST}")
    truncated = {r["relation"]: r["truncated_cells"] for r in manifest["relations"] if r.get("truncated_cells")}
    if truncated:
        print(f"warning: text cut to Excel's {export.CELL_CHARS_MAX:,} characters per cell in "
              + ", ".join(f"{name} ({n} cells)" for name, n in truncated.items()) + "; Parquet keeps it whole",
              file=sys.stderr)
    return 0


# ---------------------------------------------------------------- app
def streamlit_args(host: str, port: int) -> list[str]:
    from streamlit_app.launch import streamlit_args as app_args

    return [sys.executable, "-m", "streamlit", *app_args(port=port, address=host)]


def cmd_app(args) -> int:
    settings.export_env(serving=args.serving)
    if not settings.serving_path().exists():
        print(f"note: no serving copy at {settings.serving_path()} yet; run `smartcounty build`", file=sys.stderr)
    argv = streamlit_args(args.host, args.port)
    print(f"serving the front end on http://{args.host}:{args.port}", file=sys.stderr)
    os.execv(argv[0], argv)
    return 0  # not reached


# ---------------------------------------------------------------- bulletin
def cmd_bulletin(args) -> int:
    from smartcounty.bulletin import BulletinDataMissing, parse_formats, write_bulletin

    serving = Path(args.serving).expanduser().resolve() if args.serving else settings.serving_path()
    try:
        formats = parse_formats(args.format)
        started = time.perf_counter()
        written = write_bulletin(serving, Path(args.out).expanduser().resolve(), year=args.year, formats=formats)
    except (BulletinDataMissing, ValueError) as exc:
        raise CliError(f"no bulletin written: {exc}") from exc
    print(f"wrote {', '.join(str(p) for p in written)} in {time.perf_counter() - started:.1f} s")
    return 0


# ---------------------------------------------------------------- bench
def cmd_bench(args) -> int:
    from benchmarks.runner import main as bench_main

    return bench_main(args.bench_args)  # its own parser (and --help) reads them


# ---------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="smartcounty", description=(
        "Guangxi county smart-city warehouse: raw drop → DuckDB → dbt → checks → serving copy → Streamlit."))
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("sample", help="write a synthetic raw drop (procurement, registry, connectivity)")
    p.add_argument("--out", help=f"target raw-drop folder (default ${settings.RAW_DIR_ENV} or data/raw)")
    p.add_argument("--scale", type=positive_scale, default=1.0,
                   help="row-count multiplier > 0; 1 = real Guangxi size (default 1)")
    p.add_argument("--seed", type=seed_value, default=2024, help="random seed, an integer >= 0 (default 2024)")
    p.add_argument("--force", action="store_true", help="replace the raw files already in --out")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("build", help="load the raw drop, run dbt and the checks, publish the serving copy")
    p.add_argument("--raw", help=f"raw-drop folder (default ${settings.RAW_DIR_ENV} or data/raw)")
    p.add_argument("--warehouse", help=f"warehouse DuckDB file (default ${settings.WAREHOUSE_ENV} or data/warehouse.duckdb)")
    p.add_argument("--serving", help=f"serving copy (default ${settings.SERVING_ENV} or data/serving.duckdb)")
    p.add_argument("--full-refresh", action="store_true",
                   help="reload every raw file and rebuild every model (default: only what changed since the last good build)")
    p.add_argument("--verbose", action="store_true",
                   help="print every step, asset and check, and dbt's own output (default: one line per stage)")
    p.add_argument("--allow-shrink", action="store_true",
                   help=f"publish even if a source lost all its files or fell below ${settings.MIN_ROW_SHARE_ENV} "
                        f"(default {settings.DEFAULT_MIN_ROW_SHARE:g}) of the last published build's accepted rows")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("figures", help="print report.figure_reconciliation: published vs computed")
    p.add_argument("--warehouse", help="warehouse DuckDB file (default data/warehouse.duckdb)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("docs", help="generate the dbt docs site next to the warehouse (docs_site/); --serve serves it")
    p.add_argument("--warehouse", help="warehouse DuckDB file (default data/warehouse.duckdb)")
    p.add_argument("--serve", action="store_true", help="then serve the site on http://127.0.0.1:PORT (local only)")
    p.add_argument("--port", type=int, default=8080, help="port for --serve (default 8080)")
    p.add_argument("--no-generate", action="store_true", help="serve the existing site without regenerating it")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("export", help="export every marts/report relation of the serving copy (Parquet or XLSX)")
    p.add_argument("--format", choices=("parquet", "xlsx"), default="parquet", help="file format (default parquet)")
    p.add_argument("--out", help="output folder (default export-FORMAT next to the serving copy)")
    p.add_argument("--serving", help="serving copy to read (default data/serving.duckdb)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bench", add_help=False,
                       help="benchmark the pipeline against an engine floor and a pandas peer (see `bench --help`)")
    p.set_defaults(func=cmd_bench)  # every argument after `bench` goes to the benchmark's own parser

    p = sub.add_parser("bulletin", help="write the next issue of the bulletin (DOCX, PDF) from the serving copy")
    p.add_argument("--year", type=int, help="report year (default: the last report year of the serving copy)")
    p.add_argument("--serving", help="serving copy (default data/serving.duckdb)")
    p.add_argument("--out", default=".", help="output folder (default: the current folder)")
    p.add_argument("--format", default="docx,pdf", help="comma-separated: docx, pdf (default docx,pdf)")
    p.set_defaults(func=cmd_bulletin)

    p = sub.add_parser("app", help="serve the Streamlit front end over the serving copy")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: local only)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--serving", help="serving copy (default data/serving.duckdb)")
    p.set_defaults(func=cmd_app)
    return parser


def exit_now(code: int) -> None:
    """End a finished build's process without the interpreter's teardown: freeing the objects of
    Dagster, dbt-core, GX and pandas module by module costs ≈ 2 s of CPU after the work is done.
    Everything that must reach the disk is already there (every DuckDB connection and the log are
    closed, the Dagster instance disposed); the log handlers and the streams are flushed here."""
    import logging

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None  # the console script or `python -m smartcounty.cli`, not a library call
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "bench":
        args.bench_args = rest
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        code = args.func(args)
        if as_program and args.func is cmd_build:
            exit_now(code)
        return code
    except CliError as exc:
        if args.debug:
            raise
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:  # unexpected: still one line unless --debug
        if args.debug:
            raise
        return _fail(f"{type(exc).__name__}: {exc} (rerun with --debug for the traceback)")


if __name__ == "__main__":
    sys.exit(main())
