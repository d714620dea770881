{#- Fails when the relation (optionally filtered) has no row at all. -#}
{% test not_empty(model, where_clause=none) %}
select 1 as empty_relation
from (
    select count(*) as row_count
    from {{ model }}
    {%- if where_clause %} where {{ where_clause }}{% endif %}
) as counted
where row_count = 0
{% endtest %}
