"""Loading sources into schema raw (smartcounty.rawload.load): row checks, accounting,
lineage, cleaning, transactions and idempotency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

import smartcounty.rawload.cells as cells_module
import smartcounty.rawload.load as load_module
from rawload_helpers import (
    SEEDS_DIR, connectivity_row, csv_text, procurement_row, registry_row, uscc, write,
)
from smartcounty.rawload import SOURCES, StructuralError, check_drop, load_source, scan_drop
from smartcounty.rawload.spec import CONNECTIVITY, PROCUREMENT, REGISTRY, SPECS


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def load(con, raw, source, **kw):
    manifest = scan_drop(raw)
    return load_source(con, manifest, source, SEEDS_DIR, **kw)


def fetch(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def table_rows(con, table):
    return con.execute(f"SELECT * FROM raw.{table}").fetchall()


# --- procurement ---------------------------------------------------------------------------


def test_procurement_checks_accounting_and_reason_order(tmp_path, con):
    rows = [
        procurement_row(公告ID="N1", 公告类型="中标（成交）结果公告", 中标金额="12.5万元", 标项号="02"),  # ok
        procurement_row(公告ID="", 发布日期="bad", 公告类型="??"),  # missing wins over date/type
        procurement_row(公告ID="N3", 发布日期="2023-02-30", 公告类型="??"),  # date before type
        procurement_row(公告ID="N4", 公告类型="招标预告"),
        procurement_row(公告ID="N5", 公告类型="流标公告", 预算金额="下浮率5%"),  # ok, amount NULL
        procurement_row(公告ID="N6", 采购人="\u3000 \u200b"),  # blank after cleaning
    ]
    write(tmp_path, "procurement/a.csv", csv_text(PROCUREMENT.headers, rows[:3]))
    write(tmp_path, "procurement/b.csv", csv_text(PROCUREMENT.headers, rows[3:]))
    result = load(con, tmp_path, "procurement")

    assert result.per_file == [
        {"source_file": "procurement/a.csv", "encoding": "utf-8", "rows_read": 3, "rows_accepted": 1, "rows_quarantined": 2},
        {"source_file": "procurement/b.csv", "encoding": "utf-8", "rows_read": 3, "rows_accepted": 1, "rows_quarantined": 2},
    ]
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (6, 2, 4)
    assert result.quarantine_by_reason == {"missing_required": 2, "invalid_date": 1, "unknown_notice_type": 1}
    assert list(result.quarantine_by_reason) == ["missing_required", "invalid_date", "unknown_notice_type"]

    quarantine = fetch(con, "SELECT source_file, source_line, reason, 公告ID FROM raw.procurement_quarantine")
    assert quarantine == [
        {"source_file": "procurement/a.csv", "source_line": 3, "reason": "missing_required", "公告ID": None},
        {"source_file": "procurement/a.csv", "source_line": 4, "reason": "invalid_date", "公告ID": "N3"},
        {"source_file": "procurement/b.csv", "source_line": 2, "reason": "unknown_notice_type", "公告ID": "N4"},
        {"source_file": "procurement/b.csv", "source_line": 4, "reason": "missing_required", "公告ID": "N6"},
    ]
    accepted = fetch(
        con,
        "SELECT 公告ID, 公告类型, notice_class, publish_date, lot_no, budget_yuan, award_yuan, "
        "source_file, source_line FROM raw.procurement_notices",
    )
    assert accepted == [
        {"公告ID": "N1", "公告类型": "中标（成交）结果公告", "notice_class": "result",
         "publish_date": dt.date(2023, 5, 6), "lot_no": "2", "budget_yuan": None,
         "award_yuan": Decimal("125000"), "source_file": "procurement/a.csv", "source_line": 2},
        {"公告ID": "N5", "公告类型": "流标公告", "notice_class": "failed",
         "publish_date": dt.date(2023, 5, 6), "lot_no": "1", "budget_yuan": None,
         "award_yuan": None, "source_file": "procurement/b.csv", "source_line": 3},
    ]
    files = fetch(con, "SELECT source_file, status, rows_read, rows_accepted, rows_quarantined FROM raw.procurement_files")
    assert [(f["rows_read"], f["rows_accepted"], f["rows_quarantined"]) for f in files] == [(3, 1, 2), (3, 1, 2)]
    for f in files:
        assert f["rows_read"] == f["rows_accepted"] + f["rows_quarantined"]


def test_procurement_notice_class_mapping(tmp_path, con):
    types = {
        "采购公告": "tender", "更正公告": "correction", "中标(成交)结果公告": "result",
        "中标（成交）结果公告": "result", "中标公告": "result", "成交公告": "result", "结果公告": "result",
        "废标公告": "failed", "流标公告": "failed", "终止公告": "terminated", "合同公告": "contract",
    }
    rows = [procurement_row(公告ID=str(i), 公告类型=t) for i, t in enumerate(types)]
    write(tmp_path, "procurement/a.csv", csv_text(PROCUREMENT.headers, rows))
    load(con, tmp_path, "procurement")
    got = con.execute("SELECT 公告类型, notice_class FROM raw.procurement_notices").fetchall()
    assert dict(got) == types


def test_nfkc_on_codes_not_on_names(tmp_path, con):
    row = procurement_row(
        公告ID="ＮＯ．１", 项目编号="ＧＸＺＣ２０２３－０１", 项目名称="兴安县（智慧）城市ＡＢＣ项目",
        发布日期="２０２３年５月６日", 标项号="０２", 区划代码="４５０３２５０００", 采购人="兴安县（大数据）局",
        中标金额="￥１，２３４．５元", 中标供应商="广西ＡＢＣ科技有限公司",
    )
    write(tmp_path, "procurement/a.csv", csv_text(PROCUREMENT.headers, [row]))
    load(con, tmp_path, "procurement")
    [r] = fetch(con, "SELECT * FROM raw.procurement_notices")
    assert r["公告ID"] == "NO.1"
    assert r["项目编号"] == "GXZC2023-01"
    assert r["发布日期"] == "2023年5月6日" and r["publish_date"] == dt.date(2023, 5, 6)
    assert r["标项号"] == "02" and r["lot_no"] == "2"
    assert r["区划代码"] == "450325000" and r["division_code"] == "450325"
    assert r["中标金额"] == "¥1,234.5元" and r["award_yuan"] == Decimal("1234.5")
    # names and free text are kept as written
    assert r["项目名称"] == "兴安县（智慧）城市ＡＢＣ项目"
    assert r["采购人"] == "兴安县（大数据）局"
    assert r["中标供应商"] == "广西ＡＢＣ科技有限公司"


def test_cleaning_zero_width_and_whitespace(tmp_path, con):
    row = procurement_row(公告ID="\ufeffN\u200b1\u2060", 项目名称="\u00a0 兴安\u200c县\u200d项目\u3000\t", 采购代理机构=" \u3000 ")
    write(tmp_path, "procurement/a.csv", csv_text(PROCUREMENT.headers, [row]))
    load(con, tmp_path, "procurement")
    [r] = fetch(con, "SELECT 公告ID, 项目名称, 采购代理机构 FROM raw.procurement_notices")
    assert r == {"公告ID": "N1", "项目名称": "兴安县项目", "采购代理机构": None}


def test_extra_columns_kept_and_unique(tmp_path, con):
    header = [*PROCUREMENT.headers, "备注", "备注", "", "source_file", "Note"]
    write(tmp_path, "procurement/a.csv", csv_text(header, [procurement_row() + ["x", "y", "z", "s", "n"]]))
    header_b = [*PROCUREMENT.headers, "note", "新列"]
    write(tmp_path, "procurement/b.csv", csv_text(header_b, [procurement_row() + ["nb", "new"]]))
    load(con, tmp_path, "procurement")
    cols = [r[0] for r in con.execute("DESCRIBE raw.procurement_notices").fetchall()]
    extras = cols[len(PROCUREMENT.headers): len(PROCUREMENT.headers) + 6]
    assert extras == ["备注", "备注_2", "column_22", "source_file_2", "Note", "新列"]
    got = con.execute('SELECT 备注, 备注_2, column_22, source_file_2, "Note", 新列, source_file FROM raw.procurement_notices').fetchall()
    assert got == [("x", "y", "z", "s", "n", None, "procurement/a.csv"), (None, None, None, None, "nb", "new", "procurement/b.csv")]
    qcols = [r[0] for r in con.execute("DESCRIBE raw.procurement_quarantine").fetchall()]
    assert qcols[:3] == ["source_file", "source_line", "reason"] and "备注_2" in qcols


def test_missing_optional_column_is_null(tmp_path, con):
    header = [h for h in PROCUREMENT.headers if h not in ("中标金额", "标项号")]
    row = [v for h, v in zip(PROCUREMENT.headers, procurement_row()) if h in header]
    write(tmp_path, "procurement/a.csv", csv_text(header, [row]))
    load(con, tmp_path, "procurement")
    assert con.execute("SELECT 中标金额, award_yuan, lot_no FROM raw.procurement_notices").fetchall() == [(None, None, "1")]


def test_short_and_long_records_and_line_numbers(tmp_path, con):
    body = ",".join(procurement_row(公告ID="N1"))
    short = "N2,P2,项目2"  # only 3 cells: padded, so required values are missing
    long_ = ",".join(procurement_row(公告ID="N3")) + ",extra1,extra2"
    multi = ",".join(procurement_row(公告ID="N4", 项目名称='"多行\n项目\n名称"'))
    text = ",".join(PROCUREMENT.headers) + "\n" + "\n".join([body, short, "", long_, multi, body.replace("N1", "N5")]) + "\n"
    write(tmp_path, "procurement/a.csv", text)
    result = load(con, tmp_path, "procurement")
    assert result.rows_read == 5  # the blank line is not a record
    got = con.execute("SELECT 公告ID, source_line FROM raw.procurement_notices").fetchall()
    assert got == [("N1", 2), ("N3", 5), ("N4", 6), ("N5", 9)]
    assert con.execute("SELECT 项目名称 FROM raw.procurement_notices WHERE 公告ID = 'N4'").fetchone() == ("多行\n项目\n名称",)
    assert con.execute("SELECT 公告ID, source_line, reason FROM raw.procurement_quarantine").fetchall() == [("N2", 3, "missing_required")]


def test_gb18030_and_gzip_round_trip(tmp_path, con):
    rows = [procurement_row(公告ID="G1", 项目名称="兴安县智慧城市㐀项目", 采购人="桂林市兴安县人民政府")]
    write(tmp_path, "procurement/gb.csv", csv_text(PROCUREMENT.headers, rows), encoding="gb18030")
    write(tmp_path, "procurement/gz.csv.gz", "\ufeff" + csv_text(PROCUREMENT.headers, rows, newline="\r\n"))
    write(tmp_path, "procurement/sig.csv", "\ufeff" + csv_text(PROCUREMENT.headers, rows))
    result = load(con, tmp_path, "procurement")
    assert [f["encoding"] for f in result.per_file] == ["gb18030", "utf-8-sig", "utf-8-sig"]
    assert set(result.readers.values()) == {"fast"}
    got = con.execute("SELECT 项目名称, 采购人, source_file, source_line FROM raw.procurement_notices").fetchall()
    assert got == [
        ("兴安县智慧城市㐀项目", "桂林市兴安县人民政府", "procurement/gb.csv", 2),
        ("兴安县智慧城市㐀项目", "桂林市兴安县人民政府", "procurement/gz.csv.gz", 2),
        ("兴安县智慧城市㐀项目", "桂林市兴安县人民政府", "procurement/sig.csv", 2),
    ]


def test_fast_and_exact_readers_give_identical_tables(tmp_path):
    rows = [procurement_row(公告ID=f"N{i}", 项目名称=f'项目"{i}"\n第二行' if i % 3 == 0 else f"项目{i}") for i in range(50)]
    write(tmp_path, "procurement/a.csv", csv_text(PROCUREMENT.headers, rows))
    tables = []
    for force in (False, True):
        c = duckdb.connect()
        result = load(c, tmp_path, "procurement", force_exact=force)
        assert set(result.readers.values()) == {"exact" if force else "fast"}
        tables.append([table_rows(c, t) for t in ("procurement_notices", "procurement_quarantine", "procurement_files")])
        c.close()
    assert tables[0] == tables[1]


# --- registry ------------------------------------------------------------------------------


def test_registry_checks_and_companions(tmp_path, con):
    good = "91350100M000100Y43"
    rows = [
        registry_row(统一社会信用代码=good.lower(), 登记状态="存续（在营、开业、在册）", 注册资本="500万人民币",
                     行业代码="ｉ６５１０", 所属区划代码="450325000000", 核准日期="2023/5/6"),  # ok
        registry_row(统一社会信用代码="91350100M000100Y44", 登记状态="??"),  # invalid_uscc before status
        registry_row(统一社会信用代码=uscc("91450325MA5K00001"), 登记状态="未知", 成立日期="bad"),  # status first
        registry_row(统一社会信用代码=uscc("91450325MA5K00002"), 成立日期="2015-02-30"),
        registry_row(统一社会信用代码=uscc("91450325MA5K00003"), 吊销日期="不详"),  # another date invalid
        registry_row(统一社会信用代码=uscc("91450325MA5K00004"), 登记状态="吊销，未注销", 注册资本="五百万", 行业代码="65100",
                     注销日期="20200101"),  # ok, NULLs
        registry_row(企业名称=""),
    ]
    write(tmp_path, "registry/r.csv", csv_text(REGISTRY.headers, rows))
    result = load(con, tmp_path, "registry")
    assert result.quarantine_by_reason == {"missing_required": 1, "invalid_uscc": 1, "unknown_status": 1, "invalid_date": 2}
    assert con.execute("SELECT source_line, reason FROM raw.registry_quarantine").fetchall() == [
        (3, "invalid_uscc"), (4, "unknown_status"), (5, "invalid_date"), (6, "invalid_date"), (8, "missing_required"),
    ]
    got = fetch(con, "SELECT * FROM raw.registry_enterprises")
    assert len(got) == 2
    a, b = got
    assert a["统一社会信用代码"] == good.lower() and a["uscc"] == good
    assert a["status_class"] == "active" and b["status_class"] == "closed"
    assert a["registered_capital_yuan"] == Decimal("5000000") and b["registered_capital_yuan"] is None
    assert a["行业代码"] == "i6510" and a["industry_code"] == "6510" and b["industry_code"] is None
    assert a["division_code"] == "450325"
    assert a["established_date"] == dt.date(2015, 3, 4) and a["approved_date"] == dt.date(2023, 5, 6)
    assert b["deregistered_date"] == dt.date(2020, 1, 1) and b["revoked_date"] is None


# --- connectivity --------------------------------------------------------------------------


def test_connectivity_checks_in_order(tmp_path, con):
    rows = [
        connectivity_row(),  # ok
        connectivity_row(区划代码="451021", 常住人口="３００，０００", 千兆光网覆盖率="９５．５％"),  # ok, old code → crosswalk
        connectivity_row(区划代码="450325000", 年份="２０２２"),  # ok, 9-digit cut
        connectivity_row(网民数=""),  # missing_required
        connectivity_row(区划代码="450300", 年份="23"),  # not_county_code before invalid_year
        connectivity_row(年份="23", 常住人口="-1"),  # invalid_year before invalid_count
        connectivity_row(常住人口="0"),  # invalid_count (must be > 0)
        connectivity_row(家庭户数="0"),  # invalid_count
        connectivity_row(固定宽带用户数="1.5", 千兆光网覆盖率="101"),  # invalid_count before percent
        connectivity_row(千兆光网覆盖率="100.5%"),  # percent_out_of_range
        connectivity_row(行政村5G通达率="很高"),  # non-numeric percent
        connectivity_row(乡村常住人口="300001", 网民数="300001"),  # rural pop first
        connectivity_row(网民数="300001", 乡村网民数="150001"),  # users_gt_population first
        connectivity_row(乡村网民数="150001"),
        connectivity_row(**{"5G基站数": "0"}, 乡村常住人口="0", 乡村网民数="0"),  # zeros allowed elsewhere
    ]
    write(tmp_path, "connectivity/c.csv", csv_text(CONNECTIVITY.headers, rows))
    result = load(con, tmp_path, "connectivity")
    reasons = con.execute("SELECT source_line, reason FROM raw.connectivity_quarantine").fetchall()
    assert reasons == [
        (5, "missing_required"), (6, "not_county_code"), (7, "invalid_year"), (8, "invalid_count"),
        (9, "invalid_count"), (10, "invalid_count"), (11, "percent_out_of_range"), (12, "percent_out_of_range"),
        (13, "rural_population_gt_population"), (14, "users_gt_population"), (15, "rural_users_gt_rural_population"),
    ]
    assert result.quarantine_by_reason == {
        "missing_required": 1, "not_county_code": 1, "invalid_year": 1, "invalid_count": 3,
        "percent_out_of_range": 2, "rural_population_gt_population": 1, "users_gt_population": 1,
        "rural_users_gt_rural_population": 1,
    }
    assert list(result.quarantine_by_reason) == list(CONNECTIVITY.reasons)
    got = fetch(con, "SELECT 区划代码, division_code, county_code, year, resident_population, gigabit_coverage_pct, "
                     "village_5g_pct, bs5g_count, source_line FROM raw.connectivity_indicators")
    assert got == [
        {"区划代码": "450325", "division_code": "450325", "county_code": "450325", "year": 2023,
         "resident_population": 300000, "gigabit_coverage_pct": 95.5, "village_5g_pct": 100.0, "bs5g_count": 500, "source_line": 2},
        {"区划代码": "451021", "division_code": "451021", "county_code": "451003", "year": 2023,
         "resident_population": 300000, "gigabit_coverage_pct": 95.5, "village_5g_pct": 100.0, "bs5g_count": 500, "source_line": 3},
        {"区划代码": "450325000", "division_code": "450325", "county_code": "450325", "year": 2022,
         "resident_population": 300000, "gigabit_coverage_pct": 95.5, "village_5g_pct": 100.0, "bs5g_count": 500, "source_line": 4},
        {"区划代码": "450325", "division_code": "450325", "county_code": "450325", "year": 2023,
         "resident_population": 300000, "gigabit_coverage_pct": 95.5, "village_5g_pct": 100.0, "bs5g_count": 0, "source_line": 16},
    ]


# --- structural errors, transactions, idempotency --------------------------------------------


def full_drop(raw):
    write(raw, "procurement/2023-01.csv", csv_text(PROCUREMENT.headers, [procurement_row(), procurement_row(公告ID="")]))
    write(raw, "registry/r.csv.gz", csv_text(REGISTRY.headers, [registry_row()]))
    write(raw, "connectivity/c.csv", csv_text(CONNECTIVITY.headers, [connectivity_row()]), encoding="gb18030")
    write(raw, "procurement/notes.txt", "ignored")


def snapshot(con):
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1").fetchall()]
    return {t: (con.execute(f"DESCRIBE raw.{t}").fetchall(), table_rows(con, t)) for t in tables}


def test_reload_is_idempotent(tmp_path):
    raw = tmp_path / "raw"
    full_drop(raw)
    db = tmp_path / "wh.duckdb"
    snaps = []
    for _ in range(2):
        with duckdb.connect(str(db)) as c:
            for source in SOURCES:
                load(c, raw, source)
            snaps.append(snapshot(c))
    assert len(snaps[0]) == 9
    assert snaps[0] == snaps[1]
    files = snaps[0]["procurement_files"][1]
    assert [(f[0], f[1]) for f in files] == [("procurement/2023-01.csv", "loaded"), ("procurement/notes.txt", "ignored")]


def test_structural_error_leaves_previous_tables(tmp_path, con):
    raw = tmp_path / "raw"
    full_drop(raw)
    for source in SOURCES:
        load(con, raw, source)
    before = snapshot(con)
    header = [h for h in PROCUREMENT.headers if h != "项目编号"]
    write(raw, "procurement/2023-02.csv", csv_text(header, []))
    manifest = scan_drop(raw)
    with pytest.raises(StructuralError) as err:
        check_drop(manifest)
    assert "procurement/2023-02.csv" in str(err.value) and "项目编号" in str(err.value)
    with pytest.raises(StructuralError, match="项目编号"):
        load_source(con, manifest, "procurement", SEEDS_DIR)
    assert snapshot(con) == before


def test_failure_mid_load_rolls_back(tmp_path, con, monkeypatch):
    raw = tmp_path / "raw"
    full_drop(raw)
    load(con, raw, "procurement")
    before = snapshot(con)
    write(raw, "procurement/2023-03.csv", csv_text(PROCUREMENT.headers, [procurement_row(公告ID="NEW")]))

    def boom(*args, **kwargs):  # runs after raw.procurement_notices was replaced
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "files_table", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        load(con, raw, "procurement")
    assert snapshot(con) == before
    monkeypatch.undo()
    load(con, raw, "procurement")  # the connection is usable afterwards
    assert con.execute("SELECT count(*) FROM raw.procurement_notices WHERE 公告ID = 'NEW'").fetchone() == (1,)


def test_file_changed_after_scan_is_refused(tmp_path, con):
    raw = tmp_path / "raw"
    full_drop(raw)
    manifest = scan_drop(raw)
    write(raw, "procurement/2023-01.csv", csv_text(PROCUREMENT.headers, [procurement_row(公告ID="X")]))
    with pytest.raises(StructuralError, match="changed since"):
        load_source(con, manifest, "procurement", SEEDS_DIR)


@pytest.mark.parametrize("source", SOURCES)
def test_empty_source_gives_empty_typed_tables(tmp_path, con, source):
    result = load(con, tmp_path, source)
    assert (result.rows_read, result.per_file) == (0, [])
    spec = SPECS[source]
    for table in (spec.table, spec.quarantine_table, spec.files_table):
        assert con.execute(f"SELECT count(*) FROM raw.{table}").fetchone() == (0,)
    cols = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE raw.{spec.table}").fetchall())
    assert list(cols)[: len(spec.headers)] == list(spec.headers)
    assert cols["source_line"] == "BIGINT" and cols["source_file"] == "VARCHAR"
    for companion in spec.companions:
        assert companion in cols


def test_companion_types(tmp_path, con):
    for source in SOURCES:
        load(con, tmp_path, source)
    types = lambda t: dict((r[0], r[1]) for r in con.execute(f"DESCRIBE raw.{t}").fetchall())
    p, r, c = types("procurement_notices"), types("registry_enterprises"), types("connectivity_indicators")
    assert p["publish_date"] == "DATE" and p["award_yuan"] == "DECIMAL(38,6)" and p["budget_yuan"] == "DECIMAL(38,6)"
    assert r["registered_capital_yuan"] == "DECIMAL(38,6)" and r["revoked_date"] == "DATE"
    assert c["year"] == "INTEGER" and c["households"] == "BIGINT" and c["village_5g_pct"] == "DOUBLE"
    f = types("procurement_files")
    assert list(f) == ["source_file", "status", "encoding", "bytes", "sha256", "rows_read", "rows_accepted", "rows_quarantined"]


def chunked_drop(raw):
    rows = [procurement_row(公告ID=f"N{i}") for i in range(9)] + [procurement_row(公告ID="")]
    write(raw, "procurement/2023-01.csv", csv_text(PROCUREMENT.headers, rows))
    write(raw, "procurement/2023-02.csv", csv_text(PROCUREMENT.headers, rows[:4]))
    write(raw, "registry/r.csv.gz", csv_text(REGISTRY.headers, [registry_row()] * 7 + [registry_row(成立日期="x")]))
    write(raw, "connectivity/c.csv", csv_text(CONNECTIVITY.headers, [connectivity_row()] * 5))


def test_files_worked_in_chunks_load_the_same_rows_and_counts(tmp_path, monkeypatch):
    """A file larger than a chunk is typed and appended in slices: same rows, same order, and
    the per-file accounting adds up the slices (a file's counts are not its last slice's)."""
    raw = tmp_path / "raw"
    chunked_drop(raw)
    loads = []
    for chunk_rows in (None, 3):
        if chunk_rows:
            monkeypatch.setattr(cells_module, "CHUNK_ROWS", chunk_rows)
        with duckdb.connect() as c:
            results = {s: load(c, raw, s) for s in SOURCES}
            loads.append((snapshot(c), {s: (r.per_file, r.quarantine_by_reason) for s, r in results.items()}))
    assert loads[0] == loads[1]
    per_file = loads[1][1]["procurement"][0]
    assert [(f["rows_read"], f["rows_accepted"], f["rows_quarantined"]) for f in per_file] == [(10, 9, 1), (4, 4, 0)]
    assert not [t for t in loads[1][0] if t.startswith("__next_")]


def test_leftover_staging_tables_of_a_killed_load_are_replaced(tmp_path, con):
    raw = tmp_path / "raw"
    full_drop(raw)
    load(con, raw, "procurement")
    before = snapshot(con)
    # What a load killed between its appends and its swap leaves behind.
    con.execute("CREATE TABLE raw.__next_procurement_notices AS SELECT 1 AS junk")
    load(con, raw, "procurement")
    assert snapshot(con) == before
