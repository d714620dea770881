{#-
    figures.md "Counties" → "Attribution of a record to a county": the first of rules 1–5 that decides.
    Shared by the procurement lots and the enterprise register so both follow one implementation.

    Renders a single SELECT (usable as a CTE body) over `relation` returning
      <id_column>, county_code, attribution, attribution_rule
    one row per input row. `code_column` holds the 6-digit code after the 9/12-digit cut and
    before the crosswalk (the crosswalk is applied here, once, for every caller).

    Only rows that rules 1–2 leave open are text-searched, so the pattern join stays small.
-#}
{% macro attribute_county(relation, id_column, code_column, text_columns, uscc_column=none) -%}
{%- set rule2_pattern = "'4500[0-9]{2}|45[0-9]{2}00|45[0-9]{2}99'" -%}
with attr__input as (
    select
        src.{{ id_column }} as attr__id,
        coalesce(code_xw.new_code, src.{{ code_column }}) as attr__code,
        {%- if uscc_column is not none %}
        coalesce(uscc_xw.new_code, substring(src.{{ uscc_column }}, 3, 6)) as attr__uscc_code,
        {%- else %}
        cast(null as varchar) as attr__uscc_code,
        {%- endif %}
        {%- for text_column in text_columns %}
        src.{{ text_column }} as attr__text_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }} as src
    left join {{ ref('county_code_crosswalk') }} as code_xw
        on code_xw.old_code = src.{{ code_column }}
    {%- if uscc_column is not none %}
    left join {{ ref('county_code_crosswalk') }} as uscc_xw
        on uscc_xw.old_code = substring(src.{{ uscc_column }}, 3, 6)
    {%- endif %}
),

-- Rules 1–2 (and the same reading of the USCC code for rule 4): decide by code alone.
attr__decided as (
    select
        inp.*,
        code_county.county_code as attr__code_county,
        case
            when code_county.county_code is not null then 'county'
            when {{ regex_full_match('inp.attr__code', rule2_pattern) }} then 'not_county_level'
        end as attr__code_decision,
        uscc_county.county_code as attr__uscc_county,
        case
            when uscc_county.county_code is not null then 'county'
            when {{ regex_full_match('inp.attr__uscc_code', rule2_pattern) }} then 'not_county_level'
        end as attr__uscc_decision
    from attr__input as inp
    left join {{ ref('guangxi_counties') }} as code_county
        on code_county.county_code = inp.attr__code
    left join {{ ref('guangxi_counties') }} as uscc_county
        on uscc_county.county_code = inp.attr__uscc_code
),

-- Computed once (it is read several times) and holding texts only where rules 1–2 left the row open:
-- left to itself DuckDB kept attr__decided instead, every row's texts (at scale 20: 21 M enterprises,
-- 9.1 GB spilled, 42–45 s; this way 3.0 GB, 28 s).
attr__coded as {{ cte_materialized() }} (
    select
        attr__id,
        attr__code_county,
        attr__code_decision,
        attr__uscc_county,
        attr__uscc_decision,
        {%- for text_column in text_columns %}
        case when attr__code_decision is null then attr__text_{{ loop.index }} end as attr__text_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from attr__decided
),

-- Texts of the rows rules 1–2 left open, one row per (record, text position).
attr__texts as (
    {%- for text_column in text_columns %}
    select attr__id, {{ loop.index }} as attr__text_position, attr__text_{{ loop.index }} as attr__text
    from attr__coded
    where attr__code_decision is null and attr__text_{{ loop.index }} is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

-- Each distinct text is searched once: texts repeat (a register has a few hundred 登记机关 for
-- millions of enterprises), and the pattern search is a nested loop over texts × patterns.
attr__distinct_texts as (
    select distinct attr__text from attr__texts
),

attr__text_hits as (
    select txt.attr__text, pat.county_code, pat.pattern_length, pat.is_prefecture
    from attr__distinct_texts as txt
    inner join {{ ref('int_reference__county_name_patterns') }} as pat
        on {{ str_contains('txt.attr__text', 'pat.pattern') }}
),

attr__county_hits as (
    select txt.attr__id, txt.attr__text_position, hit.county_code, hit.pattern_length
    from attr__texts as txt
    inner join attr__text_hits as hit
        on hit.attr__text = txt.attr__text
        and not hit.is_prefecture
),

-- Rule 3: the first text (in the given order) with any county hit decides.
attr__first_text as (
    select attr__id, min(attr__text_position) as attr__text_position
    from attr__county_hits
    group by attr__id
),

attr__longest as (
    select hit.attr__id, max(hit.pattern_length) as attr__max_length
    from attr__county_hits as hit
    inner join attr__first_text as first_text
        on first_text.attr__id = hit.attr__id
        and first_text.attr__text_position = hit.attr__text_position
    group by hit.attr__id
),

-- Longest match wins; equal-length matches naming different counties → unattributed (and stop).
attr__rule3 as (
    select
        hit.attr__id,
        case when count(distinct hit.county_code) = 1 then min(hit.county_code) end as attr__county,
        case when count(distinct hit.county_code) = 1 then 'county' else 'unattributed' end as attr__decision
    from attr__county_hits as hit
    inner join attr__first_text as first_text
        on first_text.attr__id = hit.attr__id
        and first_text.attr__text_position = hit.attr__text_position
    inner join attr__longest as longest
        on longest.attr__id = hit.attr__id
        and longest.attr__max_length = hit.pattern_length
    group by hit.attr__id
),

-- Rule 5: any text names a prefecture (only asked of rows no earlier rule decided).
attr__prefecture_hits as (
    select distinct txt.attr__id
    from attr__texts as txt
    inner join attr__text_hits as hit
        on hit.attr__text = txt.attr__text
        and hit.is_prefecture
)

select
    coded.attr__id as {{ id_column }},
    case
        when coded.attr__code_decision = 'county' then coded.attr__code_county
        when coded.attr__code_decision is not null then null
        when rule3.attr__id is not null then rule3.attr__county
        when coded.attr__uscc_decision = 'county' then coded.attr__uscc_county
    end as county_code,
    case
        when coded.attr__code_decision is not null then coded.attr__code_decision
        when rule3.attr__id is not null then rule3.attr__decision
        when coded.attr__uscc_decision is not null then coded.attr__uscc_decision
        when prefecture.attr__id is not null then 'not_county_level'
        else 'unattributed'
    end as attribution,
    case
        when coded.attr__code_decision = 'county' then 1
        when coded.attr__code_decision is not null then 2
        when rule3.attr__id is not null then 3
        when coded.attr__uscc_decision is not null then 4
        else 5
    end as attribution_rule
from attr__coded as coded
left join attr__rule3 as rule3
    on rule3.attr__id = coded.attr__id
left join attr__prefecture_hits as prefecture
    on prefecture.attr__id = coded.attr__id
{%- endmacro %}
