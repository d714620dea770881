"""What each raw source looks like, as fixed by ``docs/contracts/raw_inputs.md``.

Pure data: header lists, which headers are required, which are codes/numbers (NFKC),
the notice-type list and the names of the raw tables.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

SOURCES = ("procurement", "registry", "connectivity")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    table: str  # accepted rows: raw.<table>
    headers: tuple[str, ...]  # contract headers, contract order
    required: tuple[str, ...]
    nfkc: tuple[str, ...]  # codes, amounts, dates, numbers: NFKC-normalised when cleaned
    companions: tuple[str, ...]  # typed English columns added by the load
    reasons: tuple[str, ...]  # row-check reason codes, in check order

    @property
    def quarantine_table(self) -> str:
        return f"{self.name}_quarantine"

    @property
    def files_table(self) -> str:
        return f"{self.name}_files"


PROCUREMENT = SourceSpec(
    name="procurement",
    table="procurement_notices",
    headers=(
        "公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "标项号", "区划代码", "区划名称",
        "采购人", "采购代理机构", "采购方式", "品目编码", "品目名称", "预算金额", "中标金额",
        "中标供应商", "供应商统一社会信用代码", "联系人", "联系电话",
    ),
    required=("公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "采购人"),
    nfkc=(
        "公告ID", "项目编号", "发布日期", "标项号", "区划代码", "品目编码", "预算金额", "中标金额",
        "供应商统一社会信用代码",
    ),
    companions=(
        "notice_class", "publish_date", "lot_no", "division_code", "budget_yuan", "award_yuan", "supplier_uscc",
    ),
    reasons=("missing_required", "invalid_date", "unknown_notice_type"),
)

REGISTRY = SourceSpec(
    name="registry",
    table="registry_enterprises",
    headers=(
        "统一社会信用代码", "企业名称", "登记状态", "成立日期", "核准日期", "注销日期", "吊销日期",
        "注册资本", "企业类型", "法定代表人", "行业代码", "行业名称", "登记机关", "住所",
        "所属区划代码", "经营范围",
    ),
    required=("统一社会信用代码", "企业名称", "登记状态", "成立日期"),
    nfkc=(
        "统一社会信用代码", "成立日期", "核准日期", "注销日期", "吊销日期", "注册资本", "行业代码",
        "所属区划代码",
    ),
    companions=(
        "uscc", "status_class", "established_date", "approved_date", "deregistered_date",
        "revoked_date", "registered_capital_yuan", "industry_code", "division_code",
    ),
    reasons=("missing_required", "invalid_uscc", "unknown_status", "invalid_date"),
)

CONNECTIVITY_COUNTS = {
    # header -> companion column (BIGINT)
    "常住人口": "resident_population",
    "乡村常住人口": "rural_population",
    "网民数": "internet_users",
    "乡村网民数": "rural_internet_users",
    "家庭户数": "households",
    "固定宽带用户数": "broadband_households",
    "5G基站数": "bs5g_count",
}
CONNECTIVITY_PERCENTS = {"千兆光网覆盖率": "gigabit_coverage_pct", "行政村5G通达率": "village_5g_pct"}
CONNECTIVITY_POSITIVE = ("常住人口", "家庭户数")  # must be > 0, not just >= 0

CONNECTIVITY = SourceSpec(
    name="connectivity",
    table="connectivity_indicators",
    headers=(
        "区划代码", "区划名称", "年份", "常住人口", "乡村常住人口", "网民数", "乡村网民数", "家庭户数",
        "固定宽带用户数", "千兆光网覆盖率", "5G基站数", "行政村5G通达率",
    ),
    required=(
        "区划代码", "年份", "常住人口", "乡村常住人口", "网民数", "乡村网民数", "家庭户数",
        "固定宽带用户数", "千兆光网覆盖率", "5G基站数", "行政村5G通达率",
    ),
    nfkc=(
        "区划代码", "年份", "常住人口", "乡村常住人口", "网民数", "乡村网民数", "家庭户数",
        "固定宽带用户数", "千兆光网覆盖率", "5G基站数", "行政村5G通达率",
    ),
    companions=(
        "division_code", "county_code", "year", *CONNECTIVITY_COUNTS.values(),
        *CONNECTIVITY_PERCENTS.values(),
    ),
    reasons=(
        "missing_required", "not_county_code", "invalid_year", "invalid_count",
        "percent_out_of_range", "rural_population_gt_population", "users_gt_population",
        "rural_users_gt_rural_population",
    ),
)

SPECS: dict[str, SourceSpec] = {s.name: s for s in (PROCUREMENT, REGISTRY, CONNECTIVITY)}

# 公告类型 -> notice_class. Fixed by the contract (not a seed); matched after NFKC on both sides.
NOTICE_TYPES: dict[str, str] = {
    "采购公告": "tender",
    "更正公告": "correction",
    "中标(成交)结果公告": "result",
    "中标公告": "result",
    "成交公告": "result",
    "结果公告": "result",
    "废标公告": "failed",
    "流标公告": "failed",
    "终止公告": "terminated",
    "合同公告": "contract",
}

LINEAGE = ("source_file", "source_line")
REASON = "reason"
KEY = "__match_key"  # NFKC form of 公告类型 / 登记状态, used for matching only (not stored)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def reserved_names(spec: SourceSpec) -> set[str]:
    """Names an extra file column may not take (compared case-insensitively, as DuckDB does)."""
    return {n.lower() for n in (*spec.headers, *spec.companions, *LINEAGE, REASON)}
