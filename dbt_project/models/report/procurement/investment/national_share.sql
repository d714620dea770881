-- figures.md `national_share`: per year with a national smart-city investment benchmark, the counties'
-- smart-city investment (awarded lots attributed to a county, by investment year) over the benchmark.
with benchmarks as (
    select year, value as national_smart_city_investment_yuan
    from {{ ref('stg_reference__external_benchmarks') }}
    where benchmark_code = 'national_smart_city_investment'
),

county_investment as (
    select investment_year as year, sum(award_yuan) as county_smart_city_investment_yuan
    from {{ ref('fct_procurement_lots') }}
    where is_counted and is_smart_city
    group by investment_year
)

select
    benchmarks.year,
    cast(coalesce(county_investment.county_smart_city_investment_yuan, 0) as decimal(38, 6)) as county_smart_city_investment_yuan,
    cast(benchmarks.national_smart_city_investment_yuan as decimal(38, 6)) as national_smart_city_investment_yuan,
    case when coalesce(benchmarks.national_smart_city_investment_yuan, 0) = 0 then null
        else cast(coalesce(county_investment.county_smart_city_investment_yuan, 0) as double)
            / cast(benchmarks.national_smart_city_investment_yuan as double)
    end as share
from benchmarks
left join county_investment
    on county_investment.year = benchmarks.year
order by benchmarks.year
