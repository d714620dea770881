{#- Whole calendar days from `start_date` to `end_date` (positive when end is later); NULL if either is
    NULL. Date arithmetic differs between warehouses, hence the macro. -#}
{% macro date_diff_days(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_diff_days')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_diff_days(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{% macro duckdb__date_diff_days(start_date, end_date) -%}
    date_diff('day', {{ start_date }}, {{ end_date }})
{%- endmacro %}
