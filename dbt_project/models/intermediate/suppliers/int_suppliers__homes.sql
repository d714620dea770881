-- scorecard.md "Supplier view": one row per distinct supplier_uscc of awarded lots, with its registry
-- record (exact USCC match in the de-duplicated registry; never by name) and its home division:
--   (1) in the registry and attributed to a county → that county;
--   (2) otherwise USCC characters 3–8 after the county-code crosswalk, only when they are six digits.
-- The home county is the division when it is one of the 111; the home prefecture is the home county's
-- prefecture, or the division itself when it is a prefecture code of guangxi_counties.
-- supplier_name is the name of its latest award (award date, then the deciding notice's file and line)
-- that carries one.
with awards as (
    select
        supplier_uscc,
        supplier_name,
        row_number() over (
            partition by supplier_uscc
            order by case when supplier_name is null then 1 else 0 end,
                award_date desc, deciding_source_file desc, deciding_source_line desc
        ) as recency
    from {{ ref('int_procurement__lot_decisions') }}
    where supplier_uscc is not null
),

suppliers as (
    select supplier_uscc, supplier_name
    from awards
    where recency = 1
),

registry as (
    select
        dedup.uscc,
        dedup.established_date,
        dedup.status_class,
        attributed.county_code as registry_county_code,
        register.on_register_from,
        register.on_register_until
    from {{ ref('int_registry__deduplicated') }} as dedup
    inner join suppliers
        on suppliers.supplier_uscc = dedup.uscc
    inner join {{ ref('int_registry__attributed') }} as attributed
        on attributed.uscc = dedup.uscc
    inner join {{ ref('int_registry__on_register') }} as register
        on register.uscc = dedup.uscc
),

prefectures as (
    select distinct prefecture_code
    from {{ ref('stg_reference__counties') }}
),

divisions as (
    select
        suppliers.supplier_uscc,
        suppliers.supplier_name,
        registry.uscc is not null as in_registry,
        registry.established_date,
        registry.status_class,
        registry.registry_county_code,
        registry.on_register_from,
        registry.on_register_until,
        case
            when registry.registry_county_code is not null then registry.registry_county_code
            when {{ regex_full_match('substring(suppliers.supplier_uscc, 3, 6)', "'[0-9]{6}'") }}
                then coalesce(crosswalk.new_code, substring(suppliers.supplier_uscc, 3, 6))
        end as home_division_code
    from suppliers
    left join registry
        on registry.uscc = suppliers.supplier_uscc
    left join {{ ref('stg_reference__county_code_crosswalk') }} as crosswalk
        on crosswalk.old_code = substring(suppliers.supplier_uscc, 3, 6)
)

select
    divisions.*,
    counties.county_code as home_county_code,
    coalesce(counties.prefecture_code, prefectures.prefecture_code) as home_prefecture_code
from divisions
left join {{ ref('stg_reference__counties') }} as counties
    on counties.county_code = divisions.home_division_code
left join prefectures
    on prefectures.prefecture_code = divisions.home_division_code
