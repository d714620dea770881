"""A self-contained HTML validation report (Chinese-first labels with English).

GX Data Docs need a file context; the pipeline uses an ephemeral one, so the page is
rendered here from the ``CheckOutcome`` summaries: no scripts, no external assets.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Iterable

from expectations.runner import CheckOutcome

_CSS = """
body{font-family:"Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.pass{color:#1a7f37;font-weight:600}.warn{color:#9a6700;font-weight:600}
.error{color:#cf222e;font-weight:600}code{font-size:.85em}.muted{color:#656d76}
"""

_LEVEL_ZH = {"ok": "正常 OK", "warn": "警告 WARN", "error": "错误 ERROR"}


def write_report(outcomes: Iterable[CheckOutcome], path: Path, build_info: dict[str, Any]) -> Path:
    """Write the page to ``path`` (parents created) and return ``path``."""
    outcomes = list(outcomes)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(outcomes, build_info), encoding="utf-8")
    return path


def render(outcomes: list[CheckOutcome], build_info: dict[str, Any]) -> str:
    errors = sum(o.blocking for o in outcomes)
    warnings = sum((not o.passed) and o.severity == "WARN" for o in outcomes)
    verdict = ("<span class=error>未通过（存在阻断性错误） FAILED — blocking errors</span>" if errors
               else "<span class=pass>通过 PASSED</span>")
    parts = [
        "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8>",
        "<title>数据校验报告 Data validation report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>数据校验报告 <span class=muted>Data validation report</span></h1>",
        f"<p>结论 Verdict: {verdict} — 套件 suites: {len(outcomes)}，"
        f"错误 errors: {errors}，警告 warnings: {warnings}</p>",
        _build_info(build_info),
        "<h2>汇总 Summary</h2>",
        _summary(outcomes),
    ]
    for o in outcomes:
        parts.append(_details(o))
    parts.append("</body></html>")
    return "\n".join(parts)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _j(value: Any) -> str:
    return _e(json.dumps(value, ensure_ascii=False, default=str))


def _status(o: CheckOutcome) -> str:
    if o.passed:
        return "<span class=pass>通过 PASS</span>"
    return "<span class=error>错误 ERROR</span>" if o.severity == "ERROR" else "<span class=warn>警告 WARN</span>"


def _build_info(info: dict[str, Any]) -> str:
    if not info:
        return ""
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in info.items())
    return f"<h2>构建信息 Build</h2><table>{rows}</table>"


def _summary(outcomes: list[CheckOutcome]) -> str:
    head = ("<tr><th>套件 Suite</th><th>表 Table</th><th>资产 Asset</th><th>结果 Result</th>"
            "<th>失败期望数 Failed</th><th>行数 Rows</th><th>耗时 s</th></tr>")
    rows = "".join(
        f"<tr><td><a href='#{_e(o.name)}'>{_e(o.title_zh)}<br><code>{_e(o.name)}</code></a></td>"
        f"<td><code>{_e(o.table)}</code></td><td><code>{_e('/'.join(o.asset_key))}</code></td>"
        f"<td>{_status(o)}</td><td>{len(o.failed)}</td><td>{o.row_count}</td><td>{o.elapsed_s:.2f}</td></tr>"
        for o in outcomes
    )
    return f"<table>{head}{rows}</table>"


def _details(o: CheckOutcome) -> str:
    parts = [f"<h2 id='{_e(o.name)}'>{_e(o.title_zh)} <code>{_e(o.name)}</code> — {_status(o)}</h2>",
             f"<p class=muted>表 table <code>{_e(o.table)}</code> · 统计 statistics {_j(o.statistics)}</p>"]
    if o.bands:
        head = ("<tr><th>指标 Measure</th><th>分组 Key</th><th>取值 Value</th><th>警告区间 Warning band</th>"
                "<th>错误区间 Error band</th><th>等级 Level</th></tr>")
        rows = "".join(
            f"<tr><td>{_e(b['label_zh'])}<br><code>{_e(b['band'])}</code></td><td>{_e(b['key'])}</td>"
            f"<td>{_e(_num(b['value']))}</td><td>[{_bound(b['warn_min'], '−∞')}, {_bound(b['warn_max'], '+∞')}]</td>"
            f"<td>[{_bound(b['error_min'], '−∞')}, {_bound(b['error_max'], '+∞')}]</td>"
            f"<td class={_e(b['level'])}>{_e(_LEVEL_ZH.get(b['level'], b['level']))}</td></tr>"
            for b in o.bands
        )
        parts.append(f"<h3>分布区间 Bands</h3><table>{head}{rows}</table>")
    if o.failed:
        head = ("<tr><th>期望 Expectation</th><th>级别 Severity</th><th>参数 Arguments</th>"
                "<th>不符合数 Unexpected</th><th>示例 Examples (≤5)</th></tr>")
        rows = "".join(
            f"<tr><td><code>{_e(f['expectation'])}</code></td>"
            f"<td class={'error' if f['severity'] == 'ERROR' else 'warn'}>{_e(f['severity'])}</td>"
            f"<td><code>{_j(f['kwargs'])}</code></td>"
            f"<td>{_e(f.get('unexpected_count') if f.get('unexpected_count') is not None else f.get('observed_value', ''))}</td>"
            f"<td><code>{_j(f['examples'])}</code>{_exception(f)}</td></tr>"
            for f in o.failed
        )
        parts.append(f"<h3>未满足的期望 Failed expectations</h3><table>{head}{rows}</table>")
    else:
        parts.append("<p class=pass>全部期望满足 All expectations met.</p>")
    return "\n".join(parts)


def _num(value: Any) -> Any:
    return f"{value:.4g}" if isinstance(value, float) else value


def _bound(value: Any, unbounded: str) -> str:
    return unbounded if value is None else _e(_num(value))


def _exception(f: dict[str, Any]) -> str:
    return f"<br><span class=error>{_e(f['exception'])}</span>" if f.get("exception") else ""
