-- figures.md `enterprise_counts`: one row per as-of date (var('as_of_date')). Each count is a subset
-- of the one before: on the register and attributed to one of the 111 → digital economy → smart city.
select
    cast('{{ var("as_of_date") }}' as date) as as_of_date,
    count(case when is_on_register and attribution = 'county' then 1 end) as enterprises_on_register,
    count(case when is_digital_economy then 1 end) as digital_economy_enterprises,
    count(case when is_smart_city_enterprise then 1 end) as smart_city_enterprises
from {{ ref('fct_enterprises') }}
