{#-
    Incremental procurement builds (docs/DESIGN.md "Incremental builds"). The raw load records in
    incremental.changed_projects every 项目编号 whose lots may have changed since the last good build
    (expanded over shared 公告ID, so re-post collapse across projects stays exact). An incremental
    procurement model deletes the rows of those projects and inserts them recomputed; every other
    project's rows stay as they are. `dbt build --full-refresh` (or a first build) computes everything.

    A model using these macros must name the source in a `-- depends_on:` comment: dbt records
    dependencies while parsing, when is_incremental() is false and the source call is not reached.
-#}

{% macro changed_projects() -%}
    (select project_code from {{ source('incremental', 'changed_projects') }})
{%- endmacro %}

{# `where <column> in (changed projects)` in an incremental run, nothing otherwise. #}
{% macro where_changed_project(column, keyword='where') -%}
    {%- if is_incremental() %}{{ keyword }} {{ column }} in {{ changed_projects() }}{% endif -%}
{%- endmacro %}

{# pre-hook: drop the rows of the changed projects before their recomputed rows are appended. #}
{% macro delete_changed_projects() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where project_code in {{ changed_projects() }}
    {%- else -%}
    select 1 as no_rows_to_delete
    {%- endif -%}
{%- endmacro %}
