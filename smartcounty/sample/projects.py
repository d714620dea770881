"""Procurement truth, part 1: the projects (buyer, division spelling, title, development mode)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rates as R
from .reference import Reference
from .render import choice, fmt_division, pick, s
from .words import (COUNTY_DEPTS, DATA_PLATFORM_ITEMS, INFO_ITEMS, ORDINARY_ITEMS, PLANNING_ITEMS, PROVINCE_DEPTS,
                    SMART_SUFFIXES)

SCENARIO_WEIGHTS = {"G01": 3, "G02": 1.5, "G03": 1.2, "G08": 1.5, "G09": 1.2, "I01": 2, "I03": 1.5,
                    "I06": 1.0, "L01": 2.5, "L02": 2.0, "L04": 1.0}
MODE_CATEGORY_P = {  # primary category shares of a county's smart-city lots, by development mode
    "unified_deployment": (0.55, 0.22, 0.23),
    "resource_endowment": (0.28, 0.57, 0.15),
    "integrated_platform": (0.55, 0.22, 0.23),
}
CATEGORIES = ("city_governance", "industry_management", "livelihood_services")
NAMED = {  # county_code → (mode, evidence title, scenario of the evidence lot)
    "450981": ("integrated_platform", "北流市智慧县域建设项目"),
    "450921": ("integrated_platform", "容县智慧侨乡建设项目"),
    "450325": ("unified_deployment", "兴安县雪亮工程建设项目"),
    "450703": ("unified_deployment", "钦北区雪亮工程建设项目"),
    "451225": ("resource_endowment", "罗城仫佬族自治县一键游罗城智慧旅游建设项目"),
}


def n_of(x: float, scale: float, minimum: int = 0) -> int:
    return max(minimum, int(round(x * scale)))



# ---------------------------------------------------------------------------- truth: projects
def dates_in_year(rng, years: np.ndarray, last: np.datetime64 | None = None) -> np.ndarray:
    start = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = (np.asarray(years) - 1969).astype("datetime64[Y]").astype("datetime64[D]") - 1
    if last is not None:
        end = np.minimum(end, last)
    span = (end - start).astype(int) + 1
    return start + (rng.random(len(start)) * span).astype(int)


def _county_frame(ref: Reference) -> pd.DataFrame:
    c = ref.counties.copy()
    c["alias"] = c["aliases"].str.split("|").str[0].fillna("")
    old = ref.crosswalk.set_index("new_code")
    c["old_code"] = c["county_code"].map(old["old_code"]).fillna("")
    c["old_name"] = c["county_code"].map(old["old_name"]).fillna("")
    return c.set_index("county_code", drop=False)


def _scenario_pick(rng, ref: Reference, categories: np.ndarray) -> np.ndarray:
    sc = ref.scenarios[ref.scenarios["is_integrated_platform"].str.lower() != "true"]
    out = np.empty(len(categories), dtype=object)
    for cat in CATEGORIES:
        sel = categories == cat
        pool = sc[sc["category"] == cat]
        w = np.array([SCENARIO_WEIGHTS.get(code, 0.8) for code in pool["scenario_code"]])
        out[sel] = pool["scenario_code"].to_numpy()[rng.choice(len(pool), sel.sum(), p=w / w.sum())]
    return out


def _smart_titles(rng, ref: Reference, places: np.ndarray, primaries: np.ndarray) -> np.ndarray:
    sc = ref.scenarios.set_index("scenario_code")
    kw = np.array([choice(rng, sc.at[c, "keywords"], 1)[0] for c in primaries], dtype=object)
    second = np.full(len(primaries), "", dtype=object)
    with_second = np.flatnonzero(rng.random(len(primaries)) < 0.15)
    later = {c: sc.index[(sc["priority"] > sc.at[c, "priority"])].tolist() for c in sc.index}
    for i in with_second:
        options = later[primaries[i]]
        if options:
            code = options[rng.integers(0, len(options))]
            second[i] = "及" + choice(rng, sc.at[code, "keywords"], 1)[0]
    suffix = choice(rng, SMART_SUFFIXES, len(primaries))
    return s(places) + kw + second + suffix


def _buyer_texts(rng, counties: pd.DataFrame, prefectures: pd.DataFrame, level: np.ndarray,
                 county: np.ndarray, pref: np.ndarray, ambiguous: np.ndarray | None = None) -> dict:
    """Division code, division name and buyer, spelled per the project's division style."""
    n = len(level)
    dept = np.where(level == "province", choice(rng, PROVINCE_DEPTS, n), choice(rng, COUNTY_DEPTS, n))
    out_code = np.full(n, "", dtype=object)
    out_name = np.full(n, "", dtype=object)
    buyer = np.full(n, "", dtype=object)
    style = np.full(n, "", dtype=object)
    # county buyers
    cm = level == "county"
    if cm.any():
        c = counties.loc[county[cm]]
        st = pick(rng, cm.sum(), R.DIVISION_STYLE)
        st = np.where((st == "old_code") & (c["old_code"].to_numpy() == ""), "code", st)
        cname, pname, alias = c["county_name"].to_numpy(), c["prefecture_name"].to_numpy(), c["alias"].to_numpy()
        # every spelling occurs even at tiny scales: old codes and autonomous-county short names
        has_old = np.flatnonzero(c["old_code"].to_numpy() != "")[: R.MIN_MESS]
        st[has_old] = "old_code"
        has_alias = np.setdiff1d(np.flatnonzero(alias != ""), has_old)[: R.MIN_MESS]
        st[has_alias] = "name_only"
        code = fmt_division(c["county_code"].to_numpy(), st)
        code = np.where(st == "old_code", c["old_code"].to_numpy(), code)
        code = np.where(np.isin(st, ["name_only", "buyer_only"]), "", code)
        variants = np.stack([cname, pname + cname, "广西壮族自治区" + pname + cname,
                             np.where(alias != "", alias, cname)])
        which = rng.integers(0, 4, cm.sum())
        which[has_alias] = 3
        named = variants[which, np.arange(cm.sum())]
        with_name = rng.random(cm.sum()) < 0.7
        name = np.where(st == "name_only", named, np.where(with_name, cname, ""))
        name = np.where(st == "old_code", c["old_name"].to_numpy(), name)
        name = np.where(st == "buyer_only", "", name)
        short = np.where((st == "buyer_only") & (alias != "") & (rng.random(cm.sum()) < 0.5), alias, cname)
        out_code[cm], out_name[cm], buyer[cm], style[cm] = code, name, s(short) + dept[cm], st
    # prefecture buyers: rule 2 by code, or rule 5 by the prefecture name
    pm = level == "prefecture"
    if pm.any():
        p = prefectures.loc[pref[pm]]
        k = rng.integers(0, 3, pm.sum())
        code = np.where(k == 0, p["prefecture_code"].to_numpy(), np.where(k == 1, s(p["prefecture_code"]) + "000", ""))
        pname = p["prefecture_name"].to_numpy()
        name = np.where(rng.random(pm.sum()) < 0.5, pname, np.where(k == 2, "", "广西壮族自治区" + s(pname)))
        out_code[pm], out_name[pm], buyer[pm], style[pm] = code, name, s(pname) + dept[pm], "prefecture"
    vm = level == "province"
    if vm.any():
        k = rng.integers(0, 3, vm.sum())
        out_code[vm] = np.where(k == 0, "450000", np.where(k == 1, "450000000", ""))
        out_name[vm] = np.where(rng.random(vm.sum()) < 0.5, "广西壮族自治区", "")
        buyer[vm], style[vm] = "广西壮族自治区" + dept[vm], "province"
    if ambiguous is not None and ambiguous.any():
        out_code[ambiguous] = ""
        out_name[ambiguous] = ambiguous_names(counties, rng, ambiguous.sum())
        style[ambiguous] = "ambiguous"
    return {"division_code": out_code, "division_name": out_name, "buyer": buyer, "div_style": style,
            "dept": dept}


