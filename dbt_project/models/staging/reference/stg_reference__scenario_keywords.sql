-- 场景关键词 One row per (scenario, title keyword); the seed keeps keywords `|`-separated.
select distinct scenario_code, keyword
from {{ split_to_rows(ref('smart_city_scenarios'), 'keywords', '|', 'keyword') }}
where keyword is not null and keyword <> ''
