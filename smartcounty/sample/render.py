"""Vectorised spelling of values the way real exports spell them, and deterministic file writing."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

FULLWIDTH = str.maketrans("0123456789.%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                          "０１２３４５６７８９．％ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
                          "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ")
UNPARSEABLE_AMOUNTS = np.array(["下浮率5%", "折扣率95%", "详见附件", "单价12.5元/平方米", "/", "-",
                                "下浮率3.5%", "费率0.8%", "见附件"], dtype=object)
EPOCH = np.datetime64("1970-01-01", "D")


def s(x) -> np.ndarray:
    """Object array of str, so `+` concatenates element-wise (object input is taken as str already)."""
    a = np.asarray(x)
    return a if a.dtype == object else a.astype(str).astype(object)


def pick(rng: np.random.Generator, n: int, weights: dict) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def choice(rng: np.random.Generator, pool, n: int) -> np.ndarray:
    pool = np.asarray(pool, dtype=object)
    return pool[rng.integers(0, len(pool), n)]


def fullwidth(values: np.ndarray) -> np.ndarray:
    return np.array([x.translate(FULLWIDTH) for x in s(values)], dtype=object)


def ymd(dates: np.ndarray):
    d = np.asarray(dates, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]").astype(int) + 1970
    m = d.astype("datetime64[M]").astype(int) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(int) + 1
    return y, m, day


_CLOCK = np.array([f"{h:02d}:{m:02d}:{x:02d}" for h in range(24) for m in range(60) for x in range(60)], dtype=object)


def fmt_dates(dates: np.ndarray, styles: np.ndarray, rng: np.random.Generator,
              seconds: np.ndarray | None = None) -> np.ndarray:
    """Spell each date in its style; `seconds` = Beijing time of day for datetime/epoch styles.

    Dates repeat a lot, so each distinct date is spelled once and looked up (NaT rows: garbage,
    callers blank them)."""
    d = np.asarray(dates, dtype="datetime64[D]")
    n = len(d)
    if seconds is None:
        seconds = rng.integers(8 * 3600, 18 * 3600, n)
    millis = rng.integers(0, 1000, n)
    safe = np.where(np.isnat(d), np.datetime64("2000-01-01", "D"), d)
    uniq, inv = np.unique(safe, return_inverse=True)
    y, m, dd = ymd(uniq)
    table = {
        "iso": [f"{a}-{b:02d}-{c:02d}" for a, b, c in zip(y, m, dd)],
        "slash": [f"{a}/{b}/{c}" for a, b, c in zip(y, m, dd)],
        "cn": [f"{a}年{b}月{c}日" for a, b, c in zip(y, m, dd)],
        "compact": [f"{a}{b:02d}{c:02d}" for a, b, c in zip(y, m, dd)],
    }
    table = {k: np.array(v, dtype=object) for k, v in table.items()}
    out = table["iso"][inv]
    for style in ("slash", "cn", "compact"):
        sel = styles == style
        out[sel] = table[style][inv[sel]]
    sel = styles == "datetime"
    out[sel] = out[sel] + " " + _CLOCK[seconds[sel]]
    ms = ((safe - EPOCH).astype(np.int64) * 86400 + seconds - 8 * 3600) * 1000 + millis
    sel = (styles == "epoch_ms") & (ms >= 10**12)     # the contract's epoch is 13 digits (from 2001-09-09)
    out[sel] = ms[sel].astype(str).astype(object)
    return out


def _thousands(values: np.ndarray) -> np.ndarray:
    return np.array([f"{x:,}" for x in np.asarray(values, dtype=np.int64).tolist()], dtype=object)


def _scaled(values: np.ndarray, digits: int) -> np.ndarray:
    """Exact decimal of values / 10**digits, trailing zeros dropped (1234567 → 123.4567)."""
    v = np.asarray(values, dtype=np.int64)
    if not len(v):
        return np.array([], dtype=object)
    whole, frac = s(v // 10**digits), pd.Series(v % 10**digits).astype(str).str.zfill(digits).str.rstrip("0")
    frac = frac.to_numpy().astype(object)
    return np.where(frac == "", whole, whole + "." + frac).astype(object)


def fmt_amounts(yuan: np.ndarray, styles: np.ndarray) -> np.ndarray:
    """Spell whole-yuan amounts; every spelling parses back to exactly the same yuan value."""
    v = np.asarray(yuan, dtype=np.int64)
    out = s(v).copy()

    def at(style):
        sel = styles == style
        return sel, out[sel], v[sel]

    sel, p, x = at("decimal")
    out[sel] = p + ".00"
    sel, p, x = at("thousands")
    if sel.any():
        out[sel] = _thousands(x) + ".00"
    sel, p, x = at("wan")
    out[sel] = _scaled(x, 4) + np.where(x % 2 == 0, "万元", "万")
    sel, p, x = at("yen")
    out[sel] = np.where(x % 3 == 0, "￥" + p + ".00", "¥" + p + "元")
    sel, p, x = at("rmb_zheng")
    out[sel] = "人民币" + p + "元整"
    sel, p, x = at("fullwidth")
    out[sel] = fullwidth(p + ".00") + "元"
    sel, p, x = at("yi")
    out[sel] = _scaled(x, 8) + "亿元"
    sel, p, x = at("spaced")
    out[sel] = "人民币 " + p + " 元"
    return out


def fmt_division(codes: np.ndarray, styles: np.ndarray) -> np.ndarray:
    out = s(codes).copy()
    for style, suffix in (("code9", "000"), ("code12", "000000")):
        sel = (styles == style) & (out != "")
        out[sel] = out[sel] + suffix
    sel = (styles == "code_fullwidth") & (out != "")
    out[sel] = fullwidth(out[sel])
    return out


def add_noise(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Pad some cells with U+3000/U+00A0/spaces or slip a zero-width char inside (cleaning removes both)."""
    out = np.asarray(values, dtype=object).copy()
    idx = np.flatnonzero((rng.random(len(out)) < rate) & (s(out) != ""))
    if len(idx) == 0:
        return out
    kind = rng.integers(0, 4, len(idx))
    pos = rng.integers(1, 3, len(idx))
    cells = out[idx]
    pads = np.array(["\u3000", "\u00a0", " ", "\u200b"], dtype=object)
    inside = s([c[:p] + "\u200b" + c[p:] for c, p in zip(cells, pos)])
    out[idx] = np.where(kind == 3, inside, np.where(kind == 0, pads[kind] + cells, cells + pads[kind]))
    return out


