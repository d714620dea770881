"""Render time of every Streamlit page with AppTest (headless), median of N runs.

    python -m benchmarks.app_pages --serving data/serving.duckdb --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from streamlit_app.navigation import view_names

APP = Path(__file__).resolve().parent.parent / "streamlit_app" / "app.py"
PAGES = view_names()


def render_seconds(page: str) -> float:
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.app_pages", description=__doc__)
    parser.add_argument("--serving", required=True, help="serving copy to render")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ["SMARTCOUNTY_SERVING"] = str(Path(args.serving).resolve())
    print("| page | median s | min s | max s |\n|---|---|---|---|")
    for page in PAGES:
        # The first run also warms Python imports and the query cache of the process; every run
        # counts, as a reader opening the page after a publish would see it.
        times = [render_seconds(page) for _ in range(args.runs)]
        print(f"| {page} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
