"""The bulletin's data step: one short read-only connection to the serving copy, plain Python out.

Nothing else is read (no warehouse, no raw files), so the bulletin shows exactly what the
pages show. Every relation the text needs is checked here, so that a missing year or an empty
relation stops the run before any file is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb

SCORECARD = "report.county_scorecard"
REPORT_YEARS_HINT = (
    "add the years to the dbt var `report_years` in dbt_project/dbt_project.yml (the checks read it too), "
    "then rebuild with `smartcounty build`"
)


class BulletinDataMissing(Exception):
    """The serving copy lacks what the requested issue needs; the message says what and how to fix it."""


@dataclass(frozen=True)
class BulletinData:
    year: int
    previous_year: int
    built_at: datetime | None
    fig1: dict[int, dict]  # year → row of report.fig1_investment_share (this and the previous year)
    coverage: dict
    scenarios: list[dict]  # the year's rows, by rank then code
    categories: list[dict]  # the year's rows, by rank then category
    hot_topics: dict[str, int]
    mode_summary: list[dict]  # by rank then mode
    modes: list[dict]  # report.development_modes, largest investment first
    enterprises: dict
    network: list[dict]  # the year's ranking, by rank then code
    penetration: dict[int, dict]  # year → row (the year, and the previous year when present)
    national_share: dict
    scorecard: list[dict] | None  # None when the serving copy has no scorecard relations


def _plain(value):
    # DECIMAL sums arrive as Decimal; the pages see them as float64 (DataFrame), and so do we.
    return float(value) if isinstance(value, Decimal) else value


def _rows(con, sql: str, params: tuple = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [{name: _plain(value) for name, value in zip(names, row)} for row in cursor.fetchall()]


def _relations(con) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}


def report_years(con) -> list[int]:
    """The report years of the build: every one has a row in report.fig1_investment_share."""
    return [int(y) for (y,) in con.execute("select year from report.fig1_investment_share order by year").fetchall()]


def _require(rows: list, relation: str, what: str) -> list:
    if not rows:
        raise BulletinDataMissing(f"{relation} has no rows for {what}")
    return rows


def load(serving: Path, year: int | None = None) -> BulletinData:
    """Everything the bulletin of ``year`` (default: the last report year) prints."""
    serving = Path(serving)
    if not serving.is_file():
        raise BulletinDataMissing(f"no serving copy at {serving}; run `smartcounty build` first")
    with duckdb.connect(str(serving), read_only=True) as con:
        present = _relations(con)
        needed = ["report.fig1_investment_share", "report.county_coverage", "report.scenarios",
                  "report.scenario_categories", "report.hot_topics", "report.development_modes",
                  "report.development_mode_summary", "report.enterprise_counts",
                  "report.network_infrastructure_ranking", "report.internet_penetration",
                  "report.national_share"]
        absent = [r for r in needed if r not in present]
        if absent:
            raise BulletinDataMissing(f"the serving copy lacks {', '.join(absent)}; rebuild it with `smartcounty build`")
        years = report_years(con)
        if not years:
            raise BulletinDataMissing("report.fig1_investment_share is empty; rebuild with `smartcounty build`")
        year = years[-1] if year is None else int(year)
        if year not in years:
            raise BulletinDataMissing(
                f"{year} is not a report year of this serving copy (report years: "
                f"{', '.join(map(str, years))}); {REPORT_YEARS_HINT}")
        previous = year - 1
        if previous not in years:
            raise BulletinDataMissing(
                f"the bulletin of {year} compares with {previous}, which is not a report year of this "
                f"serving copy (report years: {', '.join(map(str, years))}); {REPORT_YEARS_HINT}")
        fig1 = {int(r["year"]): r for r in _rows(
            con, "select * from report.fig1_investment_share where year in (?, ?)", (previous, year))}
        scenarios = _require(_rows(con, "select * from report.scenarios where year = ? order by rank, scenario_code",
                                   (year,)), "report.scenarios", f"year {year}")
        categories = _require(_rows(
            con, "select * from report.scenario_categories where year = ? and lot_count > 0 order by rank, category",
            (year,)), "report.scenario_categories", f"year {year} (no smart-city lot)")
        hot = {r["term"]: int(r["frequency"]) for r in _rows(
            con, "select term, frequency from report.hot_topics where year = ? order by frequency desc, term", (year,))}
        _require(list(hot), "report.hot_topics", f"year {year} (the word cloud of 图2)")
        network = _require(_rows(
            con, "select * from report.network_infrastructure_ranking where year = ? order by rank, county_code",
            (year,)), "report.network_infrastructure_ranking", f"year {year}")
        penetration = {int(r["year"]): r for r in _rows(
            con, "select * from report.internet_penetration where year in (?, ?)", (previous, year))}
        if year not in penetration:
            raise BulletinDataMissing(f"report.internet_penetration has no row for {year} (no connectivity rows that year)")
        national = _require(_rows(con, "select * from report.national_share where year = ?", (year,)),
                            "report.national_share",
                            f"year {year}: add the national benchmark to the seed external_benchmarks.csv and rebuild")
        enterprises = _require(_rows(con, "select * from report.enterprise_counts order by as_of_date desc limit 1"),
                               "report.enterprise_counts", "any as-of date")
        coverage = _require(_rows(con, "select * from report.county_coverage"), "report.county_coverage", "the last report year")
        scorecard = None
        if SCORECARD in present:
            scorecard = _require(_rows(
                con, f"select * from {SCORECARD} where year = ? order by rank nulls last, county_code", (year,)),
                SCORECARD, f"year {year}")
        built = con.execute("select max(built_at) from meta.build_info").fetchone() if "meta.build_info" in present else None
        return BulletinData(
            year=year,
            previous_year=previous,
            built_at=built[0] if built else None,
            fig1=fig1,
            coverage=coverage[0],
            scenarios=scenarios,
            categories=categories,
            hot_topics=hot,
            mode_summary=_rows(con, "select * from report.development_mode_summary order by rank, mode"),
            modes=_rows(con, "select * from report.development_modes "
                             "order by smart_city_investment_yuan desc nulls last, county_code"),
            enterprises=enterprises[0],
            network=network,
            penetration=penetration,
            national_share=national[0],
            scorecard=scorecard,
        )
