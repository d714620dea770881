"""The command line: help, one-line errors, exit codes."""

from __future__ import annotations

import pytest

from conftest import cli_env, run_cli
from smartcounty import cli


def test_help_lists_every_command():
    done = run_cli("--help", check=True)
    for command in ("sample", "build", "figures", "app"):
        assert command in done.stdout


def test_unknown_option_is_one_line_and_exit_2():
    done = run_cli("build", "--no-such-option")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "no-such-option" in done.stderr


def test_bench_gets_its_arguments_with_or_without_debug(monkeypatch):
    """One path to the benchmark: every argument after ``bench`` reaches its own parser, also
    after the global ``--debug``; other commands still refuse unknown arguments."""
    import benchmarks.runner

    seen = []
    monkeypatch.setattr(benchmarks.runner, "main", lambda argv: seen.append(argv) or 0)
    assert cli.main(["bench", "--scales", "0.01", "--help"]) == 0
    assert cli.main(["--debug", "bench", "--repeats", "1"]) == 0
    assert seen == [["--scales", "0.01", "--help"], ["--repeats", "1"]]
    with pytest.raises(SystemExit) as exc:
        cli.main(["figures", "--repeats", "1"])
    assert exc.value.code == 2


def test_missing_raw_folder_is_a_clear_error(tmp_path):
    done = run_cli("build", "--raw", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh.duckdb"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"error: raw drop folder not found: {tmp_path / 'nope'} "
                                                "(run `smartcounty sample` or pass --raw)"]
    assert "Traceback" not in done.stderr


def test_unwritable_warehouse_path(tmp_path):
    (tmp_path / "raw").mkdir()
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")  # a folder cannot be created under a file, even by root
    done = run_cli("build", "--raw", str(tmp_path / "raw"), "--warehouse", str(blocker / "wh.duckdb"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "cannot create the warehouse folder" in done.stderr


def test_locked_warehouse(tmp_path):
    import duckdb

    (tmp_path / "raw").mkdir()
    warehouse = tmp_path / "wh.duckdb"
    holder = duckdb.connect(str(warehouse))  # another writer holds the file
    try:
        done = run_cli("build", "--raw", str(tmp_path / "raw"), "--warehouse", str(warehouse))
    finally:
        holder.close()
    assert done.returncode == 1
    assert "locked by another process" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_debug_shows_traceback(tmp_path):
    done = run_cli("--debug", "figures", "--warehouse", str(tmp_path / "missing.duckdb"))
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_figures_without_warehouse(tmp_path):
    done = run_cli("figures", "--warehouse", str(tmp_path / "missing.duckdb"))
    assert done.returncode == 1
    assert "warehouse not found" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_format_table_counts_matches():
    rows = [
        {"figure_id": "F01", "published_value": "19.67", "computed_value": "19.67", "unit": "percent",
         "comparison": "round_2", "matches": True, "claim_zh": "占比"},
        {"figure_id": "F02", "published_value": "1", "computed_value": "0", "unit": "boolean",
         "comparison": "equals", "matches": False, "claim_zh": "下降"},
    ]
    text = cli.format_table(rows)
    assert "1/2 figures match" in text
    assert "✓" in text and "✗" in text


def test_streamlit_args_bind_localhost_with_xsrf():
    args = cli.streamlit_args("127.0.0.1", 8501)
    assert args[args.index("--server.address") + 1] == "127.0.0.1"
    assert args[args.index("--server.enableXsrfProtection") + 1] == "true"
