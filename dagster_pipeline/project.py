"""The dbt project as Dagster sees it — kept alone in this module so that
``dagster-dbt project prepare-and-package --file dagster_pipeline/project.py`` (and
``ensure_manifest``) can import it before ``target/manifest.json`` exists."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from smartcounty import settings
from smartcounty.settings import dbt_executable

settings.export_env()

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()

_PROJECT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


def manifest_is_stale(project_dir: Path = settings.DBT_PROJECT_DIR) -> bool:
    manifest = project_dir / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _PROJECT_INPUTS:
        path = project_dir / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        if any(f.stat().st_mtime > built for f in files):
            return True
    return False


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than its sources.

    dagster-dbt reads the manifest when the definitions are imported; a fresh clone or an
    edited model would otherwise fail (or run yesterday's SQL)."""
    if manifest_is_stale():
        env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        cmd = [dbt_executable(), "parse", "--quiet", "--project-dir", str(settings.DBT_PROJECT_DIR),
               "--profiles-dir", str(settings.DBT_PROJECT_DIR)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("dbt parse failed:\n" + (done.stdout + done.stderr)[-4000:])
    return dbt_project.manifest_path
