"""The one place the project's settings are read (smartcounty/settings.py)."""

from __future__ import annotations

import pytest

from smartcounty import settings


@pytest.mark.parametrize("env, read, default", [
    (settings.MEMORY_LIMIT_ENV, settings.duckdb_memory_limit, "1GB"),
    (settings.DBT_MEMORY_LIMIT_ENV, settings.dbt_memory_limit, "4GB"),
])
@pytest.mark.parametrize("value", ["", "800MB", " 2GiB ", "1.5GB"])
def test_memory_limits(monkeypatch, env, read, default, value):
    monkeypatch.setenv(env, value)
    assert read() == (value.strip() or default)


@pytest.mark.parametrize("env, read", [
    (settings.MEMORY_LIMIT_ENV, settings.duckdb_memory_limit),
    (settings.DBT_MEMORY_LIMIT_ENV, settings.dbt_memory_limit),
])
@pytest.mark.parametrize("value", ["lots", "1 gigabyte", "-1GB", "1GB; PRAGMA x"])
def test_bad_memory_limit_fails_early_with_the_variable_named(monkeypatch, env, read, value):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=env):
        read()


def test_export_env_hands_both_memory_limits_to_the_processes_it_starts(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, "700MB")
    monkeypatch.delenv(settings.DBT_MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "w.duckdb"))
    settings.export_env()
    import os

    assert os.environ[settings.MEMORY_LIMIT_ENV] == "700MB"
    assert os.environ[settings.DBT_MEMORY_LIMIT_ENV] == settings.DEFAULT_DBT_MEMORY_LIMIT
    monkeypatch.setenv(settings.DBT_MEMORY_LIMIT_ENV, "2 gigabytes")
    with pytest.raises(ValueError, match=settings.DBT_MEMORY_LIMIT_ENV):  # a typo fails before the build
        settings.export_env()
