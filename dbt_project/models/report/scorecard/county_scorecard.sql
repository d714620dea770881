-- scorecard.md `county_scorecard`: one row per (report year, county), all 111. A pillar's score is
-- the mean of its indicators' scores that exist (NULL when none); overall_score the mean of the
-- pillar scores that exist; each mean is taken of rounded values and rounded half-up to 6 decimals
-- (computed on scaled integers, so it is exact). rank: overall_score descending, ties share the
-- smallest rank, NULL overall → no rank, listed last. weakest_pillar: the lowest pillar score,
-- ties to the lower pillar number, NULL pillars ignored (all NULL → NULL).
with indicator_scores as (
    select year, county_code, pillar, cast(score * 1000000 as bigint) as score_scaled
    from {{ ref('county_scorecard_indicators') }}
),

pillars as (
    select
        year,
        county_code,
        pillar,
        {{ round_half_up_quotient_scaled('sum(score_scaled)', 'count(score_scaled)', 0) }} as pillar_scaled
    from indicator_scores
    group by year, county_code, pillar
),

overall as (
    select
        year,
        county_code,
        {{ round_half_up_quotient_scaled('sum(pillar_scaled)', 'count(pillar_scaled)', 0) }} as overall_scaled
    from pillars
    group by year, county_code
),

weakest as (
    select year, county_code, pillar as weakest_pillar
    from (
        select
            year,
            county_code,
            pillar,
            row_number() over (partition by year, county_code order by pillar_scaled, pillar) as pick
        from pillars
        where pillar_scaled is not null
    ) as ordered
    where pick = 1
),

wide as (
    select
        overall.year,
        overall.county_code,
        {%- for pillar in range(1, 6) %}
        max(case when pillars.pillar = {{ pillar }} then pillars.pillar_scaled end) as pillar_{{ pillar }}_scaled,
        {%- endfor %}
        max(overall.overall_scaled) as overall_scaled
    from overall
    inner join pillars
        on pillars.year = overall.year
        and pillars.county_code = overall.county_code
    group by overall.year, overall.county_code
)

select
    wide.year,
    wide.county_code,
    counties.county_name,
    counties.prefecture_name,
    {%- for pillar in range(1, 6) %}
    {{ unscale_to_decimal('wide.pillar_' ~ pillar ~ '_scaled', 6) }} as pillar_{{ pillar }}_score,
    {%- endfor %}
    {{ unscale_to_decimal('wide.overall_scaled', 6) }} as overall_score,
    case when wide.overall_scaled is not null then
        cast(rank() over (partition by wide.year order by wide.overall_scaled desc nulls last) as integer)
    end as rank,
    cast(weakest.weakest_pillar as integer) as weakest_pillar
from wide
inner join {{ ref('dim_county') }} as counties
    on counties.county_code = wide.county_code
left join weakest
    on weakest.year = wide.year
    and weakest.county_code = wide.county_code
order by wide.year, rank nulls last, wide.county_code
