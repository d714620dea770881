"""图1 and 图2 as PNG, drawn by the same builders the pages use (streamlit_app.charts and
streamlit_app.wordcloud_render — both pure modules, no Streamlit import)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from streamlit_app import wordcloud_render
from streamlit_app.charts import investment_chart

CHART_FONT = "Noto Sans SC"


@cache
def _register_font() -> None:
    # vl-convert only knows the fonts it is told about: give it the Noto SC files the project
    # installs from PyPI, so CJK labels never fall back to boxes on a machine without CJK fonts.
    import vl_convert

    vl_convert.register_font_directory(str(wordcloud_render.font_path().parent))


def investment_png(fig1_rows: list[dict], scale: float = 2.0) -> bytes:
    import vl_convert

    _register_font()
    chart = investment_chart(pd.DataFrame(fig1_rows)).properties(width=520).configure(font=CHART_FONT)
    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)


def wordcloud_png(frequencies: dict[str, int]) -> bytes:
    return wordcloud_render.render_png(frequencies)
