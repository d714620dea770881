"""Incremental builds give exactly the full build's result (issue 6).

A small synthetic drop is built in full; then one day of procurement notices arrives (new lots,
a termination of an awarded lot, a corrected award, a re-tender, and a re-post that moves a
lot to another project), one registry file changes and a connectivity revision is added. The
warehouse is rebuilt incrementally, the same final drop is built from scratch elsewhere, and
every mart and report relation must be identical, row for row."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date, timedelta

import duckdb
import pytest

from conftest import build_drop, cli_env, copy_build, run_cli

# four builds of a 0.01-scale drop; each test starts from a copy of the session's full build
pytestmark = pytest.mark.slow

NEW_DAY_FILE = "procurement/zfcg_2024-07-01.csv"  # sorts before zfcg_2024Q1.csv ('-' < 'Q')
DAY = "2024-07-01"


def query(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def relations(path) -> dict[str, tuple[list[str], list[str]]]:
    """Every table of marts and report: (columns, sorted rows as text)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'report') order by 1, 2").fetchall()
        out = {}
        for schema, table in names:
            cur = con.execute(f'select * from "{schema}"."{table}"')
            cols = [d[0] for d in cur.description]
            out[f"{schema}.{table}"] = (cols, sorted(repr(r) for r in cur.fetchall()))
        return out
    finally:
        con.close()


def nodes(workdir) -> int:
    """How many nodes (models, seeds, tests) the last dbt build of a work dir ran."""
    found = re.findall(r"Done\. PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+ NO-OP=\d+ TOTAL=(\d+)",
                       (workdir / "build.log").read_text(encoding="utf-8"))
    return int(found[-1])


def procurement_header(raw) -> list[str]:
    path = sorted((raw / "procurement").glob("*.csv"))[0]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def raw_notice(warehouse, where: str) -> dict:
    rows = query(warehouse, f"select * from raw.procurement_notices where {where} "
                            "order by source_file, source_line limit 1")
    assert rows, where
    return rows[0]


def new_day_rows(warehouse) -> tuple[list[dict], dict[str, str]]:
    """One day of notices touching existing lots, each picked from the first build."""
    lots = query(warehouse, "select * from marts.fct_procurement_lots order by lot_id")
    awarded = [lot for lot in lots if lot["status"] == "awarded" and lot["award_yuan"] is not None]
    cancelled = [lot for lot in lots if lot["status"] == "not_awarded"]
    assert len(awarded) >= 4 and cancelled
    # a lot whose result was posted in a 2024 file, which the new day's file sorts before
    late = {r["lot_id"] for r in query(warehouse, "select distinct \"项目编号\" || '|' || lot_no as lot_id "
                                       "from raw.procurement_notices where notice_class = 'result' "
                                       "and source_file like 'procurement/zfcg_2024Q%'")}
    moved = next(lot for lot in awarded if lot["lot_id"] in late)
    terminated, corrected, other = [lot for lot in awarded if lot is not moved][:3]
    retender = cancelled[0]

    def like(lot, **values):
        base = raw_notice(warehouse, f"\"项目编号\" = '{lot['project_code']}' and lot_no = '{lot['lot_no']}'")
        return {**base, **values}

    # the posting of `moved`'s result notice, re-posted under another project: the new file
    # sorts earlier, so it becomes the posting's first row and carries the lot to P-MOVED.
    moved_result = raw_notice(warehouse, f"\"项目编号\" = '{moved['project_code']}' and lot_no = '{moved['lot_no']}' "
                                         "and notice_class = 'result' and source_file like 'procurement/zfcg_2024Q%'")
    rows = [
        like(terminated, 公告ID="INC-1", 公告类型="终止公告", 发布日期=DAY, 中标金额=None),
        like(corrected, 公告ID="INC-2", 公告类型="更正公告", 发布日期=DAY, 中标金额="123456.78"),
        like(retender, 公告ID="INC-3", 公告类型="中标(成交)结果公告", 发布日期=DAY, 中标金额="88万元"),
        {**moved_result, "项目编号": "P-MOVED-2024"},
        # two brand-new lots of one new project
        like(other, 公告ID="INC-4", 项目编号="P-NEW-2024", 标项号="1", 公告类型="中标(成交)结果公告",
             发布日期=DAY, 中标金额="50000"),
        like(other, 公告ID="INC-4", 项目编号="P-NEW-2024", 标项号="2", 公告类型="中标(成交)结果公告",
             发布日期=DAY, 中标金额="60000"),
    ]
    picked = {"terminated": terminated["lot_id"], "corrected": corrected["lot_id"],
              "retender": retender["lot_id"], "moved": moved["lot_id"]}
    return rows, picked


def write_day_file(raw, header, rows) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else str(row[h]) for h in header])
    (raw / NEW_DAY_FILE).write_text(buf.getvalue(), encoding="utf-8")


