"""What the benchmark's three implementations share: the drop's file selection, the report
parameters (dbt vars), and the three figures as comparable Python values.

Figures are plain dicts ``{relation: [row dict, ...]}`` with the report's column names, rows in
report order. Counts are ``int``, money ``Decimal``, ratios ``float`` (or None), dates ``date``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "dbt_project" / "seeds"
SOURCES = ("procurement", "registry", "connectivity")

FIGURES = {
    "fig1_investment_share": ("year", "informatization_investment_yuan", "smart_city_investment_yuan",
                              "smart_city_share", "informatization_lot_count", "smart_city_lot_count",
                              "counties_with_smart_city"),
    "enterprise_counts": ("as_of_date", "enterprises_on_register", "digital_economy_enterprises",
                          "smart_city_enterprises"),
    "internet_penetration": ("year", "county_count", "overall_rate", "rural_rate", "urban_rate"),
}
RATIO_COLUMNS = {"smart_city_share", "overall_rate", "rural_rate", "urban_rate"}
RATIO_RTOL = 1e-12


@dataclass(frozen=True)
class ReportParams:
    as_of_date: date
    report_years: tuple[int, ...]


def report_params(project_file: Path = ROOT / "dbt_project" / "dbt_project.yml") -> ReportParams:
    """The dbt vars the report relations are built with (defaults of dbt_project.yml)."""
    variables = yaml.safe_load(project_file.read_text(encoding="utf-8"))["vars"]
    return ReportParams(date.fromisoformat(str(variables["as_of_date"])),
                        tuple(int(y) for y in variables["report_years"]))


def selected_files(raw_dir: Path, source: str) -> list[Path]:
    """The files of one source folder the contract says are read, in read order."""
    folder = Path(raw_dir) / source
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.iterdir(), key=lambda p: p.name)
            if p.is_file() and not p.name.startswith(".")
            and p.name.lower().endswith((".csv", ".csv.gz"))]


def normalise(value):
    """One comparable Python value per cell (DuckDB and pandas hand back different types)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (Decimal, date)):  # numpy scalars
        value = value.item()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime().date()
    return value


def normalise_figures(figures: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {name: [{c: normalise(row[c]) for c in FIGURES[name]} for row in figures.get(name, [])]
            for name in FIGURES}


def _cell_equal(column: str, expected, got) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if column in RATIO_COLUMNS:
        return math.isclose(float(expected), float(got), rel_tol=RATIO_RTOL, abs_tol=0.0)
    if isinstance(expected, Decimal) or isinstance(got, Decimal):
        return Decimal(str(expected)) == Decimal(str(got))
    return expected == got


def compare_figures(expected: dict[str, list[dict]], got: dict[str, list[dict]]) -> list[str]:
    """Every difference between two figure sets, as readable lines (empty = equal).

    Counts and money exactly, ratios to 1e-12 relative."""
    expected, got = normalise_figures(expected), normalise_figures(got)
    problems = []
    for name, columns in FIGURES.items():
        want, have = expected[name], got[name]
        if len(want) != len(have):
            problems.append(f"{name}: {len(want)} rows expected, {len(have)} got")
        for i, (w, h) in enumerate(zip(want, have)):
            for c in columns:
                if not _cell_equal(c, w[c], h[c]):
                    problems.append(f"{name} row {i} {c}: expected {w[c]!r}, got {h[c]!r}")
    return problems


def pipeline_figures(database: Path) -> dict[str, list[dict]]:
    """The three relations of schema ``report`` in a warehouse or serving copy."""
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        out = {}
        for name, columns in FIGURES.items():
            order = "as_of_date" if name == "enterprise_counts" else "year"
            cur = con.execute(f"select {', '.join(columns)} from report.{name} order by {order}")
            out[name] = [dict(zip(columns, row)) for row in cur.fetchall()]
        return out
    finally:
        con.close()
