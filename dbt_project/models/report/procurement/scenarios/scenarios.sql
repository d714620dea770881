-- figures.md `scenarios`: per (report year, scenario) with ≥1 lot — awarded smart-city lots attributed to
-- a county, by investment year. lot_count counts lots carrying the scenario in any position;
-- primary_investment_yuan sums the lots whose primary scenario it is. Rank by lot_count descending,
-- ties share the smallest rank.
with lots as (
    select lot_id, investment_year as year, award_yuan
    from {{ ref('fct_procurement_lots') }}
    where is_counted and is_smart_city
      and investment_year in (select year from ({{ report_year_rows() }}) as years)
),

carried as (
    select
        lots.year,
        bridge.scenario_code,
        count(*) as lot_count,
        sum(case when bridge.is_primary then lots.award_yuan end) as primary_investment_yuan
    from lots
    inner join {{ ref('fct_lot_scenarios') }} as bridge
        on bridge.lot_id = lots.lot_id
    group by lots.year, bridge.scenario_code
)

select
    carried.year,
    carried.scenario_code,
    scenario.scenario_zh,
    scenario.category,
    cast(carried.lot_count as bigint) as lot_count,
    cast(coalesce(carried.primary_investment_yuan, 0) as decimal(38, 6)) as primary_investment_yuan,
    cast(rank() over (partition by carried.year order by carried.lot_count desc) as bigint) as rank
from carried
inner join {{ ref('dim_scenario') }} as scenario
    on scenario.scenario_code = carried.scenario_code
order by carried.year, rank, carried.scenario_code
