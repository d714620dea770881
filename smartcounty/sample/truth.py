"""The report's figures read straight off the generator's truth tables (a self-check, not the pipeline)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rates as R
from .render import s

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


# ---------------------------------------------------------------------------- scorecard.md, read off the truth
FLAGS = ("single_source", "short_tender_window", "award_over_budget", "award_near_budget", "young_supplier",
         "inactive_supplier", "dominant_supplier")
LOCALITIES = ("same_county", "same_prefecture", "other_guangxi", "outside_guangxi", "unknown")


def supplier_locality(lots: pd.DataFrame, enterprises: pd.DataFrame, counties: pd.DataFrame,
                      crosswalk: dict) -> np.ndarray:
    """Locality class of each lot's winner by the home-division rule (registry county, else USCC 3-8)."""
    pref_of = dict(zip(counties["county_code"], counties["prefecture_code"]))
    prefectures = set(counties["prefecture_code"])
    reg = lots["supplier_registry"].to_numpy()
    reg_county = np.where(reg >= 0, enterprises["county_code"].to_numpy()[np.maximum(reg, 0)], None)
    uscc = lots["supplier_uscc"].to_numpy()
    out = []
    for lot_county, rc, u in zip(lots["county_code"].to_numpy(), reg_county, uscc):
        if not isinstance(u, str) or u == "":
            out.append("unknown")
            continue
        div = rc if rc is not None else crosswalk.get(u[2:8], u[2:8])
        home_pref = pref_of.get(div, div if div in prefectures else None)
        out.append("same_county" if div == lot_county else "same_prefecture" if home_pref == pref_of.get(lot_county)
                   else "other_guangxi" if div.startswith("45") else "outside_guangxi")
    return np.array(out, dtype=object)


def integrity_flags(truth: dict, status_map: pd.DataFrame, counties: pd.DataFrame, crosswalk: dict,
                    min_days: dict) -> pd.DataFrame:
    """Awarded informatization lots attributed to a county, with the locality and one column per flag."""
    lots = county_lots(truth["lots"])
    lots = lots[lots["is_info"]].copy()
    e = truth["enterprises"]
    reg = lots["supplier_registry"].to_numpy()
    inreg = reg >= 0
    d = lots["award_date"].to_numpy(dtype="datetime64[D]")
    est = e["established"].to_numpy(dtype="datetime64[D]")[np.maximum(reg, 0)]
    cls = e["status"].map(dict(zip(status_map["raw_status"], status_map["status_class"]))).to_numpy()[np.maximum(reg, 0)]
    close = np.fmin(e["dereg"].to_numpy(dtype="datetime64[D]"), e["revoked"].to_numpy(dtype="datetime64[D]"))
    close = close[np.maximum(reg, 0)]
    on = (est <= d) & (np.isin(cls, ["active", "suspended"]) | ((cls == "closed") & ~np.isnat(close) & (close > d)))
    method = lots["method"].to_numpy()
    tender = lots["tender_date"].to_numpy(dtype="datetime64[D]")
    days = np.where(np.isnat(tender) | np.isnat(d), np.nan, (d - tender).astype("timedelta64[D]").astype(float))
    minimum = pd.Series(method).map(min_days).to_numpy(dtype=float)
    award, budget = lots["award"].to_numpy(dtype=float), lots["budget"].to_numpy(dtype=float)
    lots["locality"] = supplier_locality(lots, e, counties, crosswalk)
    lots["single_source"] = method == "单一来源"
    lots["short_tender_window"] = days < minimum        # NaN (no tender / no minimum) compares False
    lots["award_over_budget"] = award > budget
    lots["award_near_budget"] = ~lots["single_source"] & (award >= 0.995 * budget) & (award <= budget)
    lots["young_supplier"] = inreg & (est > d - 180)
    lots["inactive_supplier"] = inreg & ~on
    key = np.where(pd.isna(lots["supplier_uscc"]), "name:" + lots["supplier_name"].astype(str),
                   "uscc:" + lots["supplier_uscc"].astype(str))
    buyer = truth["projects"]["buyer"].to_numpy()[lots["pid"].to_numpy()]
    g = pd.DataFrame({"grp": s(buyer) + "|" + lots["inv_year"].astype(str).to_numpy(), "key": key,
                      "award": award}, index=lots.index)
    g["n"] = g.groupby("grp")["award"].transform("size")
    g["total"] = g.groupby("grp")["award"].transform("sum")
    per = g.groupby(["grp", "key"])["award"].agg(["size", "sum"])
    g = g.join(per, on=["grp", "key"])
    lots["dominant_supplier"] = (g["n"] >= 3) & (g["size"] >= 3) & (g["total"] > 0) & (g["sum"] >= 0.5 * g["total"])
    return lots


PILLARS = {"scenario_breadth": 1, "category_balance": 1, "has_plan": 1, "has_data_platform": 2,
           "data_platform_investment_share": 2, "digital_economy_per_10k": 3, "local_supplier_share": 3,
           "network_index_score": 4, "rural_internet_penetration": 4, "smart_city_investment_per_capita": 5,
           "service_purchase_share": 5}


