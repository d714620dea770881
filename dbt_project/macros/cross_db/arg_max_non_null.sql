{#- Aggregate: the non-NULL `value` of the row with the largest `order_key` in the group (NULL when every
    value is NULL). One grouped pass instead of a window per column; the syntax differs per warehouse. -#}
{% macro arg_max_non_null(value, order_key) -%}
    {{ return(adapter.dispatch('arg_max_non_null')(value, order_key)) }}
{%- endmacro %}

{% macro default__arg_max_non_null(value, order_key) -%}
    (array_agg({{ value }} order by {{ order_key }} desc) filter (where {{ value }} is not null))[1]
{%- endmacro %}

{% macro duckdb__arg_max_non_null(value, order_key) -%}
    arg_max({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}
