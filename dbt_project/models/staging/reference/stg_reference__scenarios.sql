-- 智慧城市应用场景 Smart-city scenarios with category labels.
select
    scenario_code,
    scenario_zh,
    scenario_en,
    category,
    case category
        when 'city_governance' then '城市治理'
        when 'industry_management' then '产业管理'
        when 'livelihood_services' then '民生服务'
    end as category_zh,
    priority,
    is_integrated_platform,
    keywords
from {{ ref('smart_city_scenarios') }}
