-- scorecard.md "Supplier view" → Locality of an awarded lot attributed to a county, first rule that
-- decides: same_county (home county = lot county); same_prefecture (home prefecture = the lot county's
-- prefecture); other_guangxi (home division starts with 45); outside_guangxi (a home division exists);
-- unknown (no valid USCC, or one without a home division). One row per such lot.
select
    decisions.lot_id,
    case
        when homes.home_county_code = attribution.county_code then 'same_county'
        when homes.home_prefecture_code = lot_county.prefecture_code then 'same_prefecture'
        when substring(homes.home_division_code, 1, 2) = '45' then 'other_guangxi'
        when homes.home_division_code is not null then 'outside_guangxi'
        else 'unknown'
    end as supplier_locality
from {{ ref('int_procurement__lot_decisions') }} as decisions
inner join {{ ref('int_procurement__lot_attribution') }} as attribution
    on attribution.lot_id = decisions.lot_id
    and attribution.attribution = 'county'
inner join {{ ref('stg_reference__counties') }} as lot_county
    on lot_county.county_code = attribution.county_code
left join {{ ref('int_suppliers__homes') }} as homes
    on homes.supplier_uscc = decisions.supplier_uscc
