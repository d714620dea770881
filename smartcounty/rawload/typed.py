"""Per source, the typed companion columns and the row checks, as one SQL statement over a
table of cleaned cells (``typed_sql``), and the accepted / quarantined selections from it
that the full and the delta load both write."""

from __future__ import annotations

import pyarrow.compute as pc

from . import parse as P
from .reference import Reference
from .spec import (
    CONNECTIVITY_COUNTS,
    CONNECTIVITY_PERCENTS,
    CONNECTIVITY_POSITIVE,
    KEY,
    NOTICE_TYPES,
    REASON,
    SourceSpec,
    nfkc,
)
from .vector import AMOUNT_PATTERN, CAPITAL_PATTERN, amount_literal, uscc_valid


def _q_all(names) -> str:
    return ", ".join(P.q(n) for n in names)


def _missing(spec: SourceSpec) -> str:
    return " OR ".join(f"{P.q(h)} IS NULL" for h in spec.required)


# Each source's declaration, in one place: the column matched against a code list (as KEY,
# after NFKC), the helper columns computed in Arrow before the SQL (never stored), then the typed
# companions and the row checks (first failing check = reason), named as the contract spec names them.
MATCH_KEY_SOURCE = {"procurement": "公告类型", "registry": "登记状态"}
VECTOR_COLUMNS = {
    "procurement": {
        "__budget_literal": lambda t: amount_literal(t.column("预算金额"), AMOUNT_PATTERN),
        "__award_literal": lambda t: amount_literal(t.column("中标金额"), AMOUNT_PATTERN),
        "__supplier_uscc_ok": lambda t: uscc_valid(pc.utf8_upper(t.column("供应商统一社会信用代码"))),
    },
    "registry": {
        "__capital_literal": lambda t: amount_literal(t.column("注册资本"), CAPITAL_PATTERN),
        "__uscc_ok": lambda t: uscc_valid(pc.utf8_upper(t.column("统一社会信用代码"))),
    },
    "connectivity": {},
}

Declaration = tuple[dict[str, str], list[tuple[str, str]]]  # (companion -> SQL, [(reason, condition)])


def _procurement(spec: SourceSpec, ref: Reference) -> Declaration:
    c = P.q
    notice_map = {nfkc(k): v for k, v in NOTICE_TYPES.items()}
    companions = {
        "notice_class": P.case_map_sql(c(KEY), notice_map),
        "publish_date": P.date_sql(c("发布日期")),
        "lot_no": P.lot_no_sql(c("标项号")),
        "division_code": P.division_code_sql(c("区划代码")),
        "budget_yuan": P.decimal_sql(c("__budget_literal")),
        "award_yuan": P.decimal_sql(c("__award_literal")),
        # scorecard.md "Lot attributes": the registry's cleaning and GB 32100 check; invalid → NULL
        "supplier_uscc": f"CASE WHEN {c('__supplier_uscc_ok')} THEN upper({c('供应商统一社会信用代码')}) END",
    }
    checks = [
        ("missing_required", _missing(spec)),
        ("invalid_date", "publish_date IS NULL"),
        ("unknown_notice_type", "notice_class IS NULL"),
    ]
    return companions, checks


def _registry(spec: SourceSpec, ref: Reference) -> Declaration:
    c = P.q
    companions = {
        "uscc": f"upper({c('统一社会信用代码')})",
        "status_class": P.case_map_sql(c(KEY), ref.status_map),
        "established_date": P.date_sql(c("成立日期")),
        "approved_date": P.date_sql(c("核准日期")),
        "deregistered_date": P.date_sql(c("注销日期")),
        "revoked_date": P.date_sql(c("吊销日期")),
        "registered_capital_yuan": P.decimal_sql(c("__capital_literal")),
        "industry_code": P.industry_code_sql(c("行业代码")),
        "division_code": P.division_code_sql(c("所属区划代码")),
    }
    other_dates = " OR ".join(
        f"({c(h)} IS NOT NULL AND {col} IS NULL)"
        for h, col in (("核准日期", "approved_date"), ("注销日期", "deregistered_date"), ("吊销日期", "revoked_date"))
    )
    checks = [
        ("missing_required", _missing(spec)),
        ("invalid_uscc", f"NOT {c('__uscc_ok')}"),
        ("unknown_status", "status_class IS NULL"),
        ("invalid_date", f"established_date IS NULL OR {other_dates}"),
    ]
    return companions, checks


