"""Who wins each lot: winning suppliers drawn from the generated registry, and how notices spell them.

Truth columns added to ``lots`` (the answer the scorecard contract's rules must give):
``award_date`` (publish date of the deciding result), ``tender_date``, ``supplier_name``, ``supplier_uscc``
(cleaned, NULL when blank or invalid), ``supplier_origin`` (the locality the draw aimed at),
``supplier_registry`` (row of the registry truth, -1 when the supplier is not in it).
Notice spelling columns: ``sup_text_*`` (what the deciding notices write) and ``fix`` (a
更正公告 after the result replaces ``both``, the ``name`` or the ``uscc``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rates as R
from .reference import Reference
from .render import choice, fullwidth, pick, s
from .uscc import CHARSET, uscc_with_check
from .words import WORD_A, WORD_B

OTHER_PROVINCE_DIVISIONS = ["440106", "440305", "440104", "110108", "110105", "310115", "330106", "430104",
                            "510107", "420111", "350203", "530102", "520115", "320106", "370102"]
OTHER_PROVINCE_CITIES = {"44": "广东", "11": "北京", "31": "上海", "33": "浙江", "43": "湖南", "51": "四川",
                         "42": "湖北", "35": "福建", "53": "云南", "52": "贵州", "32": "江苏", "37": "山东"}
FIRM_KINDS = ["科技有限公司", "信息技术有限公司", "网络科技股份有限公司", "数字科技有限公司", "通信技术有限公司",
              "智能科技有限公司", "电子工程有限公司", "软件股份有限公司"]
FRESH_SERIAL = 8_000_000                # USCC serials no registry row uses (registry: 0.., quarantine: 5,000,000..)


def status_frame(ref: Reference, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Per registry truth row: status class, closing date (earlier of 注销/吊销), core industry."""
    cls = enterprises["status"].map(dict(zip(ref.status_map["raw_status"], ref.status_map["status_class"])))
    close = np.fmin(enterprises["dereg"].to_numpy(dtype="datetime64[D]"),
                    enterprises["revoked"].to_numpy(dtype="datetime64[D]"))
    return pd.DataFrame({"cls": cls.to_numpy(), "close": close, "est": enterprises["established"].to_numpy(
        dtype="datetime64[D]"), "ci": pd.Index(ref.counties["county_code"]).get_indexer(enterprises["county_code"]),
        "core": (enterprises["role"] != "noncore").to_numpy(),
        "county_attr": (enterprises["attribution"] == "county").to_numpy()})


def _on_register_always(st: pd.DataFrame) -> np.ndarray:
    """On the register on every award date and older than 180 days by the first one."""
    first = np.datetime64(R.FIRST_DATE, "D") - 180
    open_ = st["cls"].isin(["active", "suspended"]).to_numpy()
    closed_late = (st["cls"] == "closed").to_numpy() & (st["close"].to_numpy() > np.datetime64(R.AS_OF, "D"))
    return st["county_attr"].to_numpy() & (st["est"].to_numpy() <= first) & (open_ | closed_late)


def _pick_by_key(rng, pool: np.ndarray, pool_key: np.ndarray, want: np.ndarray) -> np.ndarray:
    """For each wanted key, a random pool member with that key (-1 when none)."""
    order = np.argsort(pool_key, kind="stable")
    keys, members = pool_key[order], pool[order]
    lo, hi = np.searchsorted(keys, want, "left"), np.searchsorted(keys, want, "right")
    cnt = hi - lo
    at = np.minimum(lo + (rng.random(len(want)) * cnt).astype(np.int64), len(members) - 1)
    return np.where(cnt > 0, members[at], -1)


def _pick_in_range(rng, pool: np.ndarray, pool_date: np.ndarray, lo_date: np.ndarray, hi_date: np.ndarray):
    """For each lot, a random pool member with lo_date <= date <= hi_date (-1 when none)."""
    order = np.argsort(pool_date, kind="stable")
    dates, members = pool_date[order], pool[order]
    lo, hi = np.searchsorted(dates, lo_date, "left"), np.searchsorted(dates, hi_date, "right")
    cnt = hi - lo
    at = np.minimum(lo + (rng.random(len(lo_date)) * cnt).astype(np.int64), max(len(members) - 1, 0))
    return np.where(cnt > 0, members[at] if len(members) else -1, -1)


