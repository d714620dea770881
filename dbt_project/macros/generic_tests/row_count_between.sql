{#- Fails (one row) when the relation's row count is outside [min_value, max_value]; either bound
    may be omitted (min_value = 1: the relation is not empty). -#}
{% test row_count_between(model, min_value=none, max_value=none, where_clause=none) %}
select row_count
from (
    select count(*) as row_count
    from {{ model }}
    {%- if where_clause %} where {{ where_clause }}{% endif %}
) as counted
where 1 = 0
    {%- if min_value is not none %} or row_count < {{ min_value }}{% endif %}
    {%- if max_value is not none %} or row_count > {{ max_value }}{% endif %}
{% endtest %}
