-- figures.md "Attribution", rules 3 and 5: the text patterns. One row per county name, county alias
-- (rule 3, with the county they name) and prefecture name (rule 5, flagged `is_prefecture`).
-- pattern_length drives "the longest match wins".
with patterns as (
    select county_name as pattern, 'county_name' as pattern_kind, county_code, prefecture_code
    from {{ ref('stg_reference__counties') }}
    union all
    select aliases.alias, 'county_alias', aliases.county_code, counties.prefecture_code
    from {{ ref('stg_reference__county_aliases') }} as aliases
    inner join {{ ref('stg_reference__counties') }} as counties
        on counties.county_code = aliases.county_code
    union all
    select distinct prefecture_name, 'prefecture_name', cast(null as varchar), prefecture_code
    from {{ ref('stg_reference__counties') }}
)

select
    pattern,
    pattern_kind,
    pattern_kind = 'prefecture_name' as is_prefecture,
    county_code,
    prefecture_code,
    length(pattern) as pattern_length
from patterns
