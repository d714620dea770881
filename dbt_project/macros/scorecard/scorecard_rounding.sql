{#- Half-up rounding of the quotient numerator ÷ denominator to `digits` decimals, returned SCALED
    (an integer-valued number: floor(numerator × 10^digits ÷ denominator + 0.5)). Exact for
    integer operands whose scaled quotient stays below 2^52 and a denominator below 10^7: IEEE
    division is correctly rounded and a quotient that is not exactly k + 0.5 lies at least
    1 ÷ (2 × denominator) away from it, so the binary float cannot land on the wrong side. The
    scorecard's ranks, counts and sums of scaled scores are such operands. Non-negative values only
    (half-up = towards +∞). NULL when the denominator is 0 or NULL. -#}
{% macro round_half_up_quotient_scaled(numerator, denominator, digits) -%}
    case when {{ denominator }} <> 0 then
        floor(cast({{ numerator }} as double) * {{ 10 ** digits }} / cast({{ denominator }} as double) + 0.5)
    end
{%- endmacro %}

{#- An integer-valued scaled number (see round_half_up_quotient_scaled) back to an exact
    DECIMAL(18, digits), by multiplication (a division would turn DECIMAL into DOUBLE). -#}
{% macro unscale_to_decimal(scaled, digits) -%}
    cast(cast({{ scaled }} as decimal(38, 0)) * cast({{ '0.' ~ ('0' * (digits - 1)) ~ '1' }} as decimal(38, {{ digits }})) as decimal(18, {{ digits }}))
{%- endmacro %}
