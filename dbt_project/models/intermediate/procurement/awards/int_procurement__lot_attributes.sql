-- figures.md "Procurement rules" → "Lot": one row per lot = (项目编号, 标项号). Each of 项目名称, 品目编码,
-- 品目名称, 区划代码, 区划名称, 采购人 is taken per column: the first non-blank value among the lot's result
-- notices, latest first, else among its other notices, latest first ("latest" = notice order descending).
-- The pick key ranks every result notice above every other notice, then by notice order; blanks are NULL
-- after the load's cleaning, so "non-blank" = non-NULL. 采购方式 follows the same rule (scorecard.md).
-- scorecard.md budget_yuan: the first parseable 预算金额 among the lot's 采购公告 notices, latest first, else
-- among its other notices, latest first — the same pick with 采购公告 ranked first (no date limit).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
{%- set attribute_columns = ['project_name', 'catalog_code', 'catalog_name', 'source_division_code', 'division_name', 'buyer', 'procurement_method'] %}
with notices as (
    select
        *,
        -- notice_seq is far below 10^9, so the class bonus dominates and notice order breaks ties
        notice_seq + case when notice_class = 'result' then 1000000000 else 0 end as pick_key,
        notice_seq + case when notice_class = 'tender' then 1000000000 else 0 end as tender_pick_key
    from {{ ref('int_procurement__lot_notices') }}
    {{ where_changed_project('project_code') }}
)

select
    lot_id,
    min(project_code) as project_code,
    min(lot_no) as lot_no,
    {%- for column in attribute_columns %}
    {{ arg_max_non_null(column, 'pick_key') }} as {{ column }},
    {%- endfor %}
    {{ arg_max_non_null('budget_yuan', 'tender_pick_key') }} as budget_yuan,
    count(*) as notice_count,
    min(publish_date) as first_publish_date,
    max(publish_date) as last_publish_date
from notices
group by lot_id
