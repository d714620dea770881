"""One day of new procurement notices for an existing drop — the input of the incremental
benchmark (issue: "when a new file arrives in procurement/ (say one day of notices)").

The day's rows are drawn from the drop's latest quarter file (≈ a quarter's rows / 91) and
rewritten as that day's notices: new 公告IDs and 发布日期, and a mix that exercises the
incremental path — terminations, corrections and new results of existing lots (which must
recompute old lots) and announcements of new projects.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

DAYS_PER_QUARTER = 91


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [r for r in rows[1:] if r]


def day_rows(header: list[str], quarter_rows: list[list[str]], day: str, seed: int = 0) -> list[list[str]]:
    """The rows of one day, derived from ``quarter_rows`` (deterministic for day and seed)."""
    rng = random.Random(f"{day}-{seed}")
    n = max(1, round(len(quarter_rows) / DAYS_PER_QUARTER))
    col = {name: i for i, name in enumerate(header)}
    out = []
    for k, row in enumerate(rng.sample(quarter_rows, min(n, len(quarter_rows)))):
        row = list(row) + [""] * (len(header) - len(row))
        row[col["公告ID"]] = f"D{day}-{k:05d}"
        row[col["发布日期"]] = day
        kind = k % 5
        if kind == 0:  # an existing lot is terminated
            row[col["公告类型"]], row[col["中标金额"]] = "终止公告", ""
        elif kind == 1:  # an existing lot's result is corrected
            row[col["公告类型"]], row[col["中标金额"]] = "更正公告", str(10_000 + k)
        elif kind == 2:  # a new result for an existing lot (re-tender)
            row[col["公告类型"]], row[col["中标金额"]] = "中标(成交)结果公告", str(20_000 + k)
        else:  # a new project is announced
            row[col["项目编号"]], row[col["公告类型"]] = f"NEW-{day}-{k:05d}", "采购公告"
        out.append(row)
    return out


def write_day(raw: Path, day: str, seed: int = 0) -> tuple[Path, int]:
    """Write ``procurement/zfcg_day_<day>.csv`` (UTF-8) into the drop; returns (path, rows)."""
    quarters = sorted((Path(raw) / "procurement").glob("zfcg_20*Q*.csv"))
    if not quarters:
        raise FileNotFoundError(f"no quarterly procurement file in {raw}/procurement")
    header, rows = _read_rows(quarters[-1])
    out_rows = day_rows(header, rows, day, seed)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(out_rows)
    path = Path(raw) / "procurement" / f"zfcg_day_{day}.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, len(out_rows)
