{{ config(materialized="view") }}
-- figures.md "Enterprise rules" → Digital-economy enterprise: on the register (at var('as_of_date')),
-- attributed to a county, and 行业代码 in digital_economy_industries with is_core = true.
-- Also carries the industry's digital-economy category for every listed code (core or not), and
-- passes the register and attribution columns through so fct_enterprises reads the 1M-row
-- register once per input instead of once per rule.
-- One row per USCC.
select
    reg.uscc,
    reg.closed_date,
    reg.on_register_from,
    reg.on_register_until,
    reg.is_on_register,
    attributed.county_code,
    attributed.attribution,
    attributed.attribution_rule,
    industries.de_category,
    industries.de_category_zh,
    industries.de_subcategory_zh,
    coalesce(
        reg.is_on_register
        and attributed.attribution = 'county'
        and industries.is_core,
        false
    ) as is_digital_economy
from {{ ref('int_registry__on_register') }} as reg
inner join {{ ref('int_registry__attributed') }} as attributed
    on attributed.uscc = reg.uscc
left join {{ ref('digital_economy_industries') }} as industries
    on industries.industry_code = reg.industry_code
