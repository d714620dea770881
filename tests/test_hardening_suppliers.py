"""Hostile input for issue 11's source columns (采购方式, 预算金额, 中标供应商, 供应商统一社会信用代码):
blank, malformed, lower-case and full-width USCCs, budgets in 万元 and junk, methods with stray text,
notices written out of date order, corrections after results, terminations.

A seeded generator writes one tiny drop (60 lots); one full build loads it through the raw loader and
dbt. Nothing may crash or be lost (row accounting from the files to the notices and lots), and every
lot attribute must equal an independent Python reading of the contract (scorecard.md "Lot attributes")
over the generated notices."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import build_drop
from expectations.bands import DEFAULT_BANDS
from rawload_helpers import SEEDS_DIR, csv_text, procurement_row, write
from smartcounty.rawload import load_source, scan_drop
from smartcounty.constants import USCC_CHARSET
from smartcounty.rawload.parse import uscc_check_char
from smartcounty.rawload.spec import PROCUREMENT
from test_e2e_handmade import PROC_HEADER, REG_HEADER, enterprise

SEED = 11
LOTS = 60
RESULT, TENDER, CORRECTION, TERMINATED = "result", "tender", "correction", "terminated"
NOTICE_TYPE = {RESULT: "中标(成交)结果公告", TENDER: "采购公告", CORRECTION: "更正公告", TERMINATED: "终止公告"}
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}

# 预算金额 as written → parsed yuan (None = blank or unparseable)
BUDGETS = [
    ("100万元", Decimal("1000000")), ("１００万", Decimal("1000000")), ("¥1,234.50", Decimal("1234.50")),
    ("人民币80000元整", Decimal("80000")), ("0", Decimal("0")), ("0.5亿", Decimal("50000000")),
    ("详见附件", None), ("下浮率5%", None), ("-500", None), ("/", None), ("", None), ("  ", None),
]
METHODS = ["公开招标", " 单一来源\u200b", "竞争性磋商（服务类）", "询价采购", "公开招标/单一来源", "其他", "",
           "ＸＸ竞争性谈判", "\u3000邀请招标\u3000"]
NAMES = ["兴安某科技有限公司", "  桂林某信息公司 ", "", "\u200b", "深圳某软件有限公司"]


def valid_uscc(rng: random.Random, division: str) -> str:
    body = "91" + division + "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    return body + uscc_check_char(body)


def uscc_variant(rng: random.Random, registered: list[str]) -> str:
    code = rng.choice(registered) if rng.random() < 0.5 else valid_uscc(rng, rng.choice(["450325", "440300", "450127"]))
    wrong = code[:-1] + USCC_CHARSET[(USCC_CHARSET.index(code[-1]) + 1) % 31]
    return rng.choice([
        code, code.lower(), code.translate(FULL_WIDTH), f" {code}\u200b", code[:17], code + "0", wrong,
        code[:5] + "O" + code[6:], "", "  ", "无", "91450325-MA5K",
    ])


def clean(text: str) -> str | None:
    """raw_inputs.md value cleaning: zero-width removed, trimmed (U+3000 and U+00A0 too); blank → None."""
    for ch in "\u200b\u200c\u200d\u2060\ufeff":
        text = text.replace(ch, "")
    text = text.strip(" \t\r\n\u3000\u00a0")
    return text or None


def uscc_checked(text: str | None) -> str | None:
    """The contract's USCC: NFKC, upper case, NULL unless 18 characters with a valid check character."""
    if text is None:
        return None
    code = unicodedata.normalize("NFKC", text).upper()
    ok = len(code) == 18 and all(c in USCC_CHARSET for c in code) and uscc_check_char(code[:17]) == code[17]
    return code if ok else None


@dataclass
class Notice:
    kind: str
    date: dt.date
    method: str = ""
    budget: tuple[str, Decimal | None] = ("", None)
    supplier: str = ""
    uscc: str = ""
    award: str = ""
    line: int = 0  # 1-based data line in the file (line = this + 1)


@dataclass
class Lot:
    project: str
    notices: list[Notice] = field(default_factory=list)


