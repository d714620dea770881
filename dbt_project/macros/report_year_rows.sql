{#- One row per report year (`year` INTEGER), from a year-list var (default `report_years`), so every
    per-year report relation has its rows even when a year has no data (figures.md "Conventions"). -#}
{% macro report_year_rows(var_name='report_years') -%}
    {%- for year in var(var_name) %}
    select cast({{ year }} as integer) as year{{ ' union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
