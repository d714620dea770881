"""Every size, calibration target and mess rate of the synthetic drop, in one place.

Rates are shares of the population named in the comment; at small scales each mess kind
is still written at least ``MIN_MESS`` times so a 0.01 sample shows every kind.
"""

from __future__ import annotations

from datetime import date

MIN_MESS = 3

# ------------------------------------------------------------------ sizes at scale 1
FIRST_DATE = date(2021, 1, 1)
AS_OF = date(2024, 6, 30)               # last publish date and the enterprise as-of date
REPORT_YEARS = (2022, 2023)

# scales above SLICE_SCALE are generated as equal, independent slices of the world (each its own registry
# part and the procurement that draws winners from it), written one after the other: memory stays that of
# one slice and time grows linearly. A one-slice drop (scale <= 1) is the unsliced generator, byte for byte.
SLICE_SCALE = 1.0
SLICE_ID_STRIDE = 100_000_000           # slice k offsets USCC serials and 公告ID numbers by k × this
SLICE_PROJECT_STRIDE = 1_000_000        # ... and 项目编号 serials by k × this

# lots per group (county buyers, awarded unless said otherwise)
SMART_LOTS = {2022: 1450, 2023: 1350}   # calibrated smart-city lots
INFO_LOTS = {2022: 9000, 2023: 8500}    # calibrated informatization (non smart-city) lots
SMART_LOTS_OTHER_YEARS = {2021: 1000, 2024: 450}
INFO_LOTS_OTHER_YEARS = {2021: 7000, 2024: 3300}
SMART_TRAP_LOTS = 700                   # smart titles never counted: city/province buyers, not awarded, ambiguous names
INFO_TRAP_LOTS = 5500                   # informatization lots of city/province buyers or not awarded
ORDINARY_LOTS = 46000                   # goods/works/services that are not informatization, every level and year

REGISTRY_ROWS = 1_100_000
DIGITAL_ECONOMY_ENTERPRISES = 16_000    # counted: on register 2024-06-30, county, core industry
SMART_CITY_ENTERPRISES = 80             # counted digital-economy ones naming 智慧城市/智慧社区
CORE_TRAP_ENTERPRISES = 14_000          # core industry but not counted (closed, moved out, unattributed, ...)
NONCORE_SMART_TERM_ENTERPRISES = 300    # non-digital firms whose scope mentions 智慧社区/智慧城市

# ------------------------------------------------------------------ calibration targets
SMART_INVESTMENT_2023 = 1_092_000_000   # 0.52 % of the 2,100亿元 national benchmark
SMART_INVESTMENT_2022 = 1_045_000_000
SMART_SHARE = {2022: 0.1967, 2023: 0.2222}
PENETRATION_2023 = 0.752
RURAL_PENETRATION_2023 = 0.564
MODE_COUNTS = {"integrated_platform": 8, "resource_endowment": 25}   # the rest: unified_deployment
UNIFIED_MAX_INDUSTRY_SHARE = 0.30       # unified counties are pushed below this
RESOURCE_MIN_INDUSTRY_SHARE = 0.70      # resource counties are pushed above this
NAMED_LARGEST_FACTOR = 1.6              # named evidence lots exceed the runner-up by this factor

# ------------------------------------------------------------------ procurement mess
MULTI_LOT_PROJECT_RATE = 0.12           # projects with 2-4 lots (标项号 1,2,.. / 01,02 / blank for 1)
RESULT_ONLY_RATE = 0.10                 # awarded lots without a published 采购公告
CORRECTED_AWARD_RATE = 0.06             # awarded lots whose result amount a later 更正公告 revises
DOUBLE_CORRECTION_SHARE = 0.30          #   ... of which revised twice (last correction wins)
DOUBLE_RESULT_RATE = 0.02               # two result notices: amount of the latest, year of the earliest
RETENDER_FAILED_RATE = 0.025            # 废标/流标 then a new tender and a result
RETENDER_TERMINATED_RATE = 0.02         # result, 终止公告, re-tender, new result (year of the new result)
CONTRACT_NOTICE_RATE = 0.25             # awarded lots followed by a 合同公告 (its amount is ignored)
PRE_RESULT_CORRECTION_RATE = 0.05       # 更正公告 between tender and result, no 中标金额
POST_RESULT_NOAMOUNT_CORRECTION_RATE = 0.02  # 更正公告 after the result, 中标金额 blank or 详见附件
NOT_AWARDED_SHARE = {"cancelled": 0.25, "failed": 0.40, "open": 0.35}  # stories of not-awarded lots
NOT_AWARDED_RATE = 0.08                 # ordinary lots that are not awarded
REPOST_RATE = 0.03                      # notice rows posted again under another 公告ID (same values)
DUPLICATE_LINE_RATE = 0.01              # notice rows repeated verbatim
EPOCH_NEW_YEAR_LOTS = 5                 # per new year: calibrated results on 1 Jan 00:00-07:59 Beijing as epoch ms
NOISE_CELL_RATE = 0.005                 # text cells padded with U+3000/U+00A0/spaces or holding a zero-width char
QUARANTINE_RATES = {                    # copies of notice rows broken so the loader must quarantine them
    "missing_required": 0.001,
    "invalid_date": 0.001,
    "unknown_notice_type": 0.001,
}
UNPARSEABLE_AWARD_RATE = 0.03           # ordinary lots' result amounts written as 下浮率5%/详见附件/单价…
UNPARSEABLE_BUDGET_RATE = 0.03          # 预算金额 written unparseably (any lot)
PREFECTURE_BUYER_SHARE = 0.12           # ordinary lots bought by a prefecture (450300-style) buyer
PROVINCE_BUYER_SHARE = 0.04             # ... by a province (450000) buyer
AMBIGUOUS_NAME_LOTS = 20                # 区划名称 naming two counties of equal length → unattributed

