"""``smartcounty export``: Parquet and XLSX round trips of the serving copy, the manifest, sheet
names, and what the export refuses."""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

import duckdb
import numpy as np
import openpyxl
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


def excel_types(duck_type: str) -> set[type]:
    """The Python types openpyxl may give back for a DuckDB column type."""
    if duck_type == "BOOLEAN":
        return {bool}
    if duck_type == "DATE" or duck_type.startswith("TIMESTAMP"):
        return {datetime, pd.Timestamp}
    if duck_type.split("(")[0] in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL", "DOUBLE", "FLOAT"}:
        return {int, float}
    return {str}


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
        for col in rel["columns"]:  # typed cells: numbers as numbers, dates as dates, text as text
            kinds = {type(v) for v in frame[col["name"]] if v is not None and not pd.isna(v)}
            assert kinds <= excel_types(col["type"]), (rel["relation"], col["name"], col["type"], kinds)
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


def handmade_serving(path, rows: int = 7) -> None:
    """A serving copy with every kind of value the XLSX writer must type or escape."""
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema report")
    con.execute(f"""
        create table marts.values_kinds as
        select i as id, 'r' || i as label, '0' || i as code, i % 2 = 0 as even, i * 1.5 as half,
               cast(i / 3 as decimal(18, 6)) as third, date '2024-01-01' + i as day,
               timestamp '2024-01-01 12:30:00' + to_hours(i) as seen, [i, i + 1] as pair,
               '13800000000' as 联系电话
        from (select cast(range as integer) as i from range(1, {rows + 1}))""")
    con.execute("""
        create table report.awkward (name varchar, note varchar, amount double, day date, seen timestamptz)""")
    con.execute("""insert into report.awkward values
        ('a & b <c> "d"', '  padded  ', 'nan', date '1899-12-31', timestamptz '2024-06-01 08:00:00+08'),
        ('line' || chr(10) || 'break' || chr(9) || 'tab', 'ctl' || chr(1) || 'x', 'inf', date '2024-02-29', null),
        ('_x000D_ literal', repeat('长', 40000), null, null, null),
        (null, '', -0.25, date '9999-12-31', null)""")
    con.execute("create table report.empty (x integer)")
    con.close()


def read_sheets(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def test_xlsx_splits_a_relation_over_the_row_limit_onto_numbered_sheets(tmp_path):
    handmade_serving(tmp_path / "serving.duckdb", rows=7)
    manifest = export.export(tmp_path / "serving.duckdb", tmp_path / "out", "xlsx", rows_per_sheet=3)
    sheets = read_sheets(tmp_path / "out" / export.WORKBOOK)
    rel = next(r for r in manifest["relations"] if r["relation"] == "marts.values_kinds")
    assert rel["sheets"] == ["marts.values_kinds", "marts.values_kinds~2", "marts.values_kinds~3"]
    assert rel["rows"] == 7 and [c["name"] for c in rel["columns"]] == \
        ["id", "label", "code", "even", "half", "third", "day", "seen", "pair"]  # no personal data
    header = tuple(c["name"] for c in rel["columns"])
    parts = [sheets[name] for name in rel["sheets"]]
    assert [len(part) for part in parts] == [4, 4, 2]  # each sheet: the header, then at most 3 rows
    assert all(part[0] == header for part in parts)
    assert [row[0] for part in parts for row in part[1:]] == list(range(1, 8))  # every row, in order
    empty = next(r for r in manifest["relations"] if r["relation"] == "report.empty")
    assert empty["sheets"] == ["report.empty"] and sheets["report.empty"] == [("x",)]
    # the sheet order in the workbook: contents, then each relation's parts in turn
    assert list(sheets)[:4] == [export.CONTENTS_SHEET, "marts.values_kinds", "marts.values_kinds~2",
                                "marts.values_kinds~3"]
    contents = sheets[export.CONTENTS_SHEET]
    listed = {row[0]: row[1] for row in contents[1:] if row[1]}
    assert listed["marts.values_kinds"] == "marts.values_kinds, marts.values_kinds~2, marts.values_kinds~3"


def test_xlsx_cells_are_typed_escaped_and_cut_to_excels_limits(tmp_path):
    handmade_serving(tmp_path / "serving.duckdb", rows=2)
    manifest = export.export(tmp_path / "serving.duckdb", tmp_path / "out", "xlsx")
    sheets = read_sheets(tmp_path / "out" / export.WORKBOOK)
    kinds = sheets["marts.values_kinds"]
    assert kinds[1] == (1, "r1", "01", False, 1.5, 0.333333, datetime(2024, 1, 2),
                        datetime(2024, 1, 1, 13, 30), "[1,2]")
    assert kinds[2][:4] == (2, "r2", "02", True)
    awkward = sheets["report.awkward"]
    assert awkward[0] == ("name", "note", "amount", "day", "seen")
    # XML specials survive; an aware time is written in UTC; NaN/inf become Excel's error values
    assert awkward[1] == ('a & b <c> "d"', "  padded  ", "#NUM!", "1899-12-31", datetime(2024, 6, 1))
    # openpyxl returns Excel's _xHHHH_ escapes undecoded: a control character, and a literal
    # _xHHHH_ kept from Excel's decoding by escaping its underscore
    assert awkward[2] == ("line\nbreak\ttab", "ctl_x0001_x", "#DIV/0!", datetime(2024, 2, 29), None)
    assert awkward[3][0] == "_x005F_x000D_ literal"
    assert awkward[3][1] == "长" * export.CELL_CHARS_MAX and awkward[3][2:] == (None, None, None)
    assert awkward[4] == (None, "", -0.25, datetime(9999, 12, 31), None)
    truncated = {r["relation"]: r["truncated_cells"] for r in manifest["relations"]}
    assert truncated == {"marts.values_kinds": 0, "report.awkward": 1, "report.empty": 0}
    contents = {row[0]: row[3] for row in sheets[export.CONTENTS_SHEET][1:] if row[1]}
    assert contents["report.awkward"] == 1
    with zipfile.ZipFile(tmp_path / "out" / export.WORKBOOK) as book:  # well-formed XML in every part
        for name in book.namelist():
            ElementTree.fromstring(book.read(name))

    done = run_cli("export", "--format", "xlsx", "--out", str(tmp_path / "cli"),
                   env=cli_env(serving=tmp_path / "serving.duckdb"), check=True)
    assert "report.awkward (1 cells)" in done.stderr


@pytest.mark.parametrize("text", ["plain", "a & b <c> >", "  two  ", "\t\n", "ctl\x01\x1f\x0b\ufffe\uffff",
                                  "_x000D_", "_X00aF_ and _x12_", "长" * 5, "_x000d_\x00"])
def test_xml_text_in_python_and_in_sql_agree(text):
    con = duckdb.connect()
    con.execute(export._TEXT_MACRO)
    assert con.execute("select xlsx_text(?)", [text]).fetchone()[0] == export.xml_text(text)
    ElementTree.fromstring(f"<t>{export.xml_text(text)}</t>")  # always well-formed
