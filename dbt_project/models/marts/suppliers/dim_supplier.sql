-- 中标供应商 One row per distinct supplier_uscc of awarded lots with its registry record and home division
-- (scorecard.md "Supplier view"; the rules live in int_suppliers__homes).
select
    supplier_uscc,
    supplier_name,
    in_registry,
    established_date,
    status_class,
    registry_county_code,
    home_division_code,
    home_county_code,
    home_prefecture_code
from {{ ref('int_suppliers__homes') }}