def ambiguous_names(counties: pd.DataFrame, rng, n: int) -> np.ndarray:
    """Two county names of equal length and different counties (rule 3 → unattributed)."""
    names = counties["county_name"].to_numpy()
    three = names[pd.Series(names).str.len().to_numpy() == 3]
    i = rng.integers(0, len(three), n)
    j = (i + rng.integers(1, len(three), n)) % len(three)
    return s(three[i]) + "、" + s(three[j])


def _place(counties, prefectures, level, county, pref) -> np.ndarray:
    out = np.full(len(level), "广西壮族自治区", dtype=object)
    cm, pm = level == "county", level == "prefecture"
    out[cm] = counties.loc[county[cm], "county_name"].to_numpy()
    out[pm] = prefectures.loc[pref[pm], "prefecture_name"].to_numpy()
    return out


def _draw_counties(rng, counties: pd.DataFrame, n: int, minimum_each: int) -> np.ndarray:
    w = rng.lognormal(0, 0.4, len(counties))
    extra = max(0, n - minimum_each * len(counties))
    counts = minimum_each + rng.multinomial(extra, w / w.sum())
    return np.repeat(counties["county_code"].to_numpy(), counts)


def development_modes(rng, county_codes: np.ndarray) -> dict:
    """County → development mode: fixed counts, the named counties pinned."""
    free = [c for c in county_codes if c not in NAMED]
    order = list(rng.permutation(free))
    n_int = R.MODE_COUNTS["integrated_platform"] - sum(m == "integrated_platform" for m, _ in NAMED.values())
    n_res = R.MODE_COUNTS["resource_endowment"] - sum(m == "resource_endowment" for m, _ in NAMED.values())
    mode = {c: "unified_deployment" for c in county_codes}
    mode.update({c: "integrated_platform" for c in order[:n_int]})
    mode.update({c: "resource_endowment" for c in order[n_int:n_int + n_res]})
    mode.update({c: m for c, (m, _) in NAMED.items()})
    return mode


