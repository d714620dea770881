-- 信息化项目识别规则 One row per rule pattern: catalog-code prefix, catalog-name term or title term.
select distinct rule, kind, pattern
from {{ ref('informatization_rules') }}
where pattern is not null and pattern <> ''
