"""The bulletin's charts as PNG, drawn by the same builders the pages use (smartcounty.render.charts,
smartcounty.render.wordcloud_render, smartcounty.render.maps — pure modules, no Streamlit import)."""

from __future__ import annotations

import pandas as pd

from smartcounty.render import maps, wordcloud_render
from smartcounty.render.charts import investment_chart

CHART_FONT = "Noto Sans SC"


def investment_png(fig1_rows: list[dict]) -> bytes:
    chart = investment_chart(pd.DataFrame(fig1_rows)).properties(width=520).configure(font=CHART_FONT)
    return maps.render_png(chart.to_dict())  # vl-convert with the project's CJK font registered


def wordcloud_png(frequencies: dict[str, int]) -> bytes:
    return wordcloud_render.render_png(frequencies)


def scorecard_map_png(scorecard_rows: list[dict], width: int = 520) -> bytes:
    """The 建议监测 page's choropleth of overall scores, with the boundaries inlined for an offline render."""
    frame = pd.DataFrame(scorecard_rows)[["county_code", "county_name", "overall_score"]]
    spec = maps.choropleth(frame, maps.load_geojson(), color="overall_score", color_title="综合得分",
                           domain=(0, 100), height=440, width=width)
    return maps.render_png(spec)
