"""Shared builders for the raw-load tests: small raw drops written from Python strings."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from smartcounty.rawload.parse import uscc_check_char
from smartcounty.rawload.spec import CONNECTIVITY, PROCUREMENT, REGISTRY

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


def csv_text(header, rows, newline="\n") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write(raw: Path, rel: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode(encoding) if isinstance(content, str) else content
    if rel.lower().endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def procurement_row(**values) -> list[str]:
    base = {
        "公告ID": "N1", "项目编号": "P1", "项目名称": "兴安县智慧城市项目", "公告类型": "采购公告",
        "发布日期": "2023-05-06", "采购人": "兴安县大数据发展局",
    }
    base.update(values)
    return [base.get(h, "") for h in PROCUREMENT.headers]


def registry_row(**values) -> list[str]:
    base = {
        "统一社会信用代码": "91350100M000100Y43", "企业名称": "广西某科技有限公司", "登记状态": "存续",
        "成立日期": "2015-03-04",
    }
    base.update(values)
    return [base.get(h, "") for h in REGISTRY.headers]


def connectivity_row(**values) -> list[str]:
    base = {
        "区划代码": "450325", "区划名称": "兴安县", "年份": "2023", "常住人口": "300000",
        "乡村常住人口": "150000", "网民数": "200000", "乡村网民数": "90000", "家庭户数": "100000",
        "固定宽带用户数": "80000", "千兆光网覆盖率": "95.5", "5G基站数": "500", "行政村5G通达率": "100%",
    }
    base.update(values)
    return [base.get(h, "") for h in CONNECTIVITY.headers]


HEADERS = {"procurement": PROCUREMENT.headers, "registry": REGISTRY.headers, "connectivity": CONNECTIVITY.headers}
