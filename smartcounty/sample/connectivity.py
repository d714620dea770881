"""County connectivity indicators, 111 counties × 2021-2023, with a revision file ("last wins")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcounty.rawload.spec import CONNECTIVITY

from . import rates as R
from .reference import Reference
from .render import frame, fullwidth, s

COLUMNS = list(CONNECTIVITY.headers)  # the contract headers, in contract order
HENGZHOU = "450181"        # written with its old code 450127 (横县) in 2021 and in the revision


def _fit(values: np.ndarray, caps: np.ndarray, target: int) -> np.ndarray:
    """Integers ≤ caps, proportional to values, summing exactly to target."""
    v = np.minimum(np.round(values * target / values.sum()), caps).astype(np.int64)
    for _ in range(50):
        gap = target - int(v.sum())
        if gap == 0:
            return v
        room = (caps - v) if gap > 0 else v
        i = np.argsort(-room, kind="stable")[: min(len(v), abs(gap))]
        step = np.sign(gap) * np.minimum(room[i], max(1, abs(gap) // len(i)))
        v[i] += step
    raise AssertionError("cannot fit connectivity totals")


def build_truth(ref: Reference, rng: np.random.Generator) -> pd.DataFrame:
    c = ref.counties.reset_index(drop=True)
    n = len(c)
    typ = c["county_type"].to_numpy()
    urban = np.isin(typ, ["district", "county_level_city"])
    median = np.select([typ == "district", typ == "county_level_city", typ == "autonomous_county"],
                       [420_000, 750_000, 300_000], 450_000)
    pop0 = np.round(rng.lognormal(np.log(median), 0.35)).astype(np.int64)
    lo = np.select([typ == "district", typ == "county_level_city", typ == "autonomous_county"], [0.10, 0.35, 0.50], 0.45)
    rural_share = lo + rng.random(n) * 0.2
    frames = []
    for k, year in enumerate(R.CONNECTIVITY_YEARS):
        back = len(R.CONNECTIVITY_YEARS) - 1 - k                     # years before 2023
        pop = np.round(pop0 * (1 - 0.004 * back) * rng.uniform(0.995, 1.005, n)).astype(np.int64)
        rural = np.round(pop * (rural_share + 0.01 * back)).astype(np.int64)
        ru = rng.uniform(0.50, 0.62, n) - 0.025 * back
        uu = rng.uniform(0.84, 0.95, n) - 0.02 * back
        rural_users = np.round(rural * ru).astype(np.int64)
        urban_users = np.round((pop - rural) * uu).astype(np.int64)
        if year == 2023:
            rural_users = _fit(rural * ru, rural, int(round(R.RURAL_PENETRATION_2023 * rural.sum())))
            urban_target = int(round(R.PENETRATION_2023 * pop.sum())) - int(rural_users.sum())
            urban_users = _fit((pop - rural) * uu, pop - rural, urban_target)
        households = np.round(pop / rng.uniform(2.6, 3.3, n)).astype(np.int64)
        bb_rate = np.where(urban, rng.uniform(88, 99, n), rng.uniform(55, 82, n)) - 3 * back
        gig = np.where(urban, rng.uniform(88, 99.5, n), rng.uniform(55, 85, n)) - 5 * back
        bs_rate = np.where(urban, rng.uniform(18, 35, n), rng.uniform(6, 15, n)) * (1 - 0.25 * back)
        v5g = np.where(urban, rng.uniform(90, 100, n), rng.uniform(45, 85, n)) - 6 * back
        frames.append(pd.DataFrame({
            "county_code": c["county_code"], "county_name": c["county_name"], "county_type": typ, "year": year,
            "pop": pop, "rural": rural, "users": rural_users + urban_users, "rural_users": rural_users,
            "households": households, "broadband": np.round(households * bb_rate / 100).astype(np.int64),
            "gigabit": np.round(gig, 1), "bs5g": np.round(pop / 1e4 * bs_rate).astype(np.int64),
            "village5g": np.round(np.clip(v5g, 0, 100), 1)}))
    return pd.concat(frames, ignore_index=True)


def _spell(rng, t: pd.DataFrame) -> pd.DataFrame:
    n = len(t)

    def count(col):
        v = s(t[col].to_numpy())
        u = rng.random(n)
        out = np.where(u < 0.1, s(t[col].map("{:,}".format).to_numpy()), v)
        fw = u > 0.98
        out = out.astype(object)
        out[fw] = fullwidth(v[fw])
        return out

    def pct(col):
        v = s(t[col].map("{:.1f}".format).to_numpy())
        return np.where(rng.random(n) < 0.2, v + "%", v)

    code = s(t["county_code"].to_numpy())
    code = np.where(rng.random(n) < 0.05, code + "000", code)
    return frame({
        "区划代码": code, "区划名称": t["county_name"].to_numpy(), "年份": s(t["year"].to_numpy()),
        "常住人口": count("pop"), "乡村常住人口": count("rural"), "网民数": count("users"),
        "乡村网民数": count("rural_users"), "家庭户数": count("households"), "固定宽带用户数": count("broadband"),
        "千兆光网覆盖率": pct("gigabit"), "5G基站数": count("bs5g"), "行政村5G通达率": pct("village5g")})


def render(rng, truth: pd.DataFrame) -> dict[str, pd.DataFrame]:
    files = {}
    codes = truth["county_code"].unique()
    revised = list(rng.choice([c for c in codes if c != HENGZHOU], R.REVISED_ROWS_2023 - 1, replace=False))
    revised = [HENGZHOU, *revised]
    for year in R.CONNECTIVITY_YEARS:
        t = truth[truth["year"] == year].reset_index(drop=True)
        main = t.copy()
        if year == 2023:
            # stale first edition of the revised rows; the first one is even invalid (quarantined)
            sel = main["county_code"].isin(revised).to_numpy()
            main.loc[sel, "users"] = np.round(main.loc[sel, "users"] * 0.96).astype(np.int64)
            main.loc[sel, "rural_users"] = np.round(main.loc[sel, "rural_users"] * 0.95).astype(np.int64)
            bad = main.index[main["county_code"] == revised[1]]
            main.loc[bad, "rural_users"] = main.loc[bad, "rural"] + 1000
            main.loc[bad, "users"] = main.loc[bad, "pop"] - 1
        out = _spell(rng, main)
        if year == 2021:
            hz = (main["county_code"] == HENGZHOU).to_numpy()
            out.loc[hz, "区划代码"], out.loc[hz, "区划名称"] = "450127", "横县"
        if year == 2022:
            # city totals the export appends: not county codes → quarantined
            extra = out.iloc[:3].copy()
            extra["区划代码"] = ["450300", "450100", "451200"]
            extra["区划名称"] = ["桂林市", "南宁市", "河池市"]
            out = pd.concat([out, extra], ignore_index=True)
        files[f"connectivity_{year}.csv"] = out
    rev = truth[(truth["year"] == 2023) & truth["county_code"].isin(revised)].reset_index(drop=True)
    out = _spell(rng, rev)
    hz = (rev["county_code"] == HENGZHOU).to_numpy()
    out.loc[hz, "区划代码"], out.loc[hz, "区划名称"] = "450127", "横县"
    files["connectivity_2023_revised.csv"] = out
    return files


def generate(ref: Reference, rng: np.random.Generator):
    truth = build_truth(ref, rng)
    return render(rng, truth), truth
