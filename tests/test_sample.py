"""The synthetic raw drop: mess present, deterministic, and calibrated to the published figures.

`Checker` is a small, independent reading of the contracts (raw_inputs.md, figures.md) over the
written CSVs — only the rules the calibrated figures need. It shares no code with the generator
or the pipeline.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import subprocess
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcounty.constants import USCC_CHARSET, USCC_WEIGHTS
from smartcounty.sample import build, generate, slices
from smartcounty.sample import rates as R
from smartcounty.sample.render import write_csv
from smartcounty.sample.reference import load
from smartcounty.sample.truth import FLAGS, LOCALITIES, PILLARS, figures_from_truth, integrity_flags, scorecard
from smartcounty.settings import SEEDS_DIR

AS_OF = date(2024, 6, 30)
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
TRIM = " \t\r\n\u3000\u00a0"
CLASSES = {"采购公告": "tender", "更正公告": "correction", "中标(成交)结果公告": "result", "中标公告": "result",
           "成交公告": "result", "结果公告": "result", "废标公告": "failed", "流标公告": "failed",
           "终止公告": "terminated", "合同公告": "contract"}
CHARSET = USCC_CHARSET  # GB 32100: one home, smartcounty/constants.py
AMOUNT = re.compile(r"^(?:¥|人民币)?(\d+(?:\.\d+)?)(万|亿)?(?:元|元整)?$")


# ------------------------------------------------------------------------------ independent checker
def seed(name: str) -> pd.DataFrame:
    if name == "informatization_rules":      # its note column holds unquoted commas
        lines = (SEEDS_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()[1:]
        return pd.DataFrame([ln.split(",", 3)[:3] for ln in lines if ln], columns=["rule", "kind", "pattern"])
    return pd.read_csv(SEEDS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def nfkc(x: str) -> str:
    return unicodedata.normalize("NFKC", x)


def read_source(folder: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(p for p in folder.iterdir() if p.name.lower().endswith((".csv", ".csv.gz"))):
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        # zero-width characters are never structural, so removing them from the whole text equals
        # removing them from every field (and is ~30x faster than a regex per column)
        text = ZERO_WIDTH.sub("", text)
        df = pd.read_csv(io.BytesIO(text.encode("utf-8")), dtype=str, keep_default_na=False, engine="pyarrow")
        df.columns = [c.strip() for c in df.columns]
        df = df.apply(lambda col: col.str.strip(TRIM))
        df["_file"], df["_line"] = path.name, np.arange(len(df)) + 2
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def parse_date(x: str):
    x = nfkc(x)
    if re.fullmatch(r"\d{13}", x):
        return (datetime.fromtimestamp(int(x) / 1000, tz=timezone.utc) + timedelta(hours=8)).date()
    for pattern in (r"(\d{4})-(\d{2})-(\d{2})(?: \d{2}:\d{2}:\d{2})?", r"(\d{4})/(\d{1,2})/(\d{1,2})",
                    r"(\d{4})年(\d{1,2})月(\d{1,2})日", r"(\d{4})(\d{2})(\d{2})"):
        m = re.fullmatch(pattern, x)
        if m:
            try:
                return date(*map(int, m.groups()))
            except ValueError:
                return None
    return None


def parse_amount(x: str):
    m = AMOUNT.match(nfkc(x).replace(",", "").replace(" ", ""))
    if not m:
        return None
    v = Decimal(m.group(1)) * {None: 1, "万": 10**4, "亿": 10**8}[m.group(2)]
    return int(v) if v == int(v) else float(v)


def mapped(series: pd.Series, fn) -> pd.Series:
    uniq = {v: fn(v) for v in series.unique()}
    return series.map(uniq)


def division(code: pd.Series) -> pd.Series:
    c = mapped(code, nfkc)
    return c.where(~c.str.fullmatch(r"\d{9}|\d{12}"), c.str[:6])


class Places:
    def __init__(self):
        c = seed("guangxi_counties")
        self.counties = set(c["county_code"])
        self.crosswalk = dict(zip(*seed("county_code_crosswalk")[["old_code", "new_code"]].T.values))
        self.names = [(n, code) for n, code in zip(c["county_name"], c["county_code"])]
        self.names += [(a, code) for al, code in zip(c["aliases"], c["county_code"]) for a in al.split("|") if a]
        self.prefectures = sorted(set(c["prefecture_name"]))
        self.types = dict(zip(c["county_code"], c["county_type"]))

    def by_code(self, code: str):
        code = self.crosswalk.get(code, code)
        if code in self.counties:
            return "county", code
        if re.fullmatch(r"4500\d\d|45\d\d00|45\d\d99", code or ""):
            return "not_county_level", None
        return None

    def attribute(self, code: str, texts: list[str], uscc_division: str | None = None):
        hit = self.by_code(code)
        if hit:
            return hit
        for t in texts:
            found = [(len(n), c) for n, c in self.names if n in t]
            if found:
                top = max(found)[0]
                codes = {c for n, c in found if n == top}
                return ("county", codes.pop()) if len(codes) == 1 else ("unattributed", None)
        if uscc_division is not None:
            hit = self.by_code(uscc_division)
            if hit:
                return hit
        if any(p in t for t in texts for p in self.prefectures):
            return "not_county_level", None
        return "unattributed", None


def procurement_lots(raw: Path, places: Places) -> tuple[pd.DataFrame, dict]:
    df = read_source(raw / "procurement")
    required = ["公告ID", "项目编号", "项目名称", "公告类型", "发布日期", "采购人"]
    df["date"] = mapped(df["发布日期"], parse_date)
    df["cls"] = mapped(df["公告类型"], lambda x: CLASSES.get(nfkc(x).replace("（", "(").replace("）", ")")))
    reason = np.where((df[required] == "").any(axis=1), "missing_required",
                      np.where(df["date"].isna(), "invalid_date", np.where(df["cls"].isna(), "unknown_notice_type", "")))
    quarantine = pd.Series(reason[reason != ""]).value_counts().to_dict()
    df = df[reason == ""].copy()
    lot = mapped(df["标项号"], nfkc)
    df["lot"] = np.where(lot == "", "1", np.where(lot.str.fullmatch(r"\d+"), lot.str.lstrip("0").replace("", "0"), lot))
    df["award"] = mapped(df["中标金额"], parse_amount)
    df["award_key"] = df["award"].astype(str)
    df = df.drop_duplicates(["公告ID", "lot"]).drop_duplicates(["项目编号", "lot", "cls", "date", "award_key"])
    df = df.sort_values(["date", "_file", "_line"]).reset_index(drop=True)
    df["ord"] = np.arange(len(df))
    key = ["项目编号", "lot"]
    stop = df[df["cls"].isin(["failed", "terminated"])].groupby(key)["date"].max().rename("last_stop")
    res = df[df["cls"] == "result"].join(stop, on=key)
    last_res = res.groupby(key).tail(1).set_index(key)
    lots = last_res[["date", "award"]].rename(columns={"date": "last_result_date"})
    lots = lots.join(stop)
    lots["awarded"] = lots["last_stop"].isna() | (lots["last_stop"] <= lots["last_result_date"])
    corr = df[(df["cls"] == "correction") & df["award"].notna()].join(lots["last_result_date"], on=key)
    corr = corr[corr["date"] > corr["last_result_date"]].groupby(key).tail(1).set_index(key)["award"]
    lots.loc[corr.index, "award"] = corr
    after = res[res["last_stop"].isna() | (res["date"] > res["last_stop"])]
    lots["inv_year"] = after.groupby(key)["date"].min().map(lambda d: d.year)
    # lot attributes: first non-blank among result notices (latest first), else among the others
    attrs = ["项目名称", "品目编码", "品目名称", "区划代码", "区划名称", "采购人", "采购方式"]
    ordered = df.assign(is_res=df["cls"] == "result").sort_values(["is_res", "ord"], ascending=False)
    ordered[attrs] = ordered[attrs].replace("", np.nan)
    first = ordered.groupby(key)[attrs].first().fillna("")
    lots = lots.join(first)
    lots = lots.join(lot_attributes(df, last_res, key))
    lots = lots[lots["awarded"]].copy()
    lots["division"] = division(lots["区划代码"])
    att = [places.attribute(c, [n, b]) for c, n, b in zip(lots["division"], lots["区划名称"], lots["采购人"])]
    lots["attribution"] = [a for a, _ in att]
    lots["county"] = [c for _, c in att]
    # classification
    sc = seed("smart_city_scenarios")
    kw = [(k, code, int(p), cat) for code, p, cat, ks in zip(sc["scenario_code"], sc["priority"], sc["category"],
                                                              sc["keywords"]) for k in ks.split("|")]
    rules = seed("informatization_rules")
    pref = tuple(rules.loc[rules["rule"] == "catalog_code_prefix", "pattern"])
    cat_terms = list(rules.loc[rules["rule"] == "catalog_name_term", "pattern"])
    title_terms = list(rules.loc[rules["rule"] == "project_name_term", "pattern"])

    def scen(title):
        return sorted({(p, code, cat) for k, code, p, cat in kw if k in title})

    lots["scen"] = mapped(lots["项目名称"], scen)
    lots["smart"] = lots["scen"].str.len() > 0
    lots["category"] = lots["scen"].map(lambda s_: s_[0][2] if s_ else "")
    code_n = mapped(lots["品目编码"], nfkc)
    lots["info"] = (lots["smart"] | code_n.str.startswith(pref)
                    | lots["品目名称"].map(lambda x: any(t in x for t in cat_terms))
                    | lots["项目名称"].map(lambda x: any(t in x for t in title_terms)))
    return lots.reset_index(), quarantine


def lot_attributes(df: pd.DataFrame, last_res: pd.DataFrame, key: list) -> pd.DataFrame:
    """scorecard.md lot attributes: budget, tender date, supplier name and USCC (after corrections)."""
    out = pd.DataFrame(index=last_res.index)
    out["award_date"] = last_res["date"]
    tenders = df[df["cls"] == "tender"].join(out["award_date"], on=key)
    out["tender_date"] = tenders[tenders["date"] <= tenders["award_date"]].groupby(key)["date"].max()
    b = df.assign(budget=mapped(df["预算金额"], parse_amount), is_t=df["cls"] == "tender")
    b = b[b["budget"].notna()].sort_values(["is_t", "ord"], ascending=False)
    out["budget"] = b.groupby(key)["budget"].first()
    corr = df[df["cls"] == "correction"].join(out["award_date"], on=key)
    corr = corr[corr["date"] > corr["award_date"]]
    for col, name in (("中标供应商", "supplier_name"), ("供应商统一社会信用代码", "uscc_text")):
        out[name] = last_res[col].replace("", np.nan)
        fix = corr[corr[col] != ""].groupby(key).tail(1).set_index(key)[col]
        out.loc[fix.index, name] = fix
    u = out["uscc_text"].fillna("").map(lambda x: nfkc(x).upper())
    out["supplier_uscc"] = u.where(u.map(uscc_valid))
    return out


def procurement_figures(lots: pd.DataFrame) -> dict:
    c = lots[lots["attribution"] == "county"]
    out = {}
    for y in (2022, 2023):
        g = c[c["inv_year"] == y]
        out[f"info_{y}"] = g.loc[g["info"], "award"].fillna(0).sum()
        out[f"smart_{y}"] = g.loc[g["smart"], "award"].fillna(0).sum()
        out[f"share_{y}"] = out[f"smart_{y}"] / out[f"info_{y}"]
        out[f"categories_{y}"] = g[g["smart"]]["category"].value_counts().to_dict()
    out["categories_all"] = c[c["smart"] & c["inv_year"].isin([2022, 2023])]["category"].value_counts().to_dict()
    out["coverage"] = c[c["smart"] & (c["inv_year"] <= 2023)]["county"].nunique()
    out["scenarios_2023"] = len({code for s_ in c[c["smart"] & (c["inv_year"] == 2023)]["scen"] for _, code, _ in s_})
    m = c[c["smart"] & c["inv_year"].isin([2022, 2023])].copy()
    m["ind"] = np.where(m["category"] == "industry_management", m["award"].fillna(0), 0)
    m["g00"] = m["scen"].map(lambda s_: any(code == "G00" for _, code, _ in s_))
    per = m.groupby("county").agg(total=("award", "sum"), ind=("ind", "sum"), g00=("g00", "any"))
    per["mode"] = np.where(per["g00"], "integrated_platform",
                           np.where(per["ind"] / per["total"] >= 0.5, "resource_endowment", "unified_deployment"))
    out["modes"] = per["mode"].value_counts().to_dict()
    out["mode_of"] = per["mode"].to_dict()
    largest = m.sort_values("award", ascending=False).groupby("county").head(1).set_index("county")["项目名称"]
    out["largest_title"] = largest.to_dict()
    ind = m[m["category"] == "industry_management"].sort_values("award", ascending=False)
    out["largest_industry_title"] = ind.groupby("county").head(1).set_index("county")["项目名称"].to_dict()
    out["g00_titles"] = m[m["g00"]].groupby("county")["项目名称"].apply(list).to_dict()
    return out


def uscc_valid(u: str) -> bool:
    if len(u) != 18 or any(ch not in CHARSET for ch in u):
        return False
    c = 31 - sum(CHARSET.index(ch) * w for ch, w in zip(u[:17], USCC_WEIGHTS)) % 31
    return CHARSET[0 if c == 31 else c] == u[17]


_CHAR_VALUE = np.full(0x110000, -1, dtype=np.int16)   # code point -> CHARSET index, -1 elsewhere
_CHAR_VALUE[[ord(ch) for ch in CHARSET]] = np.arange(len(CHARSET))


def uscc_valid_many(codes: pd.Series) -> np.ndarray:
    """``uscc_valid`` over a column at numpy speed (1.1 M registry rows); equal to mapping it."""
    values = codes.to_numpy(dtype=object)
    ok = np.array([len(u) == 18 for u in values], dtype=bool)
    if not ok.any():
        return ok
    digits = _CHAR_VALUE[np.frombuffer("".join(values[ok]).encode("utf-32-le"), dtype=np.uint32)].reshape(-1, 18)
    valid = (digits >= 0).all(axis=1)
    c = 31 - (digits[:, :17].astype(np.int64) @ np.array(USCC_WEIGHTS)) % 31
    check = np.where(c == 31, 0, c)
    ok[ok] = valid & (check == digits[:, 17])
    return ok


def registry_figures(raw: Path, places: Places) -> dict:
    df = read_source(raw / "registry")
    status_map = dict(zip(*seed("registry_status_map")[["raw_status", "status_class"]].T.values))
    status_map = {nfkc(k): v for k, v in status_map.items()}
    df["uscc"] = df["统一社会信用代码"].str.normalize("NFKC").str.upper()   # = nfkc(x).upper(), vectorised
    for col, name in (("成立日期", "est"), ("核准日期", "appr"), ("注销日期", "dereg"), ("吊销日期", "rev")):
        df[name] = mapped(df[col], lambda x: parse_date(x) if x else None)
    df["cls"] = mapped(df["登记状态"], lambda x: status_map.get(nfkc(x)))
    blank = (df[["统一社会信用代码", "企业名称", "登记状态", "成立日期"]] == "").any(axis=1)
    bad_uscc = ~uscc_valid_many(df["uscc"])
    bad_date = df["est"].isna()
    for col, name in (("核准日期", "appr"), ("注销日期", "dereg"), ("吊销日期", "rev")):
        bad_date |= (df[col] != "") & df[name].isna()
    reason = np.select([blank, bad_uscc, df["cls"].isna(), bad_date],
                       ["missing_required", "invalid_uscc", "unknown_status", "invalid_date"], "")
    quarantine = pd.Series(reason[reason != ""]).value_counts().to_dict()
    df = df[reason == ""].copy()
    df["appr_key"] = df["appr"].map(lambda d: d.toordinal() if d else 0)
    df = df.sort_values(["appr_key", "_file", "_line"]).drop_duplicates("uscc", keep="last")
    closed = df[["dereg", "rev"]].apply(lambda r: min([d for d in r if d is not None], default=None), axis=1) \
        if len(df) < 50_000 else pd.Series([min([d for d in (a, b) if d is not None], default=None)
                                            for a, b in zip(df["dereg"], df["rev"])], index=df.index)
    on = (df["est"] <= AS_OF) & (df["cls"].isin(["active", "suspended"])
                                  | ((df["cls"] == "closed") & closed.map(lambda d: d is not None and d > AS_OF)))
    code = mapped(df["行业代码"], lambda x: nfkc(x).upper())
    code = code.where(code.str.fullmatch(r"[A-T]?\d{4}"), "").str[-4:]
    core = set(seed("digital_economy_industries").query("is_core == 'true'")["industry_code"])
    d = df[on & code.isin(core)].copy()
    d["division"] = division(d["所属区划代码"])
    att = [places.attribute(c, [a, b], u[2:8]) for c, a, b, u in zip(d["division"], d["住所"], d["登记机关"], d["uscc"])]
    d = d[[a == "county" for a, _ in att]]
    smart = d["企业名称"].str.contains("智慧城市|智慧社区") | d["经营范围"].str.contains("智慧城市|智慧社区")
    return {"digital_economy": len(d), "smart_city": int(smart.sum()), "quarantine": quarantine,
            "uscc": set(d["uscc"])}


def connectivity_figures(raw: Path, places: Places) -> dict:
    df = read_source(raw / "connectivity")
    df["code"] = division(df["区划代码"]).map(lambda c: places.crosswalk.get(c, c))
    counts = ["常住人口", "乡村常住人口", "网民数", "乡村网民数", "家庭户数", "固定宽带用户数", "5G基站数"]
    for c in counts:
        df[c] = mapped(df[c], lambda x: int(nfkc(x).replace(",", "")))
    for c in ["千兆光网覆盖率", "行政村5G通达率"]:
        df[c] = mapped(df[c], lambda x: float(nfkc(x).rstrip("%")))
    ok = df["code"].isin(places.counties) & (df["乡村网民数"] <= df["乡村常住人口"]) & (df["网民数"] <= df["常住人口"])
    df = df[ok].drop_duplicates(["code", "年份"], keep="last")
    out = {"quarantined": int((~ok).sum())}
    for year, t in df.groupby("年份"):
        out[f"penetration_{year}"] = t["网民数"].sum() / t["常住人口"].sum()
        out[f"rural_{year}"] = t["乡村网民数"].sum() / t["乡村常住人口"].sum()
        ind = pd.DataFrame({"a": t["千兆光网覆盖率"], "b": t["5G基站数"] / t["常住人口"] * 1e4,
                            "c": t["固定宽带用户数"] / t["家庭户数"] * 100, "d": t["行政村5G通达率"],
                            "e": t["网民数"] / t["常住人口"]})
        norm = (ind - ind.min()) / (ind.max() - ind.min())
        score = (100 * (0.25 * norm["a"] + 0.25 * norm["b"] + 0.20 * norm["c"] + 0.15 * norm["d"]
                        + 0.15 * norm["e"])).round(6)
        top = t.loc[score.rank(ascending=False, method="min") <= 20, "code"]
        out[f"top20_urban_{year}"] = all(places.types[c] in ("district", "county_level_city") for c in top)
        out[f"counties_{year}"] = len(t)
    return out


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_small")
    started = time.perf_counter()
    summary = generate(out, scale=0.01, seed=7)
    return out, summary, time.perf_counter() - started


def files_bytes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------ fast tests
def test_small_drop_layout_and_speed(small):
    out, summary, seconds = small
    assert seconds < 20
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert sum(n.startswith("procurement/") for n in names) == 14
    assert sum(n.startswith("registry/") for n in names) == 5
    assert names[-1] == "registry/qiye_part5_gbk.csv"
    conn = sorted(n for n in names if n.startswith("connectivity/"))
    assert conn[-1] == "connectivity/connectivity_2023_revised.csv"
    assert 1500 < summary["procurement_rows"] < 3000
    assert 9000 < summary["registry_rows"] < 13000
    assert summary["connectivity_rows"] == 111 * 3 + 3 + 9
    gb = (out / "procurement/zfcg_2021Q3.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert "采购人" in gb.decode("gb18030")
    assert (out / "procurement/zfcg_2022Q1.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "原文链接" in (out / "procurement/zfcg_2023Q4.csv").read_text(encoding="utf-8").splitlines()[0]


def test_same_seed_same_bytes_other_seed_differs(small, tmp_path):
    out, _, _ = small
    again = tmp_path / "again"
    # another process with another string-hash seed: no dependence on set/dict iteration order
    code = f"from smartcounty.sample import generate; generate({str(again)!r}, scale=0.01, seed=7)"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert files_bytes(out) == files_bytes(again)
    other = tmp_path / "other"
    generate(other, scale=0.01, seed=8)
    assert files_bytes(other)["procurement/zfcg_2022Q1.csv"] != files_bytes(out)["procurement/zfcg_2022Q1.csv"]


def test_procurement_mess_present(small):
    out, _, _ = small
    df = read_source(out / "procurement")
    assert df["公告ID"].nunique() < len(df)
    assert df.duplicated([c for c in df.columns if not c.startswith("_")]).sum() >= 3     # exact duplicate lines
    key = df.assign(d=df["发布日期"].map(parse_date), a=df["中标金额"].map(parse_amount).astype(str))
    reposts = key[key["d"].notna()].groupby(["项目编号", "标项号", "d", "a", "中标供应商"])["公告ID"].nunique()
    assert (reposts > 1).sum() >= 3
    types = set(df["公告类型"])
    assert {"更正公告", "废标公告", "终止公告", "合同公告", "采购公告"} <= types
    assert len(types & {"资格预审公告", "单一来源公示", "中标候选人公示", "招标文件澄清"}) >= 1
    epoch = df[df["发布日期"].str.fullmatch(r"\d{13}")]["发布日期"].astype(int)
    utc = pd.to_datetime(epoch, unit="ms", utc=True)
    assert ((utc.dt.month == 12) & (utc.dt.day == 31) & (utc.dt.hour >= 16)).sum() >= 3     # Beijing: 1 Jan
    dates = df["发布日期"]
    for pattern in (r"\d{4}/\d{1,2}/\d{1,2}", r"\d{4}年\d{1,2}月\d{1,2}日", r"\d{8}", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"):
        assert dates.str.fullmatch(pattern).any(), pattern
    assert dates.map(parse_date).isna().sum() >= 3                                          # quarantine-bound
    codes = df["区划代码"]
    assert codes.isin(["450127", "450331", "451021", "451023", "451281", "450122", "450221", "450322", "451025"]).any()
    assert codes.str.fullmatch(r"\d{9}|\d{12}").any() and codes.str.fullmatch(r"45\d\d00").any()
    assert codes.eq("450000").any() or codes.eq("450000000").any()
    assert (codes == "").any() and ((codes == "") & (df["区划名称"] != "")).any()
    assert df["区划名称"].str.startswith("广西壮族自治区").any()
    assert {"01", ""} <= set(df["标项号"]) and (df["标项号"] == "2").any()
    amounts = df["中标金额"]
    for pattern in ("万", "￥|¥", "人民币.*元整", "[０-９]", r"\d,\d{3}", "下浮率|折扣率|详见附件|单价|^/$|^-$"):
        assert amounts.str.contains(pattern).any(), pattern
    assert (df["联系人"] != "").all() and df["联系电话"].str.contains(r"\d{7}").all()


def test_registry_and_connectivity_mess_present(small):
    out, _, _ = small
    reg = read_source(out / "registry")
    u = reg["统一社会信用代码"].map(lambda x: nfkc(x).upper())
    assert (~u.map(uscc_valid)).sum() >= 3
    valid = u[u.map(uscc_valid)]
    dups = reg[valid.reindex(reg.index).notna()].assign(u=valid).groupby("u")["核准日期"].nunique()
    assert (dups > 1).sum() >= 3
    statuses = set(seed("registry_status_map")["raw_status"])
    assert statuses <= set(reg["登记状态"])
    closed = reg["登记状态"].isin(["注销", "吊销", "撤销"])
    assert (closed & (reg["注销日期"] == "") & (reg["吊销日期"] == "")).any()
    assert (closed & ((reg["注销日期"] != "") | (reg["吊销日期"] != ""))).any()
    assert reg["行业代码"].str.fullmatch(r"[A-T]\d{4}").any() and reg["行业代码"].str.contains("[０-９]").any()
    blank = reg["所属区划代码"] == ""
    assert (blank & reg["住所"].str.contains("县|区|市")).any() and (blank & (reg["住所"] == "")).any()
    assert reg["法定代表人"].str.len().between(2, 3).all()
    conn = read_source(out / "connectivity")
    assert (conn["区划代码"] == "450127").sum() == 2
    rev = conn[conn["_file"] == "connectivity_2023_revised.csv"]
    main = conn[conn["_file"] == "connectivity_2023.csv"]
    assert len(rev) == 9 and rev["区划代码"].str[:6].isin(set(main["区划代码"].str[:6]) | {"450127"}).all()


@pytest.fixture(scope="module")
def small_drop(tmp_path_factory):
    """The scale-0.01 drop in memory (with its truth), written once, read by the checker once."""
    out = tmp_path_factory.mktemp("sample_drop")
    drop = build(0.01, 7)
    for rel, (df, enc, gz) in drop.files.items():
        write_csv(df, out / rel, enc, gz)
    lots, quarantine = procurement_lots(out, Places())
    return drop, out, lots, quarantine


def test_generate_hands_over_the_truth_build_returns(small_drop, tmp_path):
    """`generate(on_truth=…)` gives each slice's truth as `build` returns it (scale1_truth relies on it)."""
    drop = small_drop[0]
    kept = {}
    generate(tmp_path, scale=0.01, seed=7, on_truth=lambda k, truth: kept.setdefault(k, truth))
    assert list(kept) == [0] and set(kept[0]) == set(drop.truth)
    for name, table in drop.truth.items():
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(kept[0][name], table, obj=name)
        else:
            assert kept[0][name] == table, name


