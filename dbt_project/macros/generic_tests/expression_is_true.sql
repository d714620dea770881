{#- Fails on every row where the SQL boolean expression is not true (false or NULL), e.g.
    `digital_economy_enterprises <= enterprises_on_register`. With column_name set (a column-level
    test) the expression is appended to the column: `expression: ">= 0"`. -#}
{% test expression_is_true(model, expression, column_name=none, where_clause=none) %}
select *
from {{ model }}
where not coalesce(
    ({% if column_name is not none %}{{ column_name }} {% endif %}{{ expression }}),
    false
  )
  {%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}
