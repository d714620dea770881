"""Run parameters of the suites, with their defaults in one place.

The report years are the dbt var ``report_years`` (smartcounty.constants reads dbt_project.yml);
the county universe is the seed ``guangxi_counties.csv`` (smartcounty.constants counts it: 41
districts, 48 counties, 12 autonomous counties, 10 county-level cities in the shipped copy).
Callers pass overrides; ``resolve`` deep-merges them.
"""

from __future__ import annotations

import copy
from typing import Any

from smartcounty.constants import county_type_counts, report_years

DEFAULT_PARAMS: dict[str, Any] = {
    "report_years": list(report_years()),
    "county_total": sum(county_type_counts().values()),
    "county_type_counts": dict(county_type_counts()),
    # Plausible calendar years for parsed dates: outside them a parser bug (epoch 1970,
    # swapped fields) is likelier than a real record.
    "min_year": 1900,
    "max_year": 2099,
    # Procurement notices are published online: an earlier date is a parse error (epoch 0).
    "min_publish_year": 2000,
    # Row-level suites of big tables validate a deterministic sample of at most this many
    # rows (keys are checked on the full table in DuckDB before sampling).
    "sample_rows": 200_000,
    "sample_seed": 42,
    # Band overrides: {"quarantine_share.registry": {"warn_max": 0.1}, ...} (see bands.py).
    "bands": {},
}


def resolve(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults overlaid with ``params`` (nested dicts merge, other values replace)."""
    merged = copy.deepcopy(DEFAULT_PARAMS)
    for key, value in (params or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **copy.deepcopy(value)}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def sql_list(values) -> str:
    """A SQL literal list of ints, e.g. ``(2022, 2023)``; empty → ``(NULL)`` (matches nothing)."""
    items = [str(int(v)) for v in values]
    return "(" + (", ".join(items) if items else "NULL") + ")"


def sql_array(values) -> str:
    """A DuckDB list literal of ints, e.g. ``[2022, 2023]`` (typed when empty)."""
    items = [str(int(v)) for v in values]
    return "[" + ", ".join(items) + "]" if items else "[]::INTEGER[]"
