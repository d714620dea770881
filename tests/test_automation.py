"""The raw-drop sensor's decisions and the definitions' automation defaults.

Dagster is imported inside the tests: collection (by every xdist worker) does not pay its import."""

from __future__ import annotations

import os


def test_fingerprint_changes_when_a_file_lands(tmp_path):
    from dagster_pipeline.automation import drop_fingerprint

    (tmp_path / "procurement").mkdir()
    empty = drop_fingerprint(tmp_path)
    f = tmp_path / "procurement" / "day.csv"
    f.write_text("公告ID\n", encoding="utf-8")
    landed = drop_fingerprint(tmp_path)
    assert landed != empty
    assert drop_fingerprint(tmp_path) == landed  # stable while nothing changes
    (tmp_path / "procurement" / ".partial.csv").write_text("x")
    assert drop_fingerprint(tmp_path) == landed  # hidden files are not part of the drop
    os.utime(f, ns=(1, 1))
    assert drop_fingerprint(tmp_path) != landed


def test_sensor_waits_for_the_drop_to_settle_then_builds_once():
    from dagster_pipeline.automation import sensor_decision

    start, cursor = sensor_decision(None, "a")
    assert not start
    start, cursor = sensor_decision(cursor, "b")  # still changing
    assert not start
    start, cursor = sensor_decision(cursor, "b")  # settled
    assert start
    start, cursor = sensor_decision(cursor, "b")  # already built
    assert not start


def test_automation_is_off_by_default():
    import dagster as dg

    from dagster_pipeline.definitions import defs

    sensor = defs.resolve_sensor_def("raw_drop_sensor")
    schedule = defs.resolve_schedule_def("daily_build")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.execution_timezone == "Asia/Shanghai"
