"""The project's consolidated generic tests (`not_null_columns`, `row_rules`) fail on bad rows and
name what failed.

A throwaway dbt project in tmp_path uses the real `dbt_project/macros/generic_tests/` on two tiny
models: one that breaks every rule once, one that keeps them all. One `dbt build` (no warehouse,
no pipeline) runs both; dbt must exit non-zero, and the failing rows stored by dbt must name the
NULL column and each broken rule."""

from __future__ import annotations

import json
import os
import subprocess

import duckdb

from smartcounty import settings
from smartcounty.settings import dbt_executable

PROJECT = """
name: generic_tests_proof
version: "1.0.0"
config-version: 2
profile: proof
model-paths: ["models"]
macro-paths: ["macros"]
data_tests:
  +store_failures: true
  +schema: audit
"""

PROFILE = """
proof:
  target: dev
  outputs:
    dev: {{type: duckdb, path: "{path}", threads: 1}}
"""

# Row 1 breaks every rule, row 2 keeps them, row 3 has the NULLs that column rules let pass.
BAD = """
select * from (values
    (1, cast(null as varchar), -1, 'odd', 'awarded', cast(null as date)),
    (2, 'b', 5, 'even', 'awarded', date '2023-01-01'),
    (3, 'c', cast(null as integer), cast(null as varchar), 'not_awarded', cast(null as date))
) as t(id, name, score, kind, status, award_date)
"""

RULES = """
          rules:
            - {column: score, min_value: 0, max_value: 10}
            - {column: score, min_value: 0, min_inclusive: false}
            - {column: kind, values: [even, none]}
            - {column: id, values: [1, 2, 3], quote: false}
            - {expression: "award_date is not null", where: "status = 'awarded'"}
            - {expression: "id < 100"}
"""

MODELS_YML = f"""
version: 2
models:
  - name: bad_rows
    data_tests:
      - not_null_columns:
          arguments: {{columns: [id, name, score]}}
      - row_rules:
          arguments:{RULES}
  - name: good_rows
    data_tests:
      - not_null_columns:
          arguments: {{columns: [id, name, kind]}}
      - row_rules:
          arguments:{RULES}
"""


def test_consolidated_generic_tests_fail_on_bad_rows_and_name_the_rule(tmp_path):
    project = tmp_path / "proof"
    (project / "models").mkdir(parents=True)
    (project / "macros").symlink_to(settings.DBT_PROJECT_DIR / "macros" / "generic_tests")
    warehouse = tmp_path / "proof.duckdb"
    (project / "dbt_project.yml").write_text(PROJECT, encoding="utf-8")
    (project / "profiles.yml").write_text(PROFILE.format(path=warehouse), encoding="utf-8")
    (project / "models" / "bad_rows.sql").write_text(BAD, encoding="utf-8")
    (project / "models" / "good_rows.sql").write_text(
        "select * from (" + BAD + ") as b where id = 2", encoding="utf-8")
    (project / "models" / "_models.yml").write_text(MODELS_YML, encoding="utf-8")

    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [dbt_executable(), "build", "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode != 0, done.stdout[-3000:]  # a failing data test fails the build

    results = json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    status = {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results
              if r["unique_id"].startswith("test.")}
    bad = {n: s for n, s in status.items() if "bad_rows" in n}
    good = {n: s for n, s in status.items() if "good_rows" in n}
    assert sorted(s for s, _ in good.values()) == ["pass", "pass"], good
    assert {n.split("_bad_rows")[0]: s for n, s in bad.items()} == {
        "not_null_columns": ("fail", 2),  # rows 1 and 3 (row 3's NULL kind is not a listed column)
        "row_rules": ("fail", 1),         # row 1 only: row 3's NULLs pass the column rules
    }

    con = duckdb.connect(str(warehouse), read_only=True)
    tables = dict(con.execute(
        "select table_name, table_schema || '.' || table_name from information_schema.tables "
        "where table_schema like '%audit'").fetchall())
    stored = {name.split("_bad_rows")[0]: table for name, table in tables.items() if "bad_rows" in name}
    assert con.execute(f"select id, null_columns from {stored['not_null_columns']} order by id").fetchall() == [
        (1, "name "), (3, "score ")]
    (failed,) = con.execute(f"select failed_rules from {stored['row_rules']}").fetchone()
    con.close()
    assert failed.split("; ")[:-1] == [
        "score >= 0 and score <= 10",
        "score > 0",
        "kind in ('even', 'none')",
        "award_date is not null where status = 'awarded'",
    ]
