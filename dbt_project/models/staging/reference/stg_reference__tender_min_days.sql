-- 法定最短等标期 Minimum tender windows per procurement-method term, numbered in file order: the first
-- row whose term the method contains applies (scorecard.md short_tender_window). A seed keeps its file's
-- row order when loaded and scanned (DuckDB preserves insertion order), so the numbering is the file's.
select
    row_number() over () as rule_order,
    method_term,
    min_days,
    legal_basis
from {{ ref('tender_min_days') }}
