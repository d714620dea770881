"""The project's generic test `table_checks` (every check of a relation in one dbt node) fails the
build on each kind of broken rule and names the rule in the failing rows.

A throwaway dbt project in tmp_path uses the real `dbt_project/macros/generic_tests/` on tiny
models: `bad_rows` breaks each kind of check once (NOT NULL, a key, a composite key with NULLs, a
filtered key, a range, accepted values, a rule with `where`, a competition rank, the row count, a
reference), `good_rows` keeps them all. One `dbt build` (no warehouse, no pipeline) runs both; dbt
must exit non-zero, and the failing rows stored by dbt must name every broken rule and nothing else."""

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

PARENT = "select * from (values (1), (2)) as t(id)"

# Row 1 breaks the row rules, rows 3 and 4 share id 3 and (grp, kind) = ('b', NULL); rows 1 and 2
# are both primary in grp 'a'; row 3's NULL score passes the range and is outside the rank's `where`
# (unfiltered, its NULL would rank last and fail); NULL parent_ids pass the reference and the key.
BAD = """
select * from (values
    (1, cast(null as varchar), -1, 'odd', 'awarded', cast(null as date), 'a', 1, 9, true),
    (2, 'b', 5, 'even', 'awarded', date '2023-01-01', 'a', 1, 1, true),
    (3, 'c', cast(null as integer), cast(null as varchar), 'not_awarded', cast(null as date), 'b', 1, cast(null as integer), false),
    (3, 'd', 4, cast(null as varchar), 'not_awarded', cast(null as date), 'b', 1, cast(null as integer), false)
) as t(id, name, score, kind, status, award_date, grp, rnk, parent_id, is_primary)
"""

CHECKS = """
          not_null: [id, name, score]
          unique: [id, parent_id, [grp, kind], {{columns: [grp], where: "is_primary"}}]
          rules:
            - {{column: score, min_value: 0, max_value: 10}}
            - {{column: kind, values: [even, none]}}
            - {{column: id, values: [1, 2, 3], quote: false}}
            - {{expression: "award_date is not null", where: "status = 'awarded'"}}
          ranks: [{{column: rnk, order_by: score, partition_by: [grp], where: "score is not null"}}]
          row_count: {{min_value: {min_rows}}}
"""

REFERENCES = """
          key: [id]
          references: [{column: parent_id, to: ref('parent_rows'), field: id}]
"""

MODELS_YML = f"""
version: 2
models:
  - name: bad_rows
    data_tests:
      - table_checks:
          name: checks_bad_rows
          arguments:{CHECKS.format(min_rows=5)}
      - table_checks:
          name: references_bad_rows
          arguments:{REFERENCES}
  - name: good_rows
    data_tests:
      - table_checks:
          name: checks_good_rows
          arguments:{CHECKS.format(min_rows=1)}
      - table_checks:
          name: references_good_rows
          arguments:{REFERENCES}
"""

RANK = "rnk = rank() over (partition by grp order by score desc) where score is not null"


def test_table_checks_fail_on_each_broken_rule_and_name_it(tmp_path):
    project = tmp_path / "proof"
    (project / "models").mkdir(parents=True)
    (project / "macros").symlink_to(settings.DBT_PROJECT_DIR / "macros" / "generic_tests")
    warehouse = tmp_path / "proof.duckdb"
    (project / "dbt_project.yml").write_text(PROJECT, encoding="utf-8")
    (project / "profiles.yml").write_text(PROFILE.format(path=warehouse), encoding="utf-8")
    (project / "models" / "parent_rows.sql").write_text(PARENT, encoding="utf-8")
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
    assert status == {
        "checks_good_rows": ("pass", 0),
        "references_good_rows": ("pass", 0),
        "checks_bad_rows": ("fail", 10),
        "references_bad_rows": ("fail", 1),
    }, done.stdout[-3000:]

    con = duckdb.connect(str(warehouse), read_only=True)
    failed = {name: set(con.execute(f"select rule, row_key, detail from {schema}.{name}").fetchall())
              for schema, name in con.execute(
                  "select table_schema, table_name from information_schema.tables "
                  "where table_schema like '%audit' and table_name like '%bad_rows'").fetchall()}
    con.close()
    assert failed["checks_bad_rows"] == {
        ("name is not null", "1", None),
        ("score is not null", "3", None),
        ("score >= 0 and score <= 10", "1", None),
        ("kind in ('even', 'none')", "1", None),
        ("award_date is not null where status = 'awarded'", "1", None),
        ("unique(id)", "3", "2 rows"),
        ("unique(grp, kind)", "b|NULL", "2 rows"),   # a composite key: NULLs compare equal
        ("unique(grp) where is_primary", "a", "2 rows"),
        (RANK, "1", "rank 1, expected 2"),
        ("row_count >= 5", None, "4 rows"),
    }
    assert failed["references_bad_rows"] == {("parent_id in parent_rows.id", "1", "9")}
