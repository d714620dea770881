"""Procurement truth, part 2: lots, their classification, stories (notice histories), methods and amounts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import rates as R
from .projects import NAMED, dates_in_year
from .reference import Reference
from .render import pick
from .words import INFO_CATALOG, METHOD_STRAY, ORDINARY_CATALOG

D_FIRST, D_LAST = np.datetime64(R.FIRST_DATE, "D"), np.datetime64(R.AS_OF, "D")
POST_MARGIN = 25   # days kept after K for corrections / second results / cancellations


# ---------------------------------------------------------------------------- matchers
class Rules:
    """Own, minimal reading of the classification rules, used to build and check the truth."""

    def __init__(self, ref: Reference):
        sc = ref.scenarios
        self.kw = [(k, c, p) for c, p, ks in zip(sc["scenario_code"], sc["priority"], sc["keywords"]) for k in ks]
        self.category = dict(zip(sc["scenario_code"], sc["category"]))
        self.priority = dict(zip(sc["scenario_code"], sc["priority"]))
        self.any_kw = re.compile("|".join(map(re.escape, (k for k, _, _ in self.kw))))
        self.title_terms = re.compile("|".join(map(re.escape, ref.info_terms)))
        self.catalog_terms = re.compile("|".join(map(re.escape, ref.info_catalog_terms)))
        self.prefixes = tuple(ref.info_prefixes)

    def scenarios(self, titles: pd.Series) -> pd.Series:
        """Per title: sorted tuple of matched scenario codes (empty tuple = not smart-city)."""
        uniq = pd.Series(titles.unique())
        hit = uniq.str.contains(self.any_kw)
        found = {t: set() for t in uniq[hit]}
        cand = uniq[hit]
        for k, code, _ in self.kw:
            for t in cand[cand.str.contains(k, regex=False)]:
                found[t].add(code)
        mapping = {t: tuple(sorted(v)) for t, v in found.items()}
        return titles.map(lambda t: mapping.get(t, ()))

    def primary(self, codes: tuple) -> str:
        return min(codes, key=lambda c: (self.priority[c], c)) if codes else ""

    def informatization(self, titles: pd.Series, codes: pd.Series, names: pd.Series) -> np.ndarray:
        return (titles.str.contains(self.title_terms).to_numpy()
                | names.str.contains(self.catalog_terms).to_numpy()
                | codes.str.startswith(self.prefixes).to_numpy())



# ---------------------------------------------------------------------------- truth: lots
def build_lots(ref: Reference, rng: np.random.Generator, projects: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    n = len(projects)
    multi = (rng.random(n) < R.MULTI_LOT_PROJECT_RATE) & ~projects["title"].isin([t for _, t in NAMED.values()])
    n_lots = np.where(multi, rng.choice([2, 3, 4], n, p=(0.6, 0.3, 0.1)), 1)
    projects["n_lots"] = n_lots
    pid = np.repeat(np.arange(n), n_lots)
    lot_no = np.arange(len(pid)) - np.repeat(np.cumsum(n_lots) - n_lots, n_lots) + 1
    lots = pd.DataFrame({"pid": pid, "lot_no": lot_no})
    kind = projects["kind"].to_numpy()[pid]
    by_cat = projects["info_by_catalog"].to_numpy()[pid]
    m = len(lots)
    ordc = np.array(ORDINARY_CATALOG, dtype=object)[rng.integers(0, len(ORDINARY_CATALOG), m)]
    infc = np.array(INFO_CATALOG, dtype=object)[rng.integers(0, len(INFO_CATALOG), m)]
    u = rng.random(m)
    use_info = np.where(kind == "smart", u < 0.7,
                        np.where(kind == "info", np.where(by_cat, (lot_no == 1) | (u < 0.5), u < 0.6), False))
    blank = (u > 0.92) & ~(by_cat & use_info)
    cat = np.where(use_info[:, None], infc, ordc)
    lots["catalog_code"] = np.where(blank, "", cat[:, 0])
    lots["catalog_name"] = np.where(blank, "", cat[:, 1])
    # truth of classification, by the rules' own reading
    titles = pd.Series(projects["title"].to_numpy()[pid], dtype=object)
    scen = rules.scenarios(titles)
    lots["scenarios"] = scen.to_numpy()
    lots["is_smart"] = scen.str.len().to_numpy() > 0
    lots["primary"] = [rules.primary(t) for t in scen]
    lots["category"] = lots["primary"].map(rules.category).fillna("")
    lots["is_info"] = rules.informatization(titles, lots["catalog_code"], lots["catalog_name"]) | lots["is_smart"]
    bad = (kind == "smart") != lots["is_smart"].to_numpy()
    bad |= (kind == "ordinary") & lots["is_info"].to_numpy()
    bad |= (kind == "info") & (lot_no == 1) & ~lots["is_info"].to_numpy()
    if bad.any():
        raise AssertionError(f"generated titles/catalogs classify differently than intended: "
                             f"{titles[bad].head(5).tolist()}")
    for col in ("county_code", "attribution", "level", "year", "awarded", "calibrated", "kind", "mode"):
        lots[col] = projects[col].to_numpy()[pid]
    return lots


# ---------------------------------------------------------------------------- stories and dates
AWARDED_STORIES = {"simple": None, "result_only": R.RESULT_ONLY_RATE, "corrected": R.CORRECTED_AWARD_RATE,
                   "double_result": R.DOUBLE_RESULT_RATE, "retender_failed": R.RETENDER_FAILED_RATE,
                   "retender_terminated": R.RETENDER_TERMINATED_RATE}


def assign_stories(rng, projects: pd.DataFrame, scale: float) -> None:
    n = len(projects)
    weights = {k: v for k, v in AWARDED_STORIES.items() if v}
    weights["simple"] = 1 - sum(weights.values())
    story = pick(rng, n, weights)
    named = projects["title"].isin([t for _, t in NAMED.values()]).to_numpy()
    story[named] = "simple"
    na = ~projects["awarded"].to_numpy()
    story[na] = pick(rng, na.sum(), R.NOT_AWARDED_SHARE)
    # every mess story exists even at tiny scales: force a few among calibrated projects
    cal = np.flatnonzero(projects["calibrated"].to_numpy() & ~named)
    for k, st in enumerate(("corrected", "double_result", "retender_failed", "retender_terminated")):
        story[cal[k * R.MIN_MESS:(k + 1) * R.MIN_MESS]] = st
    projects["story"] = story
    year = projects["year"].to_numpy()
    post = np.isin(story, ["corrected", "double_result", "cancelled"])
    last = np.where(post, D_LAST - POST_MARGIN, D_LAST - 1)
    k = dates_in_year(rng, year)
    k = np.minimum(k, last)
    # stories with long histories before K start late enough that K stays in its year
    projects["K"] = k
    # epoch-ms results right after midnight Beijing on 1 Jan (UTC still the old year)
    projects["epoch_newyear"] = False
    simple_cal = np.flatnonzero(projects["calibrated"].to_numpy() & (story == "simple") & ~named)
    chosen = []
    for y in (2022, 2023):
        cand = simple_cal[year[simple_cal] == y]
        chosen += list(cand[:max(R.EPOCH_NEW_YEAR_LOTS, 1)])
    other = np.flatnonzero((year == 2024) & (story == "simple") & projects["awarded"].to_numpy())
    chosen += list(other[:R.EPOCH_NEW_YEAR_LOTS])
    chosen = np.array(chosen, dtype=int)
    projects.loc[chosen, "K"] = (np.asarray(year[chosen]) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    projects.loc[chosen, "epoch_newyear"] = True
    # double results that straddle New Year: year of the first result
    dbl = np.flatnonzero((story == "double_result") & (year < 2024))
    dec = dbl[: max(R.MIN_MESS, len(dbl) // 3)]
    projects.loc[dec, "K"] = ((np.asarray(year[dec]) - 1969).astype("datetime64[Y]").astype("datetime64[D]")
                              - rng.integers(3, 12, len(dec)))
    overlays = projects["awarded"].to_numpy()
    projects["contract"] = overlays & (rng.random(n) < R.CONTRACT_NOTICE_RATE)
    projects["pre_correction"] = np.isin(story, ["simple", "corrected", "double_result"]) & (
        rng.random(n) < R.PRE_RESULT_CORRECTION_RATE)
    projects["post_noamount"] = overlays & (rng.random(n) < R.POST_RESULT_NOAMOUNT_CORRECTION_RATE)


def _u(rng, n, lo, hi):
    return rng.integers(lo, hi + 1, n)


def build_events(rng, projects: pd.DataFrame) -> pd.DataFrame:
    """One row per notice of a project (before lots are joined): slot, class, date, amount kind."""
    st = projects["story"].to_numpy()
    n = len(projects)
    K = projects["K"].to_numpy().astype("datetime64[D]")
    frames = []

    def ev(mask, slot, cls, offset, amount):
        idx = np.flatnonzero(mask)
        if len(idx):
            off = offset[idx] if isinstance(offset, np.ndarray) else np.full(len(idx), offset)
            frames.append(pd.DataFrame({"pid": idx, "slot": slot, "cls": cls, "date": K[idx] + off,
                                        "amount_kind": amount}))

    has_tender = np.isin(st, ["simple", "corrected", "double_result", "cancelled", "failed"])
    window = projects["window"].to_numpy()
    window = np.where(np.isin(st, ["retender_failed", "retender_terminated"]), np.minimum(window, 35), window)
    ev(has_tender, "tender", "tender", -window, "budget")
    ev(st == "open", "tender", "tender", 0, "budget")
    ev(st == "retender_failed", "tender", "tender", -_u(rng, n, 80, 120), "budget")
    ev(st == "retender_failed", "failed0", "failed", -_u(rng, n, 40, 70), "blank")
    ev(st == "retender_terminated", "tender", "tender", -_u(rng, n, 110, 150), "budget")
    ev(st == "retender_terminated", "result0", "result", -_u(rng, n, 70, 100), "decoy")
    ev(st == "retender_terminated", "terminated0", "terminated", -_u(rng, n, 40, 60), "blank")
    ev(np.isin(st, ["retender_failed", "retender_terminated"]), "tender1", "tender", -window, "budget")
    ev(projects["pre_correction"].to_numpy(), "precorr", "correction", -_u(rng, n, 1, 9), "blank")
    truth_result = np.isin(st, ["simple", "result_only", "retender_failed", "retender_terminated", "cancelled"])
    ev(truth_result, "result", "result", 0, "truth")
    ev(np.isin(st, ["corrected", "double_result"]), "result", "result", 0, "decoy")
    two = (st == "corrected") & (rng.random(n) < R.DOUBLE_CORRECTION_SHARE)
    ev((st == "corrected") & ~two, "corr1", "correction", _u(rng, n, 2, 8), "truth")
    ev(two, "corr1", "correction", _u(rng, n, 2, 8), "decoy2")
    ev(two, "corr2", "correction", _u(rng, n, 10, 20), "truth")
    ev(st == "double_result", "result2", "result", _u(rng, n, 3, 24), "truth")
    ev(st == "cancelled", "terminated", "terminated", _u(rng, n, 3, 24), "blank")
    ev(st == "failed", "failed", "failed", 0, "blank")
    ev(projects["post_noamount"].to_numpy(), "postcorr", "correction", 9, "noamount")
    ev(projects["contract"].to_numpy(), "contract", "contract", _u(rng, n, 21, 40), "contract")
    e = pd.concat(frames, ignore_index=True)
    # histories start on 2021-01-01 (earlier notices are outside the export); optional tails end at the as-of date
    e = e[(e["date"] >= D_FIRST) & (e["date"] <= D_LAST)]
    return e.sort_values(["pid", "date", "slot"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------- amounts
def _lognormal(rng, n, median):
    return rng.lognormal(np.log(median), 0.9, n)


def solve_amounts(rng, lots: pd.DataFrame, projects: pd.DataFrame, scale: float) -> dict:
    """Exact whole-yuan award amounts; calibrated groups land exactly on their targets."""
    m = len(lots)
    base = np.where(lots["is_smart"], _lognormal(rng, m, 380_000),
                    np.where(lots["is_info"], _lognormal(rng, m, 260_000), _lognormal(rng, m, 450_000)))
    lots["amount_f"] = base
    counted = (lots["attribution"] == "county") & lots["awarded"] & lots["year"].isin(R.REPORT_YEARS)
    smart_c = counted & lots["is_smart"]
    # county industry shares by development mode (pooled over the mode window)
    g = lots[smart_c]
    ind = g["category"] == "industry_management"
    tot = g.groupby("county_code")["amount_f"].sum()
    ind_sum = g[ind].groupby("county_code")["amount_f"].sum().reindex(tot.index, fill_value=0)
    other = tot - ind_sum
    mode = g.groupby("county_code")["mode"].first()
    factor = pd.Series(1.0, index=tot.index)
    uni = (mode == "unified_deployment") & (ind_sum / tot > R.UNIFIED_MAX_INDUSTRY_SHARE) & (ind_sum > 0)
    factor[uni] = (R.UNIFIED_MAX_INDUSTRY_SHARE / (1 - R.UNIFIED_MAX_INDUSTRY_SHARE) * other / ind_sum)[uni] * 0.9
    res = (mode == "resource_endowment") & (ind_sum / tot < R.RESOURCE_MIN_INDUSTRY_SHARE) & (ind_sum > 0)
    factor[res] = (R.RESOURCE_MIN_INDUSTRY_SHARE / (1 - R.RESOURCE_MIN_INDUSTRY_SHARE) * other / ind_sum)[res] * 1.1
    idx = g.index[ind]
    lots.loc[idx, "amount_f"] *= g.loc[idx, "county_code"].map(factor).to_numpy()
    # the named evidence lots clearly exceed every other candidate of their county
    titles = projects["title"].to_numpy()[lots["pid"].to_numpy()]
    for c, (m_, title) in NAMED.items():
        if m_ == "integrated_platform":
            continue
        mine = smart_c & (lots["county_code"] == c)
        ev = mine & (titles == title)
        pool = mine & ~ev & ((lots["category"] == "industry_management") if m_ == "resource_endowment" else True)
        top = lots.loc[pool, "amount_f"].max() if pool.any() else 300_000.0
        lots.loc[ev, "amount_f"] = top * R.NAMED_LARGEST_FACTOR
        if m_ == "unified_deployment":   # keep its industry share low after the boost
            extra = lots.loc[mine & (lots["category"] == "industry_management"), "amount_f"].sum()
            if extra > 0:
                rest = lots.loc[mine & (lots["category"] != "industry_management"), "amount_f"].sum()
                f = min(1.0, 0.25 * rest / extra)
                lots.loc[mine & (lots["category"] == "industry_management"), "amount_f"] *= f
    # scale the four calibrated groups to their targets
    targets = {}
    for y in R.REPORT_YEARS:
        smart_t = (R.SMART_INVESTMENT_2023 if y == 2023 else R.SMART_INVESTMENT_2022) * scale
        info_t = smart_t / R.SMART_SHARE[y]
        smart_t, info_t = int(round(smart_t)), int(round(info_t))
        targets[y] = (smart_t, info_t)
        for grp, t in ((smart_c & (lots["year"] == y), smart_t),
                       (counted & lots["is_info"] & ~lots["is_smart"] & (lots["year"] == y), info_t - smart_t)):
            if not grp.any():
                continue
            v = lots.loc[grp, "amount_f"].to_numpy()
            v = np.maximum(np.round(v * t / v.sum()), 1).astype(np.int64)
            v[np.argmax(v)] += t - v.sum()
            lots.loc[grp, "amount_f"] = v.astype(float)
    amount = np.maximum(np.round(lots["amount_f"].to_numpy()), 1).astype(np.int64)
    lots["amount"] = amount
    lots["decoy"] = np.round(amount * rng.uniform(1.03, 1.3, m)).astype(np.int64)
    lots["decoy2"] = np.round(amount * rng.uniform(0.7, 0.97, m)).astype(np.int64)
    lots["contract_amount"] = np.where(rng.random(m) < 0.5, amount, np.round(amount * 0.985).astype(np.int64))
    lots["budget"] = _budgets(rng, amount, (lots["method"] == "单一来源").to_numpy())
    # unparseable awards only where nothing counts them
    lots["unparseable"] = (lots["kind"] == "ordinary") & (rng.random(m) < R.UNPARSEABLE_AWARD_RATE)
    # what the rules must read: NULL unless a later correction (parseable) replaces the result
    lots["award"] = lots["amount"].astype(float).where(~lots["unparseable"] | (lots["story"] == "corrected"))
    del lots["amount_f"]
    return targets


def _budgets(rng, amount: np.ndarray, single_source: np.ndarray) -> np.ndarray:
    """预算金额 that awards usually undercut; a few awards within 0.5 % below it, a few above it."""
    m = len(amount)
    u = rng.random(m)
    over = u < R.OVER_BUDGET_RATE
    near = ~over & ((u < R.OVER_BUDGET_RATE + R.NEAR_BUDGET_RATE) | (single_source & (u > 0.5)))
    usual = np.ceil(amount / rng.uniform(*R.BUDGET_RATIO, m) / 100) * 100          # round hundreds
    close = amount + np.floor(amount * rng.uniform(0, 0.004, m))
    above = np.maximum(np.minimum(np.floor(amount / rng.uniform(1.01, 1.15, m)), amount - 1), 1)
    return np.where(over, above, np.where(near, close, usual)).astype(np.int64)


def assign_methods(rng, projects: pd.DataFrame) -> None:
    """采购方式 (the truth's clean method and its spelling) and the 采购公告 → result window in days."""
    n = len(projects)
    method = pick(rng, n, R.METHOD_SHARE)
    text = method.copy()
    stray = np.flatnonzero(rng.random(n) < R.METHOD_STRAY_TEXT_RATE)
    text[stray] = [METHOD_STRAY[x][k % len(METHOD_STRAY[x])] for x, k in zip(method[stray], rng.integers(0, 12, len(stray)))]
    other = np.flatnonzero(method == "其他")
    text[other] = np.where(rng.random(len(other)) < 0.5, "", text[other])   # blank: no method to judge
    minimum = pd.Series(method).map(R.TENDER_MIN_DAYS).to_numpy()
    lawful = np.where(np.isnan(minimum), rng.integers(3, 31, n),
                      np.nan_to_num(minimum) + np.round(rng.exponential(R.TENDER_EXTRA_DAYS_MEAN, n)))
    short = ~np.isnan(minimum) & (rng.random(n) < R.SHORT_TENDER_RATE)
    short_days = 1 + np.floor(rng.random(n) * (np.nan_to_num(minimum, nan=2) - 1))
    projects["method"], projects["method_text"] = method, text
    projects["window"] = np.where(short, short_days, lawful).astype(np.int64)