def test_checker_reproduces_truth_small(small_drop):
    """The written CSVs, read by the contract's rules, give the truth's figures (scale 0.01)."""
    drop, out, lots, quarantine = small_drop
    places = Places()
    assert set(quarantine) == {"missing_required", "invalid_date", "unknown_notice_type"}
    truth = drop.truth["lots"]
    t = truth[(truth["attribution"] == "county") & truth["awarded"]]
    c = lots[lots["attribution"] == "county"]
    assert len(c) == len(t)
    for y in (2022, 2023):
        assert c.loc[(c["inv_year"] == y) & c["smart"], "award"].sum() == t.loc[(t["inv_year"] == y) & t["is_smart"], "amount"].sum()
        assert c.loc[(c["inv_year"] == y) & c["info"], "award"].sum() == t.loc[(t["inv_year"] == y) & t["is_info"], "amount"].sum()
    reg = registry_figures(out, places)
    assert reg["digital_economy"] == int(drop.truth["enterprises"]["counted"].sum())
    assert reg["smart_city"] == int(drop.truth["enterprises"]["smart"].sum())
    assert set(reg["quarantine"]) == {"missing_required", "invalid_uscc", "unknown_status", "invalid_date"}
    conn = connectivity_figures(out, places)
    truth_fig = figures_from_truth(drop.truth)
    assert conn["penetration_2023"] == pytest.approx(truth_fig["penetration_2023"], abs=1e-6)
    assert conn["counties_2023"] == conn["counties_2021"] == 111


