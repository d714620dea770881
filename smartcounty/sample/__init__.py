"""Synthetic raw drop (``smartcounty sample``): looks and misbehaves like the real Guangxi exports.

An independent model of the world — it shares no code with the pipeline's rules. It builds a
*truth* first (clean lots, enterprises, county indicators), solves the amounts/counts so the
report's published figures come out at scale 1 with the default seed, and only then renders
the rows the way real exports spell them, adding mess that ``docs/contracts/raw_inputs.md``
and ``figures.md`` neutralise. No file labels a row with its answer.

Layout (``raw_inputs.md``)::

    procurement/zfcg_<YYYY>Q<q>.csv   one file per quarter of 发布日期 (2021Q1..2024Q2)
    registry/qiye_part<k>.csv.gz      UTF-8 parts, plus qiye_part5_gbk.csv in GB18030
    connectivity/connectivity_<YYYY>.csv and connectivity_2023_revised.csv (sorts last: last wins)

Scale: a drop of scale s has s × the Guangxi sizes of ``rates.py`` (registry 1.1 M rows, ≈ 100 k lots at
1). Scales above ``SLICE_SCALE`` (1) are generated as equal, independent slices of the world — each its
own part of the registry and the procurement whose winners it supplies, with its own random streams and
id ranges (``SLICE_ID_STRIDE``), the development modes of the first — and written as they come
(``writer.py``: every file appended to, one header, one gzip member), so memory stays that of one slice
and time grows linearly with the scale. Up to scale 1 a drop is one slice: the same bytes as before
slicing existed.

Mess and default rates (named constants in ``smartcounty/sample/rates.py``; at tiny scales every
kind still occurs at least ``MIN_MESS`` = 3 times):

procurement
- re-posts under another 公告ID with equal parsed values, date/amount/type spelled differently:
  ``REPOST_RATE`` 3 % of non-tender rows; exact duplicate lines: ``DUPLICATE_LINE_RATE`` 1 %;
- award revised by a later 更正公告 (the correction carries the truth): ``CORRECTED_AWARD_RATE``
  6 % of awarded lots, 30 % of them revised twice (last wins);
- two result notices (amount of the latest, year of the earliest; a third straddle New Year):
  ``DOUBLE_RESULT_RATE`` 2 %;
- re-tender after 废标/流标 (2.5 %) or after a 终止公告 that followed a first result (2 %):
  investment year = the re-tender's result;
- termination after the last result cancels the award / 废标 / tender only: 8 % of ordinary
  lots and 40 % of the smart-city traps are not awarded (25 % cancelled, 40 % failed, 35 % open);
- 合同公告 with an amount the rules ignore: 25 %; 更正公告 before the result without amount: 5 %;
  更正公告 after the result with blank or 详见附件 amount: 2 %;
- multi-lot projects: 12 % of projects have 2-4 lots; 标项号 spelled ``1``/``01``/blank;
- encodings: ``zfcg_2021Q3``/``zfcg_2023Q2`` GB18030, ``zfcg_2022Q1`` UTF-8 with BOM;
  ``zfcg_2023Q4`` has its columns reordered and an extra 原文链接 column;
- amounts: plain 30 %, ``.00`` 15 %, ``1,234,567.00`` 15 %, ``万元``/``万`` 15 %, ``￥…``/``¥…元`` 8 %,
  ``人民币…元整`` 7 %, full-width digits 5 %, ``亿元`` 2 %, spaced 3 %; unparseable
  (下浮率5%, 折扣率95%, 详见附件, 单价…, ``/``, ``-``): 3 % of ordinary lots' awards and 3 % of budgets;
- dates: ISO 55 %, ``2023/5/6`` 12 %, ``2023年5月6日`` 10 %, with time 10 %, ``20230506`` 8 %,
  epoch ms 5 %; plus 5 calibrated results per New Year at 00:00-07:59 Beijing in epoch ms
  (the UTC instant is still the previous year);
- divisions of county buyers: 6-digit 75 %, 9-digit 3 %, 12-digit 3 %, full-width 2 %, old code
  via the crosswalk 3 % (e.g. 450127 横县 → 450181), blank code with a name (short, 桂林市兴安县,
  广西壮族自治区桂林市兴安县, or the short name of an autonomous county such as 罗城县) 10 %,
  blank code and name with only 采购人 4 %; city (``450300``, ``450300000``, or the city's name)
  12 % and province (``450000``) 4 % of ordinary lots; ``AMBIGUOUS_NAME_LOTS`` 20 awarded
  smart-city lots whose 区划名称 names two counties of equal length (unattributed);
- text cells padded with U+3000/U+00A0/space or holding U+200B: 0.5 %;
- quarantine-bound copies: blank required value 0.1 %, bad date 0.1 %, unknown 公告类型 0.1 %;
- fake names and phones in 联系人/联系电话.

how lots are bought and who wins them (``scorecard.md``; measured distributions: ``docs/sample.md``)
- 采购方式 per project (``METHOD_SHARE``): 公开招标 40 %, 竞争性磋商 30 %, 询价 9 %, 竞争性谈判 7 %,
  邀请招标 4 %, 单一来源 4 %, 框架协议/电子卖场/others 2 % each (half of the others blank); 5 % with stray
  text (``公开招标（电子招标）``, ``竞争性磋商方式``, ...);
- 采购公告 → result window: the method's legal minimum (``TENDER_MIN_DAYS``) plus exponential extra days
  (mean ``TENDER_EXTRA_DAYS_MEAN``), ``SHORT_TENDER_RATE`` 5 % short (1 .. minimum − 1 days); methods
  without a minimum 3-30 days; result-only lots keep no tender;
- 预算金额: award ÷ budget uniform in 0.80-0.99 (budget rounded up to hundreds), ``NEAR_BUDGET_RATE`` 4 %
  within 0.5 % below the budget (and half of the single-source lots), ``OVER_BUDGET_RATE`` 2.5 % 1-15 % over;
- winners (``suppliers.py``, ``SUPPLIER_LOCALITY``): registry enterprises on the register and older than
  180 days (IT firms for informatization lots) of the buying county 30 %, of its prefecture 20 %, elsewhere in
  Guangxi 24 %; USCCs absent from the registry: a Guangxi division 5 %, another province's division 15 %;
  blank or invalid USCC (bad check character, 17 characters, old 15-digit number) 6 %; young winners
  (``YOUNG_SUPPLIER_RATE`` 3 %) and winners closed before the award (``INACTIVE_SUPPLIER_RATE`` 2 %);
  USCCs in lower case 1 % / full width 0.5 %; ``SUPPLIER_CORRECTION_SHARE`` 35 % of the corrected lots'
  更正公告 replace the name, the USCC or both (the result names a decoy); a terminated first result names
  another winner; ``DOMINANT_GROUP_RATE`` 10 % of the (采购人, year) groups of ≥ 3 awarded informatization
  lots are captured by one local IT firm (its largest ≥ 3 and ≥ 60 % of the lots);
- scorecard inputs: per (county, year) a planning project (``PLANNING_COUNTY_RATE`` 15 %, e.g.
  数字县域建设规划编制（信息化）服务) or a data-platform project (``DATA_PLATFORM_COUNTY_RATE`` 25 %, e.g.
  数据共享交换平台（信息化）建设项目) among the county's informatization projects (the calibrated totals
  are unchanged: titles only, no scenario keyword).
Measured on a scale-1 build (``docs/sample.md``): each integrity flag on 1.9-5.3 % of the awarded county
informatization lots (22 % carry any); localities same county 36 %, same prefecture 21 %, other Guangxi
24 %, outside Guangxi 13 %, unknown 5 %; every non-0/1 scorecard indicator has >= 18 distinct values per
year, and every pillar is some county's weakest.

registry
- duplicate USCCs with different 核准日期 (latest wins): 3 % of enterprises, 10 % of them tied
  on the date (the later row wins), 15 % with a blank older date; 10 % of the core traps are
  deregistered enterprises whose older twin still says 存续;
- invalid USCCs (bad check digit, 17 chars, letter O): 0.3 % (copies of core enterprises);
  valid USCCs in lower case or full width: 0.2 %;
- every status of the status map; closures with 注销/吊销 dates, both, or neither (7 % of
  closures undated); counted closures happen after the as-of date;
- 行业代码 ``6513`` 60 %, ``I6513`` 32 %, full-width 4 %, lower case 4 %; invalid (→ NULL) 1 %;
- attribution of enterprises: 所属区划代码 6-digit 72 %, 9/12-digit 6 %, full-width 2 %,
  old code 3 %; blank code with the county in 住所 8 %, only in 登记机关 5 %, only in the USCC 4 %;
  city-level and unattributed ones among the non-core; ambiguous addresses (two counties);
- quarantine-bound rows: blank required value, unknown status, invalid date (0.05 % each);
- fake 法定代表人 names; 注册资本 as 万人民币/万元/元/万美元 (unparseable).

connectivity
- 111 counties × 2021-2023 (not scaled); 横州市 as 450127 横县 in 2021 and in the revision;
  9-digit codes 5 %; thousands separators 10 %; full-width counts 2 %; ``%`` suffix 20 %;
- three city total rows (not county codes) in 2022; ``REVISED_ROWS_2023`` = 9 rows of 2023
  replaced by ``connectivity_2023_revised.csv``, one of which is invalid in the main file.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import connectivity, procurement, registry
from . import rates as R
from .reference import Reference, load
from .truth import figures_from_truth
from .writer import DropWriter

__all__ = ["generate", "build", "Drop", "slices"]

# the truth columns the published figures read (kept across slices; the rest is dropped per slice)
FIGURE_LOT_COLUMNS = ["attribution", "county_code", "awarded", "inv_year", "amount", "is_info", "is_smart",
                      "category", "scenarios"]


@dataclass
class Drop:
    files: dict = field(default_factory=dict)       # relative path → (DataFrame, encoding, gz)
    truth: dict = field(default_factory=dict)       # lots, projects, enterprises, connectivity, modes
    stats: dict = field(default_factory=dict)


def slices(scale: float) -> list[float]:
    """Equal slice scales summing to `scale`, none above ``SLICE_SCALE`` (one slice up to scale 1)."""
    if not scale > 0:
        raise ValueError("scale must be > 0")
    n = max(1, math.ceil(scale / R.SLICE_SCALE - 1e-9))
    return [scale / n] * n


def _rng(seed: int, stream: int, k: int) -> np.random.Generator:
    # slice 0 keeps the streams of the unsliced generator (same bytes up to scale 1)
    return np.random.default_rng([seed, stream] if k == 0 else [seed, stream, k])


def _world_slice(ref: Reference, scale: float, seed: int, k: int, modes: dict | None, emit) -> dict:
    """Slice k of the world: a registry part and the procurement whose winners it supplies.
    Hands each file's frame to `emit` (registry before procurement, so only one is held at a time)."""
    rows, enterprises, stats = registry.generate(ref, _rng(seed, 2, k), scale, serial0=k * R.SLICE_ID_STRIDE)
    n_gb = max(1, int(round(len(rows) * R.GB18030_REGISTRY_SHARE)))
    bounds = np.linspace(0, len(rows) - n_gb, R.REGISTRY_PARTS + 1).astype(int)
    files = {f"registry/qiye_part{j + 1}.csv.gz": (rows.iloc[bounds[j]:bounds[j + 1]], "utf-8", True)
             for j in range(R.REGISTRY_PARTS)}
    files[f"registry/qiye_part{R.REGISTRY_PARTS + 1}_gbk.csv"] = (rows.iloc[len(rows) - n_gb:], "gb18030", False)
    emit(files)
    del rows, files
    quarters, projects, lots, modes, targets = procurement.generate(ref, _rng(seed, 1, k), scale, enterprises,
                                                                    slice_no=k, modes=modes)
    files = {}
    for q, df in quarters.items():
        enc = "gb18030" if q in R.GB18030_PROCUREMENT_FILES else (
            "utf-8-sig" if q in R.BOM_PROCUREMENT_FILES else "utf-8")
        if q in R.EXTRA_COLUMN_FILES:
            df = df.assign(原文链接="http://zfcg.gxzf.gov.cn/notice/" + df["公告ID"].astype(str) + ".html")
            df = df[list(reversed(df.columns))]
        files[f"procurement/zfcg_{q}.csv"] = (df, enc, False)
    emit(files)
    return {"projects": projects, "lots": lots, "modes": modes, "targets": targets, "enterprises": enterprises,
            "stats": stats}


