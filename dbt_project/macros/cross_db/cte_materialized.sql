{#- `<name> as {{ cte_materialized() }} (...)`: compute the CTE once and keep it, where the engine takes
    the hint (DuckDB, PostgreSQL); other engines plan it themselves. Used where the engine's own choice
    would keep a wider relation than needed (macros/attribution.sql). -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}
{%- endmacro %}

{% macro duckdb__cte_materialized() -%}
    materialized
{%- endmacro %}

{% macro postgres__cte_materialized() -%}
    materialized
{%- endmacro %}
