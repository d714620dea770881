"""``smartcounty docs``: the standard dbt docs site (lineage graph, every model and column
described) generated against the warehouse and written next to it, in ``docs_site/``.

``dbt docs generate --static`` embeds the manifest and catalog in one HTML file, so the
site's ``index.html`` works from the folder itself (file://) as well as over HTTP; the plain
``manifest.json`` and ``catalog.json`` are kept beside it for tools that read them."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
from pathlib import Path

from smartcounty import settings

SITE_DIR = "docs_site"
SITE_FILES = ("manifest.json", "catalog.json")
DEFAULT_PORT = 8080
# Where the Streamlit pages send readers for a model's docs page (`smartcounty docs --serve`).
DOCS_URL_ENV = "SMARTCOUNTY_DOCS_URL"


class DocsError(Exception):
    """dbt docs generation failed or its input is missing: one clear message."""


def site_dir(warehouse: Path) -> Path:
    return Path(warehouse).parent / SITE_DIR


def docs_command(target: Path, log_dir: Path) -> list[str]:
    return [settings.dbt_executable(), "docs", "generate", "--static", "--project-dir", str(settings.DBT_PROJECT_DIR),
            "--profiles-dir", str(settings.DBT_PROJECT_DIR), "--target-path", str(target),
            "--log-path", str(log_dir)]


def require_warehouse(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise DocsError(f"warehouse not found: {warehouse} (run `smartcounty build` first)")
    return warehouse


def generate(warehouse: Path) -> Path:
    """Run ``dbt docs generate`` against ``warehouse`` in a target folder of its own (never a
    build's) and publish index.html, manifest.json and catalog.json into ``docs_site/``."""
    warehouse = require_warehouse(warehouse)
    wh_dir = warehouse.parent
    target = wh_dir / "dbt_docs_target"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    # The project's parse is valid for every warehouse (dagster_pipeline/dbt_warehouse.py): reuse it.
    partial = settings.DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    if partial.exists():
        shutil.copyfile(partial, target / "partial_parse.msgpack")
    env = {**os.environ, settings.WAREHOUSE_ENV: str(warehouse.resolve()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(docs_command(target, target), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise DocsError(f"dbt docs generate failed (log: {target / 'dbt.log'}):\n{tail}")
    site = site_dir(warehouse)
    tmp = site.with_name(f".{SITE_DIR}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    shutil.copyfile(target / "static_index.html", tmp / "index.html")
    for name in SITE_FILES:
        shutil.copyfile(target / name, tmp / name)
    # Swap the whole folder so a reader never sees half of two sites.
    old = site.with_name(f".{SITE_DIR}.old-{os.getpid()}")
    if site.exists():
        site.rename(old)
    tmp.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    return site


def make_server(site: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A static file server for the site on loopback only (it is for the analyst at this machine)."""
    if not (Path(site) / "index.html").is_file():
        raise DocsError(f"no docs site at {site} (run `smartcounty docs` first)")

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 — one line per request is noise here
            pass

    handler = functools.partial(QuietHandler, directory=str(site))
    return http.server.ThreadingHTTPServer((host, port), handler)


def model_url(unique_id: str, base: str | None = None) -> str:
    """The docs site's page of a dbt node (the site routes with ``#!/<resource type>/<id>``)."""
    base = (base or os.environ.get(DOCS_URL_ENV) or f"http://127.0.0.1:{DEFAULT_PORT}").rstrip("/")
    resource_type = unique_id.split(".", 1)[0]
    return f"{base}/#!/{resource_type}/{unique_id}"
