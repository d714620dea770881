-- figures.md `development_mode_summary`: one row per development mode (all three, zeros allowed) with the
-- number of counties in it; rank by county_count descending, ties share the smallest rank.
with modes as (
    select 'integrated_platform' as mode
    union all select 'resource_endowment'
    union all select 'unified_deployment'
),

counted as (
    select mode, count(*) as county_count
    from {{ ref('development_modes') }}
    group by mode
)

select
    modes.mode,
    cast(coalesce(counted.county_count, 0) as bigint) as county_count,
    cast(rank() over (order by coalesce(counted.county_count, 0) desc) as bigint) as rank
from modes
left join counted
    on counted.mode = modes.mode
order by rank, modes.mode
