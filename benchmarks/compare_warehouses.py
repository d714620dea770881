"""Compare the relations of two warehouses row for row (issue 14: behaviour unchanged).

``python -m benchmarks.compare_warehouses BEFORE.duckdb AFTER.duckdb [schema ...]`` prints, per
relation present in both, the rows only in one side (EXCEPT ALL both ways) and, where only
DOUBLE columns differ, the largest absolute difference once rows are matched with those columns
rounded to 9 decimals. Relations present in only one warehouse are listed. Exit 1 if any
relation differs beyond that rounding."""

from __future__ import annotations

import sys

import duckdb

DEFAULT_SCHEMAS = ("marts", "report")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def relations(con, catalog: str, schema: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [catalog, schema]).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def compare(con, schema: str, table: str, columns: list[tuple[str, str]]) -> dict:
    names = ", ".join(_q(c) for c, _ in columns)
    rounded = ", ".join(f"round({_q(c)}, 9) as {_q(c)}" if t in ("DOUBLE", "FLOAT") else _q(c) for c, t in columns)
    result = {}
    for label, cols in (("exact", names), ("rounded", rounded)):
        a = f"select {cols} from a.{_q(schema)}.{_q(table)}"
        b = f"select {cols} from b.{_q(schema)}.{_q(table)}"
        only_a = con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
        only_b = con.execute(f"select count(*) from ({b} except all {a})").fetchone()[0]
        result[label] = (only_a, only_b)
    result["rows"] = con.execute(f"select count(*) from a.{_q(schema)}.{_q(table)}").fetchone()[0]
    return result


def main(argv: list[str]) -> int:
    before, after, *schemas = argv
    con = duckdb.connect()
    con.execute(f"attach '{before}' as a (read_only)")
    con.execute(f"attach '{after}' as b (read_only)")
    differs = 0
    for schema in schemas or DEFAULT_SCHEMAS:
        ra, rb = relations(con, "a", schema), relations(con, "b", schema)
        for table in sorted(set(ra) | set(rb)):
            if table not in ra or table not in rb:
                print(f"{schema}.{table}: only in {'after' if table in rb else 'before'}")
                continue
            if ra[table] != rb[table]:
                print(f"{schema}.{table}: columns differ: {ra[table]} / {rb[table]}")
                differs += 1
                continue
            r = compare(con, schema, table, ra[table])
            state = "identical" if r["exact"] == (0, 0) else (
                "equal to 9 decimals" if r["rounded"] == (0, 0) else "DIFFERENT")
            differs += state == "DIFFERENT"
            print(f"{schema}.{table}: {r['rows']} rows, {state}"
                  + ("" if state == "identical" else f" (rows only before/after: exact {r['exact']}, rounded {r['rounded']})"))
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
