-- figures.md "Procurement rules" → "Smart-city lot": a lot whose 项目名称 contains at least one scenario
-- keyword (plain substring) carries every matching scenario; its primary scenario is the match with the
-- smallest priority, ties to the smaller scenario_code.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_changed_projects() }}") }}
-- Incremental: only the lots of incremental.changed_projects are recomputed (macros/incremental.sql).
-- depends_on: {{ source('incremental', 'changed_projects') }}
with lots as (
    select lot_id, project_code, project_name
    from {{ ref('int_procurement__lot_attributes') }}
    where project_name is not null
    {{ where_changed_project('project_code', 'and') }}
),

matches as (
    select distinct lots.lot_id, lots.project_code, keywords.scenario_code
    from lots
    inner join {{ ref('stg_reference__scenario_keywords') }} as keywords
        on {{ str_contains('lots.project_name', 'keywords.keyword') }}
)

select
    matches.lot_id,
    matches.scenario_code,
    row_number() over (
        partition by matches.lot_id
        order by scenarios.priority, scenarios.scenario_code
    ) = 1 as is_primary,
    scenarios.category,
    scenarios.is_integrated_platform,
    matches.project_code
from matches
inner join {{ ref('stg_reference__scenarios') }} as scenarios
    on scenarios.scenario_code = matches.scenario_code