def _connectivity(spec: SourceSpec, ref: Reference) -> Declaration:
    c = P.q
    division = P.division_code_sql(c("区划代码"))
    current = f"coalesce({P.case_map_sql(division, ref.crosswalk)}, {division})"
    counties = ", ".join(P.lit(x) for x in sorted(ref.counties)) or "NULL"
    companions = {
        "division_code": division,
        "county_code": f"CASE WHEN {current} IN ({counties}) THEN {current} END",
        "year": f"CASE WHEN regexp_full_match({c('年份')}, '\\d{{4}}') THEN CAST({c('年份')} AS INTEGER) END",
    }
    companions |= {col: P.count_sql(c(h)) for h, col in CONNECTIVITY_COUNTS.items()}
    companions |= {col: P.percent_sql(c(h)) for h, col in CONNECTIVITY_PERCENTS.items()}
    bad_count = " OR ".join(f"{col} IS NULL" for col in CONNECTIVITY_COUNTS.values())
    bad_count += "".join(f" OR {CONNECTIVITY_COUNTS[h]} = 0" for h in CONNECTIVITY_POSITIVE)
    checks = [
        ("missing_required", _missing(spec)),
        ("not_county_code", "county_code IS NULL"),
        ("invalid_year", "year IS NULL"),
        ("invalid_count", bad_count),
        ("percent_out_of_range", " OR ".join(f"{col} IS NULL" for col in CONNECTIVITY_PERCENTS.values())),
        ("rural_population_gt_population", "rural_population > resident_population"),
        ("users_gt_population", "internet_users > resident_population"),
        ("rural_users_gt_rural_population", "rural_internet_users > rural_population"),
    ]
    return companions, checks


_DECLARATIONS = {"procurement": _procurement, "registry": _registry, "connectivity": _connectivity}


def typed_sql(spec: SourceSpec, ref: Reference, src: str) -> str:
    """SELECT every column of ``src`` plus the companions and ``reason`` (NULL = accepted)."""
    c = P.q
    companions, checks = _DECLARATIONS[spec.name](spec, ref)
    assert [r for r, _ in checks] == list(spec.reasons) and list(companions) == list(spec.companions)
    inner = ", ".join(f"{expr} AS {c(name)}" for name, expr in companions.items())
    reason = "CASE " + " ".join(f"WHEN {cond} THEN {P.lit(r)}" for r, cond in checks) + " END"
    return f"SELECT *, {reason} AS {REASON} FROM (SELECT *, {inner} FROM {src})"


def accepted_select(spec: SourceSpec, extras: list[str], typed: str) -> str:
    """The rows of ``typed`` that passed every check, as ``raw.<table>`` stores them."""
    return (f"SELECT {_q_all([*spec.headers, *extras])}, {_q_all(spec.companions)}, source_file, "
            f"CAST(source_line AS BIGINT) AS source_line FROM {typed} WHERE {REASON} IS NULL")


def quarantined_select(spec: SourceSpec, extras: list[str], typed: str) -> str:
    """The rows of ``typed`` that failed a check, as ``raw.<source>_quarantine`` stores them."""
    return (f"SELECT source_file, CAST(source_line AS BIGINT) AS source_line, {REASON}, "
            f"{_q_all([*spec.headers, *extras])} FROM {typed} WHERE {REASON} IS NOT NULL")


def file_counts(con, typed: str) -> dict[str, tuple[int, int]]:
    return {
        f: (int(a), int(qr))
        for f, a, qr in con.execute(
            f"SELECT source_file, count(*) FILTER (WHERE {REASON} IS NULL), "
            f"count(*) FILTER (WHERE {REASON} IS NOT NULL) FROM {typed} GROUP BY ALL"
        ).fetchall()
    }