def _fresh_firms(rng, n: int, division: np.ndarray, serial0: int, guangxi: bool):
    """Suppliers absent from the registry: valid USCCs of the given division, plausible names."""
    uscc = uscc_with_check(rng, np.full(n, "91", dtype=object), division, np.arange(n) + serial0)
    if guangxi:
        lead = np.full(n, "广西", dtype=object)
    else:
        lead = pd.Series(division).str[:2].map(OTHER_PROVINCE_CITIES).fillna("").to_numpy().astype(object)
    name = lead + choice(rng, WORD_A, n) + choice(rng, WORD_B, n) + choice(rng, FIRM_KINDS, n)
    return uscc, name


def _invalid_usccs(rng, valid: np.ndarray) -> np.ndarray:
    """Wrong check character, 17 characters, or an old 15-digit registration number."""
    n = len(valid)
    how = rng.integers(0, 3, n)
    wrong = s([u[:17] + CHARSET[(CHARSET.index(u[17]) + 1 + k) % 31] for u, k in zip(valid, rng.integers(0, 29, n))])
    old = "4501" + s(rng.integers(10**10, 10**11 - 1, n))
    return np.where(how == 0, wrong, np.where(how == 1, s(pd.Series(valid, dtype=object).str[:17].to_numpy()), old))


