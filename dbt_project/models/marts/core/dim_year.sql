-- 年份维度 Every year from the earliest to the latest one the report touches (report years, the as-of
-- year, investment years, benchmark years), without gaps; `is_report_year` marks var('report_years').
with recursive years as (
    {%- for year in var('report_years') %}
    select {{ year }} as year union all
    {%- endfor %}
    {%- for year in var('development_mode_years') %}
    select {{ year }} union all
    {%- endfor %}
    select cast(extract(year from cast('{{ var("as_of_date") }}' as date)) as integer) union all
    select investment_year from {{ ref('int_procurement__lot_awards') }} where investment_year is not null union all
    select year from {{ ref('stg_reference__external_benchmarks') }}
),

bounds as (
    select min(year) as first_year, max(year) as last_year from years
),

-- A recursive CTE keeps the year range portable (no generate_series).
calendar (year) as (
    select first_year from bounds
    union all
    select calendar.year + 1 from calendar, bounds where calendar.year < bounds.last_year
)

select
    cast(year as integer) as year,
    year in ({{ var('report_years') | join(', ') }}) as is_report_year
from calendar
