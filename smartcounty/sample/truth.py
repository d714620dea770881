"""The report's figures read straight off the generator's truth tables (a self-check, not the pipeline)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rates as R

WEIGHTS = {"gigabit": 0.25, "bs5g_per_10k": 0.25, "bb_per_100": 0.20, "village5g": 0.15, "penetration": 0.15}
CATS = ("city_governance", "industry_management", "livelihood_services")


def county_lots(lots: pd.DataFrame) -> pd.DataFrame:
    return lots[(lots["attribution"] == "county") & lots["awarded"]]


def development_modes(lots: pd.DataFrame) -> pd.DataFrame:
    g = county_lots(lots)
    g = g[g["is_smart"] & g["inv_year"].isin(R.REPORT_YEARS)].copy()
    g["ind_amount"] = np.where(g["category"] == "industry_management", g["amount"], 0)
    g["g00"] = g["scenarios"].map(lambda t: "G00" in t)
    per = g.groupby("county_code").agg(total=("amount", "sum"), ind=("ind_amount", "sum"), g00=("g00", "any"))
    per["industry_share"] = per["ind"] / per["total"]
    per["mode"] = np.where(per["g00"], "integrated_platform",
                           np.where(per["industry_share"] >= 0.5, "resource_endowment", "unified_deployment"))
    return per


def network_top20_urban(conn: pd.DataFrame) -> bool:
    ok = True
    for _, t in conn.groupby("year"):
        ind = pd.DataFrame({
            "gigabit": t["gigabit"], "bs5g_per_10k": t["bs5g"] / t["pop"] * 1e4,
            "bb_per_100": t["broadband"] / t["households"] * 100, "village5g": t["village5g"],
            "penetration": t["users"] / t["pop"]})
        norm = (ind - ind.min()) / (ind.max() - ind.min())
        score = 100 * sum(w * norm[k] for k, w in WEIGHTS.items())
        rank = score.rank(ascending=False, method="min")
        ok &= bool(t.loc[rank <= 20, "county_type"].isin(["district", "county_level_city"]).all())
    return ok


def figures_from_truth(truth: dict) -> dict:
    lots = truth["lots"]
    g = county_lots(lots)
    out = {}
    info = {}
    for y in R.REPORT_YEARS:
        gy = g[g["inv_year"] == y]
        i_sum = int(gy.loc[gy["is_info"], "amount"].sum())
        s_sum = int(gy.loc[gy["is_smart"], "amount"].sum())
        info[y] = i_sum
        out[f"share_{y}"] = round(s_sum / i_sum, 6) if i_sum else None
        cats = gy[gy["is_smart"]]["category"].value_counts().reindex(CATS, fill_value=0)
        out[f"categories_{y}"] = "/".join(str(int(v)) for v in cats)
    out["info_declines"] = info[2023] < info[2022]
    out["coverage"] = int(g[g["is_smart"] & (g["inv_year"] <= 2023)]["county_code"].nunique())
    sc23 = g[g["is_smart"] & (g["inv_year"] == 2023)]["scenarios"]
    out["scenarios_2023"] = len({c for t in sc23 for c in t})
    modes = development_modes(lots)["mode"].value_counts()
    out["modes"] = "/".join(str(int(modes.get(m, 0))) for m in
                            ("unified_deployment", "resource_endowment", "integrated_platform"))
    s23 = int(g[g["is_smart"] & (g["inv_year"] == 2023)]["amount"].sum())
    out["smart_2023_yuan"] = s23
    out["national_share"] = round(s23 / 210_000_000_000, 6)
    e = truth["enterprises"]
    out["digital_economy_enterprises"] = int(e["counted"].sum())
    out["smart_city_enterprises"] = int(e["smart"].sum())
    c = truth["connectivity"]
    c23 = c[c["year"] == 2023]
    out["penetration_2023"] = round(c23["users"].sum() / c23["pop"].sum(), 6)
    out["rural_penetration_2023"] = round(c23["rural_users"].sum() / c23["rural"].sum(), 6)
    out["top20_urban"] = network_top20_urban(c)
    return out
