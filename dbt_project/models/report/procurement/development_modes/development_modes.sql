-- figures.md `development_modes`: one row per county with ≥1 awarded smart-city lot attributed to it
-- whose investment year is in var('development_mode_years'); only those lots are its inputs.
-- mode = integrated_platform if any lot carries an is_integrated_platform scenario (evidence: the earliest
-- such lot by investment date, then 项目编号); else resource_endowment if industry_share ≥ 0.5 (evidence:
-- its industry lot with the largest award); else unified_deployment (evidence: its lot with the largest
-- award, NULL last, then 项目编号). industry_share is NULL when the county's award sum is 0 or NULL, and
-- NULL is not ≥ 0.5. 标项号 breaks any remaining tie so the evidence is deterministic.
with lots as (
    select lot.lot_id, lot.county_code, lot.project_code, lot.lot_no, lot.project_name, lot.award_yuan,
           lot.investment_date, scenario.category as primary_category
    from {{ ref('fct_procurement_lots') }} as lot
    inner join {{ ref('dim_scenario') }} as scenario
        on scenario.scenario_code = lot.primary_scenario_code
    where lot.is_counted and lot.is_smart_city
      and lot.investment_year in (select year from ({{ report_year_rows('development_mode_years') }}) as years)
),

county_totals as (
    select
        county_code,
        sum(award_yuan) as smart_city_investment_yuan,
        sum(case when primary_category = 'industry_management' then award_yuan end) as industry_investment_yuan
    from lots
    group by county_code
),

platform_lots as (
    select lots.*
    from lots
    where lots.lot_id in (
        select bridge.lot_id
        from {{ ref('fct_lot_scenarios') }} as bridge
        inner join {{ ref('dim_scenario') }} as scenario
            on scenario.scenario_code = bridge.scenario_code
        where scenario.is_integrated_platform
    )
),

platform_evidence as (
    select county_code, project_name
    from (
        select platform_lots.*,
            row_number() over (partition by county_code order by investment_date, project_code, lot_no) as pick
        from platform_lots
    ) as ranked
    where pick = 1
),

industry_evidence as (
    select county_code, project_name
    from (
        select lots.*,
            row_number() over (partition by county_code order by award_yuan desc nulls last, project_code, lot_no) as pick
        from lots
        where primary_category = 'industry_management'
    ) as ranked
    where pick = 1
),

largest_evidence as (
    select county_code, project_name
    from (
        select lots.*,
            row_number() over (partition by county_code order by award_yuan desc nulls last, project_code, lot_no) as pick
        from lots
    ) as ranked
    where pick = 1
),

shares as (
    select
        county_code,
        smart_city_investment_yuan,
        case when coalesce(smart_city_investment_yuan, 0) = 0 then null
            else cast(coalesce(industry_investment_yuan, 0) as double) / cast(smart_city_investment_yuan as double)
        end as industry_share
    from county_totals
),

moded as (
    select
        shares.*,
        case
            when platform_evidence.county_code is not null then 'integrated_platform'
            when shares.industry_share >= 0.5 then 'resource_endowment'
            else 'unified_deployment'
        end as mode
    from shares
    left join platform_evidence
        on platform_evidence.county_code = shares.county_code
)

select
    moded.county_code,
    county.county_name,
    moded.mode,
    cast(coalesce(moded.smart_city_investment_yuan, 0) as decimal(38, 6)) as smart_city_investment_yuan,
    moded.industry_share,
    case moded.mode
        when 'integrated_platform' then platform_evidence.project_name
        when 'resource_endowment' then industry_evidence.project_name
        else largest_evidence.project_name
    end as evidence_lot
from moded
inner join {{ ref('dim_county') }} as county
    on county.county_code = moded.county_code
left join platform_evidence
    on platform_evidence.county_code = moded.county_code
left join industry_evidence
    on industry_evidence.county_code = moded.county_code
left join largest_evidence
    on largest_evidence.county_code = moded.county_code
order by moded.county_code
