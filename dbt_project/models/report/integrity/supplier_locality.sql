-- scorecard.md `supplier_locality`: per (report year, locality), all five localities with zeros: the
-- year's awarded smart-city lots attributed to a county by their supplier's locality, their award and its
-- share of the year's smart-city investment of those lots (NULL when that is 0). A NULL award counts in
-- lot_count only.
with years as (
    {{ report_year_rows() }}
),

localities as (
    {%- for locality in ['same_county', 'same_prefecture', 'other_guangxi', 'outside_guangxi', 'unknown'] %}
    select '{{ locality }}' as locality, {{ loop.index }} as locality_order{{ ' union all' if not loop.last }}
    {%- endfor %}
),

lots as (
    select investment_year as year, supplier_locality as locality, award_yuan
    from {{ ref('fct_procurement_lots') }}
    where is_counted and is_smart_city
),

per_locality as (
    select year, locality, count(*) as lot_count, sum(award_yuan) as award_yuan
    from lots
    group by year, locality
),

per_year as (
    select year, sum(award_yuan) as investment_yuan
    from lots
    group by year
),

filled as (
    select
        years.year,
        localities.locality,
        localities.locality_order,
        cast(coalesce(per_locality.lot_count, 0) as bigint) as lot_count,
        cast(coalesce(per_locality.award_yuan, 0) as decimal(38, 6)) as award_yuan,
        coalesce(per_year.investment_yuan, 0) as investment_yuan
    from years
    cross join localities
    left join per_locality
        on per_locality.year = years.year
        and per_locality.locality = localities.locality
    left join per_year
        on per_year.year = years.year
)

select
    year,
    locality,
    lot_count,
    award_yuan,
    case when investment_yuan = 0 then null
        else cast(award_yuan as double) / cast(investment_yuan as double)
    end as award_share
from filled
order by year, locality_order