# ------------------------------------------------------------------------------ scale 1 (slow)
@pytest.fixture(scope="module")
def full(scale1_raw):
    """The session's scale-1 drop (conftest.py), written once for this module and test_e2e_scale1."""
    out, summary = scale1_raw
    print(f"scale-1 sample: {summary['seconds']:.1f} s wall")
    return out, summary


def pct(x, n):
    return round(Decimal(str(x)) * 100, n)


SCORECARD_TERMS = pd.DataFrame(   # shared/reference/scorecard_terms.csv
    [("planning", t) for t in ("顶层设计", "总体规划", "专项规划", "发展规划", "建设规划", "规划编制", "实施方案")]
    + [("data_platform", t) for t in ("数据中台", "数据仓库", "数据共享", "数据交换", "数据汇聚", "数据治理", "数据资源",
                                      "大数据中心", "大数据平台", "政务云")], columns=["term_group", "term"])


@pytest.mark.slow
def test_scale1_truth_calibrated(scale1_truth):
    """The truth of the scale-1 drop (the one `smartcounty sample` writes by default) is calibrated."""
    fig = figures_from_truth(scale1_truth)
    assert abs(fig["share_2022"] - 0.1967) < 2e-5 and abs(fig["share_2023"] - 0.2222) < 2e-5
    assert fig["info_declines"] and fig["coverage"] == 111 and fig["scenarios_2023"] >= 30
    assert abs(fig["smart_2023_yuan"] - 1.092e9) <= 5e5
    unified, resource, integrated = map(int, fig["modes"].split("/"))
    assert unified > resource > integrated > 0
    assert 15_600 <= fig["digital_economy_enterprises"] <= 16_400 and fig["smart_city_enterprises"] == 80
    assert round(fig["penetration_2023"], 3) == 0.752 and round(fig["rural_penetration_2023"], 3) == 0.564
    assert fig["top20_urban"]
    # scorecard.md on the same truth: every flag and locality occurs, none on more than half of the lots
    ref = load()
    crosswalk = dict(zip(ref.crosswalk["old_code"], ref.crosswalk["new_code"]))
    lots = integrity_flags(scale1_truth, ref.status_map, ref.counties, crosswalk, MIN_DAYS)
    for flag in FLAGS:
        assert 0 < lots[flag].mean() < 0.5, flag
    share = lots["locality"].value_counts(normalize=True)
    assert set(share.index) == set(LOCALITIES) and share.max() < 0.5
    # every indicator means something: >= 10 distinct values (0/1 ones: both), every pillar someone's weakest
    sc = scorecard(scale1_truth, SCORECARD_TERMS, ref.status_map, ref.counties, crosswalk)
    for _, g in sc.groupby("year"):
        for ind in PILLARS:
            assert g[ind].nunique() == 2 if ind.startswith("has_") else g[ind].nunique() >= 10, ind
        assert set(g["weakest_pillar"]) == {1, 2, 3, 4, 5}


