"""The publish gate's file handling: what reaches the serving copy, and atomicity."""

from __future__ import annotations

import hashlib
import json

import duckdb
import pytest

from smartcounty.serving import publish


def make_warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema report; create schema raw")
    con.execute("create table marts.fct_x (id integer, name varchar, 联系电话 varchar, legal_rep varchar)")
    con.execute("insert into marts.fct_x values (1, '甲', '13800000000', '张三')")
    con.execute("create table report.fig (year integer, share double)")
    con.execute("insert into report.fig values (2023, 0.5)")
    con.execute("create table raw.secret (联系人 varchar)")
    return con


def manifest(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": {
        "model.p.fig": {"resource_type": "model", "name": "fig", "schema": "report", "description": "图",
                        "raw_code": "select 1", "compiled_code": "select 1 as x", "depends_on": {"nodes": []}},
        "model.p.stg": {"resource_type": "model", "name": "stg", "schema": "staging", "raw_code": "select 2"},
    }}), encoding="utf-8")
    return path


def test_publish_copies_marts_and_report_without_personal_data(tmp_path):
    con = make_warehouse(tmp_path / "wh.duckdb")
    serving = tmp_path / "serving.duckdb"
    counts = publish.publish_snapshot(con, serving, manifest_path=manifest(tmp_path),
                                      build_info={"raw_dir": "/raw"},
                                      validation=[{"name": "gx_a", "table": "t", "severity": "WARN", "passed": False}])
    con.close()
    assert counts == {"marts.fct_x": 1, "report.fig": 1}
    snap = duckdb.connect(str(serving), read_only=True)
    schemas = {r[0] for r in snap.execute("select distinct table_schema from information_schema.tables").fetchall()}
    assert schemas == {"marts", "report", "meta"}
    cols = [r[0] for r in snap.execute("select column_name from information_schema.columns "
                                       "where table_name = 'fct_x' order by ordinal_position").fetchall()]
    assert cols == ["id", "name"]
    assert snap.execute("select validation_passed, validation_warnings from meta.build_info").fetchall() == [(True, 1)]
    assert snap.execute("select name, compiled_sql from meta.dbt_models").fetchall() == [("fig", "select 1 as x")]
    snap.close()
    assert not list(tmp_path.glob("serving.duckdb.tmp-*"))


def test_failed_publish_leaves_previous_copy_untouched(tmp_path, monkeypatch):
    con = make_warehouse(tmp_path / "wh.duckdb")
    serving = tmp_path / "serving.duckdb"
    publish.publish_snapshot(con, serving, manifest_path=None, build_info={}, validation=[])
    before = hashlib.sha256(serving.read_bytes()).hexdigest()

    def boom(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "_write_meta", boom)
    with pytest.raises(RuntimeError):
        publish.publish_snapshot(con, serving, manifest_path=None, build_info={}, validation=[])
    assert hashlib.sha256(serving.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob("serving.duckdb.tmp-*"))
    # the warehouse connection is still usable (the snapshot was detached)
    assert con.execute("select count(*) from report.fig").fetchone()[0] == 1
    con.close()


@pytest.mark.parametrize("name, is_pii", [("联系人", True), ("联系电话", True), ("法定代表人", True),
                                          ("contact_phone", True), ("legal_rep_name", True),
                                          ("enterprise_name", False), ("supplier_name", False)])
def test_pii_column_pattern(name, is_pii):
    assert bool(publish.PII_COLUMN.search(name)) is is_pii


def served(path) -> dict[str, list[tuple]]:
    snap = duckdb.connect(str(path), read_only=True)
    try:
        names = snap.execute("select table_schema || '.' || table_name from information_schema.tables "
                             "where table_schema in ('marts', 'report') order by 1").fetchall()
        return {n: snap.execute(f"select * from {n} order by all").fetchall() for (n,) in names}
    finally:
        snap.close()


def test_publish_copies_only_rebuilt_relations_into_a_copy_of_the_last_publish(tmp_path):
    con = make_warehouse(tmp_path / "wh.duckdb")
    con.execute("create table marts.dim_y (id integer)")
    con.execute("insert into marts.dim_y values (7)")
    serving = tmp_path / "serving.duckdb"
    first: list[str] = []
    publish.publish_snapshot(con, serving, manifest_path=None, build_info={}, validation=[], copied=first)
    assert first == ["marts.dim_y", "marts.fct_x", "report.fig"]  # nothing to start from

    # a rebuild of report.fig, recorded before it writes; marts.dim_y goes away
    publish.mark_unpublished(con, [("report", "fig"), ("staging", "stg_not_served")])
    con.execute("create or replace table report.fig as select 2024 as year, 0.75 as share")
    con.execute("drop table marts.dim_y")
    again: list[str] = []
    counts = publish.publish_snapshot(con, serving, manifest_path=None, build_info={}, validation=[], copied=again)
    assert again == ["report.fig"]
    assert counts == {"marts.fct_x": 1, "report.fig": 1}
    assert served(serving) == {"marts.fct_x": [(1, "甲")], "report.fig": [(2024, 0.75)]}  # no personal data either
    # the copy shows what a publish from scratch shows
    scratch: list[str] = []
    publish.mark_unpublished(con, None)
    publish.publish_snapshot(con, tmp_path / "scratch.duckdb", manifest_path=None, build_info={}, validation=[],
                             copied=scratch)
    assert served(tmp_path / "scratch.duckdb") == served(serving) and len(scratch) == 2
    # the records were consumed by the publish
    assert con.execute(f"select count(*) from {publish.UNPUBLISHED}").fetchone()[0] == 0
    con.close()


def test_without_proof_of_what_changed_the_publish_copies_everything(tmp_path):
    con = make_warehouse(tmp_path / "wh.duckdb")
    serving = tmp_path / "serving.duckdb"
    publish.publish_snapshot(con, serving, manifest_path=None, build_info={}, validation=[])
    everything = ["marts.fct_x", "report.fig"]

    def copied_now() -> list[str]:
        out: list[str] = []
        publish.publish_snapshot(con, serving, manifest_path=None, build_info={}, validation=[], copied=out)
        return out

    assert copied_now() == []  # nothing rebuilt: everything kept, only meta rewritten
    publish.mark_unpublished(con, None)  # a run that could not say what it rebuilt
    assert copied_now() == everything
    # the serving copy is another warehouse's publish (or an older one of this warehouse)
    other = make_warehouse(tmp_path / "other.duckdb")
    publish.publish_snapshot(other, serving, manifest_path=None, build_info={}, validation=[])
    other.close()
    assert copied_now() == everything
    # the copy is gone
    serving.unlink()
    assert copied_now() == everything
    # a rebuilt relation now serves other columns
    con.execute("alter table report.fig add column note varchar")
    assert copied_now() == ["report.fig"]
    # the warehouse has no record of its publishes (made before they were recorded)
    con.execute(f"drop table {publish.PUBLISH_STATE}")
    assert copied_now() == everything
    con.close()