def generate(rng: random.Random, registered: list[str]) -> list[Lot]:
    lots = []
    base = dt.date(2023, 1, 1)
    for i in range(LOTS):
        lot = Lot(f"FZ{i:03d}")
        # distinct dates per lot: rows of one lot never collapse as re-posts (figures.md), whatever their order
        days = rng.sample(range(0, 300), 7)
        kinds = [TENDER] * rng.randint(0, 2) + [RESULT] * rng.randint(0, 2) + [CORRECTION] * rng.randint(0, 2)
        if rng.random() < 0.15:
            kinds.append(TERMINATED)
        kinds = kinds or [TENDER]
        for kind, day in zip(kinds, days):
            n = Notice(kind, base + dt.timedelta(days=day), method=rng.choice(METHODS), budget=rng.choice(BUDGETS))
            if kind in (RESULT, CORRECTION):
                n.supplier = rng.choice(NAMES)
                n.uscc = uscc_variant(rng, registered)
                n.award = rng.choice(["500000", "50万", "详见附件", ""])
            lot.notices.append(n)
        rng.shuffle(lot.notices)  # written out of date order
        lots.append(lot)
    return lots


def expected(lot: Lot) -> dict:
    """scorecard.md "Lot attributes" read directly (notice order = date; dates are distinct per lot)."""
    order = sorted(lot.notices, key=lambda n: n.date)
    results = [n for n in order if n.kind == RESULT]
    cancels = [n for n in order if n.kind == TERMINATED]
    awarded = bool(results) and not (cancels and cancels[-1].date > results[-1].date)
    picked_method = next((clean(n.method) for n in reversed(results) if clean(n.method)), None) or next(
        (clean(n.method) for n in reversed(order) if n.kind != RESULT and clean(n.method)), None)
    tenders = [n for n in order if n.kind == TENDER]
    others = [n for n in order if n.kind != TENDER]
    budget = next((n.budget[1] for n in reversed(tenders) if n.budget[1] is not None), None)
    if budget is None:
        budget = next((n.budget[1] for n in reversed(others) if n.budget[1] is not None), None)
    out = {"procurement_method": picked_method, "budget_yuan": budget, "award_date": None, "tender_date": None,
           "decision_days": None, "supplier_name": None, "supplier_uscc": None}
    if not awarded:
        return out
    deciding = results[-1]
    later = [n for n in order if n.kind == CORRECTION and n.date > deciding.date]
    name = clean(deciding.supplier)
    code = clean(deciding.uscc)
    for c in later:
        name = clean(c.supplier) or name
        code = clean(c.uscc) or code
    tender = max((n.date for n in tenders if n.date <= deciding.date), default=None)
    out.update(award_date=deciding.date, tender_date=tender,
               decision_days=(deciding.date - tender).days if tender else None,
               supplier_name=name, supplier_uscc=uscc_checked(code))
    return out


