-- figures.md "Counties" → "Attribution of a record to a county" for lots: rules 1, 2, 3, 5 over the lot
-- attributes (区划代码, then texts 区划名称 and 采购人), via the shared macro `attribute_county`.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with lots as (
    select lot_id, project_code, source_division_code, division_name, buyer
    from {{ ref('int_procurement__lot_attributes') }}
    {{ where_changed_project('project_code') }}
),

attributed as (
    {{ attribute_county('lots', 'lot_id', 'source_division_code', ['division_name', 'buyer']) }}
)

select attributed.lot_id, attributed.county_code, attributed.attribution, attributed.attribution_rule,
    lots.project_code
from attributed
inner join lots
    on lots.lot_id = attributed.lot_id