@pytest.mark.slow
def test_scale1_csvs_give_published_figures(full):
    out, summary = full
    assert 190_000 <= summary["procurement_rows"] <= 230_000
    assert 1_050_000 <= summary["registry_rows"] <= 1_150_000
    places = Places()
    lots, _ = procurement_lots(out, places)
    f = procurement_figures(lots)
    assert pct(f["share_2022"], 2) == Decimal("19.67") and pct(f["share_2023"], 2) == Decimal("22.22")
    assert f["info_2023"] < f["info_2022"]
    assert f["coverage"] == 111 and f["scenarios_2023"] >= 30
    for key in ("categories_2022", "categories_2023", "categories_all"):
        c = f[key]
        assert c["city_governance"] > c["industry_management"] > c["livelihood_services"], key
    m = f["modes"]
    assert m["unified_deployment"] > m["resource_endowment"] > m["integrated_platform"]
    assert f["mode_of"]["450981"] == f["mode_of"]["450921"] == "integrated_platform"
    # the evidence of an integrated county is its earliest G00 lot: here its only one
    assert f["g00_titles"]["450981"] == ["北流市智慧县域建设项目"]
    assert f["g00_titles"]["450921"] == ["容县智慧侨乡建设项目"]
    for code in ("450325", "450703"):
        assert f["mode_of"][code] == "unified_deployment" and "雪亮工程" in f["largest_title"][code]
    assert f["mode_of"]["451225"] == "resource_endowment"
    assert "一键游罗城智慧旅游" in f["largest_industry_title"]["451225"]
    assert round(Decimal(f["smart_2023"]) / Decimal(210_000_000_000) * 100, 2) == Decimal("0.52")
    reg = registry_figures(out, places)
    assert 15_600 <= reg["digital_economy"] <= 16_400 and reg["smart_city"] == 80
    conn = connectivity_figures(out, places)
    assert pct(conn["penetration_2023"], 1) == Decimal("75.2") and pct(conn["rural_2023"], 1) == Decimal("56.4")
    assert conn["top20_urban_2021"] and conn["top20_urban_2022"] and conn["top20_urban_2023"]


