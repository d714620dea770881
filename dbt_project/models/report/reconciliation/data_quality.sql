-- figures.md `data_quality`: one row per (source, reason) with row_count.
-- * every quarantine reason code of raw_inputs.md per source, zeros included (plus any other code
--   found in the quarantine tables, so nothing is hidden);
-- * unparseable_amount per amount column as `unparseable_amount:<header>` (accepted raw rows, before
--   any de-duplication);
-- * collapsed_repost (procurement notice rows), superseded_duplicate (registry rows);
-- * unattributed / not_county_level: procurement lots of every status, enterprises after
--   de-duplication.
with contract_reasons (source, reason, reason_order) as (
    values
        ('procurement', 'missing_required', 1),
        ('procurement', 'invalid_date', 2),
        ('procurement', 'unknown_notice_type', 3),
        ('registry', 'missing_required', 1),
        ('registry', 'invalid_uscc', 2),
        ('registry', 'unknown_status', 3),
        ('registry', 'invalid_date', 4),
        ('connectivity', 'missing_required', 1),
        ('connectivity', 'not_county_code', 2),
        ('connectivity', 'invalid_year', 3),
        ('connectivity', 'invalid_count', 4),
        ('connectivity', 'percent_out_of_range', 5),
        ('connectivity', 'rural_population_gt_population', 6),
        ('connectivity', 'users_gt_population', 7),
        ('connectivity', 'rural_users_gt_rural_population', 8)
),

quarantined as (
    select source, reason, count(*) as row_count
    from {{ ref('fct_quarantined_rows') }}
    group by source, reason
),

quarantine_counts as (
    select
        coalesce(contract_reasons.source, quarantined.source) as source,
        coalesce(contract_reasons.reason, quarantined.reason) as reason,
        coalesce(quarantined.row_count, 0) as row_count,
        coalesce(contract_reasons.reason_order, 99) as reason_order
    from contract_reasons
    full outer join quarantined
        on quarantined.source = contract_reasons.source
        and quarantined.reason = contract_reasons.reason
),

notices as (
    select is_budget_unparseable, is_award_unparseable
    from {{ ref('stg_procurement__notices') }}
),

other_counts (source, reason, row_count, reason_order) as (
    select 'procurement', 'unparseable_amount:预算金额',
        (select count(*) from notices where is_budget_unparseable), 101
    union all
    select 'procurement', 'unparseable_amount:中标金额',
        (select count(*) from notices where is_award_unparseable), 102
    union all
    select 'procurement', 'collapsed_repost',
        (select count(*) from {{ ref('fct_procurement_notices') }} where is_collapsed_repost), 103
    union all
    select 'procurement', 'unattributed',
        (select count(*) from {{ ref('fct_procurement_lots') }} where attribution = 'unattributed'), 104
    union all
    select 'procurement', 'not_county_level',
        (select count(*) from {{ ref('fct_procurement_lots') }} where attribution = 'not_county_level'), 105
    union all
    select 'registry', 'unparseable_amount:注册资本',
        (select count(*) from {{ ref('stg_registry__enterprises') }} where is_capital_unparseable), 101
    union all
    select 'registry', 'superseded_duplicate',
        (select coalesce(sum(duplicate_count - 1), 0) from {{ ref('fct_enterprises') }}), 103
    union all
    select 'registry', 'unattributed',
        (select count(*) from {{ ref('fct_enterprises') }} where attribution = 'unattributed'), 104
    union all
    select 'registry', 'not_county_level',
        (select count(*) from {{ ref('fct_enterprises') }} where attribution = 'not_county_level'), 105
),

all_counts as (
    select source, reason, row_count, reason_order from quarantine_counts
    union all
    select source, reason, row_count, reason_order from other_counts
)

select
    source,
    reason,
    cast(row_count as bigint) as row_count
from all_counts
order by
    case source when 'procurement' then 1 when 'registry' then 2 when 'connectivity' then 3 else 4 end,
    reason_order,
    reason
