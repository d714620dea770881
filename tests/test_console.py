"""The build console (dagster_pipeline.console): quiet stage lines, the verbose stream, the live
display's fallback, and the failure block — pure functions fed with synthetic events."""

from __future__ import annotations

import io

from dagster_pipeline.console import (BuildConsole, Event, StageSummary, check_failure_detail, dbt_problems,
                                 failure_block, use_live_display, verbose_line)


def build_events(check_fails: bool = False) -> list[tuple[float, Event]]:
    """A small build as Dagster reports it: raw load, two GX steps, dbt, one GX step, publish."""
    ev = []
    ev.append((0.0, Event("STEP_START", "raw_sources")))
    ev.append((1.0, Event("MESSAGE", "raw_sources", message="procurement: 10 rows read (full: 1 parsed)")))
    for source in ("raw_procurement", "raw_registry", "raw_connectivity"):
        ev.append((1.5, Event("MATERIALIZATION", "raw_sources", asset=source)))
    ev.append((2.0, Event("STEP_SUCCESS", "raw_sources")))
    for i, name in enumerate(("raw_registry_gx_raw_registry_volume", "raw_procurement_gx_raw_procurement_volume")):
        ev.append((2.0 + i, Event("STEP_START", name)))
        ev.append((2.5 + i, Event("CHECK", name, asset=name.split("_gx_")[0], check="gx_" + name.split("_gx_")[1],
                                  passed=not (check_fails and i == 1), severity="ERROR")))
        ev.append((3.0 + i, Event("STEP_SUCCESS", name)))
    ev.append((4.0, Event("STEP_START", "smartcounty_dbt")))
    ev.append((4.1, Event("MESSAGE", "smartcounty_dbt", message="dbt build --exclude-resource-type unit_test")))
    ev.append((4.2, Event("MESSAGE", "smartcounty_dbt", message="Running dbt command: `dbt build`.")))
    for model in ("staging/stg_a", "marts/fct_b", "report/fig_c"):
        ev.append((5.0, Event("MATERIALIZATION", "smartcounty_dbt", asset=model)))
    for i in range(40):
        ev.append((6.0, Event("CHECK", "smartcounty_dbt", asset="marts/fct_b", check=f"not_null_{i}",
                              passed=i != 7, severity="WARN")))
    ev.append((14.0, Event("STEP_SUCCESS", "smartcounty_dbt")))
    ev.append((14.0, Event("STEP_START", "report__fig_c_gx_fig_c")))
    ev.append((14.5, Event("CHECK", "report__fig_c_gx_fig_c", asset="report/fig_c", check="gx_fig_c",
                           passed=False, severity="WARN")))
    ev.append((15.0, Event("STEP_SUCCESS", "report__fig_c_gx_fig_c")))
    ev.append((15.0, Event("STEP_START", "serving_snapshot")))
    ev.append((15.2, Event("MATERIALIZATION", "serving_snapshot", asset="serving_snapshot")))
    ev.append((16.0, Event("STEP_SUCCESS", "serving_snapshot")))
    return ev


def quiet_lines(events, plain=True) -> list[str]:
    summary = StageSummary(plain=plain)
    lines = []
    for now, event in events:
        lines += summary.feed(event, now)
    return lines + summary.flush_checks()


def test_quiet_console_prints_one_line_per_stage_and_every_failed_check():
    assert quiet_lines(build_events()) == [
        "▶ raw_sources",
        "    procurement: 10 rows read (full: 1 parsed)",
        "✓ raw_sources (2.0 s): 3 relations",
        "✓ checks (2.0 s): 2 passed",
        "▶ smartcounty_dbt",
        "    dbt build --exclude-resource-type unit_test",  # dagster-dbt's "Running dbt command" is dropped
        "    ☑ marts/fct_b:not_null_7 FAILED (WARN)",
        "✓ smartcounty_dbt (10.0 s): 3 relations, 40 tests, 1 failed",
        "    ☑ report/fig_c:gx_fig_c FAILED (WARN)",
        "✓ checks (1.0 s): 0 passed, 1 warning",
        "▶ serving_snapshot",
        "✓ serving_snapshot (1.0 s)",
    ]
    # With the live display the stage starts are shown live, not printed.
    assert [line for line in quiet_lines(build_events(), plain=False) if line.startswith("▶")] == []


def test_a_blocking_check_failure_marks_its_stage():
    lines = quiet_lines(build_events(check_fails=True))
    assert "    ☑ raw_procurement:gx_raw_procurement_volume FAILED (ERROR)" in lines
    assert "✗ checks (2.0 s): 1 passed, 1 FAILED" in lines


def test_the_stage_lines_keep_the_benchmarks_stage_times():
    from benchmarks.runner import stage_times

    times = stage_times(quiet_lines(build_events()))
    assert times == {"raw_load": 2.0, "raw_checks": 2.0, "dbt": 10.0, "gx_checks": 1.0, "publish": 1.0}