def write_drop(root: Path, lots: list[Lot], registered: list[str]) -> Path:
    raw = root / "raw"
    for source in ("procurement", "registry", "connectivity"):
        (raw / source).mkdir(parents=True)
    lines = [PROC_HEADER]
    for lot in lots:
        for k, n in enumerate(lot.notices):
            cells = [f"{lot.project}-{k}", lot.project, "兴安县政务信息化运维服务", NOTICE_TYPE[n.kind],
                     n.date.isoformat(), "1", "450325", "兴安县", "兴安县大数据发展中心", "某代理公司", n.method,
                     "C16010000", "服务/信息技术服务", n.budget[0], n.award, n.supplier, n.uscc, "张三", "13800000000"]
            n.line = len(lines)
            lines.append(",".join(f'"{c}"' if ("," in c or '"' in c) else c for c in cells))
    (raw / "procurement" / "notices.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = [REG_HEADER] + [enterprise(code, f"企业{i}", "存续") for i, code in enumerate(registered)]
    (raw / "registry" / "enterprises.csv").write_text("\n".join(registry) + "\n", encoding="utf-8")
    return raw


def test_loader_checks_supplier_usccs_and_keeps_every_row(tmp_path):
    """The load's supplier_uscc companion alone (no build): every variant against the Python check."""
    rng = random.Random(SEED)
    variants = [uscc_variant(rng, [valid_uscc(rng, "450325")]) for _ in range(200)]
    rows = [procurement_row(**{"公告ID": f"N{i}", "供应商统一社会信用代码": v}) for i, v in enumerate(variants)]
    raw = tmp_path / "raw"
    write(raw, "procurement/p.csv", csv_text(PROCUREMENT.headers, rows))
    con = duckdb.connect()
    result = load_source(con, scan_drop(raw), "procurement", SEEDS_DIR)
    assert (result.rows_read, result.rows_accepted) == (200, 200)
    got = dict(con.execute('select "公告ID", supplier_uscc from raw.procurement_notices').fetchall())
    want = {f"N{i}": uscc_checked(clean(v)) for i, v in enumerate(variants)}
    assert got == want
    assert any(want.values()) and not all(want.values())


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    rng = random.Random(SEED)
    registered = [valid_uscc(rng, "450325") for _ in range(5)]
    lots = generate(rng, registered)
    root = tmp_path_factory.mktemp("hardening_suppliers")
    # Random awards and budgets are no plausible distribution: the distribution bands do not apply here.
    unbounded = {"warn_min": None, "warn_max": None, "error_min": None, "error_max": None}
    relaxed = {"bands": {name: unbounded for name in DEFAULT_BANDS if name.endswith(".lots") or
                         name.startswith("flag_rate.")}}
    build = build_drop(write_drop(root, lots, registered), root, check_params=relaxed)
    assert build.result.returncode == 0, build.result.stdout[-3000:] + build.result.stderr[-3000:]
    con = duckdb.connect(str(build.warehouse), read_only=True)
    yield lots, con
    con.close()


@pytest.mark.slow  # the module's full build of the fuzzed drop
def test_nothing_is_lost(fuzzed):
    lots, con = fuzzed
    notices = sum(len(lot.notices) for lot in lots)
    read, accepted, quarantined = con.execute(
        "select sum(rows_read), sum(rows_accepted), sum(rows_quarantined) from raw.procurement_files").fetchone()
    assert (read, accepted, quarantined) == (notices, notices, 0)
    assert con.execute("select count(*) from marts.fct_procurement_notices").fetchone() == (notices,)
    assert con.execute("select count(*) from marts.fct_procurement_lots").fetchone() == (len(lots),)


@pytest.mark.slow  # the module's full build of the fuzzed drop
def test_every_lot_attribute_follows_the_contract(fuzzed):
    lots, con = fuzzed
    cur = con.execute("select * from marts.fct_procurement_lots")
    names = [d[0] for d in cur.description]
    got = {r["project_code"]: r for r in (dict(zip(names, row)) for row in cur.fetchall())}
    mismatches = {}
    for lot in lots:
        want = expected(lot)
        have = {k: got[lot.project][k] for k in want}
        if have != want:
            mismatches[lot.project] = (have, want)
    assert not mismatches, mismatches
    # the fuzz reached every branch it is meant to exercise
    values = list(got.values())
    assert any(v["supplier_uscc"] for v in values) and any(v["status"] == "awarded" and not v["supplier_uscc"]
                                                           for v in values)
    assert any(v["budget_yuan"] is not None for v in values) and any(v["budget_yuan"] is None for v in values)
    assert any(v["status"] == "not_awarded" for v in values)


@pytest.mark.slow  # the module's full build of the fuzzed drop
def test_rules_hold_downstream(fuzzed):
    _, con = fuzzed
    # a lot named by a flag is counted informatization; every counted lot has a locality
    assert con.execute("""select count(*) from report.integrity_flags f join marts.fct_procurement_lots l using (lot_id)
                          where not (l.is_counted and l.is_informatization)""").fetchone() == (0,)
    assert con.execute("select count(*) from marts.fct_procurement_lots "
                       "where is_counted and supplier_locality is null").fetchone() == (0,)
    single = con.execute("select count(*) from marts.fct_procurement_lots where is_counted "
                         "and procurement_method like '%单一来源%'").fetchone()[0]
    flagged = con.execute("select count(*) from report.integrity_flags where flag = 'single_source'").fetchone()[0]
    assert single == flagged > 0
    assert con.execute("select count(*) from marts.dim_supplier where supplier_uscc <> upper(supplier_uscc) "
                       "or length(supplier_uscc) <> 18").fetchone() == (0,)
