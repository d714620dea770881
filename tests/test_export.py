"""``smartcounty export``: Parquet and XLSX round trips of the serving copy, the manifest, sheet
names, and what the export refuses."""

from __future__ import annotations

import hashlib
import json
import math
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import pytest

from smartcounty.serving import export
from smartcounty.serving.publish import PII_COLUMN
from conftest import cli_env, run_cli


def serving_relations(serving) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        names = con.execute("select table_schema || '.' || table_name from information_schema.tables "
                            "where table_schema in ('marts', 'report') order by 1").fetchall()
        return {name: con.execute(f"select * from {name}").fetchall() for (name,) in names}
    finally:
        con.close()


def canon(value) -> str:
    """A value as Excel gives it back: numbers as floats, NULL as empty, dates without midnight."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, Decimal, np.integer, np.floating)):
        return format(float(value), ".12g")
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value).removesuffix(" 00:00:00")


def check_manifest(out, manifest: dict, want: dict) -> None:
    assert json.loads((out / export.MANIFEST).read_text(encoding="utf-8")) == manifest
    assert {r["relation"]: r["rows"] for r in manifest["relations"]} == {k: len(v) for k, v in want.items()}
    assert manifest["built_at"]  # meta.build_info.built_at of the serving copy
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        assert (out / entry["file"]).stat().st_size == entry["bytes"]
    columns = [c for r in manifest["relations"] for c in r["columns"]]
    assert columns and all(c["type"] for c in columns)
    assert not [c["name"] for c in columns if PII_COLUMN.search(c["name"])]
    # descriptions come from the serving copy's meta (the dbt YAML): every relation and column has one
    assert [r["relation"] for r in manifest["relations"] if not r["description"]] == []
    assert [(r["relation"], c["name"]) for r in manifest["relations"] for c in r["columns"]
            if not c["description"]] == []


def test_parquet_round_trip_matches_the_serving_copy(small_build, tmp_path):
    out = tmp_path / "parquet"
    done = run_cli("export", "--format", "parquet", "--out", str(out), env=cli_env(serving=small_build.serving),
                   check=True)
    assert "exported" in done.stdout and str(out / "manifest.json") in done.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    want = serving_relations(small_build.serving)
    assert len(want) > 15
    check_manifest(out, manifest, want)
    con = duckdb.connect()
    for rel in manifest["relations"]:
        path = out / rel["file"]
        got = con.execute(f"select * from read_parquet('{path}')").fetchall()
        assert sorted(map(repr, got)) == sorted(map(repr, want[rel["relation"]])), rel["relation"]
        types = [t for _, t in con.execute(f"select name, type from parquet_schema('{path}')").fetchall()[1:]]
        assert len(types) == len(rel["columns"])


@pytest.mark.slow  # writes and reads back the whole serving copy as XLSX: about 20 s of CPU
def test_xlsx_round_trip_matches_the_serving_copy(small_build, tmp_path):
    out = tmp_path / "xlsx"
    manifest = export.export(small_build.serving, out, "xlsx")
    want = serving_relations(small_build.serving)
    check_manifest(out, manifest, want)
    book = pd.read_excel(out / export.WORKBOOK, sheet_name=None, dtype=object)  # "01" stays text
    contents = book.pop(export.CONTENTS_SHEET)
    assert set(contents["关系 relation"]) == set(want)
    assert len(book) == len(want)
    listed = contents.dropna(subset=["工作表 sheet"])
    sheet_of = dict(zip(listed["关系 relation"], listed["工作表 sheet"]))
    for rel in manifest["relations"]:
        frame = book[sheet_of[rel["relation"]]]
        assert list(frame.columns) == [c["name"] for c in rel["columns"]]
        rows = want[rel["relation"]]
        assert len(frame) == len(rows), rel["relation"]
        got = sorted(tuple(canon(v) for v in row) for row in frame.astype(object).itertuples(index=False, name=None))
        assert got == sorted(tuple(canon(v) for v in row) for row in rows), rel["relation"]


def test_sheet_names_are_short_unique_and_legal():
    names = export.sheet_names(["report.network_infrastructure_ranking", "report.network_infrastructure_ranking~2",
                                "report.network_infrastructure_rankings", "a/b:c", "目录 contents"])
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[3] == "a_b_c" and names[4] != "目录 contents"


def test_export_refuses_bad_input_and_never_leaves_half_an_export(small_build, tmp_path):
    with pytest.raises(export.ExportError, match="serving copy not found"):
        export.export(tmp_path / "missing.duckdb", tmp_path / "out")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(export.ExportError, match="not empty"):
        export.export(small_build.serving, occupied)
    assert [p.name for p in occupied.iterdir()] == ["notes.txt"]
    done = run_cli("export", "--format", "csv", env=cli_env(serving=small_build.serving))
    assert done.returncode == 2 and "invalid choice" in done.stderr

    # A hand-made serving copy with a personal-data column: the column is never exported; a
    # relation dropped since the last export does not linger in the folder.
    handmade = tmp_path / "serving.duckdb"
    con = duckdb.connect(str(handmade))
    con.execute("create schema marts; create schema report")
    con.execute("create table marts.people as select 'a' as name, '13800000000' as 联系电话, 'x' as contact_person")
    con.execute("create table report.gone as select 1 as x")
    con.close()
    out = tmp_path / "again"
    export.export(handmade, out)
    assert duckdb.sql(f"select * from read_parquet('{out / 'marts.people.parquet'}')").columns == ["name"]
    con = duckdb.connect(str(handmade))
    con.execute("drop table report.gone")
    con.close()
    manifest = export.export(handmade, out)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "marts.people.parquet"]
    assert manifest["built_at"] is None  # no meta.build_info in a hand-made copy
