"""Procurement notices: a truth of clean lots first, amounts solved to the targets, then notices.

Truth tables (never written to the drop):
- ``projects``: one row per procurement project (buyer, division spelling, title, story, key date);
- ``lots``: one row per lot with the answer the contract's rules must give — ``attribution``,
  ``county_code``, ``awarded``, ``inv_year``, ``amount`` (exact yuan, NULL when unparseable),
  ``is_info``, ``is_smart``, ``scenarios``, ``primary``, ``category``, ``method`` (采购方式 without stray
  text), ``budget`` (exact yuan) and the winner's columns of ``suppliers.py``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import rates as R
from . import suppliers
from .reference import Reference
from .render import (UNPARSEABLE_AMOUNTS, add_noise, choice, fmt_amounts, fmt_dates, fmt_division,
                     frame, pick, s)

COLUMNS = ["公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "标项号", "区划代码", "区划名称", "采购人",
           "采购代理机构", "采购方式", "品目编码", "品目名称", "预算金额", "中标金额", "中标供应商",
           "供应商统一社会信用代码", "联系人", "联系电话"]

COUNTY_DEPTS = ["人民政府办公室", "教育局", "卫生健康局", "人民医院", "中医医院", "妇幼保健院", "公安局", "自然资源局",
                "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "文化广电体育和旅游局", "民政局",
                "市场监督管理局", "应急管理局", "城市管理综合执法局", "人力资源和社会保障局", "财政局", "第一中学",
                "第二中学", "实验小学", "机关事务服务中心", "林业局", "生态环境局", "医疗保障局", "行政审批局",
                "融媒体中心", "疾病预防控制中心"]
PROVINCE_DEPTS = ["教育厅", "卫生健康委员会", "公安厅", "自然资源厅", "交通运输厅", "水利厅", "农业农村厅", "民政厅",
                  "财政厅", "人民医院", "机关事务管理局", "林业局", "市场监督管理局", "文化和旅游厅"]
ORDINARY_ITEMS = ["办公家具采购", "课桌椅采购", "教学楼维修工程", "道路硬化工程", "物业管理服务", "保洁服务",
                  "食堂食材配送服务", "公务用车采购", "医疗设备采购", "药品采购", "印刷服务", "绿化养护服务",
                  "污水管网改造工程", "农村饮水安全工程", "校服采购", "图书采购", "消毒用品采购", "安保服务",
                  "职工体检服务", "危房改造工程", "河道清淤工程", "路灯维修工程", "垃圾清运服务", "审计服务",
                  "法律顾问服务", "工程监理服务", "水库除险加固工程", "桥梁维修工程", "办公用品采购", "空调采购",
                  "被服采购", "车辆维修服务", "化肥采购", "苗木采购", "疫苗冷藏车采购", "学生营养餐配送服务",
                  "广告宣传服务", "会议服务", "档案整理服务", "标准化厂房建设工程"]
INFO_ITEMS = ["信息化设备采购", "计算机采购", "服务器采购", "机房改造工程", "网络安全等级保护测评服务",
              "正版软件采购", "数据中心运维服务", "信息系统运维服务", "云平台租用服务", "档案数字化加工服务",
              "会议室智能化改造工程", "网络安全设备采购", "大数据分析平台运维服务", "办公计算机采购",
              "信息系统建设项目", "核心机房设备采购"]
ORDINARY_CATALOG = [("A05010000", "货物/家具和用具/家具"), ("A02020000", "货物/设备/办公设备"),
                    ("A02320000", "货物/设备/医疗设备"), ("A02300000", "货物/设备/车辆"),
                    ("A07010000", "货物/材料/建筑建材"), ("A09010000", "货物/图书和档案/图书"),
                    ("A11000000", "货物/被服装具"), ("B01000000", "工程/建筑物施工"),
                    ("B02000000", "工程/构筑物施工"), ("B07000000", "工程/装修工程"),
                    ("C21040000", "服务/房地产服务/物业管理服务"), ("C23090000", "服务/商务服务/印刷服务"),
                    ("C12000000", "服务/工程监理服务"), ("C10000000", "服务/餐饮服务"),
                    ("C22010000", "服务/会计服务"), ("C05000000", "服务/医疗卫生服务"),
                    ("C18000000", "服务/环境服务/保洁服务"), ("C02000000", "服务/维修和保养服务")]
INFO_CATALOG = [("A02010104", "货物/设备/信息化设备/计算机/台式计算机"),
                ("A02010105", "货物/设备/信息化设备/计算机/便携式计算机"),
                ("A02010301", "货物/设备/信息化设备/网络设备/路由器"), ("A02010601", "货物/设备/信息化设备/存储设备"),
                ("A02080000", "货物/设备/通信设备"), ("A08060301", "货物/无形资产/计算机软件/基础软件"),
                ("B06020000", "工程/安装工程/智能化安装工程"), ("B06010200", "工程/安装工程/监控系统工程安装"),
                ("C16010000", "服务/信息技术服务/软件开发服务"), ("C16070000", "服务/信息技术服务/运行维护服务"),
                ("C16040000", "服务/信息技术服务/信息系统集成实施服务"), ("C17010000", "服务/电信和其他信息传输服务/电信服务"),
                ("", "货物/计算机设备及软件/台式计算机"), ("", "服务/信息技术服务/运维服务"),
                ("C16070000", ""), ("A02010104", "")]
METHOD_STRAY = {   # 采购方式 as some buyers type it: the method term plus stray text
    "公开招标": ["公开招标（电子招标）", "公开招标(网上)", "网上公开招标", "公开招标方式"],
    "竞争性磋商": ["竞争性磋商（电子）", "竞争性磋商方式", "竞争性磋商采购"],
    "询价": ["询价采购", "网上询价", "询价（电子卖场）"], "竞争性谈判": ["竞争性谈判（电子）", "竞争性谈判采购"],
    "邀请招标": ["邀请招标（电子）"], "单一来源": ["单一来源采购", "单一来源（公示后）"],
    "框架协议": ["框架协议采购"], "电子卖场": ["电子卖场（网上超市）"], "其他": ["自行采购", "协议供货", "定点采购"],
}
PLANNING_ITEMS = ["智慧城市顶层设计及信息化咨询服务", "数字县域建设规划编制（信息化）服务", "信息化发展规划编制服务",
                  "数字化转型总体规划编制服务", "大数据产业发展专项规划编制服务", "数字政府建设实施方案（信息化）编制服务"]
DATA_PLATFORM_ITEMS = ["政务大数据平台建设项目", "大数据中心建设项目", "数据共享交换平台（信息化）建设项目",
                       "数据资源目录及大数据治理项目", "数据中台（信息系统）建设项目", "数据仓库及信息系统集成项目",
                       "数据汇聚与数据治理信息系统采购项目"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙莫农陆")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲兰梅")
WORD_A = list("鑫盛华泰恒达宏远博创联瑞信诚安顺嘉裕聚力益丰合众新宇天海")
WORD_B = list("源通和达成利宏景业邦辰禾晟润泽峰旭晖锦程佳")
SMART_SUFFIXES = ["建设项目", "项目", "二期建设项目", "系统采购项目", "提升改造项目", "运维服务项目"]
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
D_FIRST, D_LAST = np.datetime64(R.FIRST_DATE, "D"), np.datetime64(R.AS_OF, "D")
POST_MARGIN = 25   # days kept after K for corrections / second results / cancellations


def n_of(x: float, scale: float, minimum: int = 0) -> int:
    return max(minimum, int(round(x * scale)))


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


# ---------------------------------------------------------------------------- truth: projects
def _dates_in_year(rng, years: np.ndarray, last: np.datetime64 | None = None) -> np.ndarray:
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
    k = _dates_in_year(rng, year)
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


# ---------------------------------------------------------------------------- rendering
def _people(rng, n):
    return choice(rng, SURNAMES, n) + choice(rng, GIVEN, n) + np.where(rng.random(n) < 0.6, choice(rng, GIVEN, n), "")


def _phones(rng, n):
    mobile = "1" + s(rng.choice([38, 39, 58, 77, 86, 87], n)) + s(rng.integers(10_000_000, 99_999_999, n))
    land = "0771-" + s(rng.integers(2_000_000, 8_999_999, n))
    return np.where(rng.random(n) < 0.5, mobile, land)


def _supplier_cells(lots: pd.DataFrame, lot_row: np.ndarray, rows: pd.DataFrame, has_award: np.ndarray):
    """中标供应商 / 供应商统一社会信用代码 per notice row: the winner on results, corrections and contracts;
    a decoy on a first result later terminated, and on results a supplier correction overrides."""
    cls, slot = rows["cls"].to_numpy(), rows["slot"].to_numpy()
    fix = lots["fix"].to_numpy()[lot_row]
    name = lots["supplier_name"].to_numpy()[lot_row]
    uscc = lots["sup_text_uscc"].to_numpy()[lot_row]
    d_name = lots["decoy_name"].to_numpy()[lot_row]
    d_uscc = lots["decoy_uscc"].to_numpy()[lot_row]
    fix_name, fix_uscc = np.isin(fix, ["both", "name"]), np.isin(fix, ["both", "uscc"])
    result = cls == "result"
    out_name = np.where((result & fix_name) | (slot == "result0"), d_name, name)
    out_uscc = np.where((result & fix_uscc) | (slot == "result0"), d_uscc, uscc)
    # a supplier correction names only what it replaces
    corr = cls == "correction"
    out_name = np.where(corr & (fix != "") & ~fix_name, "", out_name)
    out_uscc = np.where(corr & (fix != "") & ~fix_uscc, "", out_uscc)
    with_sup = np.isin(cls, ["result", "correction", "contract"]) & has_award
    return np.where(with_sup, out_name, ""), np.where(with_sup, out_uscc, "")


def render(rng, projects: pd.DataFrame, lots: pd.DataFrame, events: pd.DataFrame,
           slice_no: int = 0) -> dict[str, pd.DataFrame]:
    n_p = len(projects)
    # project-level fixed texts
    pref_abbr = {"450100": "NN", "450200": "LZ", "450300": "GL", "450400": "WZ", "450500": "BH", "450600": "FCG",
                 "450700": "QZ", "450800": "GG", "450900": "YL", "451000": "BS", "451100": "HZ", "451200": "HC",
                 "451300": "LB", "451400": "CZ"}
    abbr = projects["pref_code"].map(pref_abbr).fillna("GX").to_numpy().astype(object)
    abbr = np.where(projects["level"] == "province", "GX", abbr)
    letter = choice(rng, ["G", "F", "C", "J"], n_p)
    code_seq = rng.permutation(n_p) + 100_000 + slice_no * R.SLICE_PROJECT_STRIDE
    y_code = s(projects["year"].to_numpy() - (rng.random(n_p) < 0.1))
    projects["project_code"] = abbr + "ZC" + y_code + "-" + letter + s(code_seq)
    agencies = "广西" + choice(rng, WORD_A, 200) + choice(rng, WORD_B, 200) + choice(
        rng, ["招标代理有限公司", "工程咨询有限公司", "项目管理有限公司"], 200)
    projects["agency"] = np.where(rng.random(n_p) < 0.8, choice(rng, agencies, n_p), "")
    projects["contact"] = _people(rng, n_p)
    projects["phone"] = _phones(rng, n_p)
    # event-level: notice id, type label, date spelling
    e = events.copy()
    n_e = len(e)
    id0 = slice_no * R.SLICE_ID_STRIDE
    e["notice_id"] = s(rng.permutation(n_e) + id0 + 10_000_000)
    labels = {"tender": {"采购公告": 1.0}, "correction": {"更正公告": 1.0}, "terminated": {"终止公告": 1.0},
              "contract": {"合同公告": 1.0}, "failed": {"废标公告": 0.7, "流标公告": 0.3},
              "result": {"中标(成交)结果公告": 0.55, "中标（成交）结果公告": 0.1, "中标公告": 0.15,
                         "成交公告": 0.12, "结果公告": 0.08}}
    e["type_label"] = ""
    for cls, w in labels.items():
        sel = (e["cls"] == cls).to_numpy()
        e.loc[sel, "type_label"] = pick(rng, sel.sum(), w)
    style = pick(rng, n_e, R.DATE_STYLE)
    seconds = rng.integers(0, 86400, n_e)
    newyear = (projects["epoch_newyear"].to_numpy()[e["pid"].to_numpy()] & (e["slot"] == "result").to_numpy())
    style[newyear] = "epoch_ms"
    seconds[newyear] = rng.integers(0, 8 * 3600, newyear.sum())     # 00:00-07:59 Beijing = previous day UTC
    e["date_text"] = fmt_dates(e["date"].to_numpy(), style, rng, seconds)
    # rows = events × lots of the project
    rows = e.merge(lots[["pid", "lot_no", "catalog_code", "catalog_name", "amount", "decoy", "decoy2",
                         "contract_amount", "budget", "unparseable"]], on="pid", how="left")
    p = projects.iloc[rows["pid"].to_numpy()]
    n = len(rows)
    amount_kind = rows["amount_kind"].to_numpy()
    val = np.select([amount_kind == "truth", amount_kind == "decoy", amount_kind == "decoy2",
                     amount_kind == "contract"],
                    [rows["amount"], rows["decoy"], rows["decoy2"], rows["contract_amount"]], 0)
    award = fmt_amounts(val, pick(rng, n, R.AMOUNT_STYLE))
    has_award = np.isin(amount_kind, ["truth", "decoy", "decoy2", "contract"])
    award = np.where(has_award, award, "")
    unp = has_award & rows["unparseable"].to_numpy() & (rows["cls"] == "result").to_numpy()
    award = np.where(unp, choice(rng, UNPARSEABLE_AMOUNTS, n), award)
    noamount = amount_kind == "noamount"
    award = np.where(noamount & (rng.random(n) < 0.5), "详见附件", award)
    budget = np.where(rng.random(n) < 0.75, fmt_amounts(rows["budget"].to_numpy(), pick(rng, n, R.AMOUNT_STYLE)), "")
    budget = np.where(rng.random(n) < R.UNPARSEABLE_BUDGET_RATE, choice(rng, UNPARSEABLE_AMOUNTS, n), budget)
    # lot numbers: blank = 1, 01 = 1
    lot_no = rows["lot_no"].to_numpy()
    multi = p["n_lots"].to_numpy() > 1
    u = rng.random(n)
    lot_text = np.where(multi, np.where(u < 0.15, "0" + s(lot_no), s(lot_no)),
                        np.where(u < 0.5, "", np.where(u < 0.93, "1", "01")))
    lot_text = np.where(multi & (lot_no == 1) & (u > 0.95), "", lot_text)
    # catalog attributes sometimes only on the tender (lot attributes fall back to other notices)
    # ... only where another notice of the lot (a tender, correction, contract) still carries them
    has_other = e.assign(o=e["cls"] != "result").groupby("pid")["o"].any()
    drop_cat = ((rows["cls"] == "result").to_numpy() & (rng.random(n) < 0.05)
                & rows["pid"].map(has_other).to_numpy(dtype=bool))
    lot_row = lots.reset_index(drop=True).set_index(["pid", "lot_no"]).index.get_indexer(
        pd.MultiIndex.from_arrays([rows["pid"], rows["lot_no"]]))
    sup_name, sup_uscc = _supplier_cells(lots, lot_row, rows, has_award)
    out = frame({
        "公告ID": rows["notice_id"].to_numpy(),
        "项目编号": p["project_code"].to_numpy(),
        "项目名称": add_noise(p["title"].to_numpy(), rng, R.NOISE_CELL_RATE),
        "公告类型": rows["type_label"].to_numpy(),
        "发布日期": rows["date_text"].to_numpy(),
        "标项号": lot_text,
        "区划代码": p["division_code"].to_numpy(),
        "区划名称": add_noise(p["division_name"].to_numpy(), rng, R.NOISE_CELL_RATE),
        "采购人": add_noise(p["buyer"].to_numpy(), rng, R.NOISE_CELL_RATE),
        "采购代理机构": p["agency"].to_numpy(),
        "采购方式": p["method_text"].to_numpy(),
        "品目编码": np.where(drop_cat, "", rows["catalog_code"].to_numpy()),
        "品目名称": np.where(drop_cat, "", rows["catalog_name"].to_numpy()),
        "预算金额": budget,
        "中标金额": award,
        "中标供应商": add_noise(sup_name, rng, R.NOISE_CELL_RATE),
        "供应商统一社会信用代码": sup_uscc,
        "联系人": p["contact"].to_numpy(),
        "联系电话": p["phone"].to_numpy(),
    })
    out["_date"] = rows["date"].to_numpy()
    out["_cls"] = rows["cls"].to_numpy()
    out = _add_mess_rows(rng, out, id0)
    return _split_quarters(rng, out)


def _add_mess_rows(rng, out: pd.DataFrame, id0: int) -> pd.DataFrame:
    n = len(out)

    def sample(rate, mask=None):
        cand = np.flatnonzero(mask if mask is not None else np.ones(n, bool))
        k = min(len(cand), max(R.MIN_MESS, int(round(rate * n))))
        return rng.choice(cand, k, replace=False) if k else np.array([], int)

    # re-posts: another 公告ID, same parsed values (spelling of date/amount/type may differ)
    idx = sample(R.REPOST_RATE, (out["_cls"] != "tender").to_numpy())
    rep = out.iloc[idx].copy()
    rep["公告ID"] = s(rng.permutation(len(rep)) + id0 + 60_000_000)
    synonyms = np.array(["中标公告", "中标(成交)结果公告", "成交公告", "结果公告"], dtype=object)
    is_res = (rep["_cls"] == "result").to_numpy()
    rep.loc[is_res, "公告类型"] = choice(rng, synonyms, is_res.sum())
    d = pd.to_datetime(rep["_date"]).to_numpy().astype("datetime64[D]")
    keep_fmt = rep["发布日期"].str.fullmatch(r"\d{13}").to_numpy()   # epoch stays epoch (its clock time matters)
    rep["发布日期"] = np.where(keep_fmt, rep["发布日期"], fmt_dates(d, pick(rng, len(rep), {
        "iso": 1, "slash": 1, "cn": 1, "compact": 1}), rng))
    # exact duplicate lines
    dup = out.iloc[sample(R.DUPLICATE_LINE_RATE)].copy()
    # rows the loader must quarantine (copies, so nothing else depends on them)
    q = []
    for reason, rate in R.QUARANTINE_RATES.items():
        r = out.iloc[sample(rate)].copy()
        if reason == "missing_required":
            col = choice(rng, ["公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "采购人"], len(r))
            for c in np.unique(col):
                r.loc[(col == c), c] = ""
        elif reason == "invalid_date":
            y = pd.to_datetime(r["_date"]).dt.year.astype(str).to_numpy().astype(object)
            bad = choice(rng, ["-02-30", ".05.06", "-13-01", "/00/12"], len(r))
            r["发布日期"] = np.where(rng.random(len(r)) < 0.2, "二〇二三年五月六日", y + bad)
        else:
            r["公告类型"] = choice(rng, ["资格预审公告", "单一来源公示", "中标候选人公示", "招标文件澄清"], len(r))
        q.append(r)
    allrows = pd.concat([out, rep, dup, *q], ignore_index=True)
    return allrows


def _split_quarters(rng, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    d = pd.to_datetime(rows["_date"])
    rows = rows.assign(_q=d.dt.year.astype(str) + "Q" + d.dt.quarter.astype(str), _k=rng.random(len(rows)))
    rows = rows.sort_values(["_q", "_date", "_k"], kind="stable")
    files = {}
    for q, part in rows.groupby("_q", sort=True):
        files[q] = part[COLUMNS].reset_index(drop=True)
    return files


# ---------------------------------------------------------------------------- entry
def generate(ref: Reference, rng: np.random.Generator, scale: float, enterprises: pd.DataFrame,
             slice_no: int = 0, modes: dict | None = None):
    """Notices of one slice; slices after the first reuse its development modes (`modes`) and add no
    evidence projects of their own."""
    rules = Rules(ref)
    projects, mode = build_projects(ref, rng, scale, modes)
    lots = build_lots(ref, rng, projects, rules)
    assign_stories(rng, projects, scale)
    lots["story"] = projects["story"].to_numpy()[lots["pid"].to_numpy()]
    lots["inv_year"] = pd.to_datetime(projects["K"]).dt.year.to_numpy()[lots["pid"].to_numpy()]
    lots["awarded"] = ~lots["story"].isin(list(R.NOT_AWARDED_SHARE))
    assign_methods(rng, projects)
    lots["method"] = projects["method"].to_numpy()[lots["pid"].to_numpy()]
    targets = solve_amounts(rng, lots, projects, scale)
    events = build_events(rng, projects)
    suppliers.assign(rng, ref, projects, lots, events, enterprises, slice_no * R.SLICE_ID_STRIDE)
    files = render(rng, projects, lots, events, slice_no)
    return files, projects, lots, mode, targets
