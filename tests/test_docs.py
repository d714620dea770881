"""dbt docs: every model, seed, source and served column is described (Chinese term and English
meaning); ``smartcounty docs`` writes the site and serves it on loopback; the pages link to it."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import duckdb
import pytest

from smartcounty.serving import docs_site
from conftest import ROOT, SMARTCOUNTY, cli_env, default_signals, run_cli

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


def dbt_manifest() -> dict:
    from dagster_pipeline.project import ensure_manifest  # noqa: PLC0415 - dagster-dbt only for the tests that read it

    return json.loads(ensure_manifest().read_text(encoding="utf-8"))


def bilingual(text: str | None) -> bool:
    return bool(text and CJK.search(text) and LATIN.search(text))


def test_every_model_seed_source_and_served_column_is_described(small_build):
    manifest = dbt_manifest()
    missing = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] in ("model", "seed") and not bilingual(node.get("description")):
            missing.append(uid)
    for uid, source in manifest["sources"].items():
        if not bilingual(source.get("description")):
            missing.append(uid)
    # Columns of the served schemas as they really are in a built warehouse (a column the YAML
    # forgot is missing too, not only an empty description).
    documented = {(n["schema"], n["name"]): n.get("columns", {}) for n in manifest["nodes"].values()
                  if n["resource_type"] == "model"}
    con = duckdb.connect(str(small_build.warehouse), read_only=True)
    try:
        columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                              "where table_schema in ('marts', 'report') order by 1, 2, ordinal_position").fetchall()
    finally:
        con.close()
    assert columns
    for schema, table, column in columns:
        if not bilingual((documented.get((schema, table), {}).get(column) or {}).get("description")):
            missing.append(f"{schema}.{table}.{column}")
    assert missing == [], "described in Chinese and English nowhere in the dbt YAML: " + ", ".join(missing)


def test_dagster_assets_carry_the_dbt_descriptions():
    import dagster as dg

    from dagster_pipeline.definitions import defs

    manifest = dbt_manifest()
    node = manifest["nodes"]["model.smartcounty.figure_reconciliation"]
    spec = defs.resolve_assets_def(dg.AssetKey(["report", "figure_reconciliation"])).specs_by_key[
        dg.AssetKey(["report", "figure_reconciliation"])]
    assert node["description"].strip()[:20] in (spec.description or "")
    raw = defs.resolve_assets_def(dg.AssetKey("raw_procurement")).specs_by_key[dg.AssetKey("raw_procurement")]
    assert raw.description  # written in dagster_pipeline/assets/raw.py


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # dbt docs generate
def test_docs_command_writes_the_site_and_serves_it_on_loopback(small_build, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_build.warehouse, warehouse)
    done = run_cli("docs", "--warehouse", str(warehouse), env=cli_env(), check=True)
    site = tmp_path / docs_site.SITE_DIR
    assert str(site) in done.stdout
    assert {p.name for p in site.iterdir()} == {"index.html", "manifest.json", "catalog.json"}
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    assert "model.smartcounty.figure_reconciliation" in catalog["nodes"]
    assert "computed_value" in catalog["nodes"]["model.smartcounty.figure_reconciliation"]["columns"]
    index = (site / "index.html").read_text(encoding="utf-8")
    # --static: manifest and catalog are inside the page, so it works from the folder itself
    assert "model.smartcounty.figure_reconciliation" in index
    assert json.dumps("公布值核对")[1:-1] in index  # the descriptions, JSON-escaped inside the page
    assert not list(tmp_path.glob("dbt_docs_target*")) and not list(tmp_path.glob(".docs_site*"))

    port = free_port()
    proc = subprocess.Popen([*SMARTCOUNTY, "docs", "--warehouse", str(warehouse), "--serve", "--no-generate",
                             "--port", str(port)], cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_signals)
    try:
        body, deadline = None, time.monotonic() + 90  # the server's start-up is slow on a busy machine
        while body is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as response:
                    body = response.read().decode("utf-8")
            except OSError:
                time.sleep(0.2)
        assert body is not None, f"the docs server did not answer on port {port} (exit code {proc.poll()})"
        assert body == index
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise AssertionError("the docs server did not stop on SIGTERM within 30 s") from None
    assert f"http://127.0.0.1:{port}/" in proc.stderr.read()


def test_docs_command_fails_clearly_without_a_warehouse(tmp_path):
    done = run_cli("docs", "--warehouse", str(tmp_path / "none.duckdb"), env=cli_env())
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: warehouse not found: {tmp_path / 'none.duckdb'} (run `smartcounty build` first)"]


def test_pages_link_a_model_to_its_docs_page_only_when_the_site_exists(tmp_path, monkeypatch):
    from streamlit_app.docs_link import docs_url

    serving = tmp_path / "serving.duckdb"
    uid = "model.smartcounty.fig1_investment_share"
    assert docs_url(uid, serving) is None
    (tmp_path / docs_site.SITE_DIR).mkdir()
    (tmp_path / docs_site.SITE_DIR / "index.html").write_text("<html></html>", encoding="utf-8")
    assert docs_url(uid, serving) == f"http://127.0.0.1:8080/#!/model/{uid}"
    monkeypatch.setenv(docs_site.DOCS_URL_ENV, "https://docs.example.org/smartcounty/")
    assert docs_url(uid, serving) == f"https://docs.example.org/smartcounty/#!/model/{uid}"


def test_overview_page_links_its_figures_to_the_docs_site(small_build, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    serving = tmp_path / "serving.duckdb"
    shutil.copyfile(small_build.serving, serving)
    monkeypatch.setenv("SMARTCOUNTY_SERVING", str(serving))
    app = str(ROOT / "streamlit_app" / "app.py")

    def links() -> list[str]:
        at = AppTest.from_file(app, default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        return [m.value for m in at.markdown if "#!/model/model.smartcounty." in m.value]

    assert links() == []  # no site yet: no dead link
    (tmp_path / docs_site.SITE_DIR).mkdir()
    (tmp_path / docs_site.SITE_DIR / "index.html").write_text("<html></html>", encoding="utf-8")
    shown = links()
    assert shown and all("](http://127.0.0.1:8080/#!/model/model.smartcounty." in m for m in shown)
