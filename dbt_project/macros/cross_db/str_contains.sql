{#- Plain substring test (no pattern syntax: `%`, `_`, regex metacharacters are literal).
    Kept behind a macro because `contains()` / `strpos()` differ between warehouses. -#}
{% macro str_contains(haystack, needle) -%}
    {{ return(adapter.dispatch('str_contains')(haystack, needle)) }}
{%- endmacro %}

{% macro default__str_contains(haystack, needle) -%}
    (position({{ needle }} in {{ haystack }}) > 0)
{%- endmacro %}

{% macro duckdb__str_contains(haystack, needle) -%}
    contains({{ haystack }}, {{ needle }})
{%- endmacro %}
