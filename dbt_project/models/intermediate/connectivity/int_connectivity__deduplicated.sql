-- raw_inputs.md "connectivity" → A duplicate (code after the crosswalk, year) among accepted rows
-- keeps the last one: the greatest (file name, line). One row per (county_code, year).
with ranked as (
    select
        stg.*,
        row_number() over (
            partition by stg.county_code, stg.year
            order by stg.source_file desc, stg.source_line desc
        ) as row_rank
    from {{ ref('stg_connectivity__indicators') }} as stg
)

select
    county_code,
    year,
    resident_population,
    rural_population,
    internet_users,
    rural_internet_users,
    households,
    broadband_households,
    bs5g_count,
    gigabit_coverage_pct,
    village_5g_pct,
    source_file,
    source_line
from ranked
where row_rank = 1
