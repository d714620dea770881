"""The prestarted dbt worker and its relay (dagster_pipeline/dbt_worker.py, dbt_relay.py).

Each scenario runs in a fresh interpreter (``prestart`` forks the process that calls it, which
must not be pytest's); the builds of the other tests run every dbt step through the worker."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, cli_env
from dagster_pipeline.dbt_worker import changes_parse

SCENARIO = textwrap.dedent('''
    import json, os, subprocess, sys, time
    from dagster_pipeline import dbt_worker
    from smartcounty import settings

    settings.export_env()
    project = str(settings.DBT_PROJECT_DIR)
    dbt_worker.prestart()
    relay = dbt_worker.executable()
    calls = []
    for args in json.loads(sys.argv[1]):
        done = subprocess.run([relay, *args], cwd=project, capture_output=True, text=True, timeout=300)
        calls.append({"code": done.returncode, "out": done.stdout, "err": done.stderr})
    started = time.monotonic()
    status = dbt_worker.discard()
    print(json.dumps({"relay": relay, "calls": calls, "status": status,
                      "discard_s": time.monotonic() - started,
                      "socket_left": os.environ.get(dbt_worker.ADDRESS_ENV)}))
''')


SAVED_PARSE = ROOT / "dbt_project" / "target" / "partial_parse.msgpack"


def scenario(tmp_path, *calls: list[str]) -> dict:
    # dbt itself (when the relay falls back) writes its artifacts and its parse here, not into
    # the project's target folder: a parse made with other --vars saved there would make every
    # later build of the run parse in full (dbt_worker.keep_parse heals it, one build later).
    target = tmp_path / "dbt_target"
    target.mkdir()
    if SAVED_PARSE.exists():
        shutil.copyfile(SAVED_PARSE, target / SAVED_PARSE.name)
    env = {**cli_env(warehouse=tmp_path / "warehouse.duckdb"), "DBT_TARGET_PATH": str(target),
           "DBT_LOG_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCENARIO, json.dumps(list(calls))], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_options_that_change_the_parse_are_declined():
    assert changes_parse(["build", "--select", "fqn:*", "--full-refresh"]) is None
    assert changes_parse(["--log-level-file", "none", "build"]) is None
    assert changes_parse(["build", "--vars", "{as_of_date: 2025-01-01}"]) == "--vars given"
    assert changes_parse(["run", "--target=prod"]) == "--target given"
    assert changes_parse(["ls", "--profiles-dir", "/elsewhere"]) == "--profiles-dir given"


@pytest.mark.slow
def test_the_worker_serves_one_command_then_the_relay_runs_dbt_itself(tmp_path):
    ls = ["ls", "--resource-type", "model", "--output", "name", "--quiet"]
    result = scenario(tmp_path, ls, ls, ["run-operation", "no_such_macro"])
    assert result["relay"].endswith("smartcounty-dbt")
    first, second, failing = result["calls"]
    # served by the worker: the parsed project's models, exit 0
    assert first["code"] == 0, first["err"][-2000:]
    models = set(first["out"].split())
    assert {"fct_procurement_lots", "county_scorecard", "fig1_investment_share"} <= models
    # the worker is used up: the relay runs dbt itself, with the same answer
    assert second["code"] == 0 and set(second["out"].split()) == models
    # dbt's exit code comes through (an unknown macro is an error)
    assert failing["code"] != 0
    assert result["status"] == "served"
    assert result["socket_left"] is None


@pytest.mark.slow
def test_an_unused_worker_ends_when_discarded(tmp_path):
    result = scenario(tmp_path)
    assert result["status"] == "unused"
    assert result["discard_s"] < 5


@pytest.mark.slow
def test_a_command_that_changes_the_parse_is_declined_and_run_by_dbt(tmp_path):
    before = hashlib.sha256(SAVED_PARSE.read_bytes()).hexdigest() if SAVED_PARSE.exists() else None
    result = scenario(tmp_path, ["ls", "--resource-type", "model", "--output", "name", "--quiet",
                                 "--vars", "{as_of_date: '2024-06-30'}"])
    after = hashlib.sha256(SAVED_PARSE.read_bytes()).hexdigest() if SAVED_PARSE.exists() else None
    assert after == before  # the project's saved parse is not the one made with these --vars
    assert (tmp_path / "dbt_target" / "manifest.json").exists()
    (call,) = result["calls"]
    assert call["code"] == 0, call["err"][-2000:]
    assert "fct_procurement_lots" in call["out"].split()
    assert result["status"] == "declined"


def test_the_relay_without_a_worker_is_dbt(tmp_path):
    env = {**cli_env(), "SMARTCOUNTY_DBT_WORKER": str(tmp_path / "no-such-socket")}
    relay = Path(sys.executable).with_name("smartcounty-dbt")
    done = subprocess.run([str(relay), "--version"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Core" in done.stdout + done.stderr


FORK_HYGIENE = textwrap.dedent('''
    import json, os, time
    from dagster_pipeline import dbt_worker
    from expectations import pool
    from smartcounty import settings

    settings.export_env()
    started = pool.prestart(workers=1)  # as `smartcounty build` does: the GX workers first
    fds = [channel.fileno() for channel in started._spawned]
    ours = {fd: os.readlink(f"/proc/self/fd/{fd}") for fd in fds}
    dbt_worker.prestart(in_child=pool.forget_in_fork)
    pid = dbt_worker._WORKER.pid
    time.sleep(1.0)
    theirs = {fd: os.readlink(f"/proc/{pid}/fd/{fd}") if os.path.exists(f"/proc/{pid}/fd/{fd}") else None
              for fd in fds}
    print(json.dumps({"ours": ours, "theirs": theirs, "still_prestarted": pool.take() is started}))
    dbt_worker.discard()
    started.close()
''')


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_the_dbt_worker_does_not_hold_the_gx_workers_sockets(tmp_path):
    """Else a GX worker would wait for the dbt worker, not the build, to close its socket."""
    done = subprocess.run([sys.executable, "-c", FORK_HYGIENE], cwd=ROOT, env=cli_env(warehouse=tmp_path / "w.duckdb"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ours"] and all(link.startswith("socket:") for link in result["ours"].values())
    assert all(result["theirs"][fd] != link for fd, link in result["ours"].items())
    assert result["still_prestarted"]  # the build process keeps its pool


def load_hot_topics_model():
    path = ROOT / "dbt_project" / "models" / "report" / "procurement" / "scenarios" / "hot_topics.py"
    spec = importlib.util.spec_from_file_location("hot_topics_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # loads jieba's dictionary twice (≈ 3 s)
def test_the_preloaded_dictionary_segments_as_the_models_own_load(tmp_path, monkeypatch):
    import jieba

    from dagster_pipeline.dbt_worker import JIEBA_CACHE_DIR, preload_segmenter

    model = load_hot_topics_model()
    # one jieba cache for the worker and the model (a different one would only cost a first load)
    assert f'"{JIEBA_CACHE_DIR.name}"' in Path(model.__file__).read_text(encoding="utf-8")
    words = ["智慧城市", "数字乡村", "雪亮工程", "城市大脑"]
    titles = ["南宁市青秀区智慧城市城市大脑建设项目", "某县数字乡村综合服务平台采购项目（二期）", "雪亮工程视频监控运维服务"]
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())  # nothing preloaded: the model loads its own
    own = model.make_tokenizer(words, str(tmp_path / "own"))
    assert not jieba.dt.initialized
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())
    assert preload_segmenter(tmp_path / "cache")  # what the dbt worker does while it waits
    copied = model.make_tokenizer(words, str(tmp_path / "copy"))
    assert copied.FREQ is not jieba.dt.FREQ and len(jieba.dt.FREQ) < len(copied.FREQ)  # a copy: user words not shared
    assert (copied.FREQ, copied.total) == (own.FREQ, own.total)
    assert [copied.lcut(t, HMM=False) for t in titles] == [own.lcut(t, HMM=False) for t in titles]


def _macro(package, name, body="", calls=()):
    from types import SimpleNamespace

    return SimpleNamespace(unique_id=f"macro.{package}.{name}", name=name, package_name=package,
                           macro_sql=body or f"{{% macro {name}(x) %}}{{{{ x }}}} + {name}{{% endmacro %}}",
                           original_file_path="macros/x.sql", resource_type="macro",
                           depends_on=SimpleNamespace(macros=[f"macro.{c}" for c in calls]))


def _manifest(macros, nodes=()):
    from types import SimpleNamespace

    return SimpleNamespace(macros={m.unique_id: m for m in macros}, metadata=SimpleNamespace(adapter_type="duckdb"),
                           nodes={f"model.p.n{i}": n for i, n in enumerate(nodes)})


def _node(materialized, calls=()):
    from types import SimpleNamespace

    return SimpleNamespace(config=SimpleNamespace(materialized=materialized),
                           depends_on=SimpleNamespace(macros=[f"macro.{c}" for c in calls]))


def test_the_macros_precompiled_are_those_the_nodes_call():
    from dagster_pipeline.dbt_worker import macros_called

    macros = [_macro("dbt_duckdb", "materialization_table_duckdb", calls=["dbt.statement", "dbt.create_table_as"]),
              _macro("dbt", "materialization_table_default"),      # the adapter's own one wins
              _macro("dbt", "materialization_view_default", calls=["dbt.statement"]),
              _macro("dbt", "statement"), _macro("dbt", "create_table_as"),
              _macro("dbt", "default__create_table_as"), _macro("dbt_duckdb", "duckdb__create_table_as"),
              _macro("dbt", "postgres__create_table_as"),           # another adapter's
              _macro("p", "cents", calls=["p.round_half"]), _macro("p", "round_half"),
              _macro("p", "unused"), _macro("dbt", "materialization_seed_default")]
    names = [m.name for m in macros_called(_manifest(macros, [_node("table"), _node("view", ["p.cents"])]))]
    assert set(names) == {"materialization_table_duckdb", "materialization_view_default", "statement",
                          "create_table_as", "default__create_table_as", "duckdb__create_table_as", "cents",
                          "round_half"}
    assert names[0] == "materialization_table_duckdb"  # the first node's materialization first


def test_macros_compiled_while_waiting_are_the_templates_dbt_would_compile():
    from dbt_common.clients.jinja import get_template, template_cache

    from dagster_pipeline.dbt_worker import compile_macros

    good = [_macro("p", f"m{i}") for i in range(40)]
    broken = _macro("p", "broken", "{% macro broken() %}{{ unclosed {% endmacro %}")
    manifest = _manifest([good[0], broken, *good[1:]], [_node("view", [m.unique_id[6:] for m in [good[0], broken, *good[1:]]])])
    try:
        assert compile_macros(manifest, lambda: False) == 40  # the broken one is left to dbt
        for m in good:
            cached = template_cache.file_cache[m.macro_sql]
            fresh = get_template(m.macro_sql, {}, node=m)
            name = f"dbt_macro__{m.name}"  # dbt's name for a macro in its module
            assert cached.module.__dict__.keys() == fresh.module.__dict__.keys()
            assert getattr(cached.module, name)("7") == getattr(fresh.module, name)("7") == f"7 + {m.name}"
        assert broken.macro_sql not in template_cache.file_cache
        template_cache.clear()
        calls = iter([False, True])  # the relay calls after the first batch of 16
        assert compile_macros(manifest, lambda: next(calls)) == 15
        assert len(template_cache.file_cache) == 15
    finally:
        template_cache.clear()


def test_a_full_parse_becomes_the_saved_parse_atomically(tmp_path):
    from types import SimpleNamespace

    from dagster_pipeline.dbt_worker import FULL_PARSE_EVENTS, _note_full_parse, keep_parse

    made, saved = tmp_path / "run" / "partial_parse.msgpack", tmp_path / "project" / "target" / "partial_parse.msgpack"
    assert not keep_parse(made, saved) and not saved.exists()  # the parse wrote nothing: nothing to keep
    made.parent.mkdir()
    made.write_bytes(b"parse made with the build's settings")
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"parse made with --vars")
    assert keep_parse(made, saved)
    assert saved.read_bytes() == made.read_bytes() and sorted(p.name for p in saved.parent.iterdir()) == [saved.name]
    full = []
    for name in ("PartialParsingEnabled", "UnableToPartialParse", "MainReportVersion"):
        _note_full_parse(SimpleNamespace(info=SimpleNamespace(name=name)), full)
    assert full == ["UnableToPartialParse"] and "UnableToPartialParse" in FULL_PARSE_EVENTS
