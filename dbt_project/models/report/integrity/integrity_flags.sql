-- scorecard.md "Integrity flags" — indicators for review, not findings of wrongdoing. Over awarded
-- informatization lots attributed to a county (every investment year): one row per (lot, flag) raised,
-- with the values that raised it in words. Every flag needs its inputs (a NULL input raises nothing).
with lots as (
    select
        lot_id, project_code, county_code, investment_year, buyer, procurement_method, budget_yuan,
        award_yuan, award_date, decision_days, supplier_name, supplier_uscc,
        coalesce({{ str_contains('procurement_method', "'单一来源'") }}, false) as is_single_source
    from {{ ref('fct_procurement_lots') }}
    where is_counted and is_informatization
),

-- short_tender_window: the first row (file order) of tender_min_days whose term the method contains
method_thresholds as (
    select lot_id, min_days, method_term
    from (
        select
            lots.lot_id,
            rules.min_days,
            rules.method_term,
            row_number() over (partition by lots.lot_id order by rules.rule_order) as match_order
        from lots
        inner join {{ ref('stg_reference__tender_min_days') }} as rules
            on {{ str_contains('lots.procurement_method', 'rules.method_term') }}
    ) as matches
    where match_order = 1
),

suppliers as (
    select
        lots.lot_id,
        enterprises.established_date,
        enterprises.status_class,
        enterprises.closed_date,
        enterprises.on_register_from,
        enterprises.on_register_until
    from lots
    inner join {{ ref('fct_enterprises') }} as enterprises
        on enterprises.uscc = lots.supplier_uscc
),

-- dominant_supplier: per (采购人, investment year) group of ≥ 3 lots, a supplier (its USCC, else its name;
-- the two keys are never merged) holding ≥ 3 of them and ≥ 50 % of the group's non-NULL award total
supplier_keys as (
    select
        lot_id, buyer, investment_year, award_yuan,
        case
            when supplier_uscc is not null then 'uscc:' || supplier_uscc
            when supplier_name is not null then 'name:' || supplier_name
        end as supplier_key
    from lots
),

buyer_groups as (
    select buyer, investment_year, count(*) as group_lot_count, sum(award_yuan) as group_award_yuan
    from supplier_keys
    group by buyer, investment_year
),

supplier_groups as (
    select
        supplier_keys.buyer,
        supplier_keys.investment_year,
        supplier_keys.supplier_key,
        count(*) as supplier_lot_count,
        coalesce(sum(supplier_keys.award_yuan), 0) as supplier_award_yuan,
        min(buyer_groups.group_lot_count) as group_lot_count,
        min(buyer_groups.group_award_yuan) as group_award_yuan
    from supplier_keys
    inner join buyer_groups
        on buyer_groups.buyer = supplier_keys.buyer
        and buyer_groups.investment_year = supplier_keys.investment_year
    where supplier_keys.supplier_key is not null
    group by supplier_keys.buyer, supplier_keys.investment_year, supplier_keys.supplier_key
),

dominant as (
    select *
    from supplier_groups
    where group_lot_count >= 3
      and supplier_lot_count >= 3
      and group_award_yuan > 0
      and supplier_award_yuan * 2 >= group_award_yuan
),

flags as (
    select lots.lot_id, 'single_source' as flag, '采购方式为“' || lots.procurement_method || '”' as detail
    from lots
    where lots.is_single_source

    union all
    select
        lots.lot_id,
        'short_tender_window',
        '采购方式“' || lots.procurement_method || '”（' || thresholds.method_term || '）：采购公告至中标'
            || cast(lots.decision_days as varchar) || '天，少于法定' || cast(thresholds.min_days as varchar) || '天'
    from lots
    inner join method_thresholds as thresholds
        on thresholds.lot_id = lots.lot_id
    where lots.decision_days < thresholds.min_days

    union all
    select
        lot_id,
        'award_over_budget',
        '中标金额' || {{ yuan_text('award_yuan') }} || '元，超过预算金额' || {{ yuan_text('budget_yuan') }} || '元'
    from lots
    where budget_yuan > 0 and award_yuan > budget_yuan

    union all
    select
        lot_id,
        'award_near_budget',
        '中标金额' || {{ yuan_text('award_yuan') }} || '元，达预算金额' || {{ yuan_text('budget_yuan') }}
            || '元的99.5%以上'
    from lots
    where not is_single_source
      and budget_yuan > 0
      and award_yuan * 1000 >= budget_yuan * 995
      and award_yuan <= budget_yuan

    union all
    select
        lots.lot_id,
        'young_supplier',
        '供应商成立于' || cast(suppliers.established_date as varchar) || '，中标日' || cast(lots.award_date as varchar)
            || '前不足180天'
    from lots
    inner join suppliers
        on suppliers.lot_id = lots.lot_id
    -- established_date > award_date − 180 days, in whole days
    where {{ date_diff_days('suppliers.established_date', 'lots.award_date') }} < 180

    union all
    select
        lots.lot_id,
        'inactive_supplier',
        '中标日' || cast(lots.award_date as varchar) || '供应商不在册（登记状态类别' || suppliers.status_class
            || coalesce('，关闭日期' || cast(suppliers.closed_date as varchar), '') || '）'
    from lots
    inner join suppliers
        on suppliers.lot_id = lots.lot_id
    -- figures.md "On the register at date D" with D = award_date, through fct_enterprises' interval
    where not coalesce(
        suppliers.on_register_from <= lots.award_date
        and (suppliers.on_register_until is null or suppliers.on_register_until > lots.award_date),
        false
    )

    union all
    select
        supplier_keys.lot_id,
        'dominant_supplier',
        '采购人' || dominant.buyer || '在' || cast(dominant.investment_year as varchar) || '年的'
            || cast(dominant.group_lot_count as varchar) || '个信息化标项中，该供应商中标'
            || cast(dominant.supplier_lot_count as varchar) || '个，金额占'
            || cast(round(100 * cast(dominant.supplier_award_yuan as double) / cast(dominant.group_award_yuan as double), 1) as varchar)
            || '%'
    from supplier_keys
    inner join dominant
        on dominant.buyer = supplier_keys.buyer
        and dominant.investment_year = supplier_keys.investment_year
        and dominant.supplier_key = supplier_keys.supplier_key
)

select
    lots.lot_id,
    lots.project_code,
    lots.county_code,
    lots.investment_year,
    flags.flag,
    flags.detail
from flags
inner join lots
    on lots.lot_id = flags.lot_id
