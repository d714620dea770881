-- figures.md "Counties" → Attribution of a record to a county, enterprise variant: texts 住所 then
-- 登记机关 (rule 3/5) and the USCC's characters 3–8 (rule 4). The rules live in the shared macro
-- attribute_county; this model only names the enterprise inputs. One row per USCC.
with enterprises as (
    select uscc, division_code, address, registering_authority
    from {{ ref('int_registry__deduplicated') }}
),

attributed as (
    {{ attribute_county('enterprises', 'uscc', 'division_code', ['address', 'registering_authority'], uscc_column='uscc') }}
)

select uscc, county_code, attribution, attribution_rule
from attributed
