-- 县域简称 One row per (county, alias); the seed keeps aliases `|`-separated in one cell.
select county_code, alias
from {{ split_to_rows(ref('guangxi_counties'), 'aliases', '|', 'alias') }}
where alias is not null and alias <> ''
