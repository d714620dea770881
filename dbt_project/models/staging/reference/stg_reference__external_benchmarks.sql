-- 外部基准 External benchmarks (national smart-city investment per year).
select benchmark_code, year, value, unit, description_zh, source
from {{ ref('external_benchmarks') }}
