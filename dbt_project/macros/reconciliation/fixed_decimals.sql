{#- A non-negative DECIMAL as text with exactly `digits` decimals, rounded half-up (12.345, 2 →
    '12.35'; 98.5, 0 → '99'). Built on round_half_up_scaled and a multiplication by 10^-digits, so
    the value never passes through a DOUBLE (whose noise, e.g. 12.300001, is what this removes). -#}
{% macro fixed_decimals(value, digits) -%}
    cast(cast({{ round_half_up_scaled(value, digits) }} as decimal(38, 0))
        * cast({{ '1' if digits == 0 else '0.' ~ ('0' * (digits - 1)) ~ '1' }} as decimal(38, {{ digits }}))
        as decimal(38, {{ digits }}))
{%- endmacro %}
