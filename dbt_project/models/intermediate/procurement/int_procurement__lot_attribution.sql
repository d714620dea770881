-- figures.md "Counties" → "Attribution of a record to a county" for lots: rules 1, 2, 3, 5 over the lot
-- attributes (区划代码, then texts 区划名称 and 采购人), via the shared macro `attribute_county`.
with lots as (
    select lot_id, source_division_code, division_name, buyer
    from {{ ref('int_procurement__lot_attributes') }}
),

attributed as (
    {{ attribute_county('lots', 'lot_id', 'source_division_code', ['division_name', 'buyer']) }}
)

select lot_id, county_code, attribution, attribution_rule
from attributed
