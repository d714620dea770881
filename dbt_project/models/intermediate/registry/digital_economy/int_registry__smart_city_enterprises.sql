-- figures.md "Enterprise rules" → Smart-city enterprise: a digital-economy enterprise whose 企业名称
-- or 经营范围 contains a term of smart_city_enterprise_terms (plain substring). The seed's `field`
-- says where to look (name_or_business_scope; `name` / `business_scope` narrow it). Only
-- digital-economy enterprises are searched. One row per matching USCC with its first term.
with candidates as (
    select dedup.uscc, dedup.enterprise_name, dedup.business_scope
    from {{ ref('int_registry__deduplicated') }} as dedup
    inner join {{ ref('int_registry__digital_economy') }} as de
        on de.uscc = dedup.uscc
    where de.is_digital_economy
),

hits as (
    select candidates.uscc, terms.term
    from candidates
    inner join {{ ref('smart_city_enterprise_terms') }} as terms
        on (
            terms.field in ('name_or_business_scope', 'name')
            and {{ str_contains('candidates.enterprise_name', 'terms.term') }}
        )
        or (
            terms.field in ('name_or_business_scope', 'business_scope')
            and {{ str_contains('candidates.business_scope', 'terms.term') }}
        )
)

select uscc, min(term) as matched_term
from hits
group by uscc
