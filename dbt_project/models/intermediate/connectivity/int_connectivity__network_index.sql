-- figures.md "Connectivity rules" → Network infrastructure index for a year: each indicator min-max
-- normalised to [0, 1] across that year's counties (all equal → 0); weights from the seed
-- network_index_weights used as given (an indicator without a weight row adds nothing);
-- score = 100 × Σ weight × normalised value, rounded to 6 decimals; rank by score descending,
-- ties share the smallest rank. One row per (county_code, year).
{%- set indicators = ['gigabit_coverage', 'bs5g_per_10k', 'broadband_per_100_households', 'village_5g_rate', 'internet_penetration'] %}
with long_values as (
    {%- for indicator in indicators %}
    select county_code, year, '{{ indicator }}' as indicator, {{ indicator }} as indicator_value
    from {{ ref('int_connectivity__indicators') }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

normalised as (
    select
        county_code,
        year,
        indicator,
        case
            when max(indicator_value) over (partition by year, indicator)
                = min(indicator_value) over (partition by year, indicator) then 0.0
            else (indicator_value - min(indicator_value) over (partition by year, indicator))
                / (max(indicator_value) over (partition by year, indicator)
                   - min(indicator_value) over (partition by year, indicator))
        end as normalised_value
    from long_values
),

scored as (
    select
        normalised.county_code,
        normalised.year,
        cast(round(100 * sum(coalesce(weights.weight, 0) * normalised.normalised_value), 6) as decimal(18, 6)) as score
    from normalised
    left join {{ ref('network_index_weights') }} as weights
        on weights.indicator = normalised.indicator
    group by normalised.county_code, normalised.year
)

select
    county_code,
    year,
    score,
    rank() over (partition by year order by score desc) as rank
from scored
