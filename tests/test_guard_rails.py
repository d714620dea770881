"""Guard rails (issue 16): an empty or wrong drop never replaces good published data, bad
paths and bad input fail early with one line, and a killed build leaves no writer behind.

Pure functions first; the end-to-end cases reuse the session's ``small_build`` and work on
copies of its warehouse and serving copy, so this module adds no full build of its own."""

from __future__ import annotations

import codecs
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, cli_env, copy_build, run_cli
from rawload_helpers import SEEDS_DIR, HEADERS, connectivity_row, csv_text, procurement_row, write
from dagster_pipeline import reaper
from smartcounty import cli, settings
from smartcounty.rawload import ShrinkError, check_shrink, load_source, record_published, scan_drop
from smartcounty.rawload import scan as scan_mod
from smartcounty.rawload.guard import Baseline, max_rows, published_baseline, shrink_problem
from smartcounty.rawload.spec import PROCUREMENT
from smartcounty.rawload.vector import amounts

GOOD = csv_text(PROCUREMENT.headers, [procurement_row(项目名称="兴安县智慧城市项目")])


def scan_one(raw: Path, content: bytes, name: str = "a.csv"):
    write(raw, f"procurement/{name}", content)
    [info] = scan_drop(raw).files["procurement"]
    return info


# --- 3. NUL bytes are not UTF-16; UTF-32 is named ------------------------------------------


def test_two_nul_bytes_in_utf8_are_not_utf16(tmp_path):
    rows = [procurement_row(公告ID=f"N{i}", 项目名称=f"兴安县智慧城市项目{i}") for i in range(40)]
    rows[3][2] += "\0,"  # ',\0' and '\0,' pairs: what the old sniff counted
    rows[7][2] += "\0,"
    text = csv_text(PROCUREMENT.headers, rows)
    assert text.encode().count(b"\0") == 2
    info = scan_one(tmp_path, text.encode("utf-8"))
    assert info.problem is None and info.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_still_recognised(tmp_path, codec):
    header_only = csv_text(PROCUREMENT.headers, [])  # all-Chinese header: few ASCII characters
    info = scan_one(tmp_path, header_only.encode(codec))
    assert info.problem == "UTF-16 encoded (only UTF-8 and GB18030 are accepted)"


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF32_LE + GOOD.encode("utf-32-le"),
    codecs.BOM_UTF32_BE + GOOD.encode("utf-32-be"),
    GOOD.encode("utf-32-le"),
    GOOD.encode("utf-32-be"),
])
def test_utf32_is_named_utf32(tmp_path, data):
    info = scan_one(tmp_path, data)
    assert info.problem == "UTF-32 encoded (only UTF-8 and GB18030 are accepted)"


# --- 5. the undecodable byte at its real offset ------------------------------------------


def test_undecodable_byte_reported_at_its_utf8_offset(tmp_path):
    rows = [procurement_row(公告ID=f"N{i}", 项目名称=f"兴安县智慧城市项目{i}") for i in range(60)]
    data = csv_text(PROCUREMENT.headers, rows).encode("utf-8")
    assert len(data) > 3001 and data[3000] < 0x80  # an ASCII byte: UTF-8 fails exactly where it is replaced
    info = scan_one(tmp_path, data[:3000] + b"\xff" + data[3001:])
    assert "cannot be decoded as UTF-8 (first bad byte at offset 3000)" in info.problem
    assert "GB18030 (at offset" in info.problem


# --- 4. every unreadable file is named ------------------------------------------------------


