-- 旧区划代码对照 Old division codes and the current code they map to.
select old_code, old_name, new_code, new_name, changed_year
from {{ ref('county_code_crosswalk') }}
