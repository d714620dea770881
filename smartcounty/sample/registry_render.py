"""Registry rows: the enterprise truth spelled as an extract (names, addresses, codes, dates, capital)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rates as R
from .projects import ambiguous_names
from .reference import Reference
from .render import add_noise, choice, fmt_dates, fmt_division, frame, fullwidth, pick
from .uscc import uscc_with_check
from .words import (COMPANY_TYPES, GIVEN, NONCORE, REGISTRY_WORD_A, REGISTRY_WORD_B, ROADS, SCOPES_CORE,
                    SCOPES_NONCORE, SCOPES_NONCORE_SMART, SCOPES_SMART, SECTION, SURNAMES, TOWNS)


def _pool(*parts) -> np.ndarray:
    """Every concatenation of one item from each part (small cartesian pools, picked by index)."""
    out = np.array([""], dtype=object)
    for part in parts:
        out = (out[:, None] + np.asarray(part, dtype=object)[None, :]).ravel()
    return out


ROAD_NUMS = _pool(ROADS, [f"{k}号" for k in range(1, 300)])
TAILS = _pool(TOWNS, ROAD_NUMS)
WORDS = _pool(REGISTRY_WORD_A, REGISTRY_WORD_B)
BODY_CORE = _pool(WORDS, ["科技", "信息技术", "网络科技", "软件", "电子", "通信技术", "数字科技", "传媒", "电子商务"],
                  ["有限公司", "有限责任公司", "股份有限公司"])
BODY_PLAIN = _pool(WORDS, ["商贸", "建筑工程", "农业", "餐饮管理", "物业服务", "运输", "建材", "贸易", "食品",
                           "旅游", "酒店管理", "汽车服务"], ["有限公司", "有限责任公司", "股份有限公司"])
BODY_SMART = _pool(WORDS, ["智慧城市科技", "智慧社区服务", "智慧城市建设"], ["有限公司", "有限责任公司"])
SHOPS = _pool(WORDS, ["便利店", "五金店", "餐馆", "百货店", "农资店", "理发店", "粉店"])
PEOPLE = _pool(SURNAMES, GIVEN, [""] + GIVEN)
CAPITALS = np.array([3, 5, 10, 50, 100, 200, 500, 1000, 3000])


def render(ref: Reference, rng: np.random.Generator, t: pd.DataFrame, serial0: int = 0) -> pd.DataFrame:
    """Spell the truth rows as a registry extract (valid rows only; duplicates and bad rows added after)."""
    n = len(t)
    counties = ref.counties.reset_index(drop=True)
    ci = pd.Index(counties["county_code"]).get_indexer(t["county_code"])
    cn = counties["county_name"].to_numpy().astype(object)
    pn = counties["prefecture_name"].to_numpy().astype(object)
    pc = counties["prefecture_code"].to_numpy().astype(object)
    cc = counties["county_code"].to_numpy().astype(object)
    oc = counties["county_code"].map(ref.crosswalk.set_index("new_code")["old_code"]).fillna("").to_numpy().astype(object)
    cname, pname, pcode, ccode, old = cn[ci], pn[ci], pc[ci], cc[ci], oc[ci]
    style = t["style"].to_numpy().copy()
    style = np.where((style == "old_code") & (old == ""), "code", style)
    tail = TAILS[rng.integers(0, len(TAILS), n)]
    road = ROAD_NUMS[rng.integers(0, len(ROAD_NUMS), n)]
    prefix = np.where(rng.random(n) < 0.5, ("广西壮族自治区" + pn + cn)[ci], cname)
    addr = prefix + tail
    auth = np.where(rng.random(n) < 0.3, (pn + cn + "市场监督管理局")[ci], (cn + "市场监督管理局")[ci])
    dstyle_code = np.where(np.isin(style, ["code9", "code12", "code_fullwidth"]), style, "code")
    division = fmt_division(ccode, dstyle_code)
    division = np.where(style == "old_code", old, division)
    uscc_div = np.where(rng.random(n) < 0.9, ccode, pcode).astype(object)
    uscc_div = np.where((style == "old_code") & (rng.random(n) < 0.7), old, uscc_div)
    blank_code = ~np.isin(style, ["code", "code9", "code12", "code_fullwidth", "old_code"])
    division = np.where(blank_code, "", division).astype(object)
    # rule 3 by 住所
    m = style == "address"
    auth = np.where(m & (rng.random(n) < 0.5), "", auth)
    uscc_div = np.where(m, pcode, uscc_div)                    # a wrong rule order would call it city-level
    # rule 3 by 登记机关 (住所 names no place)
    m = style == "authority"
    addr = np.where(m, tail, addr)
    uscc_div = np.where(m, pcode, uscc_div)
    # rule 4 by the USCC's division
    m = style == "uscc"
    addr = np.where(m, np.where(rng.random(n) < 0.5, tail, ""), addr)
    auth = np.where(m, np.where(rng.random(n) < 0.5, "广西壮族自治区市场监督管理局", ""), auth)
    uscc_div = np.where(m, np.where((old != "") & (rng.random(n) < 0.5), old, ccode), uscc_div)
    # not county-level: a city/province code, or city texts with a city USCC
    m = style == "not_county"
    k = rng.random(n) < 0.6
    division = np.where(m & k, np.where(rng.random(n) < 0.85, pcode, "450000"), division)
    addr[m] = pname[m] + road[m]
    auth[m] = pname[m] + "市场监督管理局"
    uscc_div = np.where(m, pcode, uscc_div)
    # unattributed: no place in the texts, a USCC from outside Guangxi
    m = style == "unattributed"
    addr = np.where(m, road, addr)
    auth = np.where(m, np.where(rng.random(n) < 0.5, "广西壮族自治区市场监督管理局", ""), auth)
    uscc_div = np.where(m, choice(rng, ["440106", "110108", "430102", "530102"], n), uscc_div)
    # ambiguous: the 住所 names two counties of equal length (rule 3 stops: unattributed)
    m = style == "ambiguous"
    if m.any():
        addr[m] = ambiguous_names(counties, rng, m.sum()) + "交界处" + road[m]
    # names
    ind = t["industry"].to_numpy().astype(object)
    role = t["role"].to_numpy()
    core = role != "noncore"
    individual = (role == "noncore") & (rng.random(n) < 0.3)
    body = np.where(core, BODY_CORE[rng.integers(0, len(BODY_CORE), n)], BODY_PLAIN[rng.integers(0, len(BODY_PLAIN), n)])
    u = rng.random(n)
    lead = np.where(u < 0.6, "广西", np.where(u < 0.8, cname, pname))
    name = lead + body
    name[individual] = cname[individual] + SHOPS[rng.integers(0, len(SHOPS), individual.sum())]
    smart_term = t["smart_term"].to_numpy()
    by_name = smart_term & (rng.random(n) < 0.5)
    name[by_name] = "广西" + BODY_SMART[rng.integers(0, len(BODY_SMART), by_name.sum())]
    scope = np.where(core, choice(rng, SCOPES_CORE, n), choice(rng, SCOPES_NONCORE, n))
    scope = np.where(smart_term & ~by_name, np.where(core, choice(rng, SCOPES_SMART, n),
                                                     choice(rng, SCOPES_NONCORE_SMART, n)), scope)
    # industry code spelling
    istyle = pick(rng, n, R.INDUSTRY_STYLE)
    ind_s = pd.Series(ind, dtype=object)
    letter = ind_s.map({k: v[0] for k, v in NONCORE.items()}).fillna(ind_s.str[:2].map(SECTION)).fillna("")
    letter = letter.to_numpy().astype(object)
    code = ind.copy()
    sel = istyle != "plain"
    code[sel] = letter[sel] + ind[sel]
    sel = istyle == "lower"
    code[sel] = np.char.lower(code[sel].astype(str)).astype(object)
    sel = istyle == "fullwidth"
    code[sel] = fullwidth(code[sel])
    bad_ind = (t["reason"].to_numpy() == "bad_industry") | ((role == "noncore") & (rng.random(n) < R.INVALID_INDUSTRY_RATE))
    code[bad_ind] = np.where(rng.random(bad_ind.sum()) < 0.5, ind[bad_ind] + "1", "软件开发")
    de = pd.read_csv(ref_path(), dtype=str)
    names_map = {**{k: v[1] for k, v in NONCORE.items()}, **dict(zip(de["industry_code"], de["de_subcategory_zh"]))}
    ind_name = ind_s.map(names_map).fillna("").to_numpy().astype(object)
    head = np.where(individual, "92", np.where((role == "noncore") & (rng.random(n) < 0.03), "93", "91"))
    uscc = uscc_with_check(rng, head, uscc_div, np.arange(n) + serial0)
    # truth: procurement draws its winning suppliers from these (object columns: no Arrow round trips)
    t["uscc"] = pd.Series(uscc, index=t.index, dtype=object)
    t["name"] = pd.Series(name, index=t.index, dtype=object)
    dstyle = pick(rng, n, R.DATE_STYLE)

    def fmt(col, blank):
        return np.where(blank, "", fmt_dates(t[col].to_numpy(), dstyle, rng)).astype(object)

    cap = rng.integers(0, len(CAPITALS), n)
    cap_pool = np.stack([_pool([str(x) for x in CAPITALS], [suffix])
                         for suffix in ("万人民币", "万元", "万美元")])
    cap_kind = np.where(rng.random(n) < 0.6, 0, 1)
    cap_kind = np.where(rng.random(n) < 0.02, 2, cap_kind)
    cap_text = cap_pool[cap_kind, cap]
    cap_text = np.where(individual, np.where(rng.random(n) < 0.5, "", _pool([str(x * 1000) for x in CAPITALS],
                                                                            ["元"])[cap]), cap_text)
    ctype = np.where(individual, "个体工商户", choice(rng, COMPANY_TYPES, n))
    ctype = np.where(head == "93", "农民专业合作社", ctype)
    out = frame({
        "统一社会信用代码": uscc,
        "企业名称": add_noise(name, rng, R.NOISE_CELL_RATE),
        "登记状态": t["status"].to_numpy().astype(object),
        "成立日期": fmt("established", np.zeros(n, bool)),
        "核准日期": fmt("approved", t["approved_blank"].to_numpy()),
        "注销日期": fmt("dereg", pd.isna(t["dereg"]).to_numpy()),
        "吊销日期": fmt("revoked", pd.isna(t["revoked"]).to_numpy()),
        "注册资本": cap_text,
        "企业类型": ctype,
        "法定代表人": PEOPLE[rng.integers(0, len(PEOPLE), n)],
        "行业代码": code,
        "行业名称": ind_name,
        "登记机关": add_noise(auth, rng, R.NOISE_CELL_RATE),
        "住所": add_noise(addr, rng, R.NOISE_CELL_RATE),
        "所属区划代码": division,
        "经营范围": scope,
    })
    # a few valid USCCs spelled in lower case or full width (the loader upper-cases / NFKCs them)
    k = np.flatnonzero(rng.random(n) < R.LOWERCASE_USCC_RATE)
    low = uscc[k].astype(str)
    out.loc[k, "统一社会信用代码"] = np.where(rng.random(len(k)) < 0.8, np.char.lower(low).astype(object),
                                       fullwidth(low.astype(object)))
    return out


def ref_path():
    from smartcounty.settings import SEEDS_DIR
    return SEEDS_DIR / "digital_economy_industries.csv"
