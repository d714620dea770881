-- 采购公告事实 One row per accepted notice row, collapsed re-posts included (is_collapsed_repost) with the
-- row that stands for them (survivor_row_id). A collapsed row belongs to its survivor's lot. No contact
-- columns (personal data).
select
    notices.notice_row_id,
    dedup.lot_id,
    notices.notice_id,
    notices.notice_class,
    notices.publish_date,
    notices.award_yuan,
    notices.budget_yuan,
    notices.procurement_method,
    notices.supplier_name,
    notices.supplier_uscc,
    notices.source_file,
    notices.source_line,
    dedup.is_collapsed_repost,
    dedup.survivor_row_id
from {{ ref('stg_procurement__notices') }} as notices
inner join {{ ref('int_procurement__notices_deduplicated') }} as dedup
    on dedup.notice_row_id = notices.notice_row_id
