-- figures.md `figure_reconciliation`: one row per line of the seed report_published_figures. Each
-- figure is mapped (figure_map) to a measure of its report relation; measures are computed in base
-- units (fractions, yuan) and converted to the published unit by the seed's `unit`. `matches`
-- applies the seed's `comparison` with exact decimal arithmetic (round_N / round_to_thousand are
-- half-up). Published values are only read from the seed, never written here.
{%- set report_years = var('report_years') %}
{%- set first_year = report_years[0] %}
{%- set last_year = report_years[-1] %}
{%- set as_of_date = "cast('" ~ var('as_of_date') ~ "' as date)" %}
{%- set max_round_digits = 10 %}

-- Which measure of which relation each published figure states (the lead's reading of the report).
with figure_map (figure_id, measure, top_n) as (
    values
        ('F01', 'smart_city_share@first_report_year', cast(null as integer)),
        ('F02', 'smart_city_share@last_report_year', null),
        ('F03', 'informatization_investment_decreased', null),
        ('F04', 'counties_with_smart_city', null),
        ('F05', 'coverage_rate', null),
        ('F06', 'scenario_count@last_report_year', null),
        ('F07', 'category_ranking@last_report_year', null),
        ('F08', 'mode_ranking', null),
        ('F09', 'digital_economy_enterprises@as_of_date', null),
        ('F10', 'smart_city_enterprises@as_of_date', null),
        ('F11', 'top_n_all_urban@latest_ranking_year', 20),
        ('F12', 'overall_rate@last_report_year', null),
        ('F13', 'rural_rate@last_report_year', null),
        ('F14', 'national_smart_city_investment_yuan@last_report_year', null),
        ('F15', 'share@last_report_year', null)
),

-- Published unit → factor from the base unit (fractions, yuan, counts).
unit_factors (unit, factor) as (
    values
        ('percent', cast(100 as decimal(38, 10))),
        ('hundred_million_yuan', cast(0.00000001 as decimal(38, 10))),
        ('yuan', cast(1 as decimal(38, 10))),
        ('count', cast(1 as decimal(38, 10))),
        ('boolean', cast(1 as decimal(38, 10)))
),

fig1 as (
    select year, informatization_investment_yuan, smart_city_share
    from {{ ref('fig1_investment_share') }}
),

category_ranks as (
    select
        category as code,
        rank,
        case
            when lag(rank) over (order by rank, category) is null then ''
            when lag(rank) over (order by rank, category) = rank then '='
            else '>'
        end as separator
    from {{ ref('scenario_categories') }}
    where year = {{ last_year }}
),

mode_ranks as (
    select
        mode as code,
        rank,
        case
            when lag(rank) over (order by rank, mode) is null then ''
            when lag(rank) over (order by rank, mode) = rank then '='
            else '>'
        end as separator
    from {{ ref('development_mode_summary') }}
),

latest_ranking_year as (
    select max(year) as year
    from {{ ref('network_infrastructure_ranking') }}
    where year <= {{ last_year }}
),

top_n_urban as (
    select
        figure_map.top_n,
        case
            when count(ranking.county_code) = 0 then null
            when count(case when not coalesce(ranking.is_urban_unit, false) then 1 end) = 0 then 1
            else 0
        end as all_urban
    from figure_map
    cross join latest_ranking_year
    left join {{ ref('network_infrastructure_ranking') }} as ranking
        on ranking.year = latest_ranking_year.year
        and ranking.rank <= figure_map.top_n
    where figure_map.top_n is not null
    group by figure_map.top_n
),

-- One row per measure: base_value (DECIMAL) for numbers, ranking_text for rankings.
measures (report_model, measure, top_n, base_value, ranking_text) as (
    select 'fig1_investment_share', 'smart_city_share@first_report_year', cast(null as integer),
        (select cast(smart_city_share as decimal(38, 12)) from fig1 where year = {{ first_year }}),
        cast(null as varchar)
    union all
    select 'fig1_investment_share', 'smart_city_share@last_report_year', null,
        (select cast(smart_city_share as decimal(38, 12)) from fig1 where year = {{ last_year }}),
        null
    union all
    select 'fig1_investment_share', 'informatization_investment_decreased', null,
        (
            select cast(case
                when last_year.informatization_investment_yuan < first_year.informatization_investment_yuan then 1
                when last_year.informatization_investment_yuan >= first_year.informatization_investment_yuan then 0
            end as decimal(38, 12))
            from fig1 as first_year
            inner join fig1 as last_year
                on first_year.year = {{ first_year }}
                and last_year.year = {{ last_year }}
        ),
        null
    union all
    select 'county_coverage', 'counties_with_smart_city', null,
        (select cast(counties_with_smart_city as decimal(38, 12)) from {{ ref('county_coverage') }}),
        null
    union all
    select 'county_coverage', 'coverage_rate', null,
        (select cast(coverage_rate as decimal(38, 12)) from {{ ref('county_coverage') }}),
        null
    union all
    select 'scenarios', 'scenario_count@last_report_year', null,
        (select cast(count(*) as decimal(38, 12)) from {{ ref('scenarios') }} where year = {{ last_year }}),
        null
    union all
    select 'scenario_categories', 'category_ranking@last_report_year', null,
        null,
        (select {{ string_agg_ordered("separator || code", "''", 'rank, code') }} from category_ranks)
    union all
    -- F08 names `development_modes`; its ranking lives in the summary relation.
    select 'development_modes', 'mode_ranking', null,
        null,
        (select {{ string_agg_ordered("separator || code", "''", 'rank, code') }} from mode_ranks)
    union all
    select 'enterprise_counts', 'digital_economy_enterprises@as_of_date', null,
        (select cast(digital_economy_enterprises as decimal(38, 12)) from {{ ref('enterprise_counts') }} where as_of_date = {{ as_of_date }}),
        null
    union all
    select 'enterprise_counts', 'smart_city_enterprises@as_of_date', null,
        (select cast(smart_city_enterprises as decimal(38, 12)) from {{ ref('enterprise_counts') }} where as_of_date = {{ as_of_date }}),
        null
    union all
    select 'network_infrastructure_ranking', 'top_n_all_urban@latest_ranking_year', top_n,
        cast(all_urban as decimal(38, 12)),
        null
    from top_n_urban
    union all
    select 'internet_penetration', 'overall_rate@last_report_year', null,
        (select cast(overall_rate as decimal(38, 12)) from {{ ref('internet_penetration') }} where year = {{ last_year }}),
        null
    union all
    select 'internet_penetration', 'rural_rate@last_report_year', null,
        (select cast(rural_rate as decimal(38, 12)) from {{ ref('internet_penetration') }} where year = {{ last_year }}),
        null
    union all
    select 'national_share', 'national_smart_city_investment_yuan@last_report_year', null,
        (select cast(national_smart_city_investment_yuan as decimal(38, 12)) from {{ ref('national_share') }} where year = {{ last_year }}),
        null
    union all
    select 'national_share', 'share@last_report_year', null,
        (select cast(share as decimal(38, 12)) from {{ ref('national_share') }} where year = {{ last_year }}),
        null
),

computed as (
    select
        published.figure_id,
        published.claim_zh,
        published.published_value,
        published.unit,
        published.comparison,
        published.report_model,
        measures.ranking_text,
        cast(measures.base_value * unit_factors.factor as decimal(38, 10)) as value_in_unit,
        case when published.unit <> 'ranking' then cast(published.published_value as decimal(38, 10)) end as published_number
    from {{ ref('report_published_figures') }} as published
    left join figure_map
        on figure_map.figure_id = published.figure_id
    -- Joined on the seed's report_model too: a figure re-pointed to another relation computes nothing.
    left join measures
        on measures.measure = figure_map.measure
        and measures.report_model = published.report_model
        and measures.top_n is not distinct from figure_map.top_n
    left join unit_factors
        on unit_factors.unit = published.unit
),

formatted as (
    select
        computed.*,
        case
            when unit = 'ranking' then ranking_text
            when value_in_unit is null then null
            -- Written with the published precision (figures.md): round_N → N decimals, half-up.
            {%- for digits in range(0, max_round_digits + 1) %}
            when comparison = 'round_{{ digits }}' then cast({{ fixed_decimals('value_in_unit', digits) }} as varchar)
            {%- endfor %}
            -- Counts and booleans are integers (round_to_thousand compares counts: the count itself is shown).
            when unit in ('count', 'boolean') or comparison = 'round_to_thousand' then
                cast({{ fixed_decimals('value_in_unit', 0) }} as varchar)
            -- An exact rule (equals / at_least) on a fraction: every digit matters; trailing zeros do not.
            else trim(trailing '.' from trim(trailing '0' from cast(cast(value_in_unit as decimal(38, 6)) as varchar)))
        end as computed_value
    from computed
)

select
    figure_id,
    claim_zh,
    published_value,
    computed_value,
    unit,
    comparison,
    coalesce(
        case
            when unit = 'ranking' then computed_value = published_value
            when comparison = 'equals' then value_in_unit = published_number
            when comparison = 'at_least' then value_in_unit >= published_number
            when comparison = 'round_to_thousand' then
                {{ round_half_up_scaled('value_in_unit', -3) }} = {{ round_half_up_scaled('published_number', -3) }}
            {%- for digits in range(0, max_round_digits + 1) %}
            when comparison = 'round_{{ digits }}' then
                {{ round_half_up_scaled('value_in_unit', digits) }} = {{ round_half_up_scaled('published_number', digits) }}
            {%- endfor %}
        end,
        false
    ) as matches,
    report_model
from formatted
order by figure_id
