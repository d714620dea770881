{#- Table expression yielding one row per element of a delimited string column:
    `select ... from {{ split_to_rows('src', 'keywords', '|', 'keyword') }}` returns every column of
    `src` plus `keyword` (trimmed; empty elements dropped by the caller if needed).
    List/unnest syntax is warehouse-specific, hence the macro. -#}
{% macro split_to_rows(relation, column, delimiter, element_alias) -%}
    {{ return(adapter.dispatch('split_to_rows')(relation, column, delimiter, element_alias)) }}
{%- endmacro %}

{% macro default__split_to_rows(relation, column, delimiter, element_alias) -%}
    (
        select split_src.*, trim(split_element) as {{ element_alias }}
        from {{ relation }} as split_src
        cross join unnest(string_to_array(split_src.{{ column }}, '{{ delimiter }}')) as split_elements(split_element)
    ) as split_rows
{%- endmacro %}

{% macro duckdb__split_to_rows(relation, column, delimiter, element_alias) -%}
    (
        select split_src.*, trim(unnest(string_split(split_src.{{ column }}, '{{ delimiter }}'))) as {{ element_alias }}
        from {{ relation }} as split_src
    ) as split_rows
{%- endmacro %}
