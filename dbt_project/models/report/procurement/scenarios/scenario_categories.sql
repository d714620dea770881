-- figures.md `scenario_categories`: per (report year, category), zeros included. lot_count and
-- investment_yuan count awarded county smart-city lots by their primary scenario's category;
-- scenario_count is the number of distinct scenarios of the category the year's lots carry in any
-- position. Rank by lot_count descending, ties share the smallest rank.
with years as (
    {{ report_year_rows() }}
),

categories as (
    select distinct category from {{ ref('dim_scenario') }}
),

lots as (
    select lot.lot_id, lot.investment_year as year, lot.award_yuan, scenario.category as primary_category
    from {{ ref('fct_procurement_lots') }} as lot
    inner join {{ ref('dim_scenario') }} as scenario
        on scenario.scenario_code = lot.primary_scenario_code
    where lot.is_counted and lot.is_smart_city
),

by_primary as (
    select year, primary_category as category, count(*) as lot_count, sum(award_yuan) as investment_yuan
    from lots
    group by year, primary_category
),

carried as (
    select lots.year, bridge.category, count(distinct bridge.scenario_code) as scenario_count
    from lots
    inner join {{ ref('fct_lot_scenarios') }} as bridge
        on bridge.lot_id = lots.lot_id
    group by lots.year, bridge.category
),

filled as (
    select
        years.year,
        categories.category,
        cast(coalesce(by_primary.lot_count, 0) as bigint) as lot_count,
        cast(coalesce(by_primary.investment_yuan, 0) as decimal(38, 6)) as investment_yuan,
        cast(coalesce(carried.scenario_count, 0) as bigint) as scenario_count
    from years
    cross join categories
    left join by_primary
        on by_primary.year = years.year and by_primary.category = categories.category
    left join carried
        on carried.year = years.year and carried.category = categories.category
)

select
    year,
    category,
    lot_count,
    investment_yuan,
    scenario_count,
    cast(rank() over (partition by year order by lot_count desc) as bigint) as rank
from filled
order by year, rank, category
