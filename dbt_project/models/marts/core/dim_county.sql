-- 县域维度 The 111 county-level divisions (docs/DESIGN.md "Marts").
select
    county_code,
    county_name,
    prefecture_code,
    prefecture_name,
    county_type,
    county_type_zh,
    is_urban_unit,
    aliases,
    longitude,
    latitude
from {{ ref('stg_reference__counties') }}
