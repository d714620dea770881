{#- One row rule of `table_checks` as SQL. A rule is one of
      {column: c, min_value: a, max_value: b}   range; bounds optional, inclusive unless
                                                min_inclusive / max_inclusive is false; NULL passes
      {column: c, values: [...], quote: true}   accepted values; NULL passes
      {expression: "<SQL boolean>", where: "<SQL boolean>"}
                                                must be true (NULL fails) on rows where `where` holds
    A failing row names the rule by its label: the SQL condition that was false, with its `where`. -#}

{#- The rule's condition as SQL (true = the row passes). -#}
{% macro row_rule_condition(rule) -%}
{%- if rule.get('expression') is not none -%}
    {{ rule['expression'] }}
{%- elif rule.get('values') is not none -%}
    {%- set quote = rule.get('quote', true) -%}
    {{ rule['column'] }} in ({% for value in rule['values'] -%}
        {{ ("'" ~ value ~ "'") if quote else value }}{{ ', ' if not loop.last }}
    {%- endfor %})
{%- else -%}
    {%- set bounds = [] -%}
    {%- if rule.get('min_value') is not none -%}
        {%- do bounds.append(rule['column'] ~ (' >= ' if rule.get('min_inclusive', true) else ' > ') ~ rule['min_value']) -%}
    {%- endif -%}
    {%- if rule.get('max_value') is not none -%}
        {%- do bounds.append(rule['column'] ~ (' <= ' if rule.get('max_inclusive', true) else ' < ') ~ rule['max_value']) -%}
    {%- endif -%}
    {%- if not bounds -%}{{ exceptions.raise_compiler_error("row_rules: a range rule on " ~ rule['column'] ~ " needs min_value or max_value") }}{%- endif -%}
    {{ bounds | join(' and ') }}
{%- endif -%}
{%- endmacro %}

{#- The rows a rule applies to: its `where`, and for column rules the non-NULL values. -#}
{% macro row_rule_scope(rule) -%}
{%- if rule.get('expression') is not none -%}
    {{ rule.get('where') or '1 = 1' }}
{%- else -%}
    {{ rule['column'] }} is not null{% if rule.get('where') %} and ({{ rule['where'] }}){% endif %}
{%- endif -%}
{%- endmacro %}

{% macro row_rule_failed(rule) -%}
coalesce(({{ row_rule_scope(rule) }}), false) and not coalesce(({{ row_rule_condition(rule) }}), false)
{%- endmacro %}

{% macro row_rule_label(rule) -%}
{{ row_rule_condition(rule) }}{% if rule.get('where') %} where {{ rule['where'] }}{% endif %}
{%- endmacro %}
