"""Time ``smartcounty export`` in both formats on one serving copy, then read each export back
and compare it with the serving copy, relation by relation (row counts and every value).

    python -m benchmarks.export --serving /tmp/s1/serving.duckdb --out /tmp/s1/exports

Parquet is read back with DuckDB (``EXCEPT ALL`` both ways); the workbook with openpyxl, row by
row in scan order against the serving copy, each value as Excel holds it (numbers as floats,
dates as datetimes, NULL as no cell).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from smartcounty.serving import export


def run_export(serving: Path, out: Path, fmt: str) -> dict:
    """Run the command in a child process: its wall time, CPU time and peak memory."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "smartcounty.cli", "export", "--format", fmt,
                              "--out", str(out), "--serving", str(serving)])
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"export --format {fmt} failed ({status})")
    manifest = json.loads((out / export.MANIFEST).read_text(encoding="utf-8"))
    return {"format": fmt, "wall_s": round(time.perf_counter() - started, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024),
            "bytes": sum(f["bytes"] for f in manifest["files"]), "relations": len(manifest["relations"]),
            "rows": sum(r["rows"] for r in manifest["relations"]), "manifest": manifest}


def check_parquet(con, out: Path, manifest: dict) -> list[str]:
    bad = []
    for rel in manifest["relations"]:
        cols = ", ".join(f'"{c["name"]}"' for c in rel["columns"])
        mine, theirs = f"select {cols} from {rel['relation']}", f"select * from read_parquet('{out / rel['file']}')"
        diff = con.execute(f"select (select count(*) from ({mine} except all {theirs})) + "
                           f"(select count(*) from ({theirs} except all {mine}))").fetchone()[0]
        count = con.execute(f"select count(*) from ({theirs})").fetchone()[0]
        if diff or count != rel["rows"]:
            bad.append(f"{rel['relation']}: {count} rows read, {diff} differing")
    return bad


def as_excel(value):
    """A serving-copy value as the workbook gives it back."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def same(want, got) -> bool:
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return want == got
    if isinstance(want, float) and not math.isfinite(want):  # NaN and infinity: Excel's error values
        return got == ("#NUM!" if math.isnan(want) else "#DIV/0!")
    if isinstance(want, datetime) and isinstance(got, datetime):
        return abs((want - got).total_seconds()) < 0.001  # serials keep milliseconds
    return want == got


def check_xlsx(con, out: Path, manifest: dict) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(out / export.WORKBOOK, read_only=True)
    bad = []
    try:
        for rel in manifest["relations"]:
            width = len(rel["columns"])
            cols = ", ".join(f'"{c["name"]}"' for c in rel["columns"])
            cur = con.cursor()
            cur.execute(f"select {cols} from {rel['relation']}")
            rows = differing = 0
            for sheet in rel["sheets"]:
                got_rows = book[sheet].iter_rows(min_row=2, values_only=True)
                for got in got_rows:
                    want = cur.fetchone()
                    got = tuple(got) + (None,) * (width - len(got))  # trailing empty cells
                    if want is None or not all(same(as_excel(w), g) for w, g in zip(want, got)):
                        differing += 1
                    rows += 1
            if cur.fetchone() is not None or rows != rel["rows"] or differing:
                bad.append(f"{rel['relation']}: {rows} rows read, {differing} differing")
            cur.close()
            print(f"  {rel['relation']}: {rows} rows compared", flush=True)
    finally:
        book.close()
    return bad


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path, help="a folder for both exports")
    args = parser.parse_args(argv)
    # Both exports before any check: a child forked from a parent grown by the checks would report
    # the parent's memory as its own peak.
    results = {fmt: run_export(args.serving, args.out / fmt, fmt) for fmt in ("parquet", "xlsx")}
    con = duckdb.connect(str(args.serving), read_only=True)
    for fmt, check in (("parquet", check_parquet), ("xlsx", check_xlsx)):
        result = results[fmt]
        started = time.perf_counter()
        bad = check(con, args.out / fmt, result.pop("manifest"))
        result.update(round_trip="identical" if not bad else bad, check_s=round(time.perf_counter() - started, 1))
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if all(r["round_trip"] == "identical" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
