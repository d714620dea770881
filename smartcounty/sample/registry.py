"""Enterprise registry extract: one truth row per enterprise, then duplicates, bad rows and spelling.

Truth (never written): ``role`` (counted / core_trap / noncore), ``counted`` (digital-economy
enterprise on the register at the as-of date, attributed to a county), ``smart`` (counted and
naming 智慧城市/智慧社区), ``county_code``, ``attribution``, ``uscc`` and ``name`` (as written,
before spelling noise), ``status``, ``established``, ``dereg``, ``revoked``.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from . import rates as R
from .reference import Reference
from .render import add_noise, choice, fmt_dates, fmt_division, frame, fullwidth, pick, s

COLUMNS = ["统一社会信用代码", "企业名称", "登记状态", "成立日期", "核准日期", "注销日期", "吊销日期", "注册资本",
           "企业类型", "法定代表人", "行业代码", "行业名称", "登记机关", "住所", "所属区划代码", "经营范围"]
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_LOOKUP = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(CHARSET):
    _LOOKUP[ord(_c)] = _i
SECTION = {"38": "C", "39": "C", "51": "F", "52": "F", "63": "I", "64": "I", "65": "I", "69": "J", "72": "L",
           "81": "O", "86": "R", "87": "R"}
NONCORE = {"0111": ("A", "稻谷种植"), "0141": ("A", "蔬菜种植"), "0311": ("A", "牛的饲养"), "1311": ("C", "稻谷加工"),
           "1340": ("C", "制糖业"), "2021": ("C", "胶合板制造"), "3021": ("C", "水泥制品制造"),
           "4710": ("E", "住宅房屋建筑"), "4811": ("E", "铁路工程建筑"), "4851": ("E", "架线及设备工程建筑"),
           "5011": ("E", "建筑装饰和装修业"), "5121": ("F", "米、面制品及食用油批发"), "5211": ("F", "百货零售"),
           "5212": ("F", "超级市场零售"), "5261": ("F", "汽车新车零售"), "5411": ("G", "城市公共交通运输"),
           "5432": ("G", "普通货物道路运输"), "6110": ("H", "旅游饭店"), "6210": ("H", "正餐服务"),
           "7020": ("K", "物业管理"), "7212": ("L", "投资与资产管理"), "7281": ("L", "会议、展览及相关服务"),
           "7291": ("L", "旅行社及相关服务"), "7320": ("M", "工程和技术研究和试验发展"), "7484": ("M", "工程设计活动"),
           "8010": ("O", "家庭服务"), "8051": ("O", "洗浴服务"), "8111": ("O", "汽车修理与维护"),
           "8321": ("P", "普通小学教育"), "8411": ("Q", "综合医院"), "9011": ("R", "文艺创作与表演")}
TOWNS = ["城关镇", "新城街道", "东城街道", "西门街道", "大塘镇", "黄冕镇", "石塘镇", "沙田镇", "平安乡", "河东街道",
         "南街街道", "长安镇", "新圩镇", "大安镇", "龙岗街道"]
ROADS = ["人民路", "解放路", "建设路", "新华路", "民主路", "中山路", "和平路", "文化路", "朝阳路", "团结路", "育才路",
         "滨江路", "公园路", "环城路", "工业园大道", "商贸大道"]
SCOPES_CORE = [
    "软件开发；信息系统集成服务；信息技术咨询服务；数据处理和存储支持服务",
    "计算机软硬件及辅助设备零售；电子产品销售；通讯设备销售；网络技术服务",
    "互联网信息服务；网络文化经营；广告设计、代理；数字内容制作服务",
    "电子元器件制造；电子专用材料研发；光电子器件制造",
    "第一类增值电信业务；第二类增值电信业务；基础电信业务；通信设备修理",
    "信息系统运行维护服务；网络与信息安全软件开发；物联网技术服务",
    "互联网销售（除销售需要许可的商品）；技术服务、技术开发、技术咨询、技术交流",
]
SCOPES_SMART = [
    "智慧城市解决方案设计；软件开发；信息系统集成服务；物联网应用服务",
    "新型智慧城市建设运营；大数据服务；信息技术咨询服务",
    "智慧社区服务平台开发；软件开发；计算机系统服务",
    "智慧社区系统集成；安全技术防范系统设计施工服务；网络技术服务",
]
SCOPES_NONCORE = [
    "日用百货销售；五金产品零售；食品销售（仅销售预包装食品）", "房屋建筑和市政基础设施项目工程总承包；建筑劳务分包",
    "谷物种植；蔬菜种植；农产品的生产、销售、加工、运输、贮藏", "餐饮服务；食品经营；酒类经营",
    "道路货物运输（不含危险货物）；装卸搬运；国内货物运输代理", "酒店管理；住宿服务；会议及展览服务",
    "建筑材料销售；水泥制品制造；砼结构构件销售", "物业管理；停车场服务；家政服务", "汽车修理和维护；机动车修理和维护",
    "旅行社服务网点旅游招徕、咨询服务；旅游开发项目策划咨询",
]
SCOPES_NONCORE_SMART = ["物业管理；智慧社区服务；停车场服务", "房屋建筑工程施工；智慧城市基础设施工程施工",
                        "城市绿化管理；智慧社区运营管理；家政服务"]
ACTIVE = ["存续", "在业", "在营", "开业", "在册", "存续（在营、开业、在册）", "迁入"]
NONCORE_STATUS = {"存续": 0.52, "在业": 0.10, "在营": 0.03, "开业": 0.02, "在册": 0.01, "存续（在营、开业、在册）": 0.03,
                  "迁入": 0.01, "注销": 0.17, "撤销": 0.005, "吊销": 0.02, "吊销，未注销": 0.03, "吊销，已注销": 0.02,
                  "迁出": 0.01, "停业": 0.005, "清算": 0.01}
CORE_TRAP_REASONS = {"closed_before": 0.33, "closed_no_date": 0.08, "moved_out": 0.08, "established_after": 0.06,
                     "unattributed": 0.10, "not_county": 0.12, "ambiguous": 0.03, "dup_closed": 0.10,
                     "bad_industry": 0.10}
COMPANY_TYPES = ["有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "股份有限公司(非上市、自然人投资或控股)",
                 "其他有限责任公司", "有限责任公司(国有独资)"]
WORD_A = list("鑫盛华泰恒达宏远博创联瑞信诚安顺嘉裕聚力益丰合众新宇天海金银福禄桂邕壮")
WORD_B = list("源通和达成利宏景业邦辰禾晟润泽峰旭晖锦程佳美康乐")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙莫农陆")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲兰梅")
D_ASOF = np.datetime64(R.AS_OF, "D")


def uscc_with_check(rng, head2: np.ndarray, division: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Valid GB 32100-2015 codes: head(2) + division(6) + 9 chars from `serial` (unique) + check char."""
    n = len(serial)
    cs = np.frombuffer(CHARSET.encode("ascii"), dtype=np.uint8)
    head = np.asarray(head2).astype("S2").view(np.uint8).reshape(n, 2)
    div = np.asarray(division).astype("S6").view(np.uint8).reshape(n, 6)
    v = (np.asarray(serial, dtype=np.int64) * 1_000_003 + 17) % (31 ** 9)
    org = np.empty((n, 9), dtype=np.uint8)
    for k in range(8, -1, -1):
        org[:, k] = cs[v % 31]
        v //= 31
    body = np.concatenate([head, div, org], axis=1)
    total = (_LOOKUP[body] * WEIGHTS).sum(axis=1)
    check = 31 - total % 31
    check = np.where(check == 31, 0, check)
    full = np.ascontiguousarray(np.concatenate([body, cs[check][:, None]], axis=1))
    return full.view("S18").ravel().astype(str).astype(object)


