"""A consistent pair of scorecard relations (report.county_scorecard_indicators and
report.county_scorecard) for the GX suite tests, computed here in Python from the contract
(scorecard.md "Scores"), independently of the dbt models."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import duckdb

from expectations.suites.county_scorecard_indicators import INDICATORS
from smartcounty.constants import report_years

YEARS = report_years()
MICRO = Decimal("0.000001")


def half_up(value: Decimal) -> Decimal:
    return value.quantize(MICRO, rounding=ROUND_HALF_UP)


def mean(values: list[Decimal]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return half_up(sum(present) / len(present)) if present else None


def indicator_value(indicator: str, county_index: int, year: int) -> float | None:
    """Varied, deterministic values: 0/1 flags, fractions, counts; some NULLs."""
    k = county_index + year
    if indicator in ("has_plan", "has_data_platform"):
        return float(k % 2)
    if indicator.endswith("_share") or indicator in ("category_balance", "rural_internet_penetration"):
        return None if county_index % 10 == 0 else (k % 7) / 7
    return float(k % 13)


def scores(values: list[float | None]) -> list[Decimal | None]:
    """100 × (r − 1) ÷ (n − 1) over the non-NULL values, r = smallest rank of ties; n = 1 → 100."""
    present = sorted(v for v in values if v is not None)
    n = len(present)
    out = []
    for v in values:
        if v is None:
            out.append(None)
        elif n == 1:
            out.append(Decimal(100))
        else:
            r = present.index(v) + 1
            out.append(half_up(Decimal(100 * (r - 1)) / Decimal(n - 1)))
    return out


def add_scorecard_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Creates both relations in schema ``report`` over the counties of ``marts.dim_county``."""
    counties = con.execute(
        "select county_code, county_name, prefecture_name from marts.dim_county order by county_code").fetchall()
    indicator_rows, county_rows = [], []
    for year in YEARS:
        pillar_scores: dict[str, dict[int, list]] = {c: {k: [] for k in range(1, 6)} for c, _, _ in counties}
        for indicator, pillar in INDICATORS.items():
            values = [indicator_value(indicator, i, year) for i in range(len(counties))]
            n = sum(v is not None for v in values)
            for (code, _, _), value, score in zip(counties, values, scores(values)):
                indicator_rows.append((year, code, pillar, indicator, value, score, n))
                pillar_scores[code][pillar].append(score)
        overall = {}
        for code, _, _ in counties:
            pillars = [mean(pillar_scores[code][k]) for k in range(1, 6)]
            overall[code] = (pillars, mean(pillars))
        ranked = sorted((o for _, o in overall.values() if o is not None), reverse=True)
        for code, name, prefecture in counties:
            pillars, total = overall[code]
            rank = None if total is None else ranked.index(total) + 1
            present = [(s, k) for k, s in enumerate(pillars, 1) if s is not None]
            weakest = min(present)[1] if present else None
            county_rows.append((year, code, name, prefecture, *pillars, total, rank, weakest))
    con.execute("""create table report.county_scorecard_indicators (year integer, county_code varchar,
        pillar integer, indicator varchar, value double, score decimal(18, 6), n_counties integer)""")
    con.executemany("insert into report.county_scorecard_indicators values (?, ?, ?, ?, ?, ?, ?)", indicator_rows)
    pillar_columns = ", ".join(f"pillar_{k}_score decimal(18, 6)" for k in range(1, 6))
    con.execute(f"""create table report.county_scorecard (year integer, county_code varchar, county_name varchar,
        prefecture_name varchar, {pillar_columns}, overall_score decimal(18, 6), "rank" integer,
        weakest_pillar integer)""")
    con.executemany(f"insert into report.county_scorecard values ({', '.join(['?'] * 12)})", county_rows)
