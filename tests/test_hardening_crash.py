"""Crashes: SIGKILL a `smartcounty build` in each phase and prove nothing breaks (issue 7).

One module-scoped run: the prior good build (a copy of the session's ``small_build``, with its
build state, so later builds plan incrementally), four builds of a slightly changed drop
killed — during the raw load, a check, dbt and the publish — and one final build of the
original drop. The phase is read from the build's stderr progress lines; the publish kill
uses the hook ``SMARTCOUNTY_TEST_PUBLISH_DELAY`` (smartcounty/serving/publish.py), which waits
between the complete temp file and ``os.replace``. After every kill: no process of the build
survives, the serving copy is byte-identical and answers read-only queries, the warehouse
opens and its raw tables are whole. The final build succeeds, its report equals the clean
build's row for row, and the killed publish's orphaned temp file is gone.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil
import pytest

from conftest import ROOT, SMARTCOUNTY, cli_env, run_cli
from smartcounty.rawload import SOURCES, SPECS

pytestmark = pytest.mark.timeout(600)


@dataclass(frozen=True)
class KillPoint:
    phase: str
    start: re.Pattern  # the progress line that opens the phase
    kill_after: re.Pattern | None  # the first line after ``start`` at which to kill (None: at ``start``)
    not_yet: re.Pattern  # must not have appeared when the kill lands (still in the phase)


KILL_POINTS = [
    # The first source is committed, the next one is loading: the middle of the raw load.
    KillPoint("raw_load", re.compile(r"^▶ raw_sources$"), re.compile(r"^\s+· raw_\w+$"), re.compile(r"^✓ raw_sources")),
    # A GX check step has started (it imports GX and validates for a few seconds).
    KillPoint("checks", re.compile(r"^▶ \w+_gx_\w+$"), None, re.compile(r"^▶ smartcounty_dbt$")),
    # dbt has written some relations and is building the rest.
    KillPoint("dbt", re.compile(r"^▶ smartcounty_dbt$"), re.compile(r"^\s+· (staging|intermediate)/\w+$"),
              re.compile(r"^✓ smartcounty_dbt")),
    # The temp file is complete and os.replace has not run yet.
    KillPoint("publish", re.compile(r"^▶ serving_snapshot$"), re.compile(r"^publish: .* before os\.replace"),
              re.compile(r"^✓ serving_snapshot")),
]


@dataclass
class Kill:
    phase: str
    last_lines: list[str]
    returncode: int | None = None
    survivors: list[int] = field(default_factory=list)
    serving_sha: str | None = None
    serving_answer: tuple | None = None
    serving_error: str | None = None
    warehouse_state: dict | None = None
    warehouse_error: str | None = None
    temp_files: list[str] = field(default_factory=list)
    seconds: float = 0.0


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def serving_answer(serving: Path) -> tuple:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return con.execute(
            "select (select built_at from meta.build_info), (select count(*) from report.figure_reconciliation), "
            "(select count(*) from marts.fct_procurement_lots)").fetchone()
    finally:
        con.close()


def warehouse_state(warehouse: Path) -> dict:
    """Opens read-only; per source: rows_read of the files table vs rows in the raw tables
    (a half-written load would break the equality), plus the report relations present."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        state = {}
        for source in SOURCES:
            spec = SPECS[source]
            read = con.execute(f"select coalesce(sum(rows_read), 0) from raw.{spec.files_table}").fetchone()[0]
            rows = con.execute(f"select (select count(*) from raw.{spec.table}) + "
                               f"(select count(*) from raw.{spec.quarantine_table})").fetchone()[0]
            state[source] = (int(read), int(rows))
        state["report"] = sorted(r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'report'").fetchall())
        return state
    finally:
        con.close()


def kill_build(point: KillPoint, env: dict, work: Path, serving: Path, warehouse: Path) -> Kill:
    started = time.monotonic()
    proc = subprocess.Popen([*SMARTCOUNTY, "build", "--verbose"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # own process group
    lines: queue.Queue[str | None] = queue.Queue()

    def pump():
        for line in proc.stderr:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    in_phase = False
    deadline = started + 300
    try:
        while True:
            line = lines.get(timeout=max(1.0, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"build ended before the {point.phase} kill point:\n" + "\n".join(seen[-30:]))
            seen.append(line)
            if not in_phase:
                in_phase = bool(point.start.search(line))
                if in_phase and point.kill_after is None:
                    break
            elif point.kill_after.search(line):
                break
        descendants = psutil.Process(proc.pid).children(recursive=True)
        os.killpg(proc.pid, signal.SIGKILL)
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    kill = Kill(point.phase, seen[-5:])
    kill.returncode = proc.wait(timeout=30)
    _gone, alive = psutil.wait_procs(descendants, timeout=15)
    kill.survivors = [p.pid for p in alive]
    while True:  # the rest of stderr: had the phase already ended when the kill landed?
        try:
            line = lines.get(timeout=5)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
    assert not any(point.not_yet.search(s) for s in seen), f"{point.phase}: the kill landed after the phase"
    kill.last_lines = seen[-5:]
    try:
        kill.serving_sha = sha(serving)
        kill.serving_answer = serving_answer(serving)
    except Exception as exc:  # recorded; the test asserts
        kill.serving_error = f"{type(exc).__name__}: {exc}"
    try:
        kill.warehouse_state = warehouse_state(warehouse)
    except Exception as exc:
        kill.warehouse_error = f"{type(exc).__name__}: {exc}"
    kill.temp_files = sorted(p.name for p in work.glob(f"{serving.name}.tmp-*"))
    kill.seconds = time.monotonic() - started
    return kill


def report_rows(database: Path, schema: str = "report") -> dict[str, list[tuple]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]).fetchall()]
        return {n: con.execute(f'select * from {schema}."{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


@dataclass
class CrashRun:
    prior_sha: str
    prior_answer: tuple
    kills: dict[str, Kill]
    final: subprocess.CompletedProcess
    final_seconds: float
    work: Path
    clean_warehouse: Path
    clean_serving: Path


def changed_drop(raw: Path, target: Path) -> Path:
    """``raw`` with the last record of each source's last file repeated at its end: every
    source differs (each killed build reloads, rebuilds and republishes), the checks still
    pass (a repeated row is a re-post / duplicate the models resolve)."""
    shutil.copytree(raw, target)
    for source in SOURCES:
        path = sorted((target / source).iterdir())[-1]
        gz = path.name.endswith(".gz")
        data = gzip.decompress(path.read_bytes()) if gz else path.read_bytes()
        data = data.rstrip(b"\r\n") + b"\n"
        data += data[data.rstrip(b"\n").rfind(b"\n") + 1 :]
        path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return target


@pytest.fixture(scope="module")
def crash_run(small_build, tmp_path_factory) -> CrashRun:
    base = tmp_path_factory.mktemp("crash")
    # The prior good build: the session's build of the small drop, with its validation
    # outcomes and build state (so the next builds plan incrementally, as in real use).
    work = base / "wh"
    shutil.copytree(small_build.warehouse.parent, work)
    warehouse, serving = work / small_build.warehouse.name, work / small_build.serving.name
    prior_sha, prior_answer = sha(serving), serving_answer(serving)
    # Killed builds move the warehouse towards another drop; the final build goes back to the
    # small drop, so its report must equal the clean build of that drop (small_build).
    other = changed_drop(small_build.raw, base / "raw_changed")
    kill_env = cli_env(raw=other, warehouse=warehouse, serving=serving)
    kills = {}
    for point in KILL_POINTS:
        env = {**kill_env, "SMARTCOUNTY_TEST_PUBLISH_DELAY": "120"} if point.phase == "publish" else kill_env
        kills[point.phase] = kill_build(point, env, work, serving, warehouse)
    started = time.monotonic()
    final = run_cli("build", env=cli_env(raw=small_build.raw, warehouse=warehouse, serving=serving), timeout=400)
    final_seconds = time.monotonic() - started
    print("\ncrash points:", {k.phase: f"{k.seconds:.1f} s, last line {k.last_lines[-1]!r}" for k in kills.values()},
          f"final build {final_seconds:.1f} s")
    return CrashRun(prior_sha, prior_answer, kills, final, final_seconds, work, small_build.warehouse,
                    small_build.serving)


@pytest.mark.slow  # four killed builds and a full one
@pytest.mark.parametrize("phase", [p.phase for p in KILL_POINTS])
def test_a_killed_build_leaves_everything_usable(crash_run, phase):
    kill = crash_run.kills[phase]
    assert kill.returncode == -signal.SIGKILL
    assert kill.survivors == [], "a process of the killed build (dbt?) outlived the kill"
    assert kill.serving_error is None, kill.serving_error
    # every kill lands before os.replace: the serving copy is the prior one, byte for byte
    assert kill.serving_sha == crash_run.prior_sha
    assert kill.serving_answer == crash_run.prior_answer
    assert kill.warehouse_error is None, kill.warehouse_error
    for source in SOURCES:
        rows_read, rows_in_tables = kill.warehouse_state[source]
        assert rows_read == rows_in_tables > 0, f"{source}: raw tables not whole after the kill"
    assert kill.warehouse_state["report"], "the previous report schema is gone"
    if phase == "publish":
        assert len(kill.temp_files) == 1, "the killed publish should leave exactly its complete temp file"
    else:
        assert kill.temp_files == []


@pytest.mark.slow  # four killed builds and a full one
def test_the_next_build_succeeds_and_equals_a_clean_build(crash_run):
    done = crash_run.final
    assert done.returncode == 0, done.stderr[-3000:]
    final_warehouse = crash_run.work / crash_run.clean_warehouse.name
    clean, final = report_rows(crash_run.clean_warehouse), report_rows(final_warehouse)
    assert sorted(final) == sorted(clean) and len(clean) >= 10
    for name in clean:
        assert final[name] == clean[name], f"report.{name} differs from a clean build"
    serving = crash_run.work / crash_run.clean_serving.name
    assert report_rows(serving) == report_rows(crash_run.clean_serving)
    # a new build was published, and the orphaned temp file of the killed publish is gone
    assert serving_answer(serving)[0] > crash_run.prior_answer[0]
    assert list(crash_run.work.glob(f"{serving.name}.tmp-*")) == []


def test_orphaned_temp_files_of_dead_publishers_are_removed(tmp_path):
    from smartcounty.serving.publish import remove_orphaned_temp_files

    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "30"])
    try:
        serving = tmp_path / "serving.duckdb"
        files = {name: tmp_path / name for name in (
            f"serving.duckdb.tmp-{dead.pid}", f"serving.duckdb.tmp-{dead.pid}.wal",
            f"serving.duckdb.tmp-{alive.pid}", "serving.duckdb.tmp-notapid", "other.duckdb.tmp-1")}
        for path in files.values():
            path.write_bytes(b"x")
        removed = remove_orphaned_temp_files(serving)
    finally:
        alive.kill()
        alive.wait()
    assert sorted(p.name for p in removed) == [f"serving.duckdb.tmp-{dead.pid}", f"serving.duckdb.tmp-{dead.pid}.wal"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"serving.duckdb.tmp-{alive.pid}", "serving.duckdb.tmp-notapid", "other.duckdb.tmp-1"])
