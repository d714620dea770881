-- figures.md "Procurement rules" → "Status", "Award amount", "Investment year". "After" is a strictly
-- later publish date throughout.
-- Status: awarded iff ≥1 result notice and no failed/terminated notice dated after the latest result.
-- Award: 中标金额 of the latest result notice (notice order); a correction of the lot dated after that
-- result with a parseable amount replaces it, the last such correction winning. The lineage columns name
-- the row that set the amount.
-- Investment date: the earliest result dated after the last failed/terminated notice, else the earliest
-- result.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with notices as (
    select * from {{ ref('int_procurement__lot_notices') }}
    {{ where_changed_project('project_code') }}
),

lot_events as (
    select
        lot_id,
        min(project_code) as project_code,
        count(case when notice_class = 'result' then 1 end) as result_count,
        max(case when notice_class = 'result' then publish_date end) as last_result_date,
        max(case when notice_class in ('failed', 'terminated') then publish_date end) as last_cancel_date,
        min(case when notice_class = 'result' then publish_date end) as first_result_date
    from notices
    group by lot_id
),

latest_result as (
    select lot_id, publish_date, award_yuan, source_file, source_line
    from (
        select
            notices.*,
            row_number() over (partition by lot_id order by notice_seq desc) as recency
        from notices
        where notice_class = 'result'
    ) as results
    where recency = 1
),

replacing_correction as (
    select lot_id, award_yuan, source_file, source_line
    from (
        select
            corrections.*,
            row_number() over (partition by corrections.lot_id order by corrections.notice_seq desc) as recency
        from notices as corrections
        inner join latest_result
            on latest_result.lot_id = corrections.lot_id
            and corrections.publish_date > latest_result.publish_date
        where corrections.notice_class = 'correction'
          and corrections.award_yuan is not null
    ) as corrections
    where recency = 1
),

investment as (
    select
        notices.lot_id,
        min(notices.publish_date) as first_result_after_cancel_date
    from notices
    inner join lot_events
        on lot_events.lot_id = notices.lot_id
    where notices.notice_class = 'result'
      and (lot_events.last_cancel_date is null or notices.publish_date > lot_events.last_cancel_date)
    group by notices.lot_id
)

select
    lot_events.lot_id,
    case
        when lot_events.result_count > 0
         and (lot_events.last_cancel_date is null or lot_events.last_cancel_date <= lot_events.last_result_date)
            then 'awarded'
        else 'not_awarded'
    end as status,
    lot_events.result_count,
    lot_events.last_result_date,
    lot_events.last_cancel_date,
    case when replacing_correction.lot_id is not null
        then replacing_correction.award_yuan else latest_result.award_yuan
    end as award_yuan,
    case when replacing_correction.lot_id is not null
        then replacing_correction.source_file else latest_result.source_file
    end as award_source_file,
    case when replacing_correction.lot_id is not null
        then replacing_correction.source_line else latest_result.source_line
    end as award_source_line,
    replacing_correction.lot_id is not null as is_award_corrected,
    coalesce(investment.first_result_after_cancel_date, lot_events.first_result_date) as investment_date,
    cast(extract(year from coalesce(investment.first_result_after_cancel_date, lot_events.first_result_date)) as integer) as investment_year,
    lot_events.project_code
from lot_events
left join latest_result
    on latest_result.lot_id = lot_events.lot_id
left join replacing_correction
    on replacing_correction.lot_id = lot_events.lot_id
left join investment
    on investment.lot_id = lot_events.lot_id