def _connectivity(ref: Reference, seed: int):
    conn_files, conn = connectivity.generate(ref, np.random.default_rng([seed, 3]))
    return {f"connectivity/{name}": (df, "utf-8", False) for name, df in conn_files.items()}, conn


def build(scale: float = 1.0, seed: int = 2024) -> Drop:
    """Everything `generate` writes, in memory, with the truth tables (for tests; one slice: scale <= 1)."""
    if len(slices(scale)) > 1:
        raise ValueError(f"build() holds a drop in memory up to scale {R.SLICE_SCALE}; write larger ones with generate()")
    ref = load()
    drop = Drop()
    truth = _world_slice(ref, scale, seed, 0, None, drop.files.update)
    conn_files, conn = _connectivity(ref, seed)
    drop.files.update(conn_files)
    drop.stats = truth.pop("stats")
    drop.truth = {**truth, "connectivity": conn}
    return drop


def generate(out_dir: Path, scale: float = 1.0, seed: int = 2024, progress=None, on_truth=None) -> dict:
    """Write a raw drop under `out_dir`, slice by slice; return what was written and the truth's figures.
    `progress(k, n, seconds)` is called after each of the n slices is written; `on_truth(k, truth)`,
    if given, receives slice k's whole truth (the tables `build` returns) before it is dropped, so
    that a test can check the truth of the very drop it reads without generating it twice."""
    started = time.perf_counter()
    parts = slices(scale)
    ref = load()
    lots, enterprises, modes = [], [], None
    with DropWriter(Path(out_dir)) as writer:
        conn_files, conn = _connectivity(ref, seed)
        writer.write(conn_files)
        for k, part in enumerate(parts):
            truth = _world_slice(ref, part, seed, k, modes, writer.write)
            if on_truth:
                on_truth(k, {**{key: value for key, value in truth.items() if key != "stats"}, "connectivity": conn})
            modes = truth["modes"]
            lots.append(truth["lots"][FIGURE_LOT_COLUMNS])
            enterprises.append(truth["enterprises"][["counted", "smart"]])
            del truth
            if progress:
                progress(k + 1, len(parts), time.perf_counter() - started)
        written = writer.close()
    rows = {"procurement": 0, "registry": 0, "connectivity": 0}
    for rel, n, _ in written:
        rows[rel.split("/")[0]] += n
    figures = figures_from_truth({"lots": pd.concat(lots, ignore_index=True),
                                  "enterprises": pd.concat(enterprises, ignore_index=True), "connectivity": conn})
    return {
        "files": [{"file": rel, "rows": n, "encoding": enc} for rel, n, enc in written],
        "file_count": len(written),
        "slices": len(parts),
        "procurement_rows": rows["procurement"],
        "registry_rows": rows["registry"],
        "connectivity_rows": rows["connectivity"],
        "calibration": ", ".join(f"{k}={v}" for k, v in figures.items()),
        "seconds": round(time.perf_counter() - started, 1),
    }
