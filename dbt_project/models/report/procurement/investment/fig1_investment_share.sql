-- figures.md `fig1_investment_share`: per report year, informatization and smart-city investment of
-- awarded lots attributed to one of the 111 counties, bucketed by investment year. A NULL award counts
-- as a lot and adds nothing to the sums; the share is NULL when informatization investment is 0.
with lots as (
    select *
    from {{ ref('fct_procurement_lots') }}
    where is_counted
),

years as (
    {{ report_year_rows() }}
),

per_year as (
    select
        investment_year as year,
        sum(case when is_informatization then award_yuan end) as informatization_investment_yuan,
        sum(case when is_smart_city then award_yuan end) as smart_city_investment_yuan,
        count(case when is_informatization then lot_id end) as informatization_lot_count,
        count(case when is_smart_city then lot_id end) as smart_city_lot_count,
        count(distinct case when is_smart_city then county_code end) as counties_with_smart_city
    from lots
    group by investment_year
),

filled as (
    select
        years.year,
        cast(coalesce(per_year.informatization_investment_yuan, 0) as decimal(38, 6)) as informatization_investment_yuan,
        cast(coalesce(per_year.smart_city_investment_yuan, 0) as decimal(38, 6)) as smart_city_investment_yuan,
        cast(coalesce(per_year.informatization_lot_count, 0) as bigint) as informatization_lot_count,
        cast(coalesce(per_year.smart_city_lot_count, 0) as bigint) as smart_city_lot_count,
        cast(coalesce(per_year.counties_with_smart_city, 0) as bigint) as counties_with_smart_city
    from years
    left join per_year
        on per_year.year = years.year
)

select
    year,
    informatization_investment_yuan,
    smart_city_investment_yuan,
    case when informatization_investment_yuan = 0 then null
        else cast(smart_city_investment_yuan as double) / cast(informatization_investment_yuan as double)
    end as smart_city_share,
    informatization_lot_count,
    smart_city_lot_count,
    counties_with_smart_city
from filled
order by year