# ------------------------------------------------------------------ how lots are bought (all projects)
METHOD_SHARE = {                        # 采购方式 of a project (all its notices)
    "公开招标": 0.40, "竞争性磋商": 0.30, "询价": 0.09, "竞争性谈判": 0.07, "邀请招标": 0.04,
    "单一来源": 0.04, "框架协议": 0.02, "电子卖场": 0.02, "其他": 0.02,
}
METHOD_STRAY_TEXT_RATE = 0.05           # 采购方式 with stray text: 公开招标（电子招标）, 竞争性磋商方式, ...
TENDER_MIN_DAYS = {"公开招标": 20, "邀请招标": 20, "竞争性磋商": 10, "竞争性谈判": 3, "询价": 3}  # shared/reference
TENDER_EXTRA_DAYS_MEAN = 9.0            # lawful windows: the minimum plus exponential extra days (no minimum: 3-30)
SHORT_TENDER_RATE = 0.05                # lots with a min-days method whose 采购公告 came too late (1..min-1 days)
BUDGET_RATIO = (0.80, 0.99)             # award ÷ 预算金额 of most lots (uniform)
NEAR_BUDGET_RATE = 0.04                 # award within 0.5 % below the budget (single source: half of them)
OVER_BUDGET_RATE = 0.025                # award above the budget (by 1-15 %, inside the GX band's factor 1.2)

# ------------------------------------------------------------------ who wins (awarded lots)
SUPPLIER_LOCALITY = {                   # where the winner of a county buyer's lot comes from
    "same_county": 0.30, "same_prefecture": 0.20, "other_guangxi": 0.24,
    "guangxi_unregistered": 0.05,       # a Guangxi division in the USCC, absent from our registry
    "outside_guangxi": 0.15,            # another province's division (characters 3-8), absent from the registry
    "unknown": 0.06,                    # blank or invalid USCC
}
YOUNG_SUPPLIER_RATE = 0.03              # winner established less than 180 days before the award
INACTIVE_SUPPLIER_RATE = 0.02           # winner already closed (注销/吊销) on the award date
SUPPLIER_CORRECTION_SHARE = 0.35        # corrected lots whose 更正公告 also replaces the supplier name and/or USCC
SUPPLIER_USCC_SPELLING = {"lower": 0.01, "fullwidth": 0.005}   # valid USCCs spelled differently on notices
DOMINANT_GROUP_RATE = 0.10              # (采购人, year) groups of >= 3 informatization lots captured by one supplier

# ------------------------------------------------------------------ scorecard inputs (county, per year)
PLANNING_COUNTY_RATE = 0.15             # counties with a planning project (顶层设计, 规划编制, ...) in a given year
DATA_PLATFORM_COUNTY_RATE = 0.25        # counties with a data-platform project (数据共享, 大数据平台, ...) in a year

# how a county buyer's division is written (shares of county lots)
DIVISION_STYLE = {
    "code": 0.75, "code9": 0.03, "code12": 0.03, "code_fullwidth": 0.02,
    "name_only": 0.10, "buyer_only": 0.04, "old_code": 0.03,   # old_code only where the crosswalk has one
}
DATE_STYLE = {   # 发布日期 / registry dates
    "iso": 0.55, "slash": 0.12, "cn": 0.10, "datetime": 0.10, "compact": 0.08, "epoch_ms": 0.05,
}
AMOUNT_STYLE = {  # parseable 中标金额/预算金额 spellings
    "plain": 0.30, "decimal": 0.15, "thousands": 0.15, "wan": 0.15, "yen": 0.08,
    "rmb_zheng": 0.07, "fullwidth": 0.05, "yi": 0.02, "spaced": 0.03,
}
GB18030_PROCUREMENT_FILES = ("2021Q3", "2023Q2")
BOM_PROCUREMENT_FILES = ("2022Q1",)
EXTRA_COLUMN_FILES = ("2023Q4",)        # reordered header plus an extra 原文链接 column

# ------------------------------------------------------------------ registry mess
REGISTRY_PARTS = 4                      # part-1..4.csv.gz (UTF-8) plus one GB18030 plain part
GB18030_REGISTRY_SHARE = 0.02           # rows in the GB18030 part
DUPLICATE_USCC_RATE = 0.03              # enterprises written twice with different 核准日期
DUPLICATE_TIE_SHARE = 0.10              #   ... same 核准日期 (the later row wins)
DUPLICATE_BLANK_SHARE = 0.15            #   ... the older row has a blank 核准日期
INVALID_USCC_RATE = 0.003               # rows with a bad check digit / wrong length / bad char
LOWERCASE_USCC_RATE = 0.002             # valid USCCs written in lower case or full width
REGISTRY_QUARANTINE_RATES = {"missing_required": 0.0005, "unknown_status": 0.0005, "invalid_date": 0.0005}
INDUSTRY_STYLE = {"plain": 0.60, "letter": 0.32, "fullwidth": 0.04, "lower": 0.04}
INVALID_INDUSTRY_RATE = 0.01            # non-core rows with 行业代码 like 65131 / 软件开发 (→ NULL)
ENTERPRISE_DIVISION_STYLE = {           # how an attributed enterprise's county is written
    "code": 0.72, "code9": 0.03, "code12": 0.03, "code_fullwidth": 0.02, "old_code": 0.03,
    "address": 0.08, "authority": 0.05, "uscc": 0.04,
}

# ------------------------------------------------------------------ connectivity mess
CONNECTIVITY_YEARS = (2021, 2022, 2023)
REVISED_ROWS_2023 = 9                   # rows of 2023 replaced by connectivity_2023_revised.csv