def network_scores(conn: pd.DataFrame) -> pd.Series:
    """Network index score per (year, county_code), by the weights of the ranking."""
    out = []
    for y, t in conn.groupby("year"):
        ind = pd.DataFrame({
            "gigabit": t["gigabit"], "bs5g_per_10k": t["bs5g"] / t["pop"] * 1e4,
            "bb_per_100": t["broadband"] / t["households"] * 100, "village5g": t["village5g"],
            "penetration": t["users"] / t["pop"]})
        norm = (ind - ind.min()) / (ind.max() - ind.min())
        out.append(pd.Series((100 * sum(w * norm[k] for k, w in WEIGHTS.items())).to_numpy(),
                             index=pd.MultiIndex.from_arrays([t["year"], t["county_code"]])))
    return pd.concat(out)


def scorecard(truth: dict, terms: pd.DataFrame, status_map: pd.DataFrame, counties: pd.DataFrame,
              crosswalk: dict) -> pd.DataFrame:
    """The eleven indicators per (report year, county) and the weakest pillar, read off the truth."""
    lots = county_lots(truth["lots"]).copy()
    titles = truth["projects"]["title"].to_numpy()[lots["pid"].to_numpy()]
    for group in ("planning", "data_platform"):
        pattern = "|".join(terms.loc[terms["term_group"] == group, "term"])
        lots[group] = pd.Series(titles, index=lots.index).str.contains(pattern) & lots["is_info"]
    lots["locality"] = supplier_locality(lots, truth["enterprises"], counties, crosswalk)
    lots["award0"] = lots["award"].fillna(0)
    e = truth["enterprises"]
    cls = e["status"].map(dict(zip(status_map["raw_status"], status_map["status_class"])))
    close = np.fmin(e["dereg"].to_numpy(dtype="datetime64[D]"), e["revoked"].to_numpy(dtype="datetime64[D]"))
    de = (e["attribution"] == "county") & (e["role"] != "noncore") & (e["reason"] != "bad_industry")
    conn = truth["connectivity"].set_index(["year", "county_code"])
    net = network_scores(truth["connectivity"])
    rows = []
    for y in R.REPORT_YEARS:
        dec31 = np.datetime64(f"{y}-12-31")
        on = (e["established"].to_numpy(dtype="datetime64[D]") <= dec31) & (
            cls.isin(["active", "suspended"]).to_numpy() | ((cls == "closed").to_numpy() & (close > dec31)))
        de_count = e.loc[de & on, "county_code"].value_counts()
        for c in counties["county_code"]:
            mine = lots[lots["county_code"] == c]
            sm = mine[mine["is_smart"] & (mine["inv_year"] == y)]
            info_y = mine[mine["is_info"] & (mine["inv_year"] == y)]
            inv, info_inv = sm["award0"].sum(), info_y["award0"].sum()
            pop = conn.at[(y, c), "pop"]
            cat = sm.groupby("category")["award0"].sum()
            p = cat[cat > 0] / inv if inv else None
            known = sm[sm["locality"] != "unknown"]["award0"].sum()
            upto = mine[mine["is_info"] & (mine["inv_year"] <= y)]
            rows.append({
                "year": y, "county_code": c,
                "scenario_breadth": len({x for t in sm["scenarios"] for x in t}),
                "category_balance": None if p is None else float(-(p * np.log(p)).sum() / np.log(3)),
                "has_plan": int(upto["planning"].any()), "has_data_platform": int(upto["data_platform"].any()),
                "data_platform_investment_share": info_y.loc[info_y["data_platform"], "award0"].sum() / info_inv
                if info_inv else None,
                "digital_economy_per_10k": de_count.get(c, 0) * 1e4 / pop,
                "local_supplier_share": sm.loc[sm["locality"] == "same_county", "award0"].sum() / known if known else None,
                "network_index_score": net.get((y, c)),
                "rural_internet_penetration": conn.at[(y, c), "rural_users"] / conn.at[(y, c), "rural"],
                "smart_city_investment_per_capita": inv / pop,
                "service_purchase_share": sm.loc[sm["catalog_code"].str.startswith("C"), "award0"].sum() / inv
                if inv else None})
    out = pd.DataFrame(rows)
    pillar = pd.DataFrame(index=out.index)
    for ind in PILLARS:
        v = out[ind].astype(float)
        r = v.groupby(out["year"]).rank(method="min")
        n = v.notna().groupby(out["year"]).transform("sum")
        out[f"{ind}_score"] = np.where(n > 1, 100 * (r - 1) / (n - 1), 100.0).round(6)
        out.loc[v.isna(), f"{ind}_score"] = np.nan
    for k in range(1, 6):
        pillar[k] = out[[f"{i}_score" for i, p in PILLARS.items() if p == k]].mean(axis=1).round(6)
    out["weakest_pillar"] = pillar.idxmin(axis=1)
    return out
