-- 县域名录 The 111 county-level divisions with the labels the marts and the front end need.
select
    county_code,
    county_name,
    prefecture_code,
    prefecture_name,
    county_type,
    case county_type
        when 'district' then '市辖区'
        when 'county' then '县'
        when 'autonomous_county' then '自治县'
        when 'county_level_city' then '县级市'
    end as county_type_zh,
    -- figures.md: an urban unit is a district or a county-level city.
    county_type in ('district', 'county_level_city') as is_urban_unit,
    aliases,
    longitude,
    latitude
from {{ ref('guangxi_counties') }}
