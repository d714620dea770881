{#- Fails on every row whose value lies outside [min_value, max_value]; either bound may be
    omitted, and each bound is inclusive unless its flag says otherwise. NULLs are not checked
    (pair with not_null when they matter). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true, min_inclusive=none, max_inclusive=none, where_clause=none) %}
{%- set lower_inclusive = inclusive if min_inclusive is none else min_inclusive -%}
{%- set upper_inclusive = inclusive if max_inclusive is none else max_inclusive -%}
select *
from {{ model }}
where {{ column_name }} is not null
  {%- if where_clause %} and ({{ where_clause }}){% endif %}
  and (
    1 = 0
    {%- if min_value is not none %}
    or {{ column_name }} {{ '<' if lower_inclusive else '<=' }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    or {{ column_name }} {{ '>' if upper_inclusive else '>=' }} {{ max_value }}
    {%- endif %}
  )
{% endtest %}