# ------------------------------------------------------------------------------ suppliers, methods, windows
METHOD_TERMS = ("公开招标", "竞争性磋商", "竞争性谈判", "询价", "邀请招标", "单一来源", "框架协议", "电子卖场")
MIN_DAYS = {"公开招标": 20, "邀请招标": 20, "竞争性磋商": 10, "竞争性谈判": 3, "询价": 3}   # tender_min_days.csv


def min_days(method: str):
    return next((d for term, d in MIN_DAYS.items() if term in method), None)


def county_awarded(lots: pd.DataFrame) -> pd.DataFrame:
    return lots[lots["attribution"] == "county"].copy()


def test_lot_attributes_read_from_csvs_match_truth(small_drop):
    """Supplier (after corrections), USCC validity, award/tender dates and budgets the CSVs give are the truth's."""
    drop, _, lots, _ = small_drop
    t = drop.truth["lots"]
    t = t[(t["attribution"] == "county") & t["awarded"]]
    code = drop.truth["projects"]["project_code"].to_numpy()[t["pid"].to_numpy()]
    t = t.set_index(pd.MultiIndex.from_arrays([code, t["lot_no"].astype(str)]))
    c = county_awarded(lots).set_index(["项目编号", "lot"])
    assert len(c) == len(t)
    c = c.loc[t.index]
    assert (c["supplier_name"].to_numpy() == t["supplier_name"].to_numpy()).all()
    assert (c["supplier_uscc"].fillna("").to_numpy() == t["supplier_uscc"].fillna("").to_numpy()).all()
    assert (pd.to_datetime(c["award_date"]).to_numpy() == t["award_date"].to_numpy()).all()
    same = pd.to_datetime(c["tender_date"]).to_numpy() == t["tender_date"].to_numpy()
    assert (same | (c["tender_date"].isna().to_numpy() & t["tender_date"].isna().to_numpy())).all()
    known = c["budget"].notna().to_numpy()
    assert known.mean() > 0.9 and (c["budget"].to_numpy()[known] == t["budget"].to_numpy()[known]).all()
    # the mess behind it: corrections that replace a supplier, spellings the cleaning must undo
    assert set(t["fix"]) >= {"both", "name", "uscc"}


