"""Shared facts have one home (smartcounty.constants, the seeds, dbt_project.yml vars); the
copies the synthetic sample keeps for its calibration must agree with it."""

from __future__ import annotations

import csv

import yaml

from expectations.params import DEFAULT_PARAMS
from smartcounty import constants
from smartcounty.settings import DBT_PROJECT_DIR, SEEDS_DIR


def test_report_years_are_the_dbt_var_and_the_checks_read_them():
    dbt_vars = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    assert constants.report_years() == tuple(dbt_vars["report_years"])
    assert DEFAULT_PARAMS["report_years"] == list(constants.report_years())


def test_sample_calibrates_the_report_years():
    from smartcounty.sample import rates

    assert rates.REPORT_YEARS == constants.report_years()


def test_network_index_weights_are_the_seed_and_the_sample_truth_uses_them():
    from smartcounty.sample import truth

    with open(SEEDS_DIR / "network_index_weights.csv", encoding="utf-8", newline="") as fh:
        seed = {r["indicator"]: float(r["weight"]) for r in csv.DictReader(fh)}
    assert constants.network_index_weights() == seed
    assert abs(sum(seed.values()) - 1) < 1e-12
    # the sample's truth names the indicators by short keys
    keys = {"gigabit": "gigabit_coverage", "bs5g_per_10k": "bs5g_per_10k", "bb_per_100": "broadband_per_100_households",
            "village5g": "village_5g_rate", "penetration": "internet_penetration"}
    assert {keys[k]: w for k, w in truth.WEIGHTS.items()} == seed


def test_the_sample_and_the_load_share_the_uscc_table_and_the_headers():
    from smartcounty.rawload import parse, spec
    from smartcounty.sample import connectivity, notices, uscc

    assert uscc.CHARSET == constants.USCC_CHARSET and list(uscc.WEIGHTS) == list(constants.USCC_WEIGHTS)
    assert parse.uscc_check_char("91350100M000100Y4") == "3"  # a published code, 91350100M000100Y43
    assert (notices.COLUMNS, connectivity.COLUMNS) == (list(spec.PROCUREMENT.headers), list(spec.CONNECTIVITY.headers))


def test_personal_columns_are_raw_headers_and_never_published():
    from smartcounty.rawload.spec import SPECS
    from smartcounty.serving.publish import PII_COLUMN

    headers = {h for s in SPECS.values() for h in s.headers}
    assert set(constants.PERSONAL_COLUMNS) <= headers
    assert all(PII_COLUMN.search(c) for c in constants.PERSONAL_COLUMNS)
    assert not PII_COLUMN.search("legal_basis")  # tender_min_days.legal_basis is published
