-- figures.md "Procurement rules" → "Informatization lot" and "Smart-city lot", per lot.
-- Informatization: a rule of informatization_rules matches (品目编码 starts with a catalog_code_prefix;
-- 品目名称 contains a catalog_name_term; 项目名称 contains a project_name_term) or the lot is smart-city.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with lots as (
    select lot_id, project_code, project_name, catalog_code, catalog_name
    from {{ ref('int_procurement__lot_attributes') }}
    {{ where_changed_project('project_code') }}
),

rules as (
    select rule, pattern from {{ ref('stg_reference__informatization_rules') }}
),

rule_matches as (
    select distinct lots.lot_id
    from lots
    inner join rules
        on (rules.rule = 'catalog_code_prefix'
            and substring(lots.catalog_code, 1, length(rules.pattern)) = rules.pattern)
        or (rules.rule = 'catalog_name_term' and {{ str_contains('lots.catalog_name', 'rules.pattern') }})
        or (rules.rule = 'project_name_term' and {{ str_contains('lots.project_name', 'rules.pattern') }})
),

primary_scenarios as (
    select lot_id, scenario_code, category
    from {{ ref('int_procurement__lot_scenarios') }}
    where is_primary
)

select
    lots.lot_id,
    (rule_matches.lot_id is not null or primary_scenarios.lot_id is not null) as is_informatization,
    primary_scenarios.lot_id is not null as is_smart_city,
    primary_scenarios.scenario_code as primary_scenario_code,
    primary_scenarios.category as primary_category,
    lots.project_code
from lots
left join rule_matches
    on rule_matches.lot_id = lots.lot_id
left join primary_scenarios
    on primary_scenarios.lot_id = lots.lot_id
