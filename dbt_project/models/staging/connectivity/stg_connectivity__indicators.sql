-- 县域网络指标 Connectivity rows accepted by the load, English names and types; one row per accepted
-- raw row. county_code is already crosswalked at load; duplicates of (county_code, year) remain
-- (int_connectivity__deduplicated resolves them).
select
    county_code,
    division_code,
    "区划名称" as division_name,
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
from {{ source('connectivity', 'connectivity_indicators') }}
