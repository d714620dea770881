"""Chart builders shared by the pages and the bulletin (pure: Altair + pandas, no Streamlit).

The bulletin renders the same chart objects the pages show (to PNG with vl-convert), so a
figure in the DOCX/PDF cannot drift from the one on screen. Labels come in as a mapping so
the pages can pass their translated words; the defaults are the Chinese ones.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

INVESTMENT_LABELS_ZH: Mapping[str, str] = {
    "year": "年份",
    "series_informatization": "信息化项目投资",
    "series_smart_city": "智慧城市投资",
    "axis_yi": "投资额（亿元）",
    "axis_share": "智慧城市投资占比",
}


def investment_chart(frame: pd.DataFrame, labels: Mapping[str, str] = INVESTMENT_LABELS_ZH) -> alt.LayerChart:
    """图1: bars in 亿元 per year and series, the smart-city share as a line on its own axis."""
    base = frame.assign(year_label=frame["year"].astype(int).astype(str))
    long = base.melt(
        id_vars=["year_label"],
        value_vars=["informatization_investment_yuan", "smart_city_investment_yuan"],
        var_name="series",
        value_name="yuan",
    )
    long["yi"] = pd.to_numeric(long["yuan"], errors="coerce").astype("float64") / 1e8
    long["series"] = long["series"].map(
        {"informatization_investment_yuan": labels["series_informatization"],
         "smart_city_investment_yuan": labels["series_smart_city"]}
    )
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("year_label:N", title=labels["year"], axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N"),
        y=alt.Y("yi:Q", title=labels["axis_yi"]),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year_label:N", title=labels["year"]), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("yi:Q", title=labels["axis_yi"], format=",.2f")],
    )
    share = base.assign(share=pd.to_numeric(base["smart_city_share"], errors="coerce").astype("float64"))
    line_base = alt.Chart(share).encode(
        x=alt.X("year_label:N"),
        y=alt.Y("share:Q", title=labels["axis_share"], axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=True)),
    )
    line = line_base.mark_line(point=True, color="#d62728", strokeWidth=3)
    text = line_base.mark_text(dy=-12, color="#d62728", fontWeight="bold").encode(
        text=alt.Text("share:Q", format=".2%")
    )
    return alt.layer(bars, line + text).resolve_scale(y="independent").properties(height=380)
