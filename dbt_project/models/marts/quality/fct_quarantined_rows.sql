-- 隔离行 Every quarantined raw row of the three sources with its contract reason code; lineage only,
-- no payload (the quarantined values may hold personal data and stay in raw).
{%- set sources = ['procurement', 'registry', 'connectivity'] %}
{% for source_name in sources %}
select
    '{{ source_name }}' as source,
    source_file,
    source_line,
    reason
from {{ source(source_name, source_name ~ '_quarantine') }}
{{ 'union all' if not loop.last }}
{% endfor %}
