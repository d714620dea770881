"""The public rules' data (dbt seeds) the generator builds its world from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from smartcounty.settings import SEEDS_DIR


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def _read_rules() -> pd.DataFrame:
    """informatization_rules.csv: its free-text note may hold unquoted commas, so split the first three."""
    lines = (SEEDS_DIR / "informatization_rules.csv").read_text(encoding="utf-8").splitlines()
    rows = [ln.split(",", 3)[:3] for ln in lines[1:] if ln.strip()]
    return pd.DataFrame(rows, columns=["rule", "kind", "pattern"])


@dataclass(frozen=True)
class Reference:
    counties: pd.DataFrame      # county_code, county_name, prefecture_code, prefecture_name, county_type, aliases
    crosswalk: pd.DataFrame     # old_code, old_name, new_code, new_name
    scenarios: pd.DataFrame     # scenario_code, category, priority(int), is_integrated_platform, keywords(list)
    core_codes: tuple           # 4-digit core digital-economy industry codes
    status_map: pd.DataFrame    # raw_status, status_class
    info_terms: tuple           # project_name_term patterns
    info_catalog_terms: tuple
    info_prefixes: tuple

    @property
    def all_keywords(self) -> list[str]:
        return [k for ks in self.scenarios["keywords"] for k in ks]

    @property
    def prefectures(self) -> pd.DataFrame:
        return (self.counties[["prefecture_code", "prefecture_name"]].drop_duplicates()
                .sort_values("prefecture_code").reset_index(drop=True))

    @property
    def place_names(self) -> list[str]:
        """County names and aliases: texts must not contain them by accident."""
        names = list(self.counties["county_name"])
        for a in self.counties["aliases"]:
            names += [x for x in a.split("|") if x]
        return names


@lru_cache(maxsize=1)
def load() -> Reference:
    sc = _read("smart_city_scenarios")
    sc["priority"] = sc["priority"].astype(int)
    sc["keywords"] = sc["keywords"].str.split("|")
    rules = _read_rules()
    de = _read("digital_economy_industries")
    return Reference(
        counties=_read("guangxi_counties"),
        crosswalk=_read("county_code_crosswalk"),
        scenarios=sc,
        core_codes=tuple(sorted(de.loc[de["is_core"].str.lower() == "true", "industry_code"])),
        status_map=_read("registry_status_map"),
        info_terms=tuple(rules.loc[rules["rule"] == "project_name_term", "pattern"]),
        info_catalog_terms=tuple(rules.loc[rules["rule"] == "catalog_name_term", "pattern"]),
        info_prefixes=tuple(rules.loc[rules["rule"] == "catalog_code_prefix", "pattern"]),
    )
