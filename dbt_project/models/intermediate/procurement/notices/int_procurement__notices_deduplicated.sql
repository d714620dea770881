-- figures.md "Procurement rules" → "Re-posts collapse".
-- Rows with the same 公告ID and 标项号 are one row; rows of different 公告ID agreeing on the parsed
-- (项目编号, 标项号, notice class, publish date, 中标金额) are one row (NULL amounts are equal: window
-- partitions group NULLs together). The first row in (file, line) order survives. The two steps run in
-- that order: step 2 compares the survivors of step 1, and every collapsed row points at its final
-- survivor. One row per accepted notice row (collapsed ones flagged) so lineage and the data-quality
-- count survive. Kept narrow: windows over wide rows are what costs time at 200k rows.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with notices as (
    select
        notice_row_id, notice_id, project_code, lot_no, notice_class, publish_date, award_yuan,
        source_file, source_line
    from {{ ref('stg_procurement__notices') }}
    {%- if is_incremental() %}
    -- whole 公告ID groups touching a changed project: collapse never reaches past them
    where notice_id in (
        select notice_id from {{ ref('stg_procurement__notices') }} {{ where_changed_project('project_code') }}
    )
    {%- endif %}
),

posting_ranked as (
    select
        notices.*,
        row_number() over (partition by notice_id, lot_no order by source_file, source_line) as posting_rank
    from notices
),

posting_survivors as (
    select
        notice_id,
        lot_no,
        project_code,
        project_code || '|' || lot_no as survivor_lot_id,
        first_value(notice_row_id) over (
            partition by project_code, lot_no, notice_class, publish_date, award_yuan
            order by source_file, source_line
        ) as survivor_row_id
    from posting_ranked
    where posting_rank = 1
)

select
    notices.notice_row_id,
    notices.notice_id,
    posting_survivors.survivor_lot_id as lot_id,
    posting_survivors.survivor_row_id,
    posting_survivors.survivor_row_id <> notices.notice_row_id as is_collapsed_repost,
    -- the project of the surviving row's lot: the key incremental builds replace rows by
    posting_survivors.project_code
from notices
inner join posting_survivors
    on posting_survivors.notice_id = notices.notice_id
    and posting_survivors.lot_no = notices.lot_no
{{ where_changed_project('posting_survivors.project_code') }}
