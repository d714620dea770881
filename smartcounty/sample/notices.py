"""Procurement notices: the truth's events × lots spelled as export rows, mess rows, one file per quarter."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcounty.rawload.spec import PROCUREMENT

from . import rates as R
from .render import UNPARSEABLE_AMOUNTS, add_noise, choice, fmt_amounts, fmt_dates, frame, pick, s
from .words import GIVEN, SURNAMES, WORD_A, WORD_B

COLUMNS = list(PROCUREMENT.headers)  # the contract headers, in contract order


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