def test_every_unreadable_file_is_named(tmp_path, monkeypatch):
    for name in ("a.csv", "b.csv", "c.csv"):
        write(tmp_path, f"procurement/{name}", GOOD)
    write(tmp_path, "procurement/empty.csv", b"")
    real = scan_mod.read_file_bytes

    def read(path):  # running as root, chmod cannot make a file unreadable: fail like it
        if path.name in ("a.csv", "c.csv"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(scan_mod, "read_file_bytes", read)
    problems = dict(scan_drop(tmp_path).problems())
    assert problems == {
        "procurement/a.csv": "cannot be read: Permission denied",
        "procurement/c.csv": "cannot be read: Permission denied",
        "procurement/empty.csv": "empty file (0 bytes)",
    }


def test_unreadable_source_folder_is_a_problem(tmp_path, monkeypatch):
    write(tmp_path, "registry/a.csv", GOOD)
    real = scan_mod.list_source

    def listing(raw_dir, source):
        if source == "registry":
            raise PermissionError(13, "Permission denied", str(raw_dir / source))
        return real(raw_dir, source)

    monkeypatch.setattr(scan_mod, "list_source", listing)
    assert scan_drop(tmp_path).problems() == [("registry/", "folder cannot be read: Permission denied")]


# --- 8. a 20,000-column file is refused at the scan ------------------------------------------


def test_twenty_thousand_columns_refused_up_front(tmp_path):
    header = list(PROCUREMENT.headers) + [f"x{i}" for i in range(20_000)]
    data = (",".join(header) + "\n" + ",".join(["1"] * len(header)) + "\n").encode()
    started = time.perf_counter()
    info = scan_one(tmp_path, data)
    assert time.perf_counter() - started < 5
    assert info.problem == f"20,019 columns in the header (at most {scan_mod.MAX_COLUMNS:,} are accepted)"


def test_column_limit_allows_a_wide_but_sane_file(tmp_path):
    header = list(PROCUREMENT.headers) + [f"x{i}" for i in range(scan_mod.MAX_COLUMNS - len(PROCUREMENT.headers))]
    info = scan_one(tmp_path, (",".join(header) + "\n").encode())
    assert info.problem is None


# --- 6. amounts are exact or flagged, never silently changed ----------------------------------


def test_amounts_beyond_decimal_38_6_are_unparseable_not_changed():
    big, biggest_exact = "1" * 33, "9" * 32
    got = amounts(["0.0000001", big, "0.00000011", "0.0000010", biggest_exact, "1.2345678万", "0.12345678亿",
                   "00000000000000000000000000000000000001", "5.1000000"])
    assert got == [None, None, None, Decimal("0.000001"), Decimal(biggest_exact), Decimal("12345.678"),
                   Decimal("12345678"), Decimal(1), Decimal("5.1")]


# --- 1. the shrink guard (pure parts and the load) -------------------------------------------


@pytest.mark.parametrize(("data", "bound"), [
    (b"h\n", 0), (b"h", 0), (b"h\r\n1\r\n2\r\n", 2), (b"h\r1\r2", 2), (b"h\n1\n2", 2), (b'h\n"a\nb"\n', 2),
])
def test_max_records_bounds_the_data_rows(data, bound):
    assert scan_mod.max_records(data) == bound


def test_shrink_problem_rules():
    base = Baseline(files=3, rows_accepted=1000)
    assert shrink_problem("registry", None, 0, 0, 0.5) is None  # first build: partial drops are fine
    assert shrink_problem("registry", Baseline(0, 0), 0, 0, 0.5) is None  # nothing was published
    assert "no registry file" in shrink_problem("registry", base, 0, None, 0.5)
    assert "no registry file" in shrink_problem("registry", base, 0, None, 0.0)  # 0 keeps the file rule
    assert shrink_problem("registry", base, 2, 500, 0.5) is None
    assert "499 accepted rows are 50% of the last published build's 1,000 (minimum 50%)" in shrink_problem(
        "registry", base, 2, 499, 0.5)
    assert shrink_problem("registry", base, 2, 0, 0.0) is None


def _raw_state(con) -> dict:
    tables = [t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]
    return {t: con.execute(f'select count(*), sum(hash(x)) from raw."{t}" x').fetchone() for t in tables}


@pytest.mark.parametrize("mode", ["incremental", "refresh"])
def test_load_refuses_to_shrink_and_changes_nothing(tmp_path, mode):
    raw = tmp_path / "raw"
    rows = [procurement_row(公告ID=f"N{i}", 项目编号=f"P{i}") for i in range(10)]
    write(raw, "procurement/a.csv", csv_text(PROCUREMENT.headers, rows[:6]))
    write(raw, "procurement/b.csv", csv_text(PROCUREMENT.headers, rows[6:]))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    load_source(con, scan_drop(raw), "procurement", SEEDS_DIR, mode="incremental", min_share=0.5)
    record_published(con)
    assert published_baseline(con, "procurement") == Baseline(2, 10)
    before = _raw_state(con)

    write(raw, "procurement/a.csv", csv_text(PROCUREMENT.headers, []))  # header only: 4 of 10 rows left
    with pytest.raises(ShrinkError, match="4 accepted rows are 40% of the last published build's 10"):
        load_source(con, scan_drop(raw), "procurement", SEEDS_DIR, mode=mode, min_share=0.5)
    assert _raw_state(con) == before
    for path in raw.joinpath("procurement").iterdir():
        path.unlink()
    with pytest.raises(ShrinkError, match="the drop has no procurement file"):
        load_source(con, scan_drop(raw), "procurement", SEEDS_DIR, mode=mode, min_share=0.5)
    assert _raw_state(con) == before
    result = load_source(con, scan_drop(raw), "procurement", SEEDS_DIR, mode=mode, min_share=None)  # --allow-shrink
    assert result.rows_accepted == 0
    con.close()


def test_delta_load_of_a_file_cut_to_its_header_counts_zero_rows(tmp_path):
    raw = tmp_path / "raw"
    write(raw, "procurement/a.csv", csv_text(PROCUREMENT.headers, [procurement_row(公告ID=f"N{i}") for i in range(3)]))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    load_source(con, scan_drop(raw), "procurement", SEEDS_DIR, mode="incremental")
    write(raw, "procurement/a.csv", csv_text(PROCUREMENT.headers, []))
    result = load_source(con, scan_drop(raw), "procurement", SEEDS_DIR, mode="incremental")
    assert result.action == "delta" and result.rows_read == 0
    assert con.execute("select rows_read, rows_accepted from raw.procurement_files").fetchall() == [(0, 0)]
    con.close()


def test_a_hollow_source_is_refused_before_any_source_is_loaded(tmp_path):
    """Only connectivity is cut to its header: procurement, loaded first, must not change either."""
    raw = tmp_path / "raw"
    write(raw, "procurement/a.csv", csv_text(PROCUREMENT.headers, [procurement_row()]))
    write(raw, "connectivity/a.csv", csv_text(HEADERS["connectivity"], [connectivity_row(), connectivity_row(年份="2022")]))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    for source in ("procurement", "registry", "connectivity"):
        load_source(con, scan_drop(raw), source, SEEDS_DIR, mode="incremental")
    record_published(con)
    before = _raw_state(con)
    write(raw, "procurement/b.csv", csv_text(PROCUREMENT.headers, [procurement_row(公告ID="N2")]))
    write(raw, "connectivity/a.csv", csv_text(HEADERS["connectivity"], []))
    manifest = scan_drop(raw)
    assert max_rows(con, manifest, "procurement") == 2
    with pytest.raises(ShrinkError) as refused:
        check_shrink(con, manifest, 0.5)
    assert str(refused.value) == (
        "refusing to replace published data: connectivity: at most 0 rows are 0% of the last published "
        "build's 2 (minimum 50%) (check --raw; pass --allow-shrink if this is intended)")
    check_shrink(con, manifest, None)  # --allow-shrink
    assert _raw_state(con) == before
    con.close()


def test_first_load_of_a_partial_drop_is_not_guarded(tmp_path):
    raw = tmp_path / "raw"
    write(raw, "connectivity/a.csv", csv_text(HEADERS["connectivity"], [connectivity_row()]))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    for source in ("procurement", "registry", "connectivity"):  # procurement and registry: empty folders
        load_source(con, scan_drop(raw), source, SEEDS_DIR, mode="incremental", min_share=0.5)
    con.close()


def test_volume_frame_flags_a_source_with_files_but_no_row():
    from expectations.suites import _volume

    con = duckdb.connect()
    con.execute("create table notices (source_file varchar, y integer)")
    con.execute("create table quarantine (source_file varchar)")
    con.execute("create table files_t (source_file varchar, status varchar, rows_read bigint, rows_accepted bigint, "
                "rows_quarantined bigint)")
    con.execute("create table published (source varchar, files bigint, rows_accepted bigint)")
    sql = _volume.query("procurement", "notices", "quarantine", "files_t", "y", {"report_years": [2022, 2023]},
                        published="published")

    def empty_source():
        return con.execute(f"select empty_source from ({sql}) where key = 'quarantine'").fetchone()[0]

    assert empty_source() == 0  # no file at all: an empty source folder, allowed by the contract
    con.execute("insert into files_t values ('procurement/a.csv', 'loaded', 0, 0, 0)")
    assert empty_source() == 0  # header-only files on a first build: valid (0 rows) by the contract
    con.execute("insert into published values ('registry', 1, 10)")
    assert empty_source() == 0  # another source's baseline does not count
    con.execute("insert into published values ('procurement', 1, 10)")
    assert empty_source() == 1  # after a publish with rows: nothing to judge is an error, not a pass
    con.execute("insert into quarantine values ('procurement/a.csv')")
    assert empty_source() == 0


def test_min_row_share_setting(monkeypatch):
    monkeypatch.delenv(settings.MIN_ROW_SHARE_ENV, raising=False)
    assert settings.min_row_share() == 0.5
    monkeypatch.setenv(settings.MIN_ROW_SHARE_ENV, "0.8")
    assert settings.min_row_share() == 0.8
    for bad in ("1.5", "-0.1", "nan", "half"):
        monkeypatch.setenv(settings.MIN_ROW_SHARE_ENV, bad)
        with pytest.raises(ValueError, match="SMARTCOUNTY_MIN_ROW_SHARE"):
            settings.min_row_share()


# --- 5. one-line CLI errors ---------------------------------------------------------------


@pytest.mark.parametrize("args", [("--scale", "nan"), ("--scale", "inf"), ("--scale", "0"), ("--scale", "-1"),
                                  ("--seed", "-1"), ("--seed", "x")])
def test_sample_rejects_bad_scale_and_seed(tmp_path, args):
    done = run_cli("sample", "--out", str(tmp_path / "raw"), *args)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: smartcounty sample: argument ") and f"invalid {args[0][2:]} {args[1]!r}" in line
    assert not (tmp_path / "raw").exists()


def test_bad_check_params_json_names_the_file(tmp_path):
    (tmp_path / "raw").mkdir()
    params = tmp_path / "params.json"
    params.write_text('{"bands": {', encoding="utf-8")
    env = cli_env(raw=tmp_path / "raw", warehouse=tmp_path / "w.duckdb", serving=tmp_path / "s.duckdb")
    env[settings.CHECK_PARAMS_ENV] = str(params)
    done = run_cli("build", env=env)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert f"SMARTCOUNTY_CHECK_PARAMS: {params} is not valid JSON: Expecting property name" in line


def _paths(tmp_path):
    (tmp_path / "raw").mkdir(exist_ok=True)
    return tmp_path / "raw", tmp_path / "wh.duckdb"


@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink"])
def test_serving_equal_to_warehouse_is_refused_before_any_work(tmp_path, how):
    raw, warehouse = _paths(tmp_path)
    duckdb.connect(str(warehouse)).close()
    serving = {"same": warehouse, "relative": Path("..") / tmp_path.name / "wh.duckdb",
               "symlink": tmp_path / "link.duckdb", "hardlink": tmp_path / "hard.duckdb"}[how]
    if how == "symlink":
        serving.symlink_to(warehouse)
    if how == "hardlink":
        os.link(warehouse, serving)
    before = warehouse.read_bytes()
    done = subprocess.run([sys.executable, "-m", "smartcounty.cli", "build", "--raw", str(raw),
                           "--warehouse", str(warehouse), "--serving", str(serving)],
                          cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "--serving and --warehouse are the same file" in line
    assert warehouse.read_bytes() == before


def test_serving_that_is_a_folder_is_refused_before_the_build(tmp_path):
    raw, warehouse = _paths(tmp_path)
    (tmp_path / "srv").mkdir()
    done = run_cli("build", "--raw", str(raw), "--warehouse", str(warehouse), "--serving", str(tmp_path / "srv"))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: --serving is a folder: {tmp_path / 'srv'}")
    assert not warehouse.exists() and list((tmp_path / "srv").iterdir()) == []


def test_unwritable_serving_folder(tmp_path):
    raw, warehouse = _paths(tmp_path)
    (tmp_path / "file").write_text("x")
    done = run_cli("build", "--raw", str(raw), "--warehouse", str(warehouse),
                   "--serving", str(tmp_path / "file" / "s.duckdb"))
    assert done.returncode == 1
    assert "cannot create the serving copy folder" in done.stderr and len(done.stderr.strip().splitlines()) == 1


# --- 7. the lock holder is named; a killed build leaves no child behind ---------------------


def test_lock_message_names_the_pid():
    msg = ('IO Error: Could not set lock on file "/w.duckdb": Conflicting lock is held in '
           "/usr/bin/python3.11 (PID 4242) by user root. See also https://duckdb.org/docs/...")
    assert "locked by another process (PID 4242)" in cli.lock_message(Path("/w.duckdb"), msg)
    assert "another build" in cli.lock_message(Path("/w.duckdb"), "Could not set lock")


def test_locked_warehouse_names_the_holder(tmp_path):
    raw, warehouse = _paths(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(warehouse)!r}); print("ready", flush=True); time.sleep(60)""")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        done = run_cli("build", "--raw", str(raw), "--warehouse", str(warehouse),
                       "--serving", str(tmp_path / "s.duckdb"))
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert f"locked by another process (PID {holder.pid})" in line


def test_killing_the_build_process_ends_its_children(tmp_path):
    """SIGKILL (no handler can run) of a process that started the watcher and a child: the
    watcher ends the child, as it ends dbt when `smartcounty build` is killed."""
    script = textwrap.dedent("""
        import subprocess, sys, time
        from dagster_pipeline import reaper
        watcher = reaper.watch_children()
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        time.sleep(3 * reaper.POLL_SECONDS)  # the watcher has seen the child
        print(child.pid, watcher.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child_pid, watcher_pid = map(int, parent.stdout.readline().split())
    assert reaper._stat(child_pid) is not None
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + reaper.GRACE_SECONDS + 5
    while time.monotonic() < deadline and (reaper._stat(child_pid) or reaper._stat(watcher_pid)):
        time.sleep(0.1)
    # the child is reparented to init, which reaps it: no /proc entry once it is gone
    assert reaper._stat(child_pid) is None, "the child outlived the killed build"
    assert reaper._stat(watcher_pid) is None, "the watcher did not end"


def test_release_after_a_normal_end():
    watcher = reaper.watch_children()
    assert watcher is not None
    reaper.release(watcher)
    assert watcher.returncode == 0


def test_release_leaves_the_builds_own_helpers_alone():
    """After a normal end the build still owns its helper processes (multiprocessing's resource
    tracker, …) and stops them itself; killing them made Python print a traceback at exit."""
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    watcher = reaper.watch_children()
    try:
        time.sleep(3 * reaper.POLL_SECONDS)  # the watcher has seen the helper
        reaper.release(watcher)
        assert watcher.returncode == 0
        assert helper.poll() is None, "a normal release must not kill the build's children"
    finally:
        helper.kill()
        helper.wait()


# --- 1, 2 end to end: after a good build -----------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_counts(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return _raw_state(con)


def _build(raw: Path, warehouse: Path, serving: Path, *extra: str):
    return run_cli("build", "--raw", str(raw), "--warehouse", str(warehouse), "--serving", str(serving), *extra,
                   env=cli_env())


def _header_only_drop(raw: Path) -> None:
    for source, headers in HEADERS.items():
        write(raw, f"{source}/only_header.csv", csv_text(headers, []))


@pytest.mark.slow  # `smartcounty build` on a copy of the session's build
@pytest.mark.parametrize("drop", ["empty_folder", "header_only"])
def test_after_a_good_build_a_hollow_drop_is_refused(small_build, tmp_path, drop):
    assert small_build.result.returncode == 0
    copy = copy_build(small_build, tmp_path / "wh")  # conftest: warehouse, serving copy, validation outcomes
    warehouse, serving = copy.warehouse, copy.serving
    raw = tmp_path / "raw"
    raw.mkdir()
    if drop == "header_only":
        _header_only_drop(raw)
    serving_before, raw_before = _sha(serving), _raw_counts(warehouse)
    done = _build(raw, warehouse, serving)
    assert done.returncode == 1, done.stderr
    [reason] = [line for line in done.stderr.splitlines() if "refusing to replace published data" in line]
    for source in ("procurement", "registry", "connectivity"):
        assert source in reason
    assert "--allow-shrink" in reason
    assert _sha(serving) == serving_before
    assert _raw_counts(warehouse) == raw_before
    assert not list(serving.parent.glob("serving.duckdb.tmp-*"))


@pytest.mark.slow  # `smartcounty build` on a copy of the session's build
def test_allow_shrink_passes_the_guard_but_empty_sources_still_fail_their_volume_check(small_build, tmp_path):
    copy = copy_build(small_build, tmp_path / "wh")  # conftest: warehouse, serving copy, validation outcomes
    warehouse, serving = copy.warehouse, copy.serving
    raw = tmp_path / "raw"
    _header_only_drop(raw)
    serving_before = _sha(serving)
    done = _build(raw, warehouse, serving, "--allow-shrink")
    assert done.returncode == 1, done.stderr
    assert "refusing to replace published data" not in done.stderr
    for source in ("procurement", "registry", "connectivity"):
        assert f"check raw_{source}:gx_raw_{source}_volume failed" in done.stderr
    assert _sha(serving) == serving_before


@pytest.mark.slow  # `smartcounty build` on a copy of the session's build
def test_after_a_good_build_serving_equal_to_warehouse_is_refused(small_build, tmp_path):
    copy = copy_build(small_build, tmp_path / "wh")  # conftest: warehouse, serving copy, validation outcomes
    warehouse, serving = copy.warehouse, copy.serving
    before, serving_before = _sha(warehouse), _sha(serving)
    done = _build(small_build.raw, warehouse, warehouse)
    assert done.returncode == 1
    assert "--serving and --warehouse are the same file" in done.stderr
    assert _sha(warehouse) == before and _sha(serving) == serving_before
