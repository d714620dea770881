"""Distribution/volume bands: the defaults of every band check, in one place.

A band check measures one number (a share, a ratio, a fold change) and compares it with a
WARNING band and an ERROR band. A value outside the warning limits fails the WARN-severity
expectation; a value also outside the error limits fails the ERROR-severity one too, which
makes the suite's outcome an ERROR (blocking).

Override per run with ``params["bands"] = {"<band name>": {"warn_max": ...}}``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# Award > budget × this factor counts as a suspicious award (a parse error in 万/元 units
# typically gives a factor of 10⁴).
AWARD_OVER_BUDGET_FACTOR = 1.2
# Year-on-year fold changes are only judged when the earlier year has at least this many
# rows: tiny years (early establishment years) swing for no reason.
YOY_MIN_BASE_ROWS = 20


@dataclass(frozen=True)
class Band:
    """Allowed range of a measured value; ``None`` = unbounded on that side."""

    warn_min: float | None = None
    warn_max: float | None = None
    error_min: float | None = None
    error_max: float | None = None
    label_zh: str = ""

    def level(self, value: float | None) -> str:
        """``ok`` / ``warn`` / ``error`` for a measured value (NULL is not judged → ``ok``)."""
        if value is None or value != value:  # NaN: nothing to judge (e.g. empty source)
            return "ok"
        if _outside(value, self.error_min, self.error_max):
            return "error"
        if _outside(value, self.warn_min, self.warn_max):
            return "warn"
        return "ok"


def _outside(value: float, low: float | None, high: float | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


DEFAULT_BANDS: dict[str, Band] = {
    # Share of a source's raw rows that went to quarantine: quarantined / (accepted + quarantined).
    "quarantine_share.procurement": Band(warn_max=0.05, error_max=0.20, label_zh="采购公告隔离行占比"),
    "quarantine_share.registry": Band(warn_max=0.05, error_max=0.20, label_zh="企业登记隔离行占比"),
    "quarantine_share.connectivity": Band(warn_max=0.05, error_max=0.20, label_zh="网络指标隔离行占比"),
    # max(n_y, n_{y-1}) / min(n_y, n_{y-1}) of accepted rows per year (procurement: publish
    # year; registry: establishment year; connectivity: distinct counties per year).
    "yoy_fold_change.procurement": Band(warn_max=2.0, error_max=5.0, label_zh="采购公告行数同比倍数"),
    "yoy_fold_change.registry": Band(warn_max=2.0, error_max=5.0, label_zh="企业成立数同比倍数"),
    "yoy_fold_change.connectivity": Band(warn_max=1.2, error_max=2.0, label_zh="网络指标行数同比倍数"),
    # Lots of fct_procurement_lots that no rule could attribute.
    "unattributed_share.lots": Band(warn_max=0.10, error_max=0.30, label_zh="无法归属县域的标项占比"),
    # Awarded lots with award > budget × AWARD_OVER_BUDGET_FACTOR, among those with both amounts.
    "award_over_budget_share.lots": Band(warn_max=0.05, error_max=0.20, label_zh="中标金额超预算标项占比"),
    # Median award/budget ratio of the same lots.
    "award_budget_median_ratio.lots": Band(
        warn_min=0.5, warn_max=1.05, error_min=0.2, error_max=1.5, label_zh="中标/预算金额比中位数"
    ),
    # Share of the report years' counted informatization lots carrying each integrity flag
    # (report.county_integrity). Indicators for review: a flag on more than half of the lots says the
    # data or a rule is wrong, not the buyers (issue 11: none in more than half of the lots).
    "flag_rate.single_source": Band(warn_max=0.15, error_max=0.5, label_zh="单一来源标项占比"),
    "flag_rate.short_tender_window": Band(warn_max=0.15, error_max=0.5, label_zh="等标期过短标项占比"),
    "flag_rate.award_over_budget": Band(warn_max=0.10, error_max=0.5, label_zh="超预算中标标项占比"),
    "flag_rate.award_near_budget": Band(warn_max=0.20, error_max=0.5, label_zh="贴近预算中标标项占比"),
    "flag_rate.young_supplier": Band(warn_max=0.15, error_max=0.5, label_zh="新成立供应商中标标项占比"),
    "flag_rate.inactive_supplier": Band(warn_max=0.10, error_max=0.5, label_zh="非在册供应商中标标项占比"),
    "flag_rate.dominant_supplier": Band(warn_max=0.25, error_max=0.5, label_zh="供应商集中标项占比"),
}


def band(name: str, params: dict[str, Any] | None = None) -> Band:
    """The band ``name`` with the overrides of ``params["bands"][name]`` applied."""
    base = DEFAULT_BANDS[name]
    override = ((params or {}).get("bands") or {}).get(name) or {}
    return replace(base, **override)