def test_suppliers_mostly_registered_some_from_elsewhere(small_drop):
    drop, out, lots, _ = small_drop
    reg = read_source(out / "registry")["统一社会信用代码"].map(lambda x: nfkc(x).upper())
    c = county_awarded(lots)
    u = c["supplier_uscc"]
    assert 0.02 < u.isna().mean() < 0.12                         # blank or invalid: locality unknown
    valid = u.dropna()
    in_reg = valid.isin(set(reg))
    assert 0.6 < in_reg.mean() < 0.9
    outside = valid[~in_reg & ~valid.str[2:4].eq("45")]
    assert len(outside) >= 3 and outside.str[2:8].str.fullmatch(r"\d{6}").all()
    local = c[u.isin(set(reg))]
    assert (local["supplier_uscc"].str[2:8] == local["county"]).mean() > 0.1   # many from the buying county
    text = c["uscc_text"].dropna()
    assert text.str.contains("[a-z]").any() and text.str.contains("[０-９]").any()
    assert (c["uscc_text"].isna() & c["supplier_name"].notna()).any()           # a name without a USCC


def test_method_mix_and_stray_text(small_drop):
    _, _, lots, _ = small_drop
    method = lots["采购方式"]
    share = {m: method.str.contains(m).mean() for m in METHOD_TERMS}
    assert 0.3 < share["公开招标"] < 0.5 and 0.2 < share["竞争性磋商"] < 0.4
    assert share["公开招标"] > share["询价"] and share["竞争性磋商"] > share["竞争性谈判"]
    assert 0.01 < share["单一来源"] < 0.08 and share["框架协议"] < 0.05
    assert (~method.isin(METHOD_TERMS) & method.str.contains("|".join(METHOD_TERMS))).any()   # 公开招标（电子招标）


