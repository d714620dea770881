"""report.county_scorecard — one row per (report year, county), all 111; pillar scores are the
means of their indicators' scores (recomputed from report.county_scorecard_indicators), overall
score the mean of the pillar scores, ranks and weakest pillars consistent (scorecard.md)."""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite
from expectations.params import sql_list
from expectations.suites._common import always_true, between

NAME = "county_scorecard"
TITLE_ZH = "县域评分卡（五点建议）"
TABLE = "report.county_scorecard"
ASSET_KEY = ["report", "county_scorecard"]
ADDITIONAL_ASSET_KEYS = [["report", "county_scorecard_indicators"], ["marts", "dim_county"]]
INDEX_COLUMNS = ["year", "county_code"]

PILLARS = [f"pillar_{k}_score" for k in range(1, 6)]
SCORES = [*PILLARS, "overall_score"]
# A stored mean differs from the recomputed one by a rounding step (1e-6) when it is wrong.
MEAN_TOLERANCE = 1e-9


def _micro(column: str) -> str:
    """A 6-decimal score as an exact integer count of millionths (a double average of the scores
    themselves can land a hair below a .5 and round the wrong way)."""
    return f"({column} * 1000000)::bigint"


def _half_up_mean(column: str) -> str:
    """Mean of the non-NULL values rounded half-up to 6 decimals (NULL when there are none)."""
    return f"floor(sum({_micro(column)})::double / count({column}) + 0.5) / 1e6"


def _matches(stored: str, expected: str) -> str:
    return (f"coalesce(({stored} is null and {expected} is null) "
            f"or abs({stored}::double - {expected}) <= {MEAN_TOLERANCE}, false)")


def query(p: dict[str, Any]) -> str:
    pillar_means = ",\n".join(
        f"{_half_up_mean(f'case when pillar = {k} then score end')} as expected_pillar_{k}" for k in range(1, 6))
    pillar_checks = ",\n".join(
        f"{_matches(f's.pillar_{k}_score', f'e.expected_pillar_{k}')} as pillar_{k}_is_mean" for k in range(1, 6))
    pillars = [f"s.pillar_{k}_score" for k in range(1, 6)]
    present = " + ".join(f"({c} is not null)::int" for c in pillars)
    pillar_sum = " + ".join(f"coalesce({_micro(c)}, 0)" for c in pillars)
    overall_mean = f"floor(({pillar_sum})::double / nullif({present}, 0) + 0.5) / 1e6"
    lowest = f"least({', '.join(pillars)})"  # DuckDB's least() skips NULLs
    first_lowest = "case " + " ".join(f"when {c} = {lowest} then {k}" for k, c in enumerate(pillars, 1)) + " end"
    return f"""
        with expected as (
            select year, county_code, {pillar_means}
            from report.county_scorecard_indicators
            group by year, county_code
        )
        select s.year, s.county_code, s.county_name, {", ".join("s." + c for c in SCORES)}, s."rank",
               s.weakest_pillar,
               count(*) over (partition by s.year) as rows_in_year,
               coalesce(s.year in {sql_list(p["report_years"])}, false) as is_report_year,
               coalesce(d.county_code is not null, false) as county_in_dim_county,
               {pillar_checks},
               {_matches("s.overall_score", overall_mean)} as overall_is_mean,
               -- figures.md rank rule: descending, ties share the smallest rank, NULL → no rank.
               coalesce(case when s.overall_score is null then s."rank" is null
                             else s."rank" = rank() over (partition by s.year, s.overall_score is null
                                                          order by s.overall_score desc)
                        end, false) as rank_is_competition_rank,
               coalesce(s.weakest_pillar is not distinct from {first_lowest}, false) as weakest_is_lowest
        from {TABLE} s
        left join expected e on e.year = s.year and e.county_code = s.county_code
        left join marts.dim_county d on d.county_code = s.county_code
    """


def build_suite(p: dict[str, Any]) -> Any:
    e = gxe()
    n = int(p["county_total"])
    years = [int(y) for y in p["report_years"]]
    return make_suite(NAME, [
        e.ExpectCompoundColumnsToBeUnique(column_list=["year", "county_code"]),
        e.ExpectTableRowCountToEqual(value=n * len(years)),
        between("rows_in_year", n, n),  # each (year, county) once, for all 111
        always_true("is_report_year"),
        always_true("county_in_dim_county"),
        *[between(c, 0, 100) for c in SCORES],
        between("weakest_pillar", 1, 5),
        *[always_true(f"pillar_{k}_is_mean") for k in range(1, 6)],
        always_true("overall_is_mean"),
        always_true("rank_is_competition_rank"),
        always_true("weakest_is_lowest"),
    ])
