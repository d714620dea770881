"""Personal data never reaches the serving copy; server defaults and one-line CLI errors
(issue 7).

The serving copy of the session's ``small_build`` is scanned table by table and column by
column: by column name (联系人, 联系电话, 法定代表人, contact, phone, legal) and by value — mainland
mobile and landline numbers, and the exact person names found in the raw drop's 联系人 /
法定代表人 columns. In the warehouse, those columns live in schema ``raw`` only.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from conftest import run_cli
from smartcounty import cli
from smartcounty.serving.publish import PII_COLUMN

# The personal-data column names, from the one place the publish step reads them (a bare
# "legal" also matched reference.tender_min_days.legal_basis, a citation of the law).
PII_NAME = PII_COLUMN
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# A Chinese landline: 0, an area code not starting with 0, a local number starting with 2–8. Not
# inside a decimal fraction: SQL literals such as 0.0000000001 (meta.dbt_models.compiled_sql) are no phone.
LANDLINE = re.compile(r"(?<![\d.])0[1-9]\d{1,2}-?[2-8]\d{6,7}(?!\d)")
PERSON_COLUMNS = {"procurement_notices": "联系人", "registry_enterprises": "法定代表人"}


def columns(con) -> list[tuple[str, str, str, str]]:
    return con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() order by 1, 2, ordinal_position").fetchall()


def person_names(warehouse: Path) -> set[str]:
    """Every contact person and legal representative of the raw drop, as loaded (accepted
    and quarantined rows)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names: set[str] = set()
        for table, column in PERSON_COLUMNS.items():
            quarantine = table.split("_")[0] + "_quarantine"
            for t in (table, quarantine):
                sql = f'select distinct "{column}" from raw.{t} where "{column}" is not null'
                names |= {n for (n,) in con.execute(sql).fetchall()}
        return names
    finally:
        con.close()


@pytest.fixture(scope="module")
def names(small_build) -> set[str]:
    found = person_names(small_build.warehouse)
    assert len(found) >= 50, "the sample drop should carry contact names and legal representatives"
    return found


def text_values(con, schema: str, table: str, column: str) -> list[str]:
    return [v for (v,) in con.execute(
        f'select distinct "{column}"::varchar from "{schema}"."{table}" where "{column}" is not null').fetchall()]


def test_serving_copy_has_no_personal_data_columns(small_build):
    con = duckdb.connect(str(small_build.serving), read_only=True)
    try:
        cols = columns(con)
    finally:
        con.close()
    assert len(cols) > 100
    assert [c for c in cols if PII_NAME.search(c[2]) or PII_NAME.search(c[1])] == []


def contains_full_name(value: str, long_names: set[str]) -> bool:
    """A three-character name inside longer text (two-character names are matched as whole
    values only: as substrings they also occur in ordinary words and company names)."""
    return any(value[i : i + 3] in long_names for i in range(len(value) - 2))


def test_serving_copy_has_no_phone_numbers_or_person_names(small_build, names):
    long_names = {n for n in names if len(n) == 3}
    con = duckdb.connect(str(small_build.serving), read_only=True)
    hits, scanned = [], 0
    try:
        for schema, table, column, data_type in columns(con):
            # text and integers: where a phone or a name could sit (the digits of a DOUBLE's
            # fraction, e.g. 0.19671234567, would look like a mobile number)
            if not data_type.startswith(("VARCHAR", "BIGINT", "INTEGER", "HUGEINT", "STRUCT", "VARCHAR[]")):
                continue
            for value in text_values(con, schema, table, column):
                scanned += 1
                if MOBILE.search(value) or LANDLINE.search(value):
                    hits.append((schema, table, column, "phone", value[:80]))
                elif value in names or contains_full_name(value, long_names):
                    hits.append((schema, table, column, "name", value[:80]))
    finally:
        con.close()
    assert scanned > 1000
    assert hits == [], hits[:10]


def test_the_scan_finds_personal_data_where_it_is(small_build, names):
    """The detectors work: the warehouse raw schema holds the phones and names they look for."""
    con = duckdb.connect(str(small_build.warehouse), read_only=True)
    try:
        phones = text_values(con, "raw", "procurement_notices", "联系电话")
    finally:
        con.close()
    assert phones and sum(bool(MOBILE.search(p) or LANDLINE.search(p)) for p in phones) >= 0.8 * len(phones)
    assert names


def test_raw_personal_data_lives_only_in_the_warehouse_raw_schema(small_build, names):
    con = duckdb.connect(str(small_build.warehouse), read_only=True)
    try:
        cols = columns(con)
        by_name = {(s, t, c) for s, t, c, _ in cols if PII_NAME.search(c)}
        assert by_name and {s for s, _, _ in by_name} == {"raw"}, sorted(by_name)
        # by value too: no relation outside raw carries a phone number or a person's name
        hits = []
        for schema, table, column, data_type in cols:
            if schema == "raw" or not data_type.startswith("VARCHAR"):
                continue
            for value in text_values(con, schema, table, column):
                if MOBILE.search(value) or LANDLINE.search(value) or value in names:
                    hits.append((schema, table, column, value[:80]))
        assert hits == [], hits[:10]
    finally:
        con.close()


# --- server defaults and one-line errors (what tests/test_cli.py does not cover yet) ----------


def test_app_defaults_bind_localhost_with_xsrf_and_no_upload(monkeypatch, tmp_path):
    """`smartcounty app` with no options: what it would exec (os.execv is intercepted)."""
    launched = []

    def fake_execv(path, argv):
        launched.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execv", fake_execv)
    with pytest.raises(SystemExit):
        cli.main(["app", "--serving", str(tmp_path / "serving.duckdb")])
    (argv,) = launched
    opts = dict(zip(argv, argv[1:]))  # each flag -> the token after it
    assert opts["--server.address"] == "127.0.0.1"
    assert opts["--server.enableXsrfProtection"] == "true"
    assert opts["--server.maxUploadSize"] == "0"
    assert opts["--server.enableCORS"] == "true"
    assert argv == cli.streamlit_args("127.0.0.1", 8501)
    app_sources = Path(cli.__file__).resolve().parent.parent / "streamlit_app"
    assert not [p for p in app_sources.rglob("*.py") if "file_uploader" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("argv, needle", [
    (["build", "--no-such-option"], "no-such-option"),
    (["frobnicate"], "frobnicate"),
    (["sample", "--scale", "many"], "many"),
    (["app", "--port", "eighty"], "eighty"),
])
def test_bad_arguments_are_one_line_and_non_zero(argv, needle):
    done = run_cli(*argv)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("error:"), done.stderr
    assert "Traceback" not in done.stderr


def test_raw_path_that_is_a_file_is_one_line(tmp_path):
    not_a_folder = tmp_path / "raw.csv"
    not_a_folder.write_text("x", encoding="utf-8")
    done = run_cli("build", "--raw", str(not_a_folder), "--warehouse", str(tmp_path / "wh" / "w.duckdb"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "--raw is not a folder" in done.stderr


def test_corrupt_warehouse_file_is_one_line(tmp_path):
    (tmp_path / "raw").mkdir()
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_bytes(b"this is not a duckdb file" * 100)
    done = run_cli("build", "--raw", str(tmp_path / "raw"), "--warehouse", str(warehouse))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(warehouse) in lines[0], done.stderr
    assert "Traceback" not in done.stderr
