{#- Exact half-up rounding for decimals, returned SCALED: floor(value × 10^digits + 0.5), an integer-
    valued decimal. Compare two scaled values to test "equal after rounding to `digits` decimals"
    (digits may be negative: -3 = to the nearest thousand) without a division (which would turn
    DECIMAL into DOUBLE in some warehouses). `value` must already be a DECIMAL; digits is a literal.
    Half-up = towards +∞ at .5; every reconciled figure is non-negative. -#}
{% macro round_half_up_scaled(value, digits) -%}
    {%- if digits >= 0 -%}
        {%- set factor = '1' ~ ('0' * digits) -%}
    {%- else -%}
        {%- set factor = '0.' ~ ('0' * (-digits - 1)) ~ '1' -%}
    {%- endif -%}
    floor({{ value }} * cast({{ factor }} as decimal(38, {{ [0, -digits] | max }})) + 0.5)
{%- endmacro %}
