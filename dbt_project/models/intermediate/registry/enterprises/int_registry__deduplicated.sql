-- figures.md "Enterprise rules" → Duplicates: per USCC the row with the latest 核准日期 wins; a blank
-- 核准日期 sorts before any date; ties go to the later row in (file name, line) order. The losers are
-- counted as `superseded_duplicate` (data_quality) through duplicate_count.
-- One row per USCC.
-- Most USCCs have one row: only the rows of a USCC that repeats are ranked, on the narrow key columns
-- (a window over every row, joined back to the full-width rows, spilled gigabytes at scale 20); every
-- other row passes through with duplicate_count 1. Sorting the full-width rows (long 经营范围 texts)
-- would cost several times more still.
with repeated as (
    select uscc, count(*) as duplicate_count
    from {{ ref('stg_registry__enterprises') }}
    group by uscc
    having count(*) > 1
),

ranked as (
    select
        stg.source_file,
        stg.source_line,
        repeated.duplicate_count,
        row_number() over (
            partition by stg.uscc
            order by stg.approved_date desc nulls last, stg.source_file desc, stg.source_line desc
        ) as row_rank
    from {{ ref('stg_registry__enterprises') }} as stg
    inner join repeated
        on repeated.uscc = stg.uscc
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
    coalesce(ranked.duplicate_count, 1) as duplicate_count,
    stg.source_file,
    stg.source_line
from {{ ref('stg_registry__enterprises') }} as stg
left join ranked
    on ranked.source_file = stg.source_file
    and ranked.source_line = stg.source_line
where coalesce(ranked.row_rank, 1) = 1
