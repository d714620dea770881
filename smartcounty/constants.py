"""Facts the Python side shares, each with one home: the raw load, the sample generator, the
checks, the publish step, the front end and the tests read them from here (or, for the rules'
data, from the seeds and ``dbt_project.yml`` through the functions below), never a copy.

The raw headers live in the contract spec (``smartcounty.rawload.spec``)."""

from __future__ import annotations

import functools
import re

from smartcounty.settings import DBT_PROJECT_DIR, SEEDS_DIR

# GB 32100-2015 统一社会信用代码: the 31 characters of the code (I, O, S, V, Z excluded) and
# the weights of the 17 body characters in the check character (the registry's check).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Personal data: raw columns that stay in the warehouse's raw schema and never reach a check's
# query, the serving copy or the front end.
PERSONAL_COLUMNS: tuple[str, ...] = ("联系人", "联系电话", "法定代表人")
# A published column whose name matches is refused (the Chinese headers, and English names a
# model could give them).
PERSONAL_COLUMN_PATTERN = re.compile(
    "|".join([*PERSONAL_COLUMNS, "contact", "phone", "legal_rep", "representative"]), re.IGNORECASE)


@functools.cache
def dbt_vars() -> dict:
    """The ``vars:`` of ``dbt_project/dbt_project.yml`` (the report's cut-off and years)."""
    import yaml  # PyYAML ships with dbt-core

    with open(DBT_PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh).get("vars") or {})


def report_years() -> tuple[int, ...]:
    """The dbt var ``report_years`` (e.g. ``(2022, 2023)``)."""
    return tuple(int(y) for y in dbt_vars()["report_years"])


@functools.cache
def network_index_weights() -> dict[str, float]:
    """indicator -> weight of the network-infrastructure index, from the seed
    ``network_index_weights.csv`` (the dbt model and the sample's truth use the same rows)."""
    import csv

    with open(SEEDS_DIR / "network_index_weights.csv", encoding="utf-8-sig", newline="") as fh:
        return {row["indicator"].strip(): float(row["weight"]) for row in csv.DictReader(fh)}


@functools.cache
def county_type_counts() -> dict[str, int]:
    """county_type -> number of county-level divisions in the seed ``guangxi_counties.csv`` (the
    county universe of every per-county relation; its total is the number of counties)."""
    import csv
    from collections import Counter

    with open(SEEDS_DIR / "guangxi_counties.csv", encoding="utf-8-sig", newline="") as fh:
        return dict(Counter(row["county_type"].strip() for row in csv.DictReader(fh)))
