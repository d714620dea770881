-- scorecard.md `county_scorecard_indicators`: one row per (report year, county, indicator) with the
-- value and its percentile score. For each (year, indicator), over the n counties with a non-NULL
-- value: score = 100 × (r − 1) ÷ (n − 1), r = the value's rank ascending with ties sharing the
-- smallest rank; n = 1 → 100; a NULL value has no score. Scores are rounded half-up to 6 decimals.
-- Values are compared at 10 decimals so that binary noise from decimal amounts cannot split an exact
-- tie (two equal shares computed from different amounts).
with ranked as (
    select
        year,
        county_code,
        pillar,
        indicator,
        value,
        case when value is not null then
            rank() over (partition by year, indicator order by cast(value as decimal(38, 10)) asc nulls last)
        end as value_rank,
        count(value) over (partition by year, indicator) as n_counties
    from {{ ref('int_scorecard__indicator_values') }}
)

select
    year,
    county_code,
    pillar,
    indicator,
    value,
    case
        when value is null then null
        when n_counties = 1 then cast(100 as decimal(18, 6))
        else {{ unscale_to_decimal(round_half_up_quotient_scaled('100 * (value_rank - 1)', 'n_counties - 1', 6), 6) }}
    end as score,
    cast(n_counties as integer) as n_counties
from ranked
order by year, pillar, indicator, county_code