def build_projects(ref: Reference, rng: np.random.Generator, scale: float, modes: dict | None = None):
    """Projects of one slice; `modes` from an earlier slice: the same development modes and no second
    set of evidence projects (the named counties' and the integrated counties' G00 ones)."""
    counties = _county_frame(ref)
    prefectures = ref.prefectures.set_index("prefecture_code", drop=False)
    county_codes = counties["county_code"].to_numpy()
    mode = modes if modes is not None else development_modes(rng, county_codes)

    parts = []

    def add(kind, level, county, pref, years, awarded, calibrated, title=None, primary=None):
        n = len(level)
        parts.append(pd.DataFrame({
            "kind": kind, "level": level, "county_code": county, "pref_code": pref, "year": years,
            "awarded": awarded, "calibrated": calibrated,
            "title": title if title is not None else np.full(n, "", dtype=object),
            "intended_primary": primary if primary is not None else np.full(n, "", dtype=object)}))

    def prefs_of(county):
        return counties.loc[county, "prefecture_code"].to_numpy() if len(county) else np.array([], dtype=object)

    # 1. calibrated smart-city projects (county, awarded, 2022/2023)
    for year, n_lots in R.SMART_LOTS.items():
        n = n_of(n_lots / 1.12, scale)
        cc = _draw_counties(rng, counties, n, 2 if scale >= 0.5 else 0)
        cc = cc[rng.permutation(len(cc))]
        first = ~pd.Series(cc).duplicated().to_numpy()
        cat = np.empty(len(cc), dtype=object)
        for m, p in MODE_CATEGORY_P.items():
            sel = np.array([mode[c] == m for c in cc], dtype=bool)
            cat[sel] = np.array(CATEGORIES, dtype=object)[rng.choice(3, sel.sum(), p=p)]
            lead = "industry_management" if m == "resource_endowment" else "city_governance"
            cat[sel & first] = lead
        prim = _scenario_pick(rng, ref, cat)
        add("smart", np.full(len(cc), "county", dtype=object), cc, prefs_of(cc), np.full(len(cc), year),
            True, True, primary=prim)
    # evidence projects of the named counties and the G00 project of every integrated county
    g00 = ref.scenarios.set_index("scenario_code").at["G00", "keywords"]
    g00_free = [k for k in g00 if k not in ("智慧县域", "智慧侨乡")]
    integ = [c for c in county_codes if mode[c] == "integrated_platform" and modes is None]
    ev_c, ev_title, ev_prim = [], [], []
    for c in integ:
        title = NAMED[c][1] if c in NAMED else (
            counties.at[c, "county_name"] + g00_free[rng.integers(0, len(g00_free))] + "建设项目")
        ev_c.append(c), ev_title.append(title), ev_prim.append("G00")
    for c, (m, title) in NAMED.items():
        if m != "integrated_platform" and modes is None:
            ev_c.append(c), ev_title.append(title), ev_prim.append("I03" if m == "resource_endowment" else "G01")
    ev_c = np.array(ev_c, dtype=object)
    add("smart", np.full(len(ev_c), "county", dtype=object), ev_c, prefs_of(ev_c),
        rng.choice([2022, 2023], len(ev_c)), True, True, np.array(ev_title, dtype=object),
        np.array(ev_prim, dtype=object))

    # 2. smart-city projects of other years (county, awarded; G00 allowed anywhere: outside the mode window)
    for year, n_lots in R.SMART_LOTS_OTHER_YEARS.items():
        n = n_of(n_lots / 1.12, scale)
        cc = _draw_counties(rng, counties, n, 0)
        cat = np.array(CATEGORIES, dtype=object)[rng.choice(3, n, p=(0.5, 0.28, 0.22))]
        prim = _scenario_pick(rng, ref, cat)
        prim = np.where(rng.random(n) < 0.03, "G00", prim)
        add("smart", np.full(n, "county", dtype=object), cc, prefs_of(cc), np.full(n, year), True, False,
            primary=prim)
    # 3. smart-city traps: city/province buyers, not awarded, ambiguous division names
    n = n_of(R.SMART_TRAP_LOTS / 1.12, scale, R.MIN_MESS * 4)
    kind_trap = rng.choice(["prefecture", "province", "not_awarded"], n, p=(0.45, 0.15, 0.40))
    cc = _draw_counties(rng, counties, n, 0)
    level = np.where(kind_trap == "not_awarded", "county", kind_trap).astype(object)
    pref = prefs_of(cc)
    cat = np.array(CATEGORIES, dtype=object)[rng.choice(3, n, p=(0.5, 0.28, 0.22))]
    prim = np.where(rng.random(n) < 0.15, "G00", _scenario_pick(rng, ref, cat))
    add("smart", level, np.where(level == "county", cc, ""), pref,
        rng.choice([2021, 2022, 2023, 2024], n), kind_trap != "not_awarded", False, primary=prim)

    # 4. informatization (non smart-city) projects
    for year, n_lots in {**R.INFO_LOTS, **R.INFO_LOTS_OTHER_YEARS}.items():
        n = n_of(n_lots / 1.15, scale)
        cc = _draw_counties(rng, counties, n, 0)
        add("info", np.full(n, "county", dtype=object), cc, prefs_of(cc), np.full(n, year), True,
            year in R.REPORT_YEARS)
    n = n_of(R.INFO_TRAP_LOTS / 1.15, scale, R.MIN_MESS * 3)
    level = rng.choice(["prefecture", "province", "county"], n, p=(0.55, 0.2, 0.25)).astype(object)
    cc = _draw_counties(rng, counties, n, 0)
    add("info", level, np.where(level == "county", cc, ""), prefs_of(cc), rng.choice([2021, 2022, 2023, 2024], n),
        level != "county", False)

    # 5. ordinary projects
    n = n_of(R.ORDINARY_LOTS / 1.15, scale, 10)
    u = rng.random(n)
    level = np.where(u < R.PROVINCE_BUYER_SHARE, "province",
                     np.where(u < R.PROVINCE_BUYER_SHARE + R.PREFECTURE_BUYER_SHARE, "prefecture", "county"))
    cc = _draw_counties(rng, counties, n, 0)
    add("ordinary", level.astype(object), np.where(level == "county", cc, ""), prefs_of(cc),
        rng.choice([2021, 2022, 2023, 2024], n, p=(0.3, 0.3, 0.28, 0.12)),
        rng.random(n) >= R.NOT_AWARDED_RATE, False)

    p = pd.concat(parts, ignore_index=True)
    p["county_code"] = p["county_code"].astype(object).where(p["level"] == "county", "")
    p["pref_code"] = p["pref_code"].astype(object)
    n = len(p)
    ambiguous = ((p["kind"] == "smart") & ~p["awarded"] & (p["level"] == "county")).to_numpy().copy()
    ambiguous &= np.cumsum(ambiguous) <= n_of(R.AMBIGUOUS_NAME_LOTS, scale, R.MIN_MESS)
    texts = _buyer_texts(rng, counties, prefectures, p["level"].to_numpy(), p["county_code"].to_numpy(),
                         p["pref_code"].to_numpy(), ambiguous)
    for k, v in texts.items():
        p[k] = v
    # ambiguous lots are awarded traps: otherwise-countable smart lots nobody may count
    p.loc[ambiguous, "awarded"] = True
    place = _place(counties, prefectures, p["level"].to_numpy(), p["county_code"].to_numpy(), p["pref_code"].to_numpy())
    head = s(place) + s(p["dept"])
    year_prefix = np.where(rng.random(n) < 0.25, s(p["year"]) + "年", "")
    smart = (p["kind"] == "smart").to_numpy() & (p["title"] == "").to_numpy()
    titles = p["title"].to_numpy().copy()
    titles[smart] = _smart_titles(rng, ref, place[smart], p["intended_primary"].to_numpy()[smart])
    info = (p["kind"] == "info").to_numpy()
    info_title = info & (rng.random(n) < 0.65)
    titles[info_title] = (year_prefix + head + choice(rng, INFO_ITEMS, n))[info_title]
    # scorecard inputs: a planning / data-platform project in some counties and years
    cand = np.flatnonzero(info & (p["level"] == "county").to_numpy() & p["awarded"].to_numpy())
    first = cand[rng.permutation(len(cand))]
    first = first[~pd.Series(s(p["county_code"].to_numpy()[first]) + s(p["year"].to_numpy()[first])).duplicated().to_numpy()]
    u = rng.random(len(first))
    for items, sel in ((PLANNING_ITEMS, u < R.PLANNING_COUNTY_RATE),
                       (DATA_PLATFORM_ITEMS, (u >= R.PLANNING_COUNTY_RATE)
                        & (u < R.PLANNING_COUNTY_RATE + R.DATA_PLATFORM_COUNTY_RATE))):
        idx = first[sel]
        titles[idx] = (year_prefix + head + choice(rng, items, n))[idx]
        info_title[idx] = True
    plain = (titles == "")
    titles[plain] = (year_prefix + head + choice(rng, ORDINARY_ITEMS, n))[plain]
    p["title"] = titles
    p["info_by_catalog"] = info & ~info_title
    p["mode"] = p["county_code"].map(mode).fillna("")
    p["attribution"] = np.where(p["div_style"] == "ambiguous", "unattributed",
                                np.where(p["level"] == "county", "county",
                                         np.where((p["level"] == "province") & (p["division_code"] == ""),
                                                  "unattributed", "not_county_level")))
    return p.drop(columns=["dept"]), mode
