-- 采购标项事实 One row per lot = (项目编号, 标项号) with its attributes, status, award, investment year,
-- classification and county attribution (docs/DESIGN.md "Marts"; the rules live in the int models).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
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
    awards.award_yuan,
    awards.award_source_file,
    awards.award_source_line,
    awards.investment_date,
    awards.investment_year,
    classification.is_informatization,
    classification.is_smart_city,
    classification.primary_scenario_code,
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
left join {{ ref('stg_reference__county_code_crosswalk') }} as crosswalk
    on crosswalk.old_code = attributes.source_division_code
{{ where_changed_project('attributes.project_code') }}
