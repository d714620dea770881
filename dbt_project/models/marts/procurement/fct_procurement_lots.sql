-- 采购标项事实 One row per lot = (项目编号, 标项号) with its attributes, status, award, investment year,
-- classification, county attribution, the deciding result's dates and supplier and the supplier's locality
-- (docs/DESIGN.md "Marts"; the rules live in the int models).
-- A table, not incremental: supplier_locality also depends on the registry, so a registry-only change
-- must reach every lot. The expensive rules stay incremental in the procurement int models; this join of
-- narrow per-lot tables is cheap to redo in full.
select
    attributes.lot_id,
    attributes.project_code,
    attributes.lot_no,
    attributes.project_name,
    attributes.catalog_code,
    attributes.catalog_name,
    coalesce(crosswalk.new_code, attributes.source_division_code) as division_code,
    attributes.division_name,
    attributes.buyer,
    attribution.county_code,
    attribution.attribution,
    attribution.attribution_rule,
    awards.status,
    -- the lots every county figure counts (figures.md "Conventions"): awarded and attributed to a county
    (awards.status = 'awarded' and attribution.attribution = 'county') as is_counted,
    awards.award_yuan,
    awards.award_source_file,
    awards.award_source_line,
    awards.investment_date,
    awards.investment_year,
    classification.is_informatization,
    classification.is_smart_city,
    classification.primary_scenario_code,
    attributes.procurement_method,
    attributes.budget_yuan,
    decisions.award_date,
    decisions.tender_date,
    decisions.decision_days,
    decisions.supplier_name,
    decisions.supplier_uscc,
    locality.supplier_locality,
    decisions.deciding_source_file,
    decisions.deciding_source_line,
    attributes.notice_count,
    attributes.first_publish_date,
    attributes.last_publish_date
from {{ ref('int_procurement__lot_attributes') }} as attributes
inner join {{ ref('int_procurement__lot_awards') }} as awards
    on awards.lot_id = attributes.lot_id
inner join {{ ref('int_procurement__lot_attribution') }} as attribution
    on attribution.lot_id = attributes.lot_id
inner join {{ ref('int_procurement__lot_classification') }} as classification
    on classification.lot_id = attributes.lot_id
left join {{ ref('int_procurement__lot_decisions') }} as decisions
    on decisions.lot_id = attributes.lot_id
left join {{ ref('int_suppliers__lot_locality') }} as locality
    on locality.lot_id = attributes.lot_id
left join {{ ref('stg_reference__county_code_crosswalk') }} as crosswalk
    on crosswalk.old_code = attributes.source_division_code
