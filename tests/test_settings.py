"""The one place the project's settings are read (smartcounty/settings.py)."""

from __future__ import annotations

import pytest

from smartcounty import settings


@pytest.mark.parametrize("value, expected", [("", "1GB"), ("800MB", "800MB"), (" 2GiB ", "2GiB"), ("1.5GB", "1.5GB")])
def test_duckdb_memory_limit(monkeypatch, value, expected):
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, value)
    assert settings.duckdb_memory_limit() == expected


@pytest.mark.parametrize("value", ["lots", "1 gigabyte", "-1GB", "1GB; PRAGMA x"])
def test_bad_memory_limit_fails_early_with_the_variable_named(monkeypatch, value):
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, value)
    with pytest.raises(ValueError, match=settings.MEMORY_LIMIT_ENV):
        settings.duckdb_memory_limit()


def test_export_env_hands_the_memory_limit_to_dbt(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, "700MB")
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "w.duckdb"))
    settings.export_env()
    import os

    assert os.environ[settings.MEMORY_LIMIT_ENV] == "700MB"
    assert "SMARTCOUNTY_DUCKDB_MEMORY_LIMIT" in (settings.DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
