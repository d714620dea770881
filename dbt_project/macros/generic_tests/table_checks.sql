{#- Every check of one relation in one data test (one dbt node): dbt spends ≈ 50 ms of CPU (Jinja,
    context, compiled SQL, events) on each test node whatever the data size, so a model's NOT NULLs,
    keys, row rules, ranks, row count and references are one query. Each failing row names what failed: `rule` (the check, spelled as the SQL
    that must hold), `row_key` (the key of the failing row, or the duplicated key value) and
    `detail` (what was found). Arguments, each optional:
      key:        [columns]      names a failing row in `row_key` (default: the first `unique` key)
      not_null:   [columns]      NULL fails
      unique:     [column | [columns] | {columns: [...], where: "<SQL>"}]
                                 a column: dbt's `unique` (NULLs ignored); a list: a composite key
                                 (NULLs compare equal, as in GROUP BY); `where` filters first
      rules:      [rule]         ranges, accepted values, SQL expressions (row_rule.sql)
      ranks:      [{column, order_by, partition_by: [...], descending: true, where}]
                                 the column equals the competition rank (1, 2, 2, 4) of order_by
                                 within partition_by, over the rows where `where` holds
      row_count:  {min_value, max_value, where_clause}   bounds inclusive, either optional
      references: [{column, to: ref('parent'), field}]   dbt's `relationships`: a non-NULL value
                                 must occur in parent.field. A parent built after the model goes in
                                 a second test, so the row checks do not wait for it
-#}
{% test table_checks(model, key=none, not_null=[], unique=[], rules=[], ranks=[], row_count=none, references=[]) %}
{%- set keys = [] -%}
{%- for entry in unique -%}{%- do keys.append(table_checks_key(entry)) -%}{%- endfor -%}
{%- set row_key = key if key is not none else (keys[0].columns if keys else []) -%}
{%- set row_checks = [] -%}
{%- for column in not_null -%}
    {%- do row_checks.append({'failed': column ~ ' is null', 'label': column ~ ' is not null'}) -%}
{%- endfor -%}
{%- for rule in rules -%}
    {%- do row_checks.append({'failed': row_rule_failed(rule), 'label': row_rule_label(rule)}) -%}
{%- endfor -%}
{%- set branches = [] -%}