def change_registry(raw) -> str:
    """Drop a few rows of the smallest registry file and change a status: one changed file."""
    path = min((p for p in (raw / "registry").iterdir() if p.suffix == ".csv"), key=lambda p: p.stat().st_size)
    encoding = "gb18030"
    lines = path.read_bytes().decode(encoding).splitlines(keepends=True)
    kept = [lines[0]] + [line for i, line in enumerate(lines[1:]) if i % 7 != 3]
    kept[1] = kept[1].replace("存续", "注销", 1)
    path.write_bytes("".join(kept).encode(encoding))
    return f"registry/{path.name}"


def add_connectivity_revision(raw) -> str:
    source = sorted((raw / "connectivity").glob("*.csv"))[0]
    data = source.read_bytes()
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        lines = data.decode("gb18030").splitlines()
    header, first = lines[0], lines[1]
    cells = next(csv.reader([first]))
    names = next(csv.reader([header]))
    users = names.index("网民数")
    cells[users] = str(int(re.sub(r"\D", "", cells[users])) - 1)
    target = raw / "connectivity" / "zz_revision.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([names, cells])
    target.write_text(buf.getvalue(), encoding="utf-8")
    return "connectivity/zz_revision.csv"


def test_incremental_build_equals_full_build(small_build, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_build.raw, raw)
    # the full build of the same files elsewhere: the state records file names and hashes, not folders
    first = copy_build(small_build, tmp_path / "incremental")
    assert "full build (no previous warehouse)" in first.result.stderr

    # Nothing changed: nothing parsed, no dbt, no checks rerun; the publish still happens.
    again = build_drop(raw, tmp_path / "incremental")
    assert "incremental build (changed: nothing)" in again.result.stderr
    assert "smartcounty_dbt" not in again.result.stderr
    assert again.result.stderr.count("(unchanged: 0 parsed, 0 replaced/removed)") == 3
    # nothing was rebuilt, so every relation is kept from the serving copy it replaces
    kept_all = re.search(r"published (\d+) relations: 0 rebuilt copied from the warehouse, (\d+) kept", again.result.stderr)
    assert kept_all and kept_all[1] == kept_all[2] and int(kept_all[1]) > 15, again.result.stderr[-2000:]

    rows, picked = new_day_rows(first.warehouse)
    write_day_file(raw, procurement_header(raw), rows)
    registry_file = change_registry(raw)
    connectivity_file = add_connectivity_revision(raw)

    incremental = build_drop(raw, tmp_path / "incremental")
    log = incremental.result.stderr
    assert "incremental build (changed: procurement, registry, connectivity)" in log
    # only the new and changed files were parsed
    assert "from 15 files (delta: 1 parsed, 0 replaced/removed)" in log
    assert re.search(r"registry: .* \(delta: 1 parsed, 1 replaced/removed\)", log), registry_file
    assert re.search(r"connectivity: .* \(delta: 1 parsed, 0 replaced/removed\)", log), connectivity_file
    # dbt ran the incremental procurement models in incremental mode and skipped the unit tests
    assert "dbt build --exclude-resource-type unit_test" in log
    assert "--full-refresh" not in log

    scratch = build_drop(raw, tmp_path / "scratch")
    assert "full build (no previous warehouse)" in scratch.result.stderr
    assert nodes(scratch.warehouse.parent) > nodes(incremental.warehouse.parent)

    got, want = relations(incremental.warehouse), relations(scratch.warehouse)
    assert set(got) == set(want) and len(got) > 15
    different = [name for name in want if got[name] != want[name]]
    assert different == []
    # and so does the serving copy, published into a copy of the previous one
    assert relations(incremental.serving) == relations(scratch.serving) == want

    lots = {r["lot_id"]: r for r in query(incremental.warehouse, "select * from marts.fct_procurement_lots")}
    assert lots[picked["terminated"]]["status"] == "not_awarded"
    assert str(lots[picked["corrected"]]["award_yuan"]) == "123456.780000"
    assert lots[picked["retender"]]["status"] == "awarded"
    assert lots[picked["retender"]]["investment_year"] == 2024
    moved_lot = "P-MOVED-2024|" + picked["moved"].split("|", 1)[1]
    assert moved_lot in lots
    assert {"P-NEW-2024|1", "P-NEW-2024|2"} <= set(lots)
    # the consumed changes are cleared once the build has published
    assert query(incremental.warehouse, "select count(*) as n from incremental.changed_projects")[0]["n"] == 0


def test_full_refresh_flag_rebuilds_everything(small_build, small_raw, tmp_path):
    first = copy_build(small_build, tmp_path)
    assert first.result.returncode == 0
    env = cli_env(warehouse=first.warehouse, raw=small_raw, serving=first.serving)
    done = run_cli("build", "--full-refresh", env=env, check=True)
    assert "full build (--full-refresh)" in done.stderr
    assert done.stderr.count("(full: ") == 3
    assert "dbt build --full-refresh --exclude-resource-type unit_test" in done.stderr
    assert relations(first.warehouse)  # still complete after the refresh
