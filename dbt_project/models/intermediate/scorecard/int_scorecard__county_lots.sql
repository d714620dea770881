-- scorecard.md "The scorecard": the lots its indicators read — every awarded informatization lot
-- attributed to a county (smart-city lots are informatization lots), with the scorecard's flags:
-- 项目名称 contains a planning / data_platform term of the seed scorecard_terms (plain substring),
-- 品目编码 starts with an upper-case C (services: 购买服务 / 以租代建; the loader has NFKC'd it and a
-- blank code is NULL, so it is not a service), the primary scenario's category and the supplier's
-- locality (same_county … unknown, scorecard.md "Supplier view").
-- One row per lot.
with lots as (
    select lot_id, county_code, investment_year, award_yuan, project_name, catalog_code, is_smart_city,
           supplier_locality
    from {{ ref('fct_procurement_lots') }}
    where is_counted and is_informatization
),

term_matches as (
    select
        lots.lot_id,
        max(case when terms.term_group = 'planning' then 1 else 0 end) as planning_match,
        max(case when terms.term_group = 'data_platform' then 1 else 0 end) as data_platform_match
    from lots
    inner join {{ ref('scorecard_terms') }} as terms
        on {{ str_contains('lots.project_name', 'terms.term') }}
    group by lots.lot_id
),

primary_scenarios as (
    select lot_id, category
    from {{ ref('fct_lot_scenarios') }}
    where is_primary
)

select
    lots.lot_id,
    lots.county_code,
    lots.investment_year,
    lots.award_yuan,
    lots.is_smart_city,
    lots.supplier_locality,
    primary_scenarios.category as primary_category,
    coalesce(substring(lots.catalog_code, 1, 1) = 'C', false) as is_service_purchase,
    coalesce(term_matches.planning_match = 1, false) as has_planning_term,
    coalesce(term_matches.data_platform_match = 1, false) as has_data_platform_term
from lots
left join term_matches
    on term_matches.lot_id = lots.lot_id
left join primary_scenarios
    on primary_scenarios.lot_id = lots.lot_id
