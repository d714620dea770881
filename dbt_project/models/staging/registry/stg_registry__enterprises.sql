-- 企业登记 Registry rows accepted by the load, English names and types; one row per accepted raw row
-- (duplicates of a USCC are resolved in intermediate). 法定代表人 is personal data and stays in raw.
-- division_code is after the 9/12-digit cut and BEFORE the crosswalk: attribute_county applies it.
select
    uscc,
    "企业名称" as enterprise_name,
    "登记状态" as status_raw,
    status_class,
    established_date,
    approved_date,
    deregistered_date,
    revoked_date,
    "注册资本" as registered_capital_text,
    registered_capital_yuan,
    -- Cleaning flag, not a rule: text present but the amount grammar did not parse it.
    ("注册资本" is not null and registered_capital_yuan is null) as is_capital_unparseable,
    "企业类型" as company_type,
    industry_code,
    "行业名称" as industry_name,
    "登记机关" as registering_authority,
    "住所" as address,
    division_code,
    "经营范围" as business_scope,
    source_file,
    source_line
from {{ source('registry', 'registry_enterprises') }}
