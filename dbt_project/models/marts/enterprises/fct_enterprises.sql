-- 企业 One row per USCC after de-duplication, with attribution, register interval and the
-- digital-economy / smart-city flags (rules in models/intermediate/registry; the register and
-- attribution columns arrive through int_registry__digital_economy). No 法定代表人.
select
    dedup.uscc,
    dedup.enterprise_name,
    dedup.status_raw,
    dedup.status_class,
    dedup.established_date,
    de.closed_date,
    dedup.registered_capital_yuan,
    dedup.company_type,
    dedup.industry_code,
    dedup.industry_name,
    de.de_category,
    de.de_category_zh,
    de.de_subcategory_zh,
    de.county_code,
    de.attribution,
    de.attribution_rule,
    de.on_register_from,
    de.on_register_until,
    de.is_on_register,
    de.is_digital_economy,
    (smart.uscc is not null) as is_smart_city_enterprise,
    dedup.duplicate_count,
    dedup.source_file,
    dedup.source_line
from {{ ref('int_registry__deduplicated') }} as dedup
inner join {{ ref('int_registry__digital_economy') }} as de
    on de.uscc = dedup.uscc
left join {{ ref('int_registry__smart_city_enterprises') }} as smart
    on smart.uscc = dedup.uscc
