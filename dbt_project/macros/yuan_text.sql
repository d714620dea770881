{#- An amount in yuan as text with two decimals (e.g. `1200000.00`), for the words of a report row. -#}
{% macro yuan_text(amount) -%}
    cast(cast({{ amount }} as decimal(38, 2)) as varchar)
{%- endmacro %}
