"""A link from a figure's source model to its page in the dbt docs site (`smartcounty docs`).

The pages read only the serving copy, so the site is looked for next to it (`docs_site/`, where
`smartcounty docs` writes it in the default layout, warehouse and serving copy in one folder); the
link points at `smartcounty docs --serve` (or `$SMARTCOUNTY_DOCS_URL`), since a browser will not
follow a file:// link from an http:// page. No site, no link."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from smartcounty import settings
from smartcounty.serving import docs_site
from streamlit_app.i18n import is_english


def docs_url(unique_id: str, serving: Path | None = None) -> str | None:
    site = Path(serving or settings.serving_path()).parent / docs_site.SITE_DIR
    if not unique_id or not (site / "index.html").is_file():
        return None
    return docs_site.model_url(unique_id)


def docs_link(unique_id: str) -> None:
    url = docs_url(unique_id)
    if url:
        label = "Open in the dbt docs" if is_english() else "在 dbt 文档中查看"
        st.markdown(f"[{label}]({url})")
