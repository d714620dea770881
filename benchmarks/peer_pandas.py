"""The pandas peer: the three headline figures the way a competent analyst would compute them in
plain pandas — ``read_csv`` per file, string methods and ``groupby``, value parsers applied
once per distinct value. Same contract rules as the pipeline (docs/contracts/*.md), no DuckDB.

``compute(raw_dir) -> {relation: [row dict, ...]}`` with the report's column names.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from smartcounty.constants import USCC_CHARSET as USCC_CHARS
from smartcounty.constants import USCC_WEIGHTS as USCC_WEIGHT_TABLE

from .common import SEEDS, ReportParams, report_params, selected_files

ZERO_WIDTH = "[\u200b\u200c\u200d\u2060\ufeff]"
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
MICRO = 10**6  # amounts are held as integer micro-yuan: exact sums without Decimal columns

NOTICE_CLASS = {"采购公告": "tender", "更正公告": "correction", "中标(成交)结果公告": "result", "中标公告": "result",
                "成交公告": "result", "结果公告": "result", "废标公告": "cancel", "流标公告": "cancel",
                "终止公告": "cancel", "合同公告": "contract"}


# ---------------------------------------------------------------- reading
def _decode(path: Path) -> str:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _clean_name(name: str) -> str:
    return re.sub(ZERO_WIDTH, "", str(name)).strip(WHITESPACE)


def _read_text(text: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError:
        # Ragged rows (more cells than the header): the csv module, padded / cut to the header.
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
        header, body = rows[0], rows[1:]
        width = len(header)
        frame = pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=header, dtype=str)
    frame.columns = [_clean_name(c) for c in frame.columns]
    return frame


def read_source(raw_dir: Path, source: str, columns: list[str]) -> pd.DataFrame:
    """The wanted columns of every file of a source, in read order (``seq`` = file, line order)."""
    frames = []
    for path in selected_files(raw_dir, source):
        frame = _read_text(_decode(path))
        frame = frame.loc[:, ~frame.columns.duplicated()]
        frames.append(frame.reindex(columns=columns))
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=str) for c in [*columns, "seq"]})
    out = pd.concat(frames, ignore_index=True)
    out["seq"] = np.arange(len(out))
    return out


def seed(name: str) -> pd.DataFrame:
    # The notes column of some seeds holds unquoted commas: keep the leading columns only.
    with open(SEEDS / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    return pd.DataFrame([r[:len(header)] for r in rows[1:] if r], columns=header, dtype=str)


# ---------------------------------------------------------------- cleaning and parsing
def clean(values: pd.Series, nfkc: bool = False) -> pd.Series:
    s = values.fillna("").astype(str).str.replace(ZERO_WIDTH, "", regex=True)
    if nfkc:
        s = s.str.normalize("NFKC")
    s = s.str.strip(WHITESPACE)
    return s.where(s != "")


_DATE_FORMS = [re.compile(p.replace("D", "[0-9]")) for p in (
    r"(D{4})-(D{1,2})-(D{1,2})(?: (?:[01]?D|2[0-3]):[0-5]D(?::[0-5]D)?)?",
    r"(D{4})/(D{1,2})/(D{1,2})",
    r"(D{4})年(D{1,2})月(D{1,2})日",
    r"(D{4})(D{2})(D{2})",
)]
_EPOCH = date(1970, 1, 1).toordinal()
_SHANGHAI_MS = 8 * 3600 * 1000  # Asia/Shanghai: UTC+8, no DST
_DAY_MS = 86400 * 1000


def parse_date(text: str) -> int | None:
    """Proleptic ordinal of a contract date, or None."""
    if re.fullmatch(r"[0-9]{13}", text):
        return _EPOCH + (int(text) + _SHANGHAI_MS) // _DAY_MS
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])).toordinal()
            except ValueError:
                return None
    return None


def map_unique(values: pd.Series, parse) -> pd.Series:
    """Apply a scalar parser once per distinct non-null value."""
    lookup = {v: parse(v) for v in values.dropna().unique()}
    return values.map(lookup).astype("Int64")


def parse_amount(text: str) -> int | None:
    """Micro-yuan of a contract amount (exact), or None when unparseable."""
    s = re.sub("[,\t\n\f\r ]", "", text)
    m = re.fullmatch(r"(?:¥|人民币)?([0-9]+(?:\.[0-9]+)?)(万|亿)?(?:元|元整)?", s)
    if not m:
        return None
    try:
        value = Decimal(m[1]).scaleb({"万": 4, "亿": 8}.get(m[2], 0))
    except InvalidOperation:  # pragma: no cover - the regex admits only plain decimals
        return None
    return int((value * MICRO).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def division(codes: pd.Series) -> pd.Series:
    cut = codes.str.fullmatch(r"[0-9]{9}|[0-9]{12}", na=False)
    return codes.where(~cut, codes.str[:6])


# ---------------------------------------------------------------- attribution
def county_patterns() -> pd.DataFrame:
    counties = seed("guangxi_counties")
    aliases = counties.assign(pattern=counties["aliases"].str.split("|")).explode("pattern")
    patterns = pd.concat([counties[["county_name", "county_code"]].rename(columns={"county_name": "pattern"}),
                          aliases[["pattern", "county_code"]]])
    patterns["pattern"] = patterns["pattern"].str.strip()
    patterns = patterns[patterns["pattern"].fillna("") != ""].drop_duplicates()
    return patterns.assign(length=patterns["pattern"].str.len())


def attribute(frame: pd.DataFrame, code: pd.Series, texts: list[str], uscc_code: pd.Series | None = None) -> pd.Series:
    """County code per row by rules 1–4 of figures.md (NULL for not county-level and unattributed)."""
    counties = set(seed("guangxi_counties")["county_code"])
    crosswalk = dict(zip(*seed("county_code_crosswalk")[["old_code", "new_code"]].T.values))
    code = code.map(lambda c: crosswalk.get(c, c) if isinstance(c, str) else None)
    result = pd.Series(pd.NA, index=frame.index, dtype="string")
    by_code = code.isin(counties)
    result[by_code] = code[by_code]
    rule2 = code.str.fullmatch(r"4500[0-9]{2}|45[0-9]{2}00|45[0-9]{2}99", na=False)
    open_rows = frame.index[~by_code & ~rule2]

    # Rule 3: the first text with any county name or alias decides; longest match; a tie → none.
    patterns = county_patterns()
    decided = pd.Index([])
    for column in texts:
        text = frame.loc[open_rows.difference(decided), column].dropna()
        hits = [pd.DataFrame({"row": text.index[text.str.contains(p, regex=False)], "county": c, "length": n})
                for p, c, n in patterns[["pattern", "county_code", "length"]].itertuples(index=False)]
        hits = pd.concat(hits)
        if hits.empty:
            continue
        longest = hits[hits["length"] == hits.groupby("row")["length"].transform("max")]
        winners = longest.groupby("row")["county"].agg(lambda c: c.iloc[0] if c.nunique() == 1 else pd.NA)
        result[winners.index] = winners
        decided = decided.union(winners.index)

    if uscc_code is not None:  # rule 4: USCC characters 3–8 read as a division code
        rest = open_rows.difference(decided)
        ucode = uscc_code[rest].map(lambda c: crosswalk.get(c, c))
        result[rest] = ucode.where(ucode.isin(counties))
    return result


# ---------------------------------------------------------------- procurement
def fig1_investment_share(raw_dir: Path, params: ReportParams) -> list[dict]:
    raw = read_source(raw_dir, "procurement", ["公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "标项号",
                                               "区划代码", "区划名称", "采购人", "品目编码", "品目名称", "中标金额"])
    n = pd.DataFrame({
        "notice_id": clean(raw["公告ID"], True), "project_code": clean(raw["项目编号"], True),
        "project_name": clean(raw["项目名称"]), "notice_type": clean(raw["公告类型"], True),
        "date_text": clean(raw["发布日期"], True), "lot": clean(raw["标项号"], True),
        "division_code": division(clean(raw["区划代码"], True)), "division_name": clean(raw["区划名称"]),
        "buyer": clean(raw["采购人"]), "catalog_code": clean(raw["品目编码"], True),
        "catalog_name": clean(raw["品目名称"]), "award_text": clean(raw["中标金额"], True), "seq": raw["seq"]})
    n = n.dropna(subset=["notice_id", "project_code", "project_name", "notice_type", "date_text", "buyer"])
    n["date"] = map_unique(n["date_text"], parse_date)
    n["cls"] = n["notice_type"].map({k: v for k, v in NOTICE_CLASS.items()})
    n = n.dropna(subset=["date", "cls"])
    lot = n["lot"].fillna("1")
    digits = lot.str.fullmatch(r"[0-9]+")
    n["lot"] = lot.where(~digits, lot.str.lstrip("0").replace("", "0"))
    n["award"] = map_unique(n["award_text"], parse_amount)

    # Re-posts collapse (first row in file/line order survives; drop_duplicates treats NA as equal).
    n = n.sort_values("seq")
    n = n.drop_duplicates(["notice_id", "lot"]).drop_duplicates(["project_code", "lot", "cls", "date", "award"])

    key = ["project_code", "lot"]
    n = n.sort_values(["date", "seq"])
    results = n[n["cls"] == "result"]
    lots = results.groupby(key).agg(last_result=("date", "max"), first_result=("date", "min"))
    lots["last_cancel"] = n[n["cls"] == "cancel"].groupby(key)["date"].max()
    lots["award"] = results.drop_duplicates(key, keep="last").set_index(key)["award"]
    corr = n[(n["cls"] == "correction") & n["award"].notna()].join(lots["last_result"], on=key)
    corr = corr[corr["date"] > corr["last_result"]].drop_duplicates(key, keep="last").set_index(key)["award"]
    lots["award"] = corr.reindex(lots.index).fillna(lots["award"]) if len(corr) else lots["award"]
    after = results.join(lots["last_cancel"], on=key)
    after = after[after["last_cancel"].isna() | (after["date"] > after["last_cancel"])]
    lots["investment"] = after.groupby(key)["date"].min().reindex(lots.index).fillna(lots["first_result"])
    lots["year"] = lots["investment"].map(lambda o: date.fromordinal(int(o)).year)
    awarded = (lots["last_cancel"].isna() | (lots["last_cancel"] <= lots["last_result"])).fillna(False)
    lots = lots[awarded.astype(bool) & lots["year"].isin(params.report_years)]

    # Lot attributes: first non-blank value among result notices (latest first), else the others.
    ordered = n.assign(is_result=n["cls"] == "result").sort_values(["is_result", "date", "seq"])
    for column in ("project_name", "catalog_code", "catalog_name", "division_code", "division_name", "buyer"):
        values = ordered.dropna(subset=[column]).drop_duplicates(key, keep="last").set_index(key)[column]
        lots[column] = values.reindex(lots.index)
    lots = lots.reset_index()
    lots["county"] = attribute(lots, lots["division_code"], ["division_name", "buyer"])
    lots = lots[lots["county"].notna()]

    scenarios = seed("smart_city_scenarios")
    keywords = sorted({k.strip() for ks in scenarios["keywords"] for k in ks.split("|") if k.strip()})
    rules = seed("informatization_rules")
    rules = rules[rules["pattern"].fillna("") != ""]

    def terms(rule):
        return "|".join(re.escape(p) for p in rules.loc[rules["rule"] == rule, "pattern"])

    smart = lots["project_name"].str.contains("|".join(map(re.escape, keywords)), na=False)
    info = (smart
            | lots["catalog_code"].fillna("").str.startswith(tuple(rules.loc[rules["rule"] == "catalog_code_prefix", "pattern"]))
            | lots["catalog_name"].str.contains(terms("catalog_name_term"), na=False)
            | lots["project_name"].str.contains(terms("project_name_term"), na=False))
    lots = lots.assign(smart=smart, info=info)

    rows = []
    for year in params.report_years:
        y = lots[lots["year"] == year]
        info_yuan, smart_yuan = int(y.loc[y["info"], "award"].sum()), int(y.loc[y["smart"], "award"].sum())
        rows.append({
            "year": year,
            "informatization_investment_yuan": Decimal(info_yuan) / MICRO,
            "smart_city_investment_yuan": Decimal(smart_yuan) / MICRO,
            "smart_city_share": smart_yuan / info_yuan if info_yuan else None,
            "informatization_lot_count": int(y["info"].sum()),
            "smart_city_lot_count": int(y["smart"].sum()),
            "counties_with_smart_city": int(y.loc[y["smart"], "county"].nunique()),
        })
    return rows


# ---------------------------------------------------------------- registry
USCC_WEIGHTS = np.array(USCC_WEIGHT_TABLE)


def uscc_valid(codes: pd.Series) -> pd.Series:
    ok = codes.str.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", na=False)
    valid = codes[ok]
    if valid.empty:
        return ok
    lookup = np.zeros(128, dtype=np.int64)
    lookup[[ord(c) for c in USCC_CHARS]] = np.arange(len(USCC_CHARS))
    chars = lookup[np.frombuffer("".join(valid).encode("ascii"), dtype=np.uint8).reshape(-1, 18)]
    check = (31 - (chars[:, :17] @ USCC_WEIGHTS) % 31) % 31
    ok[valid.index] = check == chars[:, 17]
    return ok


def enterprises(raw_dir: Path, params: ReportParams) -> pd.DataFrame:
    """Enterprises on the register and attributed to a county, with ``digital`` and ``smart`` flags."""
    raw = read_source(raw_dir, "registry", ["统一社会信用代码", "企业名称", "登记状态", "成立日期", "核准日期", "注销日期",
                                            "吊销日期", "行业代码", "登记机关", "住所", "所属区划代码", "经营范围"])
    e = pd.DataFrame({
        "uscc": clean(raw["统一社会信用代码"], True).str.upper(), "name": clean(raw["企业名称"]),
        "status": clean(raw["登记状态"], True), "industry": clean(raw["行业代码"], True).str.upper(),
        "authority": clean(raw["登记机关"]), "address": clean(raw["住所"]),
        "division_code": division(clean(raw["所属区划代码"], True)), "scope": clean(raw["经营范围"]),
        "seq": raw["seq"]})
    dates = {"established": "成立日期", "approved": "核准日期", "deregistered": "注销日期", "revoked": "吊销日期"}
    for name, header in dates.items():
        e[name + "_text"] = clean(raw[header], True)
    e = e.dropna(subset=["uscc", "name", "status", "established_text"])
    e = e[uscc_valid(e["uscc"])]
    status_map = seed("registry_status_map")
    status_map = dict(zip(status_map["raw_status"].str.strip().str.normalize("NFKC"), status_map["status_class"]))
    e["status_class"] = e["status"].map(status_map)
    e = e[e["status_class"].notna()]
    for name in dates:
        e[name] = map_unique(e[name + "_text"], parse_date)
    present_but_bad = pd.Series(False, index=e.index)
    for name in ("approved", "deregistered", "revoked"):
        present_but_bad |= e[name + "_text"].notna() & e[name].isna()
    e = e[e["established"].notna() & ~present_but_bad]

    # Duplicates: the latest 核准日期 wins (blank first), ties to the later row.
    e = e.assign(approved_key=e["approved"].fillna(-1)).sort_values(["approved_key", "seq"])
    e = e.drop_duplicates("uscc", keep="last")

    as_of = params.as_of_date.toordinal()
    closed_on = e[["deregistered", "revoked"]].min(axis=1)
    on = (e["established"] <= as_of) & (
        e["status_class"].isin(["active", "suspended"])
        | ((e["status_class"] == "closed") & (closed_on > as_of)).fillna(False))
    e = e[on.astype(bool)].copy()
    e["county"] = attribute(e, e["division_code"], ["address", "authority"], uscc_code=e["uscc"].str[2:8])
    e = e[e["county"].notna()]

    industries = seed("digital_economy_industries")
    core = set(industries.loc[industries["is_core"].str.lower() == "true", "industry_code"])
    industry = e["industry"].where(e["industry"].str.fullmatch(r"[A-T]?[0-9]{4}", na=False)).str[-4:]
    digital = industry.isin(core)
    terms = seed("smart_city_enterprise_terms")
    smart = pd.Series(False, index=e.index)
    for term, field in terms[["term", "field"]].itertuples(index=False):
        if field in ("name_or_business_scope", "name"):
            smart |= e["name"].str.contains(term, regex=False, na=False)
        if field in ("name_or_business_scope", "business_scope"):
            smart |= e["scope"].str.contains(term, regex=False, na=False)
    return e.assign(digital=digital, smart=digital & smart)


def enterprise_counts(raw_dir: Path, params: ReportParams) -> list[dict]:
    e = enterprises(raw_dir, params)
    return [{"as_of_date": params.as_of_date, "enterprises_on_register": len(e),
             "digital_economy_enterprises": int(e["digital"].sum()),
             "smart_city_enterprises": int(e["smart"].sum())}]


# ---------------------------------------------------------------- connectivity
COUNTS = {"常住人口": "pop", "乡村常住人口": "rural_pop", "网民数": "users", "乡村网民数": "rural_users",
          "家庭户数": "households", "固定宽带用户数": "broadband", "5G基站数": "bs5g"}
PERCENTS = ("千兆光网覆盖率", "行政村5G通达率")


def internet_penetration(raw_dir: Path, params: ReportParams) -> list[dict]:
    raw = read_source(raw_dir, "connectivity", ["区划代码", "年份", *COUNTS, *PERCENTS])
    c = pd.DataFrame({"seq": raw["seq"]})
    crosswalk = dict(zip(*seed("county_code_crosswalk")[["old_code", "new_code"]].T.values))
    code = division(clean(raw["区划代码"], True))
    c["county"] = code.map(lambda x: crosswalk.get(x, x) if isinstance(x, str) else None)
    ok = c["county"].isin(set(seed("guangxi_counties")["county_code"]))
    year = clean(raw["年份"], True)
    ok &= year.str.fullmatch(r"[0-9]{4}", na=False)
    c["year"] = pd.to_numeric(year.where(ok), errors="coerce")
    for header, name in COUNTS.items():
        text = clean(raw[header], True).str.replace(",", "", regex=False)
        is_int = text.str.fullmatch(r"[0-9]+", na=False) & (text.str.len() <= 18)
        ok &= is_int
        c[name] = pd.to_numeric(text.where(is_int), errors="coerce")
    for header in PERCENTS:
        text = clean(raw[header], True).str.replace(r"%$", "", regex=True).str.rstrip(" ")
        value = pd.to_numeric(text.where(text.str.fullmatch(r"[0-9]+(?:\.[0-9]+)?", na=False)), errors="coerce")
        ok &= value.between(0, 100).fillna(False).astype(bool)
    c = c[ok.astype(bool)].astype({name: "int64" for name in COUNTS.values()})
    c = c[(c["pop"] > 0) & (c["households"] > 0) & (c["rural_pop"] <= c["pop"]) & (c["users"] <= c["pop"])
          & (c["rural_users"] <= c["rural_pop"])]
    c = c.sort_values("seq").drop_duplicates(["county", "year"], keep="last")  # last wins

    sums = c.groupby("year")[["pop", "rural_pop", "users", "rural_users"]].sum()
    sums["county_count"] = c.groupby("year").size()
    rows = []
    for year, s in sums.sort_index().iterrows():
        urban_pop = s["pop"] - s["rural_pop"]
        rows.append({"year": int(year), "county_count": int(s["county_count"]),
                     "overall_rate": float(s["users"]) / float(s["pop"]) if s["pop"] else None,
                     "rural_rate": float(s["rural_users"]) / float(s["rural_pop"]) if s["rural_pop"] else None,
                     "urban_rate": float(s["users"] - s["rural_users"]) / float(urban_pop) if urban_pop else None})
    return rows


def compute(raw_dir: Path, params: ReportParams | None = None) -> dict[str, list[dict]]:
    params = params or report_params()
    raw_dir = Path(raw_dir)
    return {"fig1_investment_share": fig1_investment_share(raw_dir, params),
            "enterprise_counts": enterprise_counts(raw_dir, params),
            "internet_penetration": internet_penetration(raw_dir, params)}
