"""Numbers into the bulletin's wording (pure functions; the seed report's formats).

Every comparison word is derived from the numbers it describes, after rounding to the
precision that is printed, so that the words can never contradict the figures next to them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence

from smartcounty.formatting import is_missing as _missing
from smartcounty.formatting import pct, round_half_up, yi

CATEGORY_ZH = {"city_governance": "城市治理", "industry_management": "产业管理", "livelihood_services": "民生服务"}
MODE_ZH = {
    "unified_deployment": "聚焦落实自治区和设区市统一部署的任务",
    "resource_endowment": "以本地资源禀赋切入",
    "integrated_platform": "搭建智慧城市一体化平台统筹推进",
}
CHINESE_ORDINALS = "一二三四五六七八九十"
PILLAR_ZH = {1: "融合发展", 2: "互联互通", 3: "纵深化", 4: "融合创新", 5: "协作共建"}


def score(value: object) -> str:
    """A 0–100 scorecard score, one decimal."""
    if _missing(value):
        return "—"
    return str(round_half_up(float(value), 1))


def approx_count(n: int, unit: str = "家") -> str:
    """Counts as the seed writes them: '约1.6万家' from 10,000 up, the exact count below."""
    if n >= 10_000:
        return f"约{round_half_up(n / 10_000, 1)}万{unit}"
    return f"{int(n)}{unit}"


def change(previous: object, current: object, kind: str) -> str:
    """'上升2.55个百分点' / '下降1.20亿元' / '持平', from the values as printed.

    ``kind``: ``pct`` (fractions, change in percentage points) or ``yi`` (yuan, change in 亿元).
    """
    if _missing(previous) or _missing(current):
        raise ValueError("a comparison needs both values")
    if kind == "pct":
        a, b, unit = round_half_up(float(previous) * 100, 2), round_half_up(float(current) * 100, 2), "个百分点"
    elif kind == "yi":
        a, b, unit = round_half_up(float(previous) / 1e8, 2), round_half_up(float(current) / 1e8, 2), "亿元"
    else:
        raise ValueError(f"unknown kind {kind!r}")
    if a == b:
        return "持平"
    return f"{'上升' if b > a else '下降'}{abs(b - a)}{unit}"


def trend(previous: object, current: object, kind: str) -> str:
    """'由12.34%上升至15.00%（上升2.66个百分点）', or '与上年持平（15.00%）'."""
    fmt = pct if kind == "pct" else yi
    words = change(previous, current, kind)
    if words == "持平":
        return f"与上年持平（{fmt(current)}）"
    return f"由{fmt(previous)}{words[:2]}至{fmt(current)}（{words}）"


def rank_phrase(rank: int) -> str:
    """1 → '居首', n → '位列第n'."""
    return "居首" if int(rank) == 1 else f"位列第{int(rank)}"


def ordinal_zh(i: int) -> str:
    """1 → '一' (up to 十)."""
    return CHINESE_ORDINALS[i - 1]


def join_zh(items: Iterable[str]) -> str:
    return "、".join(items)


def scenario_categories_sentence(categories: Sequence[Mapping], scenarios: Sequence[Mapping],
                                 examples: int = 3) -> str:
    """'一是治安防控、应急通信、智慧交通等城市治理场景（N个项目，居首），二是…'.

    ``categories`` are the year's rows of report.scenario_categories, ``scenarios`` of
    report.scenarios; both already ordered by rank then code."""
    parts = []
    for i, cat in enumerate(categories, start=1):
        names = [s["scenario_zh"] for s in scenarios if s["category"] == cat["category"]][:examples]
        label = CATEGORY_ZH.get(cat["category"], cat["category"])
        lead = f"{join_zh(names)}等" if names else ""
        parts.append(f"{ordinal_zh(i)}是{lead}{label}场景（{int(cat['lot_count'])}个项目，{rank_phrase(cat['rank'])}）")
    return "，".join(parts)


def median(values: Iterable[object]) -> float | None:
    present = [float(v) for v in values if not _missing(v)]
    return statistics.median(present) if present else None


def pillar_summary(pillar: int, scorecard: Sequence[Mapping], k: int = 3) -> dict:
    """What the scorecard says about one recommendation (pillar) in one year.

    ``scorecard`` holds one year's rows of report.county_scorecard. Counties without a score
    for the pillar are left out of the median and the top/bottom lists; ties are ordered by
    county code, as every rank of the project is."""
    column = f"pillar_{pillar}_score"
    scored = sorted((r for r in scorecard if not _missing(r[column])), key=lambda r: (-float(r[column]), r["county_code"]))
    bottom = sorted(scored, key=lambda r: (float(r[column]), r["county_code"]))[:k]
    return {
        "pillar": pillar,
        "n": len(scored),
        "median": median(r[column] for r in scored),
        "top": [(r["county_name"], r[column]) for r in scored[:k]],
        "bottom": [(r["county_name"], r[column]) for r in bottom],
        "weakest_count": sum(1 for r in scorecard if r["weakest_pillar"] is not None
                             and not _missing(r["weakest_pillar"]) and int(r["weakest_pillar"]) == pillar),
        "county_total": len(scorecard),
    }


def pillar_sentence(year: int, summary: Mapping) -> str:
    """The measured sentence under one recommendation."""
    if summary["n"] == 0:
        return f"{year}年县域评分卡中，没有县域得到该项建议（{PILLAR_ZH[summary['pillar']]}）的得分。"

    def names(pairs):
        return join_zh(f"{name}（{score(value)}分）" for name, value in pairs)

    return (
        f"{year}年县域评分卡中，{summary['n']}个县域该项（{PILLAR_ZH[summary['pillar']]}）得分的中位数为"
        f"{score(summary['median'])}分（满分100分），得分最高的是{names(summary['top'])}，"
        f"最低的是{names(summary['bottom'])}；{summary['weakest_count']}个县域"
        f"（占{pct(summary['weakest_count'] / summary['county_total'])}）以此项为最薄弱环节。"
    )
