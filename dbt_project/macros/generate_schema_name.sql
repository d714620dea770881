{#- The warehouse's schemas are part of the public interface (staging, intermediate, marts,
    report, reference): use the configured name as is, without dbt's target-schema prefix. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
