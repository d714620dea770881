{#- Checks a "standard competition" rank column (1, 2, 2, 4): within each partition the rank must
    equal 1 + the number of rows strictly better on order_by. This is the report convention "rank
    descending; ties share the smallest rank". Fails on every row whose rank disagrees. -#}
{% test competition_rank(model, column_name, order_by, partition_by=[], descending=true) %}
{%- set partition_clause = ('partition by ' ~ (partition_by | join(', '))) if partition_by else '' -%}
select *
from (
    select
        *,
        rank() over ({{ partition_clause }} order by {{ order_by }} {{ 'desc' if descending else 'asc' }}) as expected_rank
    from {{ model }}
) as ranked
where {{ column_name }} is null or {{ column_name }} <> expected_rank
{% endtest %}
