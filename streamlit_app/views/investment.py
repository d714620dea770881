"""投资 Investment (图1): county informatization and smart-city investment, share, national share."""

import streamlit as st

from streamlit_app import db, ui
from smartcounty.render.charts import INVESTMENT_LABELS_ZH, investment_chart
from streamlit_app.i18n import t

st.title(t("page_investment"))

# ------------------------------------------------------------------ 图1
ui.figure_title("图1", "fig1_title")
fig1 = db.query("select * from report.fig1_investment_share order by year")

if fig1.empty:
    st.info(t("no_data"))
else:
    st.altair_chart(investment_chart(fig1, {key: t(key) for key in INVESTMENT_LABELS_ZH}), width="stretch")
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
