-- 应用场景维度 Smart-city scenarios with category and keywords (docs/DESIGN.md "Marts").
select
    scenario_code,
    scenario_zh,
    scenario_en,
    category,
    category_zh,
    priority,
    is_integrated_platform,
    keywords
from {{ ref('stg_reference__scenarios') }}
