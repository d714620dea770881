{{ config(materialized="view") }}
-- figures.md "Enterprise rules" → On the register at date D (D = var('as_of_date')):
-- 成立日期 ≤ D and the status class is active or suspended, or closed but closed after D (closed on
-- the earlier present of 注销日期/吊销日期; closed with neither counts as closed before any D);
-- moved_out is never on the register; a non-closed enterprise ignores its 注销/吊销 dates.
-- As an interval: on the register at D ⇔ on_register_from ≤ D and (on_register_until is NULL or
-- on_register_until > D). One row per USCC.
with dated as (
    select
        uscc,
        status_class,
        established_date,
        industry_code,
        case
            when status_class = 'closed' then
                case
                    when deregistered_date is null then revoked_date
                    when revoked_date is null then deregistered_date
                    when revoked_date < deregistered_date then revoked_date
                    else deregistered_date
                end
        end as closed_date
    from {{ ref('int_registry__deduplicated') }}
),

intervals as (
    select
        uscc,
        industry_code,
        status_class,
        closed_date,
        case when status_class <> 'moved_out' then established_date end as on_register_from,
        case
            when status_class = 'closed' then
                -- No closing date: an empty interval, i.e. never on the register.
                coalesce(closed_date, established_date)
        end as on_register_until
    from dated
)

select
    uscc,
    -- passed through for int_registry__digital_economy (one scan of the register)
    industry_code,
    closed_date,
    on_register_from,
    on_register_until,
    coalesce(
        on_register_from <= cast('{{ var("as_of_date") }}' as date)
        and (on_register_until is null or on_register_until > cast('{{ var("as_of_date") }}' as date)),
        false
    ) as is_on_register
from intervals
