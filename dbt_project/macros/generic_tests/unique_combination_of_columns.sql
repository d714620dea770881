{#- Fails once per combination of the listed columns that occurs more than once (a composite key).
    NULL values compare equal to each other here, as in GROUP BY. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