def test_tender_windows_mostly_lawful_budgets_mostly_undercut(small_drop):
    _, _, lots, _ = small_drop
    c = county_awarded(lots)
    c["min"] = c["采购方式"].map(min_days)
    c["days"] = (pd.to_datetime(c["award_date"]) - pd.to_datetime(c["tender_date"])).dt.days
    judged = c[c["min"].notna() & c["days"].notna()]
    short = judged["days"] < judged["min"]
    assert 0.005 < short.mean() < 0.1
    assert 0.05 < c["tender_date"].isna().mean() < 0.25                      # result only
    r = (c["award"] / c["budget"]).dropna()
    assert 0.85 < r.median() < 0.95 and r.between(0.85, 0.99).mean() > 0.5
    over, near = r > 1, r.between(0.995, 1)
    assert 0.005 < over.mean() < 0.05 and 0.01 < near.mean() < 0.1 and (r <= 1.2).all()


def test_every_flag_and_locality_occurs_at_small_scale(small_drop):
    drop = small_drop[0]
    ref = load()
    crosswalk = dict(zip(ref.crosswalk["old_code"], ref.crosswalk["new_code"]))
    lots = integrity_flags(drop.truth, ref.status_map, ref.counties, crosswalk, MIN_DAYS)
    for flag in FLAGS:
        assert lots[flag].sum() >= 3, flag
    assert set(lots["locality"]) == set(LOCALITIES)


