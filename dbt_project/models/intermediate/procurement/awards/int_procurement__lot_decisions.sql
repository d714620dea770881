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

-- Every notice of the lot beside its deciding result, for one grouped pass: fewer hash tables than joining
-- the notices back once per picked column (that plan ran out of a 1 GB DuckDB limit at scale 20).
lot_rows as (
    select
        deciding_result.lot_id, deciding_result.project_code, deciding_result.deciding_seq,
        deciding_result.award_date, deciding_result.source_file, deciding_result.source_line,
        notices.notice_seq, notices.notice_class, notices.publish_date,
        notices.supplier_name, notices.supplier_uscc_raw, notices.supplier_uscc,
        -- the supplier's sources: the deciding result and the corrections dated after it
        notices.notice_seq = deciding_result.deciding_seq
            or (notices.notice_class = 'correction' and notices.publish_date > deciding_result.award_date)
            as is_supplier_source
    from deciding_result
    inner join notices
        on notices.lot_id = deciding_result.lot_id
),

sourced as (
    select
        lot_id, project_code, deciding_seq, award_date, source_file, source_line, notice_seq,
        case when is_supplier_source then supplier_name end as source_supplier_name,
        -- picked by its raw text: '' stands for a raw USCC that did not validate, so the pick stays non-NULL
        case when is_supplier_source and supplier_uscc_raw is not null then coalesce(supplier_uscc, '') end
            as source_supplier_uscc,
        case when notice_class = 'tender' and publish_date <= award_date then publish_date end as tender_publish_date
    from lot_rows
),

-- the latest source carrying a value wins, name and USCC each on their own
decisions as (
    select
        lot_id,
        award_date,
        max(tender_publish_date) as tender_date,
        {{ arg_max_non_null('source_supplier_name', 'notice_seq') }} as supplier_name,
        {{ arg_max_non_null('source_supplier_uscc', 'notice_seq') }} as supplier_uscc_pick,
        source_file,
        source_line,
        project_code
    from sourced
    group by lot_id, project_code, deciding_seq, award_date, source_file, source_line
)

select
    lot_id,
    award_date,
    tender_date,
    {{ date_diff_days('tender_date', 'award_date') }} as decision_days,
    supplier_name,
    nullif(supplier_uscc_pick, '') as supplier_uscc,
    source_file as deciding_source_file,
    source_line as deciding_source_line,
    project_code
from decisions
