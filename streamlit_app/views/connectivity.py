"""网络 Connectivity: network-infrastructure ranking (top 20 by unit type), within-type ranking,
internet penetration overall / rural / urban."""

import altair as alt
import pandas as pd
import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import county_type_label, t

TOP_N = 20

st.title(t("page_connectivity"))

years = [int(y) for y in db.query(
    "select distinct year from report.network_infrastructure_ranking order by year")["year"]]

# ------------------------------------------------------------------ ranking
ui.figure_title("图5", "network_rank_title")
if not years:
    st.info(t("no_data"))
    ranking = pd.DataFrame()
else:
    year = st.selectbox(t("year"), years, index=len(years) - 1, key="network_year")
    ranking = db.query(
        "select * from report.network_infrastructure_ranking where year = ? order by rank, county_code", [year]
    )
    top = ranking[ranking["rank"] <= TOP_N].copy()
    top["unit"] = [t("unit_urban") if bool(u) else t("unit_rural") for u in top["is_urban_unit"]]
    urban_count = int(top["is_urban_unit"].astype(bool).sum())
    st.markdown(t("top_n_summary", n=len(top), top=TOP_N, urban=urban_count))
    chart = alt.Chart(top).mark_bar().encode(
        y=alt.Y("county_name:N", sort=list(top["county_name"]), title=None),
        x=alt.X("score:Q", title=t("score")),
        color=alt.Color("unit:N", title=t("unit_type"), legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[t("unit_urban"), t("unit_rural")], range=["#1f77b4", "#ff7f0e"])),
        tooltip=["rank:Q", "county_name:N", "unit:N", alt.Tooltip("score:Q", format=".2f")],
    ).properties(height=alt.Step(22))
    st.altair_chart(chart, width="stretch")
    shown = ranking.assign(county_type_name=[county_type_label(c) for c in ranking["county_type"]])
    ui.show_table(shown)
ui.figure_footer("network_infrastructure_ranking", ranking, "network_infrastructure_ranking")

# ------------------------------------------------------------------ within-type ranking
st.divider()
ui.figure_title("图5-附1", "within_type_title")
within = pd.DataFrame()
if years:
    within = db.query(
        """
        select county_type, rank() over (partition by county_type order by score desc) as type_rank,
               county_code, county_name, score, rank as overall_rank
        from report.network_infrastructure_ranking
        where year = ?
        order by county_type, type_rank, county_code
        """,
        [year],
    )
    types = list(dict.fromkeys(within["county_type"]))
    tabs = st.tabs([county_type_label(c) for c in types]) if types else []
    for tab, county_type in zip(tabs, types):
        with tab:
            ui.show_table(within[within["county_type"] == county_type])
ui.figure_footer("network_ranking_within_type", within, "network_infrastructure_ranking", published=False)

# ------------------------------------------------------------------ penetration
st.divider()
ui.figure_title("图6", "penetration_title")
penetration = db.query("select * from report.internet_penetration order by year")
if not penetration.empty:
    latest = penetration.iloc[-1]
    cols = st.columns(3)
    cols[0].metric(t("m_overall_rate", year=int(latest["year"])), ui.pct(latest["overall_rate"], 1))
    cols[1].metric(t("m_rural_rate", year=int(latest["year"])), ui.pct(latest["rural_rate"], 1))
    cols[2].metric(t("m_urban_rate", year=int(latest["year"])), ui.pct(latest["urban_rate"], 1))
    long = penetration.melt(id_vars=["year"], value_vars=["overall_rate", "rural_rate", "urban_rate"],
                            var_name="series", value_name="rate")
    long["series"] = long["series"].map(
        {"overall_rate": t("overall"), "rural_rate": t("rural"), "urban_rate": t("urban")})
    long["year"] = long["year"].astype(int).astype(str)
    chart = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("year:N", title=t("year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("rate:Q", title=t("rate"), axis=alt.Axis(format=".0%")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["year:N", "series:N", alt.Tooltip("rate:Q", format=".1%")],
    ).properties(height=300)
    st.altair_chart(chart, width="stretch")
    ui.show_table(penetration)
ui.figure_footer("internet_penetration", penetration, "internet_penetration")
