-- 采购公告 Accepted notice rows renamed to English, typed companions from the load, crosswalk applied.
-- Contact columns (联系人, 联系电话) are personal data and stop here.
select
    source_file || ':' || cast(source_line as varchar) as notice_row_id,
    "公告ID" as notice_id,
    "项目编号" as project_code,
    lot_no,
    "项目编号" || '|' || lot_no as lot_id,
    "项目名称" as project_name,
    "公告类型" as notice_type_raw,
    notice_class,
    publish_date,
    -- the loaded code (after the 9/12-digit cut) feeds the attribution macro, which crosswalks it itself
    division_code as source_division_code,
    coalesce(crosswalk.new_code, notices.division_code) as division_code,
    "区划名称" as division_name,
    "采购人" as buyer,
    "采购代理机构" as agency,
    "采购方式" as procurement_method,
    "品目编码" as catalog_code,
    "品目名称" as catalog_name,
    "预算金额" as budget_raw,
    budget_yuan,
    "中标金额" as award_raw,
    award_yuan,
    -- a present value that did not parse (rates, unit prices, 详见附件 …): data-quality `unparseable_amount`
    ("预算金额" is not null and budget_yuan is null) as is_budget_unparseable,
    ("中标金额" is not null and award_yuan is null) as is_award_unparseable,
    "中标供应商" as supplier_name,
    "供应商统一社会信用代码" as supplier_uscc_raw,
    -- the load's companion: upper-cased, NULL unless 18 characters with a valid GB 32100 check character
    supplier_uscc,
    source_file,
    source_line
from {{ source('procurement', 'procurement_notices') }} as notices
left join {{ ref('stg_reference__county_code_crosswalk') }} as crosswalk
    on crosswalk.old_code = notices.division_code