def award_dates(lots: pd.DataFrame, events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per lot: publish date of its latest result notice, and of its latest 采购公告 on or before it (NaT: none)."""
    last = events[events["cls"] == "result"].groupby("pid")["date"].max()
    t = events[events["cls"] == "tender"]
    t = t[t["date"].to_numpy() <= t["pid"].map(last).to_numpy()]
    tender = t.groupby("pid")["date"].max()
    return (lots["pid"].map(last).to_numpy(dtype="datetime64[D]"),
            lots["pid"].map(tender).to_numpy(dtype="datetime64[D]"))


def assign(rng, ref: Reference, projects: pd.DataFrame, lots: pd.DataFrame, events: pd.DataFrame,
           enterprises: pd.DataFrame, serial0: int = 0) -> None:
    m = len(lots)
    st = status_frame(ref, enterprises)
    counties = ref.counties.set_index("county_code")
    pref_of = counties["prefecture_code"]
    # integer keys (index into the county list) keep the per-county draws fast
    county_ix = pd.Index(counties.index)
    pref_ix = pd.Index(np.unique(pref_of)).get_indexer(pref_of)
    ent_ci = st["ci"].to_numpy()
    d_award, d_tender = award_dates(lots, events)
    has_result = ~np.isnat(d_award)
    lots["award_date"], lots["tender_date"] = d_award, d_tender
    # where the winner comes from; lots of city/province buyers draw as if from a county of their prefecture
    origin = pick(rng, m, R.SUPPLIER_LOCALITY)
    home = lots["county_code"].to_numpy().astype(object)
    no_county = home == ""
    home[no_county] = choice(rng, counties.index.to_numpy(), no_county.sum())
    home_pref = pref_of.reindex(home).to_numpy().astype(object)
    home_ci = county_ix.get_indexer(home)
    it = (lots["is_info"].to_numpy())
    stable = _on_register_always(st)
    reg = np.full(m, -1, dtype=np.int64)
    for core in (True, False):                  # IT firms win informatization lots, others the rest
        pool = np.flatnonzero(stable & (st["core"].to_numpy() == core))
        mine = it == core
        pc = ent_ci[pool]
        pp = pref_ix[pc]
        sel = mine & (origin == "same_county")
        reg[sel] = _pick_by_key(rng, pool, pc, home_ci[sel])
        sel = mine & ((origin == "same_prefecture") | ((origin == "same_county") & (reg < 0)))
        got = _pick_by_key(rng, pool, pp, pref_ix[home_ci[sel]])
        again = _pick_by_key(rng, pool, pp, pref_ix[home_ci[sel]])   # one redraw when it hit the lot's own county
        own = ent_ci[np.maximum(got, 0)] == home_ci[sel]
        reg[sel] = np.where(own & (again >= 0) & (origin[sel] == "same_prefecture"), again, got)
        sel = mine & (np.isin(origin, ["other_guangxi"]) | (np.isin(origin, ["same_county", "same_prefecture"])
                                                           & (reg < 0)))
        reg[sel] = pool[rng.integers(0, len(pool), sel.sum())]
    # a few young winners (established < 180 days before the award) and closed ones
    u = rng.random(m)
    young = has_result & (u < R.YOUNG_SUPPLIER_RATE)
    inactive = has_result & (u >= R.YOUNG_SUPPLIER_RATE) & (u < R.YOUNG_SUPPLIER_RATE + R.INACTIVE_SUPPLIER_RATE)
    open_ = st["county_attr"].to_numpy() & st["cls"].isin(["active", "suspended"]).to_numpy()
    pool = np.flatnonzero(open_)
    d = np.where(has_result, d_award, np.datetime64(R.AS_OF, "D"))
    got = _pick_in_range(rng, pool, st["est"].to_numpy()[pool], d[young] - 179, d[young])
    reg[np.flatnonzero(young)[got >= 0]] = got[got >= 0]
    closed = st["county_attr"].to_numpy() & (st["cls"] == "closed").to_numpy() & ~np.isnat(st["close"].to_numpy())
    pool = np.flatnonzero(closed)
    got = _pick_in_range(rng, pool, st["close"].to_numpy()[pool], d[inactive] - 3 * 365, d[inactive] - 1)
    reg[np.flatnonzero(inactive)[got >= 0]] = got[got >= 0]
    origin = np.where((young | inactive) & (reg >= 0), "registry", origin)
    name = enterprises["name"].to_numpy()[np.maximum(reg, 0)].astype(object)
    uscc = enterprises["uscc"].to_numpy()[np.maximum(reg, 0)].astype(object)
    # suppliers outside the registry: other provinces, unregistered Guangxi divisions, no valid USCC
    out = np.flatnonzero(origin == "outside_guangxi")
    uscc[out], name[out] = _fresh_firms(rng, len(out), choice(rng, OTHER_PROVINCE_DIVISIONS, len(out)),
                                        serial0 + FRESH_SERIAL, guangxi=False)
    gx = np.flatnonzero(origin == "guangxi_unregistered")
    div = np.where(rng.random(len(gx)) < 0.7, home[gx], home_pref[gx]).astype(object)
    uscc[gx], name[gx] = _fresh_firms(rng, len(gx), div, serial0 + FRESH_SERIAL + 1_000_000, guangxi=True)
    unk = np.flatnonzero(origin == "unknown")
    v, name[unk] = _fresh_firms(rng, len(unk), home[unk], serial0 + FRESH_SERIAL + 2_000_000, guangxi=True)
    uscc[unk] = np.where(rng.random(len(unk)) < 0.5, "", _invalid_usccs(rng, v))
    reg[np.isin(origin, ["outside_guangxi", "guangxi_unregistered", "unknown"])] = -1
    lots["supplier_origin"], lots["supplier_registry"] = origin, reg
    lots["supplier_name"], lots["supplier_uscc"] = name, uscc
    _capture_buyers(rng, ref, projects, lots, enterprises, st, stable)
    _spell(rng, lots)


def _capture_buyers(rng, ref: Reference, projects: pd.DataFrame, lots: pd.DataFrame, enterprises: pd.DataFrame,
                    st: pd.DataFrame, stable: np.ndarray) -> None:
    """Buyers that keep returning to one supplier: in some (采购人, year) groups of >= 3 awarded
    informatization lots, one local IT firm wins the largest ones (>= 3 and >= 60 % of the lots)."""
    buyer = projects["buyer"].to_numpy()[lots["pid"].to_numpy()]
    elig = (lots["awarded"] & (lots["attribution"] == "county") & lots["is_info"]).to_numpy()
    g = pd.DataFrame({"key": s(buyer) + "|" + s(lots["inv_year"].to_numpy()), "amount": lots["amount"].to_numpy(),
                      "county": lots["county_code"].to_numpy()})[elig]
    g = g[g.groupby("key")["amount"].transform("size") >= 3]
    keys = np.sort(g["key"].unique())
    chosen = rng.random(len(keys)) < R.DOMINANT_GROUP_RATE
    chosen[np.flatnonzero(~chosen)[: max(0, R.MIN_MESS - chosen.sum())]] = True
    g = g[g["key"].isin(keys[chosen])].sort_values(["key", "amount"], ascending=[True, False], kind="stable")
    if g.empty:
        return
    pos = g.groupby("key").cumcount().to_numpy()
    size = g.groupby("key")["amount"].transform("size").to_numpy()
    lead = g.groupby("key").head(1)
    pool = np.flatnonzero(stable & st["core"].to_numpy())
    county_ix = pd.Index(ref.counties["county_code"])
    firm = _pick_by_key(rng, pool, st["ci"].to_numpy()[pool], county_ix.get_indexer(lead["county"]))
    firm = np.where(firm >= 0, firm, pool[rng.integers(0, len(pool), len(firm))])
    f = pd.Series(firm, index=lead["key"].to_numpy()).reindex(g["key"]).to_numpy()
    take = pos < np.maximum(3, np.ceil(0.6 * size))
    idx, f = g.index[take], f[take]
    lots.loc[idx, "supplier_registry"] = f
    lots.loc[idx, "supplier_origin"] = "captured"
    lots.loc[idx, "supplier_name"] = enterprises["name"].to_numpy()[f]
    lots.loc[idx, "supplier_uscc"] = enterprises["uscc"].to_numpy()[f]


def _spell(rng, lots: pd.DataFrame) -> None:
    """How notices write the supplier: USCC case/width, and corrections that replace name and/or USCC."""
    m = len(lots)
    name = lots["supplier_name"].to_numpy().astype(object)
    uscc = lots["supplier_uscc"].to_numpy().astype(object)
    spelling = pick(rng, m, {**R.SUPPLIER_USCC_SPELLING, "plain": 1 - sum(R.SUPPLIER_USCC_SPELLING.values())})
    text = uscc.copy()
    low = (spelling == "lower") & (uscc != "")
    text[low] = np.char.lower(uscc[low].astype(str)).astype(object)
    fw = (spelling == "fullwidth") & (uscc != "")
    text[fw] = fullwidth(uscc[fw])
    # at tiny scales every spelling still occurs
    plain = np.flatnonzero((spelling == "plain") & (uscc != ""))
    for k, f in enumerate((lambda x: np.char.lower(x.astype(str)).astype(object), fullwidth)):
        idx = plain[k * R.MIN_MESS:(k + 1) * R.MIN_MESS]
        text[idx] = f(uscc[idx])
    lots["sup_text_uscc"] = text
    # the answer: cleaned USCC when valid, else NULL (blank and invalid ones)
    lots["supplier_uscc"] = np.where(lots["supplier_origin"] == "unknown", None, uscc)
    # a decoy winner on earlier results (terminated first awards) and on corrected results
    decoy = rng.permutation(m)
    lots["decoy_name"], lots["decoy_uscc"] = name[decoy], text[decoy]
    # (only winners with a valid USCC: a correction with a blank USCC would replace nothing)
    corrected = np.flatnonzero((lots["story"].to_numpy() == "corrected") & (lots["supplier_origin"] != "unknown"))
    fix = np.full(m, "", dtype=object)
    k = max(R.MIN_MESS * 3, int(round(len(corrected) * R.SUPPLIER_CORRECTION_SHARE)))
    chosen = corrected[:k]
    fix[chosen] = np.resize(np.array(["both", "name", "uscc"], dtype=object), len(chosen))
    lots["fix"] = fix