def frame(columns: dict) -> pd.DataFrame:
    """Object-dtype frame: pandas 3 would otherwise convert every text column to Arrow strings."""
    return pd.DataFrame(columns, dtype=object)


def _quoted(col: np.ndarray) -> np.ndarray:
    needs = (",", '"', "\n", "\r")
    return np.array(['"' + x.replace('"', '""') + '"' if any(c in x for c in needs) else x for x in col],
                    dtype=object)


def csv_header(columns) -> str:
    return ",".join(_quoted(np.array([str(c) for c in columns], dtype=object))) + "\n"


def csv_rows(df: pd.DataFrame) -> str:
    """RFC-4180 lines with minimal quoting. Fast path: join with a unit separator, then check once."""
    if not len(df):
        return ""
    cols = [df[c].to_numpy(dtype=object) for c in df.columns]
    try:
        body = "\n".join(map("\x1f".join, zip(*cols)))
    except TypeError:                       # a non-str cell (NaN/None): blank it
        cols = [np.where(pd.isna(c), "", c).astype(str).astype(object) for c in cols]
        body = "\n".join(map("\x1f".join, zip(*cols)))
    if "," in body or '"' in body or "\r" in body or body.count("\n") != len(df) - 1:
        cols = [_quoted(c) if any(ch in "\x1f".join(c) for ch in ',"\n\r') else c for c in cols]
        body = "\n".join(map("\x1f".join, zip(*cols)))
    return body.replace("\x1f", ",") + "\n"


def csv_text(df: pd.DataFrame) -> str:
    return csv_header(df.columns) + csv_rows(df)


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8", gz: bool = False) -> int:
    """Write header + rows; bytes depend only on the frame (gzip without name or timestamp)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = csv_text(df).encode(encoding)
    if gz:
        data = gzip.compress(data, compresslevel=1, mtime=0)
    path.write_bytes(data)
    return len(df)
