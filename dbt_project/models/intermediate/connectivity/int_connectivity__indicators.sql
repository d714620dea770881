-- figures.md "Connectivity rules" → Network infrastructure index, the five indicators in order:
-- gigabit_coverage = 千兆光网覆盖率 (percent), bs5g_per_10k = 5G基站数 / 常住人口 × 10000,
-- broadband_per_100_households = 固定宽带用户数 / 家庭户数 × 100, village_5g_rate = 行政村5G通达率
-- (percent), internet_penetration = 网民数 / 常住人口 (fraction). One row per (county_code, year).
select
    county_code,
    year,
    cast(gigabit_coverage_pct as double precision) as gigabit_coverage,
    cast(bs5g_count as double precision) * 10000 / cast(resident_population as double precision) as bs5g_per_10k,
    cast(broadband_households as double precision) * 100 / cast(households as double precision) as broadband_per_100_households,
    cast(village_5g_pct as double precision) as village_5g_rate,
    cast(internet_users as double precision) / cast(resident_population as double precision) as internet_penetration
from {{ ref('int_connectivity__deduplicated') }}
