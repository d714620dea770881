-- scorecard.md "The scorecard": the procurement side of the indicators, one row per (report year Y,
-- county), all 111 counties. "The county's lots" are its awarded smart-city lots of investment year
-- Y; its informatization investment of Y includes them. A NULL award counts as a lot and adds
-- nothing to sums; a ratio whose denominator is 0 (or has no amount at all) is NULL.
with county_years as (
    select years.year, counties.county_code
    from ({{ report_year_rows() }}) as years
    cross join {{ ref('dim_county') }} as counties
),

lots as (
    select * from {{ ref('int_scorecard__county_lots') }}
),

year_totals as (
    select
        investment_year as year,
        county_code,
        sum(award_yuan) as informatization_investment_yuan,
        sum(case when has_data_platform_term then award_yuan end) as data_platform_investment_yuan,
        sum(case when is_smart_city then award_yuan end) as smart_city_investment_yuan,
        sum(case when is_smart_city and is_service_purchase then award_yuan end) as service_purchase_yuan,
        sum(case when is_smart_city and supplier_locality = 'same_county' then award_yuan end) as local_supplier_yuan,
        sum(case when is_smart_city and supplier_locality <> 'unknown' then award_yuan end) as known_supplier_yuan
    from lots
    group by investment_year, county_code
),

category_investment as (
    select investment_year as year, county_code, primary_category, sum(award_yuan) as category_yuan
    from lots
    where is_smart_city
    group by investment_year, county_code, primary_category
),

-- Normalised Shannon entropy over the three categories: −Σ p·ln p ÷ ln 3, p = 0 adds 0.
category_balance as (
    select
        category_investment.year,
        category_investment.county_code,
        -- 0 − Σ rather than −Σ: a single category gives 0.0, not −0.0. Rounded to 12 decimals: the
        -- last bit of a DOUBLE sum depends on the order its rows arrive in, which varies between
        -- builds, and equal category mixes must tie in the percentile scores.
        round((0 - sum(
            case when category_investment.category_yuan > 0 then
                cast(category_investment.category_yuan as double) / cast(year_totals.smart_city_investment_yuan as double)
                * ln(cast(category_investment.category_yuan as double) / cast(year_totals.smart_city_investment_yuan as double))
            else 0 end
        )) / ln(3), 12) as category_balance
    from category_investment
    inner join year_totals
        on year_totals.year = category_investment.year
        and year_totals.county_code = category_investment.county_code
    where year_totals.smart_city_investment_yuan > 0
    group by category_investment.year, category_investment.county_code
),

scenario_breadth as (
    select lots.investment_year as year, lots.county_code, count(distinct bridge.scenario_code) as scenario_breadth
    from lots
    inner join {{ ref('fct_lot_scenarios') }} as bridge
        on bridge.lot_id = lots.lot_id
    where lots.is_smart_city
    group by lots.investment_year, lots.county_code
),

-- has_plan / has_data_platform look at every investment year up to and including Y.
cumulative_terms as (
    select
        county_years.year,
        county_years.county_code,
        max(case when lots.has_planning_term then 1 else 0 end) as has_plan,
        max(case when lots.has_data_platform_term then 1 else 0 end) as has_data_platform
    from county_years
    inner join lots
        on lots.county_code = county_years.county_code
        and lots.investment_year <= county_years.year
    group by county_years.year, county_years.county_code
)

select
    county_years.year,
    county_years.county_code,
    cast(coalesce(scenario_breadth.scenario_breadth, 0) as integer) as scenario_breadth,
    category_balance.category_balance,
    cast(coalesce(cumulative_terms.has_plan, 0) as integer) as has_plan,
    cast(coalesce(cumulative_terms.has_data_platform, 0) as integer) as has_data_platform,
    case when year_totals.informatization_investment_yuan <> 0 then
        cast(coalesce(year_totals.data_platform_investment_yuan, 0) as double)
        / cast(year_totals.informatization_investment_yuan as double)
    end as data_platform_investment_share,
    case when year_totals.known_supplier_yuan <> 0 then
        cast(coalesce(year_totals.local_supplier_yuan, 0) as double) / cast(year_totals.known_supplier_yuan as double)
    end as local_supplier_share,
    cast(coalesce(year_totals.smart_city_investment_yuan, 0) as decimal(38, 6)) as smart_city_investment_yuan,
    case when year_totals.smart_city_investment_yuan <> 0 then
        cast(coalesce(year_totals.service_purchase_yuan, 0) as double)
        / cast(year_totals.smart_city_investment_yuan as double)
    end as service_purchase_share
from county_years
left join year_totals
    on year_totals.year = county_years.year
    and year_totals.county_code = county_years.county_code
left join category_balance
    on category_balance.year = county_years.year
    and category_balance.county_code = county_years.county_code
left join scenario_breadth
    on scenario_breadth.year = county_years.year
    and scenario_breadth.county_code = county_years.county_code
left join cumulative_terms
    on cumulative_terms.year = county_years.year
    and cumulative_terms.county_code = county_years.county_code
