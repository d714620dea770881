"""Serving: what leaves the warehouse for readers — the published serving copy (``publish``),
its Parquet/XLSX export (``export``) and the dbt docs site (``docs_site``).

Above the core (settings, rawload), below the orchestration and the front end; imports no
Dagster, Streamlit or Great Expectations (pyproject.toml ``[tool.importlinter]``)."""
