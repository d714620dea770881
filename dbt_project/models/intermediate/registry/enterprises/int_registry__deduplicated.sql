-- figures.md "Enterprise rules" → Duplicates: per USCC the row with the latest 核准日期 wins; a blank
-- 核准日期 sorts before any date; ties go to the later row in (file name, line) order. The losers are
-- counted as `superseded_duplicate` (data_quality) through duplicate_count.
-- One row per USCC.
-- The ranking runs on the narrow key columns only and joins back: sorting the full-width rows
-- (long 经营范围 texts) costs several times more on the 1M-row register.
with ranked as (
    select
        uscc,
        source_file,
        source_line,
        row_number() over (
            partition by uscc
            order by approved_date desc nulls last, source_file desc, source_line desc
        ) as row_rank,
        count(*) over (partition by uscc) as duplicate_count
    from {{ ref('stg_registry__enterprises') }}
)

select
    stg.uscc,
    stg.enterprise_name,
    stg.status_raw,
    stg.status_class,
    stg.established_date,
    stg.approved_date,
    stg.deregistered_date,
    stg.revoked_date,
    stg.registered_capital_text,
    stg.registered_capital_yuan,
    stg.company_type,
    stg.industry_code,
    stg.industry_name,
    stg.registering_authority,
    stg.address,
    stg.division_code,
    stg.business_scope,
    ranked.duplicate_count,
    stg.source_file,
    stg.source_line
from ranked
inner join {{ ref('stg_registry__enterprises') }} as stg
    on stg.source_file = ranked.source_file
    and stg.source_line = ranked.source_line
where ranked.row_rank = 1
