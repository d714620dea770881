{#- Model-level not_null over a list of columns: one node (one scan) per model instead of one per
    column. Fails on every row with a NULL in any listed column; `null_columns` names them. -#}
{% test not_null_columns(model, columns) %}
select *
from (
    select
        {% for column in columns -%}
        case when {{ column }} is null then '{{ column }} ' else '' end{{ ' ||' if not loop.last }}
        {% endfor -%} as null_columns,
        checked.*
    from {{ model }} as checked
) as nulls
where null_columns <> ''
{% endtest %}
