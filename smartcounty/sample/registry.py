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
from .registry_render import render
from .render import choice, fmt_dates, pick, s
from .uscc import CHARSET, uscc_with_check
from .words import NONCORE

ACTIVE = ["存续", "在业", "在营", "开业", "在册", "存续（在营、开业、在册）", "迁入"]
NONCORE_STATUS = {"存续": 0.52, "在业": 0.10, "在营": 0.03, "开业": 0.02, "在册": 0.01, "存续（在营、开业、在册）": 0.03,
                  "迁入": 0.01, "注销": 0.17, "撤销": 0.005, "吊销": 0.02, "吊销，未注销": 0.03, "吊销，已注销": 0.02,
                  "迁出": 0.01, "停业": 0.005, "清算": 0.01}
CORE_TRAP_REASONS = {"closed_before": 0.33, "closed_no_date": 0.08, "moved_out": 0.08, "established_after": 0.06,
                     "unattributed": 0.10, "not_county": 0.12, "ambiguous": 0.03, "dup_closed": 0.10,
                     "bad_industry": 0.10}
D_ASOF = np.datetime64(R.AS_OF, "D")


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
