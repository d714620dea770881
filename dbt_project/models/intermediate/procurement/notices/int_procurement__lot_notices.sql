-- figures.md "Procurement rules" → "Notice order": the surviving notices of each lot with their
-- position in notice order (publish date, then file name, then line), carrying only the columns the lot
-- rules read. The order is computed on the narrow key and joined back (cheaper than a wide window).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with survivors as (
    select notices.*
    from {{ ref('stg_procurement__notices') }} as notices
    inner join {{ ref('int_procurement__notices_deduplicated') }} as dedup
        on dedup.notice_row_id = notices.notice_row_id
    where not dedup.is_collapsed_repost
    {{ where_changed_project('dedup.project_code', 'and') }}
),

ordered as (
    select
        notice_row_id,
        row_number() over (partition by lot_id order by publish_date, source_file, source_line) as notice_seq
    from survivors
)

select
    survivors.notice_row_id,
    survivors.lot_id,
    survivors.project_code,
    survivors.lot_no,
    ordered.notice_seq,
    survivors.notice_class,
    survivors.publish_date,
    survivors.award_yuan,
    survivors.budget_yuan,
    survivors.procurement_method,
    survivors.supplier_name,
    survivors.supplier_uscc_raw,
    survivors.supplier_uscc,
    survivors.project_name,
    survivors.catalog_code,
    survivors.catalog_name,
    survivors.source_division_code,
    survivors.division_name,
    survivors.buyer,
    survivors.source_file,
    survivors.source_line
from survivors
inner join ordered
    on ordered.notice_row_id = survivors.notice_row_id
