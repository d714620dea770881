"""The reference data the raw load reads (dbt seeds): registry status classes, the 111
counties and the county-code crosswalk."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .spec import nfkc

# The seeds a parse depends on: part of the loader's fingerprint (state.loader_fingerprint).
REFERENCE_SEEDS = ("registry_status_map", "guangxi_counties", "county_code_crosswalk")


@dataclass(frozen=True)
class Reference:
    status_map: dict[str, str]  # NFKC(raw_status) -> status_class
    counties: frozenset[str]  # the 111 county codes
    crosswalk: dict[str, str]  # old code -> current code


def _read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    with open(Path(seeds_dir) / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_reference(seeds_dir: Path) -> Reference:
    status_map: dict[str, str] = {}
    for row in _read_seed(seeds_dir, "registry_status_map"):
        key, value = nfkc(row["raw_status"].strip()), row["status_class"].strip()
        if status_map.get(key, value) != value:
            raise ValueError(f"registry_status_map: {key!r} maps to two classes after NFKC")
        status_map[key] = value
    counties = frozenset(r["county_code"].strip() for r in _read_seed(seeds_dir, "guangxi_counties"))
    crosswalk = {
        r["old_code"].strip(): r["new_code"].strip()
        for r in _read_seed(seeds_dir, "county_code_crosswalk")
    }
    for old in list(crosswalk):  # follow chains (a → b → c) to the current code
        seen = {old}
        while crosswalk[old] in crosswalk and crosswalk[old] not in seen:
            seen.add(crosswalk[old])
            crosswalk[old] = crosswalk[crosswalk[old]]
    return Reference(status_map, counties, crosswalk)
