"""End to end on a small hand-made raw drop for issue 11: every lot attribute, every locality class,
every integrity flag and the supplier view, with answers worked out by hand from
docs/contracts/scorecard.md (not copied from a pipeline run). One build for the module.

Counties: 兴安县 450325 and 灵川县 450323 (桂林市 450300), 北流市 450981 (玉林市 450900),
横州市 450181 (南宁市 450100; old code 450127 = 横县)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import build_drop
from test_e2e_handmade import PROC_HEADER, REG_HEADER, enterprise, uscc
from smartcounty.constants import PERSONAL_COLUMNS

pytestmark = pytest.mark.slow  # one full build of the hand-made supplier drop

RESULT, TENDER, CORRECTION, TERMINATED = "中标(成交)结果公告", "采购公告", "更正公告", "终止公告"


def notice(nid, proj, title, kind, date, *, code="450325", buyer="兴安县某单位", method="公开招标",
           catalog="C16010000", budget="", award="", supplier="", supplier_uscc="") -> str:
    cells = [nid, proj, title, kind, date, "1", code, "", buyer, "某代理公司", method, catalog, "", budget, award,
             supplier, supplier_uscc, "张三", "13800000000"]
    return ",".join(cells)


# --- suppliers ---------------------------------------------------------------------------------
S_LOCAL = uscc("450325", "MA0000101")      # registry, 兴安县
S_PREF = uscc("450323", "MA0000102")       # registry, 灵川县 (same prefecture as 兴安县)
S_OTHERGX = uscc("450981", "MA0000103")    # registry, 北流市 (玉林市)
S_YOUNG = uscc("450325", "MA0000104")      # registry, 兴安县, established 2023-03-01
S_CLOSED = uscc("450325", "MA0000105")     # registry, 兴安县, 注销 2023-01-15
S_PREFCODE = uscc("450300", "MA0000106")   # registry but not county-level: home = the prefecture code 450300
U_OUT = uscc("440300", "MA0000107")        # not in the registry, 深圳: outside Guangxi
U_XW = uscc("450127", "MA0000108")         # not in the registry, old 横县 code → 450181 横州市
U_NOT_AWARDED = uscc("450325", "MA0000109")  # only on a lot that is not awarded
BAD = S_LOCAL[:-1] + ("0" if S_LOCAL[-1] != "0" else "1")  # wrong check character
FULLWIDTH_LOCAL = S_LOCAL.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})

REGISTRY = [
    REG_HEADER,
    enterprise(S_LOCAL, "兴安某科技有限公司", "存续"),
    enterprise(S_PREF, "灵川某信息技术有限公司", "存续", authority="灵川县市场监督管理局", address="灵川县灵川镇2号",
               division="450323"),
    enterprise(S_OTHERGX, "北流某科技有限公司", "存续", authority="北流市市场监督管理局", address="北流市城区3号",
               division="450981"),
    enterprise(S_YOUNG, "兴安新创科技有限公司", "存续", founded="2023-03-01"),
    enterprise(S_CLOSED, "兴安旧业科技有限公司", "注销", founded="2010-01-01", closed="2023-01-15"),
    enterprise(S_PREFCODE, "桂林某数据有限公司", "存续", authority="桂林市市场监督管理局", address="桂林市中华路1号",
               division=""),
]

PROCUREMENT = [
    PROC_HEADER,
    # L1 兴安县 smart (G01): window 31 days (lawful), award 0.9 × budget; supplier by a full-width USCC
    # (NFKC → S_LOCAL) → same_county; no flag.
    notice("A1", "L1", "兴安县雪亮工程视频监控建设项目", TENDER, "2023-01-01", buyer="兴安县公安局", budget="100万元"),
    notice("A2", "L1", "兴安县雪亮工程视频监控建设项目", RESULT, "2023-02-01", buyer="兴安县公安局", award="90万元",
           supplier="兴安某科技有限公司", supplier_uscc=FULLWIDTH_LOCAL),
    # L2 兴安县 smart (L01): 公开招标 10 days < 20 → short_tender_window; 498 000 ≥ 0.995 × 500 000 → near budget;
    # supplier in 灵川县 → same_prefecture.
    notice("B1", "L2", "兴安县智慧校园建设项目", TENDER, "2023-03-01", buyer="兴安县教育局", method="公开招标（电子化）",
           budget="50万元"),
    notice("B2", "L2", "兴安县智慧校园建设项目", RESULT, "2023-03-11", buyer="兴安县教育局", method="公开招标（电子化）",
           award="498000", supplier="灵川某信息技术有限公司", supplier_uscc=S_PREF),
    # L3 兴安县 informatization, not smart: 单一来源 (no window term; not near-budget though award = budget);
    # supplier established 2023-03-01, 32 days before the award → young_supplier.
    notice("C1", "L3", "兴安县政府网站运维服务", TENDER, "2023-04-01", buyer="兴安县人民政府办公室", method="单一来源",
           budget="200000"),
    notice("C2", "L3", "兴安县政府网站运维服务", RESULT, "2023-04-02", buyer="兴安县人民政府办公室", method="单一来源",
           award="200000", supplier="兴安新创科技有限公司", supplier_uscc=S_YOUNG),
    # L4 兴安县 informatization: 竞争性磋商 19 days ≥ 10; award 120 000 > budget 100 000 → over budget;
    # supplier closed 2023-01-15, before the award → inactive_supplier.
    notice("D1", "L4", "兴安县机房改造项目", TENDER, "2023-05-01", buyer="兴安县数据中心", method="竞争性磋商",
           budget="10万"),
    notice("D2", "L4", "兴安县机房改造项目", RESULT, "2023-05-20", buyer="兴安县数据中心", method="竞争性磋商",
           award="120000", supplier="兴安旧业科技有限公司", supplier_uscc=S_CLOSED),
    # L5a–d 灵川县, one buyer, 2023, no tenders: S_OTHERGX holds 3 of 4 lots and 900 000 of 1 100 000 → dominant
    # on its three lots; L5a is smart (I03) and other_guangxi; L5d's supplier is outside Guangxi.
    notice("E1", "L5A", "灵川县智慧旅游平台", RESULT, "2023-06-01", code="450323", buyer="灵川县大数据发展中心",
           award="300000", supplier="北流某科技有限公司", supplier_uscc=S_OTHERGX),
    notice("E2", "L5B", "灵川县政务信息系统运维", RESULT, "2023-06-02", code="450323", buyer="灵川县大数据发展中心",
           award="300000", supplier="北流某科技有限公司", supplier_uscc=S_OTHERGX),
    notice("E3", "L5C", "灵川县网络安全等级保护服务", RESULT, "2023-06-03", code="450323", buyer="灵川县大数据发展中心",
           award="300000", supplier="北流某科技有限公司", supplier_uscc=S_OTHERGX),
    notice("E4", "L5D", "灵川县办公系统升级服务", RESULT, "2023-06-04", code="450323", buyer="灵川县大数据发展中心",
           award="200000", supplier="深圳某软件有限公司", supplier_uscc=U_OUT),
    # L6 横州市 smart (G08): budget only on the result (no 采购公告) → 1 000 000; a later correction renames the
    # supplier and leaves the USCC (old 横县 code 450127 → 450181) in place → same_county.
    notice("F1", "L6", "横州市数字乡村建设项目", RESULT, "2023-07-01", code="450181", buyer="横州市农业农村局",
           budget="1000000", award="800000", supplier="横县某科技有限公司", supplier_uscc=U_XW),
    notice("F2", "L6", "横州市数字乡村建设项目", CORRECTION, "2023-07-05", code="450181", buyer="横州市农业农村局",
           supplier="横州某科技有限公司"),
    # L7 北流市 smart (L02): the result's USCC is invalid, a later correction gives S_OTHERGX → same_county;
    # the latest award of S_OTHERGX, so dim_supplier takes its (new) name.
    notice("G1", "L7", "北流市人民医院智慧医院建设项目", RESULT, "2023-08-01", code="450981", buyer="北流市人民医院",
           award="400000", supplier="北流某科技股份有限公司", supplier_uscc=BAD),
    notice("G2", "L7", "北流市人民医院智慧医院建设项目", CORRECTION, "2023-08-03", code="450981", buyer="北流市人民医院",
           supplier_uscc=S_OTHERGX),
    # L8 兴安县 smart (L04): only an invalid USCC → NULL → unknown.
    notice("H1", "L8", "兴安县智慧社区服务平台", RESULT, "2023-09-01", buyer="兴安县民政局", award="300000",
           supplier="某某公司", supplier_uscc=BAD),
    # L9 兴安县: awarded, then terminated → not awarded: dates and supplier NULL, budget still taken.
    notice("J1", "L9", "兴安县智慧停车项目", TENDER, "2023-09-01", buyer="兴安县住建局", budget="30万元"),
    notice("J2", "L9", "兴安县智慧停车项目", RESULT, "2023-09-20", buyer="兴安县住建局", award="290000",
           supplier="兴安某停车公司", supplier_uscc=U_NOT_AWARDED),
    notice("J3", "L9", "兴安县智慧停车项目", TERMINATED, "2023-10-01", buyer="兴安县住建局"),
    # L10 兴安县 smart (G03), 询价: tenders 06-01 (700 000) and 06-20 (800 000, after the award: ignored for
    # tender_date, but the latest 采购公告 for the budget); 9 days ≥ 3; supplier's home is the prefecture
    # code 450300 → same_prefecture.
    notice("K1", "L10", "兴安县智慧交通信号改造", TENDER, "2023-06-01", buyer="兴安县交通运输局", method="询价",
           budget="700000"),
    notice("K2", "L10", "兴安县智慧交通信号改造", RESULT, "2023-06-10", buyer="兴安县交通运输局", method="询价",
           award="600000", supplier="桂林某数据有限公司", supplier_uscc=S_PREFCODE),
    notice("K3", "L10", "兴安县智慧交通信号改造", TENDER, "2023-06-20", buyer="兴安县交通运输局", method="询价",
           budget="800000"),
    # L13 兴安县 smart (G01) 2022, supplier outside Guangxi (lower-case USCC → upper-cased).
    notice("M1", "L13", "兴安县雪亮工程二期", RESULT, "2022-05-01", buyer="兴安县公安局", award="500000",
           supplier="深圳某软件有限公司", supplier_uscc=U_OUT.lower()),
]


def write_drop(root: Path) -> Path:
    raw = root / "raw"
    for source, rows in (("procurement", PROCUREMENT), ("registry", REGISTRY)):
        (raw / source).mkdir(parents=True)
        (raw / source / f"{source}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (raw / "connectivity").mkdir()
    return raw


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e_suppliers")
    build = build_drop(write_drop(root), root)
    assert build.result.returncode == 0, build.result.stdout[-3000:] + build.result.stderr[-3000:]
    return build


def rows(path, sql) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def d(text):
    import datetime as dt  # noqa: PLC0415

    return dt.date.fromisoformat(text) if text else None


# lot: (method, budget, award_date, tender_date, decision_days, supplier_name, supplier_uscc, locality)
LOTS = {
    "L1|1": ("公开招标", 1000000, "2023-02-01", "2023-01-01", 31, "兴安某科技有限公司", S_LOCAL, "same_county"),
    "L2|1": ("公开招标（电子化）", 500000, "2023-03-11", "2023-03-01", 10, "灵川某信息技术有限公司", S_PREF,
             "same_prefecture"),
    "L3|1": ("单一来源", 200000, "2023-04-02", "2023-04-01", 1, "兴安新创科技有限公司", S_YOUNG, "same_county"),
    "L4|1": ("竞争性磋商", 100000, "2023-05-20", "2023-05-01", 19, "兴安旧业科技有限公司", S_CLOSED, "same_county"),
    "L5A|1": ("公开招标", None, "2023-06-01", None, None, "北流某科技有限公司", S_OTHERGX, "other_guangxi"),
    "L5D|1": ("公开招标", None, "2023-06-04", None, None, "深圳某软件有限公司", U_OUT, "outside_guangxi"),
    "L6|1": ("公开招标", 1000000, "2023-07-01", None, None, "横州某科技有限公司", U_XW, "same_county"),
    "L7|1": ("公开招标", None, "2023-08-01", None, None, "北流某科技股份有限公司", S_OTHERGX, "same_county"),
    "L8|1": ("公开招标", None, "2023-09-01", None, None, "某某公司", None, "unknown"),
    "L9|1": ("公开招标", 300000, None, None, None, None, None, None),
    "L10|1": ("询价", 800000, "2023-06-10", "2023-06-01", 9, "桂林某数据有限公司", S_PREFCODE, "same_prefecture"),
    "L13|1": ("公开招标", None, "2022-05-01", None, None, "深圳某软件有限公司", U_OUT, "outside_guangxi"),
}


@pytest.mark.parametrize("lot_id", sorted(LOTS))
def test_lot_attributes_and_locality(built, lot_id):
    (lot,) = rows(built.warehouse, f"select * from marts.fct_procurement_lots where lot_id = '{lot_id}'")
    method, budget, award_date, tender_date, days, name, code, locality = LOTS[lot_id]
    got = (lot["procurement_method"], lot["budget_yuan"], lot["award_date"], lot["tender_date"], lot["decision_days"],
           lot["supplier_name"], lot["supplier_uscc"], lot["supplier_locality"])
    want = (method, None if budget is None else Decimal(budget), d(award_date), d(tender_date), days, name, code,
            locality)
    assert got == want


def test_not_awarded_lot_is_not_counted(built):
    (lot,) = rows(built.warehouse, "select status, is_counted from marts.fct_procurement_lots where lot_id = 'L9|1'")
    assert lot == {"status": "not_awarded", "is_counted": False}


def test_integrity_flags(built):
    got = {(r["lot_id"], r["flag"]) for r in rows(built.warehouse, "select lot_id, flag from report.integrity_flags")}
    assert got == {
        ("L2|1", "short_tender_window"), ("L2|1", "award_near_budget"),
        ("L3|1", "single_source"), ("L3|1", "young_supplier"),
        ("L4|1", "award_over_budget"), ("L4|1", "inactive_supplier"),
        ("L5A|1", "dominant_supplier"), ("L5B|1", "dominant_supplier"), ("L5C|1", "dominant_supplier"),
    }
    details = {(r["lot_id"], r["flag"]): r["detail"]
               for r in rows(built.warehouse, "select lot_id, flag, detail from report.integrity_flags")}
    # the values that raised the flag, in words
    assert "10天" in details[("L2|1", "short_tender_window")] and "20天" in details[("L2|1", "short_tender_window")]
    assert "120000.00" in details[("L4|1", "award_over_budget")] and "100000.00" in details[("L4|1", "award_over_budget")]
    assert "3个" in details[("L5A|1", "dominant_supplier")] and "81.8%" in details[("L5A|1", "dominant_supplier")]
    assert "已注销或吊销，2023-01-15" in details[("L4|1", "inactive_supplier")]
    assert "2023-03-01" in details[("L3|1", "young_supplier")] and "2023-04-02" in details[("L3|1", "young_supplier")]


def test_county_integrity(built):
    got = rows(built.warehouse, "select * from report.county_integrity where lot_count > 0 order by year, county_code")
    slim = [(r["year"], r["county_code"], r["lot_count"], r["flagged_lot_count"], r["flagged_share"]) for r in got]
    assert slim == [
        (2022, "450325", 1, 0, 0.0),
        (2023, "450181", 1, 0, 0.0),
        (2023, "450323", 4, 3, 0.75),
        (2023, "450325", 6, 3, 0.5),
        (2023, "450981", 1, 0, 0.0),
    ]
    xingan = got[3]
    assert [xingan[f"{f}_count"] for f in ("single_source", "short_tender_window", "award_over_budget",
                                           "award_near_budget", "young_supplier", "inactive_supplier",
                                           "dominant_supplier")] == [1, 1, 1, 1, 1, 1, 0]
    assert got[2]["dominant_supplier_count"] == 3
    (n, empty) = rows(built.warehouse, "select count(*) as n, count(flagged_share) as shares from report.county_integrity "
                                       "where lot_count = 0").pop().values()
    assert (n, empty) == (2 * 111 - 5, 0)


def test_supplier_locality(built):
    got = {(r["year"], r["locality"]): (r["lot_count"], r["award_yuan"], r["award_share"])
           for r in rows(built.warehouse, "select * from report.supplier_locality")}
    total = 3798000
    assert got == {
        (2022, "same_county"): (0, 0, 0.0), (2022, "same_prefecture"): (0, 0, 0.0),
        (2022, "other_guangxi"): (0, 0, 0.0), (2022, "outside_guangxi"): (1, 500000, 1.0),
        (2022, "unknown"): (0, 0, 0.0),
        (2023, "same_county"): (3, 2100000, pytest.approx(2100000 / total)),
        (2023, "same_prefecture"): (2, 1098000, pytest.approx(1098000 / total)),
        (2023, "other_guangxi"): (1, 300000, pytest.approx(300000 / total)),
        (2023, "outside_guangxi"): (0, 0, 0.0),
        (2023, "unknown"): (1, 300000, pytest.approx(300000 / total)),
    }


def test_dim_supplier(built):
    got = {r["supplier_uscc"]: r for r in rows(built.warehouse, "select * from marts.dim_supplier")}
    assert set(got) == {S_LOCAL, S_PREF, S_OTHERGX, S_YOUNG, S_CLOSED, S_PREFCODE, U_OUT, U_XW}
    homes = {k: (v["in_registry"], v["registry_county_code"], v["home_division_code"], v["home_county_code"],
                 v["home_prefecture_code"]) for k, v in got.items()}
    assert homes == {
        S_LOCAL: (True, "450325", "450325", "450325", "450300"),
        S_PREF: (True, "450323", "450323", "450323", "450300"),
        S_OTHERGX: (True, "450981", "450981", "450981", "450900"),
        S_YOUNG: (True, "450325", "450325", "450325", "450300"),
        S_CLOSED: (True, "450325", "450325", "450325", "450300"),
        S_PREFCODE: (True, None, "450300", None, "450300"),
        U_OUT: (False, None, "440300", None, None),
        U_XW: (False, None, "450181", "450181", "450100"),
    }
    assert got[S_OTHERGX]["supplier_name"] == "北流某科技股份有限公司"  # its latest award (L7)
    assert got[S_CLOSED]["status_class"] == "closed" and got[S_YOUNG]["established_date"] == d("2023-03-01")


def test_serving_copy_has_the_new_relations_without_personal_data(built):
    con = duckdb.connect(str(built.serving), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    finally:
        con.close()
    assert {"marts.dim_supplier", "report.integrity_flags", "report.county_integrity",
            "report.supplier_locality"} <= tables
    assert not columns & set(PERSONAL_COLUMNS)
