-- figures.md `network_infrastructure_ranking`: one row per (year, county with an accepted row), the
-- five indicators, the index score and its rank (rules in int_connectivity__network_index).
-- Rows come ordered by year, rank, then county code (tied rows by their code).
select
    facts.year,
    facts.county_code,
    counties.county_name,
    counties.county_type,
    facts.gigabit_coverage,
    facts.bs5g_per_10k,
    facts.broadband_per_100_households,
    facts.village_5g_rate,
    facts.internet_penetration,
    idx.score,
    idx.rank,
    counties.is_urban_unit
from {{ ref('fct_county_connectivity') }} as facts
inner join {{ ref('int_connectivity__network_index') }} as idx
    on idx.county_code = facts.county_code
    and idx.year = facts.year
left join {{ ref('dim_county') }} as counties
    on counties.county_code = facts.county_code
order by facts.year, idx.rank, facts.county_code