{#- Row checks: one scan flags each row, the few failing rows are then paired with their rules. -#}
{%- if row_checks -%}
{%- set branch -%}
select labels.rule, {{ table_checks_key_text(row_key, 'flagged.') }} as row_key, cast(null as {{ dbt.type_string() }}) as detail
from (
    select
        {% for column in row_key -%}{{ column }}, {% endfor -%}
        {%- for check in row_checks -%}
        case when {{ check.failed }} then 1 else 0 end as failed_{{ loop.index }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ model }} as checked
) as flagged
inner join (
    values {% for check in row_checks -%}
    ({{ loop.index }}, '{{ check.label | replace("'", "''") }}'){{ ', ' if not loop.last }}
    {%- endfor %}
) as labels (check_no, rule)
    on {% for check in row_checks -%}
    (labels.check_no = {{ loop.index }} and flagged.failed_{{ loop.index }} = 1){{ ' or ' if not loop.last }}
    {%- endfor %}
where {% for check in row_checks -%}
    flagged.failed_{{ loop.index }} = 1{{ ' or ' if not loop.last }}
{%- endfor %}
{%- endset -%}
{%- do branches.append(branch) -%}
{%- endif -%}

{%- for entry in keys -%}
{%- set branch -%}
select
    '{{ entry.label | replace("'", "''") }}' as rule,
    {{ table_checks_key_text(entry.columns) }} as row_key,
    cast(count(*) as {{ dbt.type_string() }}) || ' rows' as detail
from {{ model }} as checked
{%- if entry.where_sql %}
where {{ entry.where_sql }}
{%- endif %}
group by {{ entry.columns | join(', ') }}
having count(*) > 1
{%- endset -%}
{%- do branches.append(branch) -%}
{%- endfor -%}

{%- for rank in ranks -%}
{%- set partition_clause = ('partition by ' ~ (rank.partition_by | join(', ')) ~ ' ') if rank.get('partition_by') else '' -%}
{%- set window = 'rank() over (' ~ partition_clause ~ 'order by ' ~ rank.order_by ~ (' desc' if rank.get('descending', true) else ' asc') ~ ')' -%}
{%- set branch -%}
select
    '{{ (rank.column ~ ' = ' ~ window ~ ((' where ' ~ rank.where) if rank.get('where') else '')) | replace("'", "''") }}' as rule,
    {{ table_checks_key_text(row_key, 'ranked.') }} as row_key,
    'rank ' || coalesce(cast(ranked.{{ rank.column }} as {{ dbt.type_string() }}), 'NULL')
        || ', expected ' || cast(ranked.expected_rank as {{ dbt.type_string() }}) as detail
from (
    select {% for column in row_key if column != rank.column %}{{ column }}, {% endfor %}{{ rank.column }}, {{ window }} as expected_rank
    from {{ model }} as checked
    {%- if rank.get('where') %}
    where {{ rank.where }}
    {%- endif %}
) as ranked
where ranked.{{ rank.column }} is null or ranked.{{ rank.column }} <> ranked.expected_rank
{%- endset -%}
{%- do branches.append(branch) -%}
{%- endfor -%}

{%- if row_count is not none -%}
{%- set bounds = [] -%}
{%- if row_count.get('min_value') is not none -%}{%- do bounds.append('row_count >= ' ~ row_count.min_value) -%}{%- endif -%}
{%- if row_count.get('max_value') is not none -%}{%- do bounds.append('row_count <= ' ~ row_count.max_value) -%}{%- endif -%}
{%- if not bounds -%}{{ exceptions.raise_compiler_error("table_checks: row_count needs min_value or max_value") }}{%- endif -%}
{%- set branch -%}
select
    '{{ ((bounds | join(' and ')) ~ ((' where ' ~ row_count.where_clause) if row_count.get('where_clause') else '')) | replace("'", "''") }}' as rule,
    cast(null as {{ dbt.type_string() }}) as row_key,
    cast(row_count as {{ dbt.type_string() }}) || ' rows' as detail
from (
    select count(*) as row_count
    from {{ model }} as checked
    {%- if row_count.get('where_clause') %}
    where {{ row_count.where_clause }}
    {%- endif %}
) as counted
where not ({{ bounds | join(' and ') }})
{%- endset -%}
{%- do branches.append(branch) -%}
{%- endif -%}

{%- for reference in references -%}
{%- set branch -%}
select
    '{{ reference.column }} in {{ reference.to.identifier }}.{{ reference.field }}' as rule,
    {{ table_checks_key_text(row_key, 'child.') }} as row_key,
    cast(child.{{ reference.column }} as {{ dbt.type_string() }}) as detail
from {{ model }} as child
left join {{ reference.to }} as parent
    on child.{{ reference.column }} = parent.{{ reference.field }}
where child.{{ reference.column }} is not null and parent.{{ reference.field }} is null
{%- endset -%}
{%- do branches.append(branch) -%}
{%- endfor -%}

{%- if not branches -%}{{ exceptions.raise_compiler_error("table_checks: nothing to check") }}{%- endif -%}
{{ branches | join('\nunion all\n') }}
{% endtest %}

{#- One `unique` entry as {columns, where_sql, label}; a bare column ignores NULLs as dbt's `unique`. -#}
{% macro table_checks_key(entry) -%}
{%- if entry is string -%}
    {%- do return({'columns': [entry], 'where_sql': entry ~ ' is not null', 'label': 'unique(' ~ entry ~ ')'}) -%}
{%- elif entry is mapping -%}
    {%- set where = entry.get('where') -%}
    {%- set columns = entry['columns'] -%}
    {%- set nulls = (columns[0] ~ ' is not null') if columns | length == 1 else none -%}
    {%- set filters = [nulls, ('(' ~ where ~ ')') if where else none] | select | list -%}
    {%- do return({'columns': columns, 'where_sql': filters | join(' and '),
                   'label': 'unique(' ~ (columns | join(', ')) ~ ')' ~ ((' where ' ~ where) if where else '')}) -%}
{%- else -%}
    {%- do return({'columns': entry, 'where_sql': '', 'label': 'unique(' ~ (entry | join(', ')) ~ ')'}) -%}
{%- endif -%}
{%- endmacro %}

{#- The key columns of a row as one text ('a|b'; NULL shown as 'NULL'), or NULL without a key. -#}
{% macro table_checks_key_text(columns, prefix='') -%}
{%- if columns -%}
    {%- for column in columns -%}
    coalesce(cast({{ prefix ~ column }} as {{ dbt.type_string() }}), 'NULL'){{ " || '|' || " if not loop.last }}
    {%- endfor -%}
{%- else -%}
    cast(null as {{ dbt.type_string() }})
{%- endif -%}
{%- endmacro %}