def _dates_between(rng, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    lo, hi = np.asarray(lo, dtype="datetime64[D]"), np.asarray(hi, dtype="datetime64[D]")
    span = np.maximum((hi - lo).astype(np.int64), 0)
    return lo + (rng.random(len(lo)) * (span + 1)).astype(np.int64)


def _d(x) -> np.datetime64:
    return np.datetime64(x, "D")


def build_truth(ref: Reference, rng: np.random.Generator, scale: float) -> pd.DataFrame:
    n_rows = max(200, int(round(R.REGISTRY_ROWS * scale)))
    n_bad = int(round(n_rows * (R.INVALID_USCC_RATE + sum(R.REGISTRY_QUARANTINE_RATES.values()))))
    n_u = int((n_rows - n_bad) / (1 + R.DUPLICATE_USCC_RATE))
    n_counted = max(R.MIN_MESS * 3, int(round(R.DIGITAL_ECONOMY_ENTERPRISES * scale)))
    n_smart = max(2, int(round(R.SMART_CITY_ENTERPRISES * scale)))
    n_trap = max(len(CORE_TRAP_REASONS) * R.MIN_MESS, int(round(R.CORE_TRAP_ENTERPRISES * scale)))
    n_trap_smart = max(R.MIN_MESS, n_trap // 7)
    n_noncore_smart = max(R.MIN_MESS, int(round(R.NONCORE_SMART_TERM_ENTERPRISES * scale)))
    role = np.array(["counted"] * n_counted + ["core_trap"] * n_trap + ["noncore"] * (n_u - n_counted - n_trap),
                    dtype=object)
    n = len(role)
    t = pd.DataFrame({"role": role})
    t["reason"] = ""
    trap = role == "core_trap"
    reasons = np.repeat(np.array(list(CORE_TRAP_REASONS), dtype=object), R.MIN_MESS)
    rest = pick(rng, trap.sum() - len(reasons), CORE_TRAP_REASONS)
    t.loc[trap, "reason"] = np.concatenate([reasons, rest])
    # smart terms: counted ones are the answer, the others are traps
    smart_flag = np.zeros(n, bool)
    smart_flag[:n_smart] = True
    smart_flag[n_counted:n_counted + n_trap_smart] = True
    nc = np.flatnonzero(role == "noncore")
    smart_flag[nc[:n_noncore_smart]] = True
    t["smart_term"] = smart_flag
    t["smart"] = smart_flag & (role == "counted")
    # home county
    counties = ref.counties.set_index("county_code", drop=False)
    w = rng.lognormal(0, 0.6, len(counties))
    t["county_code"] = counties["county_code"].to_numpy()[rng.choice(len(counties), n, p=w / w.sum())]
    # industry
    core = np.array(ref.core_codes, dtype=object)
    noncore_codes = np.array(list(NONCORE), dtype=object)
    is_core = role != "noncore"
    t["industry"] = np.where(is_core, choice(rng, core, n), choice(rng, noncore_codes, n))
    t.loc[t["smart_term"] & ~is_core, "industry"] = choice(rng, ["7020", "4851", "5011"], (t["smart_term"] & ~is_core).sum())
    # dates: establishment skewed to recent years
    age = np.minimum(rng.exponential(7 * 365, n), (D_ASOF - _d("1990-01-01")).astype(int)).astype(np.int64)
    est = D_ASOF - age
    reason = t["reason"].to_numpy()
    late = (reason == "established_after") | ((role == "noncore") & (rng.random(n) < 0.012))
    est = np.where(late, _dates_between(rng, np.full(n, _d("2024-07-01")), np.full(n, _d("2024-12-31"))), est)
    before = np.isin(reason, ["closed_before", "dup_closed"])
    est = np.where(before, np.minimum(est, D_ASOF - 30), est)   # room for a closure before the as-of date
    t["established"] = est
    # status and closing dates
    status = np.empty(n, dtype=object)
    cm = role == "counted"
    u = rng.random(n)
    status[cm] = np.where(u[cm] < 0.88, choice(rng, ACTIVE, cm.sum()),
                          np.where(u[cm] < 0.95, choice(rng, ["停业", "清算"], cm.sum()),
                                   choice(rng, ["注销", "吊销", "吊销，已注销", "吊销，未注销"], cm.sum())))
    ncm = role == "noncore"
    status[ncm] = pick(rng, ncm.sum(), NONCORE_STATUS)
    status[trap] = choice(rng, ACTIVE, trap.sum())
    status[reason == "closed_before"] = choice(rng, ["注销", "吊销", "吊销，未注销", "吊销，已注销", "撤销"],
                                               (reason == "closed_before").sum())
    status[reason == "dup_closed"] = "注销"
    status[reason == "closed_no_date"] = choice(rng, ["注销", "吊销", "撤销"], (reason == "closed_no_date").sum())
    status[reason == "moved_out"] = "迁出"
    t["status"] = status
    closed = np.isin(status, ["注销", "撤销", "吊销", "吊销，未注销", "吊销，已注销"])
    after = cm & closed                                        # counted closures happen after the as-of date
    close_date = np.where(after, _dates_between(rng, np.full(n, D_ASOF + 1), np.full(n, _d("2025-03-31"))),
                          _dates_between(rng, est + before, np.where(before, D_ASOF, _d("2025-03-31"))))
    close_date = np.maximum(close_date, est)
    has_date = closed & (rng.random(n) < 0.93) & (reason != "closed_no_date")
    has_date |= after | before
    dereg = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    revoked = dereg.copy()
    is_dereg = np.isin(status, ["注销", "撤销"])
    is_rev = np.isin(status, ["吊销", "吊销，未注销"])
    both = status == "吊销，已注销"
    dereg[is_dereg & has_date] = close_date[is_dereg & has_date]
    revoked[is_rev & has_date] = close_date[is_rev & has_date]
    revoked[both & has_date] = close_date[both & has_date]
    dereg[both & has_date] = close_date[both & has_date] + rng.integers(1, 400, (both & has_date).sum())
    t["dereg"], t["revoked"] = dereg, revoked
    appr = _dates_between(rng, est, np.full(n, _d("2024-12-31")))
    appr = np.where(before, close_date, appr)
    t["approved"] = appr
    t["approved_blank"] = (rng.random(n) < 0.08) & ~before
    # attribution style
    style = pick(rng, n, R.ENTERPRISE_DIVISION_STYLE)
    style = np.where((role == "noncore") & (rng.random(n) < 0.04), "not_county", style)
    style = np.where((role == "noncore") & (rng.random(n) < 0.01), "unattributed", style)
    for r in ("unattributed", "not_county", "ambiguous"):
        style = np.where(reason == r, r, style)
    t["style"] = style
    t["counted"] = (role == "counted")
    t["attribution"] = np.where(np.isin(style, ["unattributed", "ambiguous"]), "unattributed",
                                np.where(style == "not_county", "not_county_level", "county"))
    for col in ("role", "reason", "county_code", "industry", "status", "style", "attribution"):
        # plain object columns: pandas 3 Arrow strings would be converted back on every use
        t[col] = pd.Series(t[col].to_numpy(dtype=object), index=t.index, dtype=object)
    return t


def _pool(*parts) -> np.ndarray:
    """Every concatenation of one item from each part (small cartesian pools, picked by index)."""
    out = np.array([""], dtype=object)
    for part in parts:
        out = (out[:, None] + np.asarray(part, dtype=object)[None, :]).ravel()
    return out


ROAD_NUMS = _pool(ROADS, [f"{k}号" for k in range(1, 300)])
TAILS = _pool(TOWNS, ROAD_NUMS)
WORDS = _pool(WORD_A, WORD_B)
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
        from .procurement import ambiguous_names
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


def add_mess(rng, t: pd.DataFrame, rows: pd.DataFrame, serial0: int = 0) -> tuple[pd.DataFrame, dict]:
    """Duplicates with other 核准日期 (latest wins), invalid USCCs and quarantine-bound rows."""
    n = len(rows)
    stats = {}
    role, reason = t["role"].to_numpy(), t["reason"].to_numpy()
    # duplicates: older rows of the same enterprise
    dup_closed = np.flatnonzero(reason == "dup_closed")
    k = max(R.MIN_MESS, int(round(R.DUPLICATE_USCC_RATE * n))) - len(dup_closed)
    others = rng.choice(np.flatnonzero(reason != "dup_closed"), max(k, 0), replace=False)
    idx = np.concatenate([dup_closed, others])
    old = rows.iloc[idx].copy()
    winner_appr = t["approved"].to_numpy()[idx]
    kind = rng.random(len(idx))
    tie = (kind < R.DUPLICATE_TIE_SHARE) & (reason[idx] != "dup_closed")
    blank = (kind >= R.DUPLICATE_TIE_SHARE) & (kind < R.DUPLICATE_TIE_SHARE + R.DUPLICATE_BLANK_SHARE)
    est = t["established"].to_numpy()[idx]
    earlier = _dates_between(rng, est, np.maximum(winner_appr - 1, est))
    earlier = np.where(earlier >= winner_appr, winner_appr, earlier)   # same-day establishment+approval: a tie
    tie |= earlier >= winner_appr
    dstyle = pick(rng, len(idx), R.DATE_STYLE)
    old["核准日期"] = np.where(blank & ~tie, "", np.where(tie, fmt_dates(winner_appr, dstyle, rng),
                                                       fmt_dates(earlier, dstyle, rng)))
    # the winner of a duplicate always carries a date (a blank sorts first and would lose)
    rows.loc[idx, "核准日期"] = fmt_dates(winner_appr, pick(rng, len(idx), R.DATE_STYLE), rng)
    # the older row differs: a former name, address, or (dup_closed) the status before deregistration
    renamed = rng.random(len(idx)) < 0.4
    old.loc[renamed, "企业名称"] = old.loc[renamed, "企业名称"].str.replace("有限公司", "经营部", regex=False)
    dc = reason[idx] == "dup_closed"
    old.loc[dc, "登记状态"] = "存续"
    old.loc[dc, "注销日期"] = ""
    old.loc[dc, "核准日期"] = np.where(blank[dc], "", fmt_dates(earlier[dc], dstyle[dc], rng))
    tie &= ~dc
    old["_tie_of"] = np.where(tie, idx, -1)
    stats["duplicate_rows"] = len(old)
    stats["duplicate_ties"] = int(tie.sum())
    # invalid USCCs: would-be counted enterprises among them
    n_bad = max(R.MIN_MESS, int(round(R.INVALID_USCC_RATE * n)))
    bad = rows.iloc[rng.choice(np.flatnonzero(role != "noncore"), min(n_bad, (role != "noncore").sum()),
                               replace=False)].copy()
    u = s(bad["统一社会信用代码"].map(lambda x: unicodedata.normalize("NFKC", x).upper()).to_numpy())
    how = rng.integers(0, 4, len(bad))
    wrong_check = np.array([CHARSET[(CHARSET.index(x[-1]) + 1 + k % 30) % 31] if x[-1] in CHARSET else "0"
                            for x, k in zip(u, rng.integers(0, 30, len(bad)))], dtype=object)
    body = s(pd.Series(u, dtype=object).str[:17].to_numpy())
    bad["统一社会信用代码"] = np.where(how <= 1, body + wrong_check,
                                np.where(how == 2, body, s(pd.Series(body, dtype=object).str[:8].to_numpy()) + "O" +
                                         s(pd.Series(u, dtype=object).str[9:].to_numpy())))
    stats["invalid_uscc_rows"] = len(bad)
    # quarantine-bound rows with valid, fresh USCCs
    q = []
    for r_, rate in R.REGISTRY_QUARANTINE_RATES.items():
        k = max(R.MIN_MESS, int(round(rate * n)))
        r = rows.iloc[rng.choice(np.flatnonzero(role == "noncore"), k, replace=False)].copy()
        fresh = uscc_with_check(rng, np.full(k, "91", dtype=object), np.full(k, "450103", dtype=object),
                                np.arange(k) + serial0 + 5_000_000 + 100_000 * len(q))
        r["统一社会信用代码"] = fresh
        if r_ == "missing_required":
            col = choice(rng, ["企业名称", "登记状态", "成立日期", "统一社会信用代码"], k)
            for cname in np.unique(col):
                r.loc[col == cname, cname] = ""
        elif r_ == "unknown_status":
            r["登记状态"] = choice(rng, ["正常", "存续中", "在营（开业）企业", "注销中"], k)
        else:
            y = pd.Series(rng.integers(1995, 2024, k)).astype(str).to_numpy().astype(object)
            r["成立日期"] = y + choice(rng, ["-02-30", "-13-01", "/00/05", ".06.31"], k)
        q.append(r)
    stats["quarantine_rows"] = sum(len(x) for x in q)
    bad["_tie_of"] = -1
    rows = rows.assign(_tie_of=-1)
    for r in q:
        r["_tie_of"] = -1
    allrows = pd.concat([rows, old, bad, *q], ignore_index=True)
    return allrows, stats


def order_rows(rng, rows: pd.DataFrame) -> pd.DataFrame:
    """Shuffle, then put every tie's winner after its older twin (ties go to the later row)."""
    n = len(rows)
    pos = rng.permutation(n)                 # pos[i] = output position of row i
    tie_rows = np.flatnonzero(rows["_tie_of"].to_numpy() >= 0)
    winners = rows["_tie_of"].to_numpy()[tie_rows]
    swap = pos[winners] < pos[tie_rows]
    a, b = winners[swap], tie_rows[swap]
    pos[a], pos[b] = pos[b].copy(), pos[a].copy()
    order = np.empty(n, dtype=np.int64)
    order[pos] = np.arange(n)
    return rows.iloc[order].drop(columns="_tie_of").reset_index(drop=True)


def generate(ref: Reference, rng: np.random.Generator, scale: float, serial0: int = 0):
    """Registry rows of one slice (USCC serials from `serial0`), its enterprise truth and its mess counts."""
    truth = build_truth(ref, rng, scale)
    rows = render(ref, rng, truth, serial0)
    rows, stats = add_mess(rng, truth, rows, serial0)
    rows = order_rows(rng, rows)
    return rows, truth, stats