def test_verbose_stream_is_the_full_line_per_event():
    assert verbose_line(Event("STEP_START", "raw_sources")) == "▶ raw_sources"
    assert verbose_line(Event("STEP_SUCCESS", "raw_sources"), 2.25) == "✓ raw_sources (2.2 s)"
    assert verbose_line(Event("MATERIALIZATION", "smartcounty_dbt", asset="staging/stg_a")) == "    · staging/stg_a"
    assert verbose_line(Event("CHECK", "smartcounty_dbt", asset="a", check="not_null_x", passed=True)) is None
    assert verbose_line(Event("CHECK", "s", asset="a", check="gx_a", passed=True)) == "    ☑ a:gx_a passed"
    assert verbose_line(Event("MESSAGE", "s", message="Running dbt command: `x`")) == "    Running dbt command: `x`"


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_live_display_only_on_a_terminal_and_never_under_ci():
    assert use_live_display(FakeTerminal(), environ={}) is True
    assert use_live_display(FakeTerminal(), environ={"CI": "true"}) is False
    assert use_live_display(io.StringIO(), environ={}) is False


def test_build_console_plain_and_live_print_the_same_stage_lines():
    plain = io.StringIO()
    with BuildConsole(stream=plain, live=False) as console:
        for _now, event in build_events():
            console.handle(event)
    assert "✓ smartcounty_dbt (" in plain.getvalue() and "▶ smartcounty_dbt" in plain.getvalue()
    assert "staging/stg_a" not in plain.getvalue()

    live = FakeTerminal()
    with BuildConsole(stream=live, live=True) as console:
        for _now, event in build_events():
            console.handle(event)
    out = live.getvalue()
    assert "✓ raw_sources (" in out and "✓ serving_snapshot (" in out
    assert "☑ report/fig_c:gx_fig_c FAILED (WARN)" in out

    verbose = io.StringIO()
    with BuildConsole(stream=verbose, verbose=True) as console:
        for _now, event in build_events():
            console.handle(event)
    assert "    · staging/stg_a" in verbose.getvalue() and "Running dbt command" in verbose.getvalue()


DBT_LOG = """\
\x1b[0m12:00:01  1 of 3 START sql table model marts.fct_b .......................... [RUN]
\x1b[0m12:00:02  1 of 3 ERROR creating sql table model marts.fct_b ................. [\x1b[31mERROR\x1b[0m in 0.1s]
\x1b[0m12:00:03  
\x1b[0m12:00:03  \x1b[31mCompleted with 2 errors, 0 partial successes, and 1 warning:\x1b[0m
\x1b[0m12:00:03  
\x1b[0m12:00:03    Runtime Error in model fct_b (models/marts/fct_b.sql)
  Binder Error: Referenced column "x" not found in FROM clause!
\x1b[0m12:00:03  
\x1b[0m12:00:03  \x1b[31mFailure in test not_null_fct_c_id (models/marts/_marts.yml)\x1b[0m
\x1b[0m12:00:03    Got 3 results, configured to fail if != 0
\x1b[0m12:00:03  
\x1b[0m12:00:03    compiled code at target/compiled/x.sql
\x1b[0m12:00:03  \x1b[33mWarning in test accepted_range_y (models/marts/_marts.yml)\x1b[0m
\x1b[0m12:00:03  Done. PASS=1 WARN=1 ERROR=2 SKIP=0 NO-OP=0 TOTAL=4
"""


def test_dbt_problems_name_the_failed_models_and_tests_with_their_message():
    assert dbt_problems(DBT_LOG) == [
        'Runtime Error in model fct_b (models/marts/fct_b.sql): Binder Error: Referenced column "x" not found '
        "in FROM clause!",
        "Failure in test not_null_fct_c_id (models/marts/_marts.yml): Got 3 results, configured to fail if != 0",
    ]
    assert dbt_problems("12:00:03  Done. PASS=4 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=4\n") == []


def test_check_failure_detail_reads_gx_and_dbt_metadata():
    gx = {"failed_expectations": [{"expectation": "expect_table_row_count_to_be_between", "observed_value": 12},
                                  {"expectation": "expect_column_values_to_not_be_null"}]}
    assert check_failure_detail(gx) == "expect_table_row_count_to_be_between (observed value: 12) and 1 more"
    assert check_failure_detail({"dagster_dbt/failed_row_count": 3}) == "3 failing rows"
    assert check_failure_detail({}) == ""


def test_failure_block_fits_in_the_last_15_lines_and_ends_with_the_log(tmp_path):
    failures = ["step a_gx_0: 1 blocking asset check failed:\na: gx_0"] + [f"check a:gx_{i} failed" for i in range(29)]
    lines = failure_block(12.0, failures, tmp_path / "build.log", tmp_path / "validation_report.html")
    assert len(lines) <= 15
    assert lines[0].startswith("build FAILED after 12.0 s")
    assert lines[1] == "  - step a_gx_0: 1 blocking asset check failed: a: gx_0"
    assert "  - check a:gx_0 failed" in lines and "  … and 20 more (see the log)" in lines
    assert lines[-2] == f"validation report: {tmp_path / 'validation_report.html'}"
    assert lines[-1] == f"dbt log: {tmp_path / 'build.log'}"
