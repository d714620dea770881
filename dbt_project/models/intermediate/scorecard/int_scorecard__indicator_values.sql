-- scorecard.md "The scorecard": the eleven indicator values, one row per (report year Y, county,
-- indicator), all 111 counties. Every indicator is higher-is-better. Population and the rural
-- figures come from the county's accepted connectivity row of exactly year Y (after "last wins");
-- with a known population the two per-resident indicators are 0, not NULL, for a county with none.
-- Digital-economy enterprises are counted on the register on 31 December of Y (not the as-of date).
{%- set indicators = [
    (1, 'scenario_breadth'), (1, 'category_balance'), (1, 'has_plan'),
    (2, 'has_data_platform'), (2, 'data_platform_investment_share'),
    (3, 'digital_economy_per_10k'), (3, 'local_supplier_share'),
    (4, 'network_index_score'), (4, 'rural_internet_penetration'),
    (5, 'smart_city_investment_per_capita'), (5, 'service_purchase_share'),
] %}
with measures as (
    select * from {{ ref('int_scorecard__procurement_measures') }}
),

year_ends as (
    select distinct year, cast(cast(year as varchar) || '-12-31' as date) as year_end
    from measures
),

digital_economy as (
    select year_ends.year, enterprises.county_code, count(*) as enterprise_count
    from {{ ref('fct_enterprises') }} as enterprises
    inner join {{ ref('digital_economy_industries') }} as industries
        on industries.industry_code = enterprises.industry_code
    cross join year_ends
    where enterprises.attribution = 'county'
      and industries.is_core
      and enterprises.on_register_from <= year_ends.year_end
      and (enterprises.on_register_until is null or enterprises.on_register_until > year_ends.year_end)
    group by year_ends.year, enterprises.county_code
),

wide as (
    select
        measures.year,
        measures.county_code,
        measures.scenario_breadth,
        measures.category_balance,
        measures.has_plan,
        measures.has_data_platform,
        measures.data_platform_investment_share,
        case when connectivity.resident_population > 0 then
            cast(coalesce(digital_economy.enterprise_count, 0) * 10000 as double)
            / cast(connectivity.resident_population as double)
        end as digital_economy_per_10k,
        measures.local_supplier_share,
        network.score as network_index_score,
        case when connectivity.rural_population > 0 then
            cast(connectivity.rural_internet_users as double) / cast(connectivity.rural_population as double)
        end as rural_internet_penetration,
        case when connectivity.resident_population > 0 then
            cast(measures.smart_city_investment_yuan as double) / cast(connectivity.resident_population as double)
        end as smart_city_investment_per_capita,
        measures.service_purchase_share
    from measures
    left join {{ ref('fct_county_connectivity') }} as connectivity
        on connectivity.year = measures.year
        and connectivity.county_code = measures.county_code
    left join {{ ref('int_connectivity__network_index') }} as network
        on network.year = measures.year
        and network.county_code = measures.county_code
    left join digital_economy
        on digital_economy.year = measures.year
        and digital_economy.county_code = measures.county_code
)

{% for pillar, indicator in indicators %}
select year, county_code, {{ pillar }} as pillar, '{{ indicator }}' as indicator, cast({{ indicator }} as double) as value
from wide
{{ 'union all' if not loop.last }}
{%- endfor %}
