{#- The seven integrity flags of scorecard.md, in the contract's order: one list for every model and
    test that enumerates them (county_integrity's count columns, accepted values). -#}
{% macro integrity_flag_names() -%}
    {{ return(['single_source', 'short_tender_window', 'award_over_budget', 'award_near_budget',
               'young_supplier', 'inactive_supplier', 'dominant_supplier']) }}
{%- endmacro %}