# ------------------------------------------------------------------------------ slices (large scales)
def test_slices_split_large_scales_evenly():
    assert slices(0.01) == [0.01] and slices(1.0) == [1.0]
    assert slices(20) == [1.0] * 20
    assert len(slices(2.5)) == 3 and sum(slices(2.5)) == pytest.approx(2.5)
    with pytest.raises(ValueError):
        slices(0)
    with pytest.raises(ValueError, match="generate"):      # more than one slice is never held in memory
        build(1.5)


def test_streamed_file_equals_the_whole_frame_written_once(tmp_path, monkeypatch):
    from smartcounty.sample import writer
    monkeypatch.setattr(writer, "CHUNK_ROWS", 7)
    df = pd.DataFrame({"a": [f"行{i}" for i in range(40)], "b": ['x,"y"' if i % 9 == 0 else str(i) for i in range(40)]},
                      dtype=object)
    for rel, enc, gz in (("p.csv.gz", "utf-8", True), ("b.csv", "utf-8-sig", False), ("g.csv", "gb18030", False)):
        w = writer.DropWriter(tmp_path / "streamed")
        w.write({rel: (df.iloc[:25], enc, gz)})
        w.write({rel: (df.iloc[25:], enc, gz)})
        assert w.close() == [(rel, 40, enc)]
        write_csv(df, tmp_path / "whole" / rel, enc, gz)
        assert (tmp_path / "streamed" / rel).read_bytes() == (tmp_path / "whole" / rel).read_bytes(), rel


def test_sliced_drop_reconciles_like_one_slice(tmp_path, monkeypatch):
    """Two slices: ids stay unique, every file has one header, and the CSVs give the truth's figures."""
    monkeypatch.setattr(R, "SLICE_SCALE", 0.006)
    out = tmp_path / "sliced"
    calls = []
    summary = generate(out, scale=0.012, seed=7, progress=lambda k, n, seconds: calls.append((k, n)))
    assert summary["slices"] == 2 and calls == [(1, 2), (2, 2)]
    truth = dict(kv.split("=") for kv in summary["calibration"].split(", "))
    places = Places()
    lots, _ = procurement_lots(out, places)
    f = procurement_figures(lots)
    assert f["smart_2023"] == int(truth["smart_2023_yuan"])
    assert f["share_2022"] == pytest.approx(float(truth["share_2022"]), abs=1e-6)
    assert float(truth["share_2022"]) == pytest.approx(0.1967, abs=1e-4)        # calibrated slice by slice
    reg = registry_figures(out, places)
    assert reg["digital_economy"] == int(truth["digital_economy_enterprises"])
    assert reg["smart_city"] == int(truth["smart_city_enterprises"])
    proc = read_source(out / "procurement")
    assert not proc["公告ID"].isin(["公告ID"]).any()                # no second header inside a file
    ids = proc[(proc["公告ID"] != "") & (proc["项目编号"] != "")]
    assert ids.groupby("公告ID")["项目编号"].nunique().max() == 1          # no notice id reused by another slice
    buyer = ids["采购人"].str.replace(ZERO_WIDTH, "", regex=True).str.strip(TRIM)
    assert buyer[buyer != ""].groupby(ids["项目编号"]).nunique().max() == 1    # nor a project code
    registry = read_source(out / "registry")
    u = registry["统一社会信用代码"].map(lambda x: nfkc(x).upper())
    assert u[u.map(uscc_valid)].value_counts().max() == 2                       # an enterprise and its older twin


def test_vectorised_uscc_check_equals_the_scalar_one():
    good = "91450100MA5KXXXX0X"
    rng = np.random.default_rng(3)
    codes = ["".join(rng.choice(list(CHARSET), 18)) for _ in range(3000)]   # ~1/31 valid by chance
    codes += ["", "ABC", good, good.lower(), "9145010" + "O" * 11, "９" * 18, "1" * 17 + "\U0001F600"]
    series = pd.Series(codes, dtype="str")
    expected = np.array([uscc_valid(u) for u in codes])
    assert 50 < expected.sum() < 200
    assert (uscc_valid_many(series) == expected).all()
