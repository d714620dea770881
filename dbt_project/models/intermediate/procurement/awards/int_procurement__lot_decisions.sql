-- scorecard.md "Lot attributes": what the deciding result of an awarded lot decides. The deciding result
-- is the lot's latest result notice in notice order (the one whose 中标金额 is the award amount).
-- award_date: its publish date. tender_date: the latest 采购公告 dated on or before award_date.
-- decision_days: award_date − tender_date in calendar days.
-- supplier_name / supplier_uscc: taken from the deciding result; a 更正公告 dated strictly after it with a
-- non-blank value replaces it, the last such winning — name and USCC each on their own. The USCC is picked
-- by its raw text and validated afterwards (the load's companion: NULL unless a valid GB 32100 code).
-- One row per awarded lot; lots that are not awarded have none (their columns are NULL in the mart).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with notices as (
    select
        lot_id, project_code, notice_seq, notice_class, publish_date,
        supplier_name, supplier_uscc_raw, supplier_uscc, source_file, source_line
    from {{ ref('int_procurement__lot_notices') }}
    {{ where_changed_project('project_code') }}
),

awarded as (
    select lot_id
    from {{ ref('int_procurement__lot_awards') }}
    where status = 'awarded'
    {{ where_changed_project('project_code', 'and') }}
),

deciding as (
    select notices.lot_id, min(notices.project_code) as project_code, max(notices.notice_seq) as deciding_seq
    from notices
    inner join awarded
        on awarded.lot_id = notices.lot_id
    where notices.notice_class = 'result'
    group by notices.lot_id
),

deciding_result as (
    select
        deciding.lot_id, deciding.project_code, deciding.deciding_seq, notices.publish_date as award_date,
        notices.source_file, notices.source_line
    from deciding
    inner join notices
        on notices.lot_id = deciding.lot_id
        and notices.notice_seq = deciding.deciding_seq
),

-- the deciding result and the corrections dated after it: the latest one carrying a value wins
supplier_sources as (
    select notices.*
    from notices
    inner join deciding_result
        on deciding_result.lot_id = notices.lot_id
    where notices.notice_seq = deciding_result.deciding_seq
       or (notices.notice_class = 'correction' and notices.publish_date > deciding_result.award_date)
),

supplier_picks as (
    select
        lot_id,
        max(case when supplier_name is not null then notice_seq end) as name_seq,
        max(case when supplier_uscc_raw is not null then notice_seq end) as uscc_seq
    from supplier_sources
    group by lot_id
),

tenders as (
    select deciding_result.lot_id, max(notices.publish_date) as tender_date
    from deciding_result
    inner join notices
        on notices.lot_id = deciding_result.lot_id
        and notices.notice_class = 'tender'
        and notices.publish_date <= deciding_result.award_date
    group by deciding_result.lot_id
)

select
    deciding_result.lot_id,
    deciding_result.award_date,
    tenders.tender_date,
    {{ date_diff_days('tenders.tender_date', 'deciding_result.award_date') }} as decision_days,
    name_source.supplier_name,
    uscc_source.supplier_uscc,
    deciding_result.source_file as deciding_source_file,
    deciding_result.source_line as deciding_source_line,
    deciding_result.project_code
from deciding_result
inner join supplier_picks
    on supplier_picks.lot_id = deciding_result.lot_id
left join notices as name_source
    on name_source.lot_id = deciding_result.lot_id
    and name_source.notice_seq = supplier_picks.name_seq
left join notices as uscc_source
    on uscc_source.lot_id = deciding_result.lot_id
    and uscc_source.notice_seq = supplier_picks.uscc_seq
left join tenders
    on tenders.lot_id = deciding_result.lot_id
