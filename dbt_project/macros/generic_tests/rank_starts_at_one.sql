{#- Weaker rank check that needs no order column: every partition has a row with rank 1 and no rank
    is below 1 or above the partition's row count. -#}
{% test rank_starts_at_one(model, column_name, partition_by=[]) %}
{%- set partition_clause = ('partition by ' ~ (partition_by | join(', '))) if partition_by else '' -%}
select *
from (
    select
        *,
        min({{ column_name }}) over ({{ partition_clause }}) as min_rank,
        count(*) over ({{ partition_clause }}) as partition_rows
    from {{ model }}
) as ranked
where {{ column_name }} is null
   or min_rank <> 1
   or {{ column_name }} < 1
   or {{ column_name }} > partition_rows
{% endtest %}
