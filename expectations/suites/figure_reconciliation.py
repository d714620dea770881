"""report.figure_reconciliation — one row per published figure (figures.md).

The frame is the full outer join with ``reference.report_published_figures``: a published
figure missing from the relation leaves ``figure_id`` NULL, an extra row leaves
``published_figure_id`` NULL, so "one row per published figure" is two not-null checks plus
uniqueness. A mismatch between published and computed values is a finding on real exports
(figures.md), hence WARN, not ERROR.
"""

from __future__ import annotations

from typing import Any

from expectations.gxlib import gxe, make_suite, warn
from expectations.suites._common import in_set, regex

NAME = "figure_reconciliation"
TITLE_ZH = "公开数字与计算结果核对"
TABLE = "report.figure_reconciliation"
ASSET_KEY = ["report", "figure_reconciliation"]
ADDITIONAL_ASSET_KEYS = [["reference", "report_published_figures"]]
INDEX_COLUMNS = ["row_key"]

COMPARISON_REGEX = r"^(?:round_\d+|equals|at_least|round_to_thousand)$"
REPORT_RELATIONS = [
    "fig1_investment_share", "county_coverage", "scenarios", "scenario_categories", "hot_topics",
    "development_modes", "development_mode_summary", "enterprise_counts",
    "network_infrastructure_ranking", "internet_penetration", "national_share",
    "figure_reconciliation", "data_quality",
]


def query(p: dict[str, Any]) -> str:
    return f"""
        select coalesce(r.figure_id, f.figure_id) as row_key,
               r.figure_id, f.figure_id as published_figure_id,
               r.claim_zh, r.published_value, r.computed_value, r.unit, r.comparison, r.matches,
               r.report_model
        from {TABLE} r
        full join reference.report_published_figures f on f.figure_id = r.figure_id
    """


def build_suite(p: dict[str, Any]) -> Any:
    from great_expectations.expectations.row_conditions import Column  # noqa: PLC0415 - lazy GX

    e = gxe()
    in_report = Column("figure_id").is_not_null()  # rows of the relation itself
    return make_suite(NAME, [
        e.ExpectColumnValuesToNotBeNull(column="figure_id"),            # published figure missing
        e.ExpectColumnValuesToNotBeNull(column="published_figure_id"),  # row for no published figure
        e.ExpectColumnValuesToBeUnique(column="figure_id"),
        # Checked on the relation's rows only: a missing figure is reported once, above.
        *[e.ExpectColumnValuesToNotBeNull(column=c, row_condition=in_report)
          for c in ("published_value", "unit", "comparison", "report_model")],
        # An empty source may leave a figure uncomputed: a finding, like a mismatch.
        warn(e.ExpectColumnValuesToNotBeNull(column="matches", row_condition=in_report)),
        regex("comparison", COMPARISON_REGEX),
        in_set("report_model", REPORT_RELATIONS),
        warn(in_set("matches", [True])),
    ])
