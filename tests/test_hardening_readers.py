"""Concurrent readers: four processes query the serving copy while two builds publish
over it, back to back (issue 7).

Each reader opens the copy read-only per query and reads meta.build_info.built_at together
with a digest of a report relation in ONE statement on ONE connection, then closes it. Every
answer must be a pair some complete build published (the prior copy or one of the two
builds, each from a different seed so the digests differ) and no query may fail; the readers
must have seen all three copies (two swaps under them: the second replaces a copy a build
published, not the test's own file).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, cli_env, run_cli

pytestmark = pytest.mark.slow  # two samples and two full builds

READERS = 4
SEEDS = (11, 12)
# built_at and an order-independent digest of a whole report relation, in one statement.
ANSWER_SQL = (
    "select b.built_at::varchar, r.n, r.digest from meta.build_info b, "
    "(select count(*) as n, sum(hash(t))::varchar as digest from report.data_quality t) r"
)

READER = r"""
import json, os, sys, time
import duckdb

serving, stop, out, sql, max_seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
answers, errors, queries = {}, [], 0
ends = time.monotonic() + max_seconds  # bound: never outlive the test
while not os.path.exists(stop) and time.monotonic() < ends:
    queries += 1
    try:
        con = duckdb.connect(serving, read_only=True)
        try:
            key = json.dumps(list(con.execute(sql).fetchone()))
        finally:
            con.close()
        answers[key] = answers.get(key, 0) + 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.3)  # leave the two cores to the builds
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"answers": answers, "errors": errors, "queries": queries}, fh)
"""


def published_answer(serving: Path) -> str:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return json.dumps(list(con.execute(ANSWER_SQL).fetchone()))
    finally:
        con.close()


@pytest.mark.timeout(900)
def test_readers_see_only_complete_builds_while_two_builds_publish(small_build, tmp_path):
    drops = []
    for seed in SEEDS:  # slightly different drops, so every build publishes different answers
        raw = tmp_path / f"raw_{seed}"
        run_cli("sample", "--out", str(raw), "--scale", "0.01", "--seed", str(seed), check=True)
        drops.append(raw)
    work = tmp_path / "wh"
    work.mkdir()
    warehouse, serving = work / "warehouse.duckdb", work / "serving.duckdb"
    shutil.copyfile(small_build.serving, serving)  # readers start on the previous good copy
    published = [published_answer(serving)]

    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(serving), str(stop), str(tmp_path / f"reader{i}.json"),
                          ANSWER_SQL, "800"], cwd=ROOT)
        for i in range(READERS)
    ]
    builds, started = [], time.monotonic()
    try:
        time.sleep(1.0)
        for raw in drops:
            done = run_cli("build", env=cli_env(raw=raw, warehouse=warehouse, serving=serving), timeout=400)
            builds.append(done)
            assert done.returncode == 0, done.stderr[-3000:]
            published.append(published_answer(serving))
        time.sleep(1.0)
    finally:
        stop.touch()
        for proc in readers:
            proc.wait(timeout=60)
    elapsed = time.monotonic() - started

    results = [json.loads((tmp_path / f"reader{i}.json").read_text(encoding="utf-8")) for i in range(READERS)]
    queries = sum(r["queries"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    answers: dict[str, int] = {}
    for r in results:
        for key, n in r["answers"].items():
            answers[key] = answers.get(key, 0) + n
    print(f"\nreaders: {queries} queries answered during {len(builds)} builds in {elapsed:.0f} s, "
          f"{len(errors)} errors; answers per build: {[answers.get(p, 0) for p in published]}")

    assert len(set(published)) == len(SEEDS) + 1, "two builds published the same answer"
    assert len({json.loads(p)[2] for p in published}) == len(SEEDS) + 1, "the seeds should change the report"
    assert errors == [], errors[:5]
    assert sum(answers.values()) == queries
    assert set(answers) <= set(published), f"answers from no complete build: {set(answers) - set(published)}"
    # the readers really ran across the swaps: they saw the first copy, the last one, and queried all along
    assert answers.get(published[0]) and answers.get(published[-1])
    assert sum(1 for p in published if answers.get(p)) >= 3
    assert queries >= 100
