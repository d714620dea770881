-- 县域网络指标 One row per county and year after "last wins", with the seven counts, the five index
-- indicators (rules in models/intermediate/connectivity) and the lineage of the surviving row.
select
    dedup.county_code,
    dedup.year,
    dedup.resident_population,
    dedup.rural_population,
    dedup.internet_users,
    dedup.rural_internet_users,
    dedup.households,
    dedup.broadband_households,
    dedup.bs5g_count,
    indicators.gigabit_coverage,
    indicators.bs5g_per_10k,
    indicators.broadband_per_100_households,
    indicators.village_5g_rate,
    indicators.internet_penetration,
    dedup.source_file,
    dedup.source_line
from {{ ref('int_connectivity__deduplicated') }} as dedup
inner join {{ ref('int_connectivity__indicators') }} as indicators
    on indicators.county_code = dedup.county_code
    and indicators.year = dedup.year
