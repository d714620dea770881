-- figures.md `county_coverage`: one row as of the last report year; counties with ≥1 awarded smart-city
-- lot (attributed to a county) whose investment year is ≤ that year, over all counties of dim_county.
with as_of as (
    select max(year) as as_of_year from ({{ report_year_rows() }}) as years
),

counties as (
    select count(*) as counties_total from {{ ref('dim_county') }}
),

covered as (
    select count(distinct lots.county_code) as counties_with_smart_city
    from {{ ref('fct_procurement_lots') }} as lots
    cross join as_of
    where lots.is_counted
      and lots.is_smart_city
      and lots.investment_year <= as_of.as_of_year
)

select
    as_of.as_of_year,
    cast(counties.counties_total as bigint) as counties_total,
    cast(covered.counties_with_smart_city as bigint) as counties_with_smart_city,
    case when counties.counties_total = 0 then null
        else cast(covered.counties_with_smart_city as double) / counties.counties_total
    end as coverage_rate
from as_of
cross join counties
cross join covered
