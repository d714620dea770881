-- scorecard.md `county_integrity`: per (report year, county), all 111 counties: the county's awarded
-- informatization lots of investment year Y, how many carry at least one flag, their share (NULL when
-- the county has no lots) and one count of lots per flag. Zeros when a county has none.
with counties as (
    select county_code from {{ ref('dim_county') }}
),

years as (
    {{ report_year_rows() }}
),

lots as (
    select county_code, investment_year as year, count(*) as lot_count
    from {{ ref('fct_procurement_lots') }}
    where is_counted and is_informatization
    group by county_code, investment_year
),

flagged as (
    select
        county_code,
        investment_year as year,
        count(distinct lot_id) as flagged_lot_count,
        {%- for flag in integrity_flag_names() %}
        count(case when flag = '{{ flag }}' then 1 end) as {{ flag }}_count{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('integrity_flags') }}
    group by county_code, investment_year
)

select
    years.year,
    counties.county_code,
    cast(coalesce(lots.lot_count, 0) as bigint) as lot_count,
    cast(coalesce(flagged.flagged_lot_count, 0) as bigint) as flagged_lot_count,
    case when coalesce(lots.lot_count, 0) = 0 then null
        else cast(coalesce(flagged.flagged_lot_count, 0) as double) / cast(lots.lot_count as double)
    end as flagged_share,
    {%- for flag in integrity_flag_names() %}
    cast(coalesce(flagged.{{ flag }}_count, 0) as bigint) as {{ flag }}_count{{ ',' if not loop.last }}
    {%- endfor %}
from years
cross join counties
left join lots
    on lots.county_code = counties.county_code
    and lots.year = years.year
left join flagged
    on flagged.county_code = counties.county_code
    and flagged.year = years.year
order by years.year, counties.county_code
