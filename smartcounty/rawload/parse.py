"""Typed parsing of cleaned values, as DuckDB SQL expressions (vectorised, exact).

Every function takes a SQL expression over an already cleaned (and, for these columns,
NFKC-normalised) VARCHAR and returns a SQL expression. NULL in -> NULL out.
``evaluate`` runs one of them over Python values, for tests and ad-hoc checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import duckdb

from smartcounty.constants import USCC_CHARSET, USCC_WEIGHTS


def q(identifier: str) -> str:
    """Quote a SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


# --- dates --------------------------------------------------------------------------------

# y-m-d forms; the optional time of day (H:MM or H:MM:SS, 24 h) is validated, then discarded.
_YMD_FORMS = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: ([01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?$",
    r"^(\d{4})/(\d{1,2})/(\d{1,2})$",
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日$",
    r"^(\d{4})(\d{2})(\d{2})$",
)
_SHANGHAI_OFFSET_MS = 8 * 3600 * 1000  # Asia/Shanghai is UTC+8 all year (no DST since 1991)


def date_sql(expr: str) -> str:
    # Each y-m-d form is rewritten to Y-M-D and cast: TRY_CAST rejects impossible dates
    # (2023-02-30). Year 0000 is excluded because DuckDB would read it as 1 BC.
    whens = [
        f"WHEN regexp_full_match({expr}, '\\d{{13}}') "
        f"THEN CAST(epoch_ms(CAST({expr} AS BIGINT) + {_SHANGHAI_OFFSET_MS}) AS DATE)"
    ]
    whens += [
        f"WHEN regexp_matches({expr}, {lit(p)}) "
        f"THEN TRY_CAST(regexp_replace({expr}, {lit(p)}, '\\1-\\2-\\3') AS DATE)"
        for p in _YMD_FORMS
    ]
    return f"CASE WHEN NOT starts_with({expr}, '0000') THEN CASE " + " ".join(whens) + " END END"


# --- amounts: see vector.amount_literal (one regex pass in pyarrow), cast here -------------


def decimal_sql(literal_expr: str) -> str:
    """Yuan as DECIMAL(38,6) from vector.amount_literal's output (NULL stays NULL)."""
    return f"TRY_CAST({literal_expr} AS DECIMAL(38, 6))"


# --- codes --------------------------------------------------------------------------------


def division_code_sql(expr: str) -> str:
    """A 9- or 12-digit statistical code is cut to its first 6 digits; other values as is."""
    return (
        f"CASE WHEN regexp_full_match({expr}, '\\d{{9}}|\\d{{12}}') THEN left({expr}, 6) "
        f"ELSE {expr} END"
    )


def lot_no_sql(expr: str) -> str:
    """标项号: blank -> '1'; all digits -> leading zeros removed ('00' -> '0'); else as is."""
    return (
        f"CASE WHEN {expr} IS NULL THEN '1' "
        f"WHEN regexp_full_match({expr}, '\\d+') THEN coalesce(nullif(ltrim({expr}, '0'), ''), '0') "
        f"ELSE {expr} END"
    )


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for 17 leading characters (for fixtures and generators;
    the load's check is vectorised in vector.uscc_valid)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def industry_code_sql(expr: str) -> str:
    """行业代码: upper-cased, ^[A-T]?\\d{4}$, letter stripped; otherwise NULL."""
    u = f"upper({expr})"
    return f"CASE WHEN regexp_full_match({u}, '[A-T]?\\d{{4}}') THEN right({u}, 4) END"


# --- connectivity numbers -----------------------------------------------------------------


def count_sql(expr: str) -> str:
    """Non-negative integer after removing thousands separators; NULL if not one."""
    s = f"replace({expr}, ',', '')"
    return f"CASE WHEN regexp_full_match({s}, '\\d+') THEN TRY_CAST({s} AS BIGINT) END"


def percent_sql(expr: str) -> str:
    """Decimal in [0, 100] with an optional trailing %; NULL if not numeric or out of range."""
    s = f"rtrim(regexp_replace({expr}, '%$', ''))"
    v = f"TRY_CAST({s} AS DOUBLE)"
    return (
        f"CASE WHEN regexp_full_match({s}, '\\d+(\\.\\d+)?') AND {v} BETWEEN 0 AND 100 "
        f"THEN {v} END"
    )


def case_map_sql(expr: str, mapping: Mapping[str, str]) -> str:
    """CASE expr WHEN key THEN value ... END (NULL when no key matches)."""
    if not mapping:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in sorted(mapping.items()))
    return f"CASE {expr} {whens} END"


# --- evaluation helper ----------------------------------------------------------------------


def evaluate(build: Callable[[str], str], values: Iterable[str | None]) -> list:
    """Apply a SQL-expression builder to Python values (in an in-memory DuckDB)."""
    values = list(values)
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT {build('v')} FROM (SELECT unnest(?::VARCHAR[]) AS v, "
            "generate_subscripts(?::VARCHAR[], 1) AS pos) ORDER BY pos",
            [values, values],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]
