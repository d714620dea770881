-- 标项-场景桥表 Every scenario a smart-city lot carries, with its primary flag and category.
select
    lot_id,
    scenario_code,
    is_primary,
    category
from {{ ref('int_procurement__lot_scenarios') }}
