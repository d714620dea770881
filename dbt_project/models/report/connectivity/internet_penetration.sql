-- figures.md "Connectivity rules" → Internet penetration for a year, over the counties with an
-- accepted row that year (after "last wins"): overall = Σ网民数 / Σ常住人口; rural = Σ乡村网民数 /
-- Σ乡村常住人口; urban = (Σ网民数 − Σ乡村网民数) / (Σ常住人口 − Σ乡村常住人口); NULL when a
-- denominator is 0. One row per year with connectivity rows.
with sums as (
    select
        year,
        count(*) as county_count,
        sum(internet_users) as internet_users,
        sum(rural_internet_users) as rural_internet_users,
        sum(resident_population) as resident_population,
        sum(rural_population) as rural_population
    from {{ ref('fct_county_connectivity') }}
    group by year
)

select
    year,
    county_count,
    cast(internet_users as double precision) / nullif(resident_population, 0) as overall_rate,
    cast(rural_internet_users as double precision) / nullif(rural_population, 0) as rural_rate,
    cast(internet_users - rural_internet_users as double precision)
        / nullif(resident_population - rural_population, 0) as urban_rate
from sums
order by year
