"""投资 Investment (图1): county informatization and smart-city investment, share, national share."""

import altair as alt
import pandas as pd
import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import t

st.title(t("page_investment"))

# ------------------------------------------------------------------ 图1
ui.figure_title("图1", "fig1_title")
fig1 = db.query("select * from report.fig1_investment_share order by year")


def investment_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars in 亿元 per year and series, the smart-city share as a line on its own axis."""
    base = frame.assign(year_label=frame["year"].astype(int).astype(str))
    long = base.melt(
        id_vars=["year_label"],
        value_vars=["informatization_investment_yuan", "smart_city_investment_yuan"],
        var_name="series",
        value_name="yuan",
    )
    long["yi"] = pd.to_numeric(long["yuan"], errors="coerce").astype("float64") / 1e8
    long["series"] = long["series"].map(
        {"informatization_investment_yuan": t("series_informatization"),
         "smart_city_investment_yuan": t("series_smart_city")}
    )
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("year_label:N", title=t("year"), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N"),
        y=alt.Y("yi:Q", title=t("axis_yi")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year_label:N", title=t("year")), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("yi:Q", title=t("axis_yi"), format=",.2f")],
    )
    share = base.assign(share=pd.to_numeric(base["smart_city_share"], errors="coerce").astype("float64"))
    line_base = alt.Chart(share).encode(
        x=alt.X("year_label:N"),
        y=alt.Y("share:Q", title=t("axis_share"), axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=True)),
    )
    line = line_base.mark_line(point=True, color="#d62728", strokeWidth=3)
    labels = line_base.mark_text(dy=-12, color="#d62728", fontWeight="bold").encode(
        text=alt.Text("share:Q", format=".2%")
    )
    return alt.layer(bars, line + labels).resolve_scale(y="independent").properties(height=380)


if fig1.empty:
    st.info(t("no_data"))
else:
    st.altair_chart(investment_chart(fig1), width="stretch")
    cols = st.columns(len(fig1))
    for col, row in zip(cols, fig1.itertuples(index=False)):
        col.metric(
            t("m_share_year", year=int(row.year)),
            ui.pct(row.smart_city_share),
            help=t("m_share_help", smart=ui.yi(row.smart_city_investment_yuan),
                   total=ui.yi(row.informatization_investment_yuan)),
        )
    ui.show_table(fig1)
ui.figure_footer("fig1_investment_share", fig1, "fig1_investment_share")

# ------------------------------------------------------------------ national share
st.divider()
ui.figure_title("图1-附1", "national_title")
national = db.query("select * from report.national_share order by year")
for row in national.itertuples(index=False):
    cols = st.columns(3)
    cols[0].metric(t("m_county_smart_investment", year=int(row.year)), ui.yi(row.county_smart_city_investment_yuan))
    cols[1].metric(t("m_national_smart_investment", year=int(row.year)), ui.yi(row.national_smart_city_investment_yuan))
    cols[2].metric(t("m_national_share", year=int(row.year)), ui.pct(row.share, 2))
if national.empty:
    st.info(t("no_data"))
ui.figure_footer("national_share", national, "national_share")

# ------------------------------------------------------------------ county coverage
st.divider()
ui.figure_title("图1-附2", "coverage_title")
coverage = db.query("select * from report.county_coverage")
if not coverage.empty:
    c = coverage.iloc[0]
    cols = st.columns(2)
    cols[0].metric(
        t("m_counties_with_smart_city", year=int(c["as_of_year"])),
        f"{ui.count(c['counties_with_smart_city'])} / {ui.count(c['counties_total'])}",
    )
    cols[1].metric(t("m_coverage_rate"), ui.pct(c["coverage_rate"], 1))
ui.figure_footer("county_coverage", coverage, "county_coverage")
