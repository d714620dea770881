"""发展模式 Development modes: counts per mode, counties with their deciding lot, a point map."""

import altair as alt
import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import frozen_labeler, mode_label, t, widget_key

st.title(t("page_modes"))

# ------------------------------------------------------------------ summary
ui.figure_title("图3", "mode_summary_title")
summary = db.query("select mode, county_count, rank from report.development_mode_summary order by rank, mode")
if not summary.empty:
    cols = st.columns(len(summary))
    for col, row in zip(cols, summary.itertuples(index=False)):
        col.metric(f"#{int(row.rank)} {mode_label(row.mode)}", ui.count(row.county_count))
    ui.show_table(summary.assign(mode_name=[mode_label(m) for m in summary["mode"]]))
ui.figure_footer("development_mode_summary", summary, "development_mode_summary")

# ------------------------------------------------------------------ counties
st.divider()
ui.figure_title("图3-附1", "mode_counties_title")
modes = db.query(
    "select county_code, county_name, mode, smart_city_investment_yuan, industry_share, evidence_lot "
    "from report.development_modes order by mode, county_code"
)
mode_filter = st.multiselect(
    t("mode"), sorted(modes["mode"].dropna().unique()), format_func=frozen_labeler(mode_label), key=widget_key("mode_filter"),
    placeholder=t("mode_filter_placeholder"),
)
shown = modes[modes["mode"].isin(mode_filter)] if mode_filter else modes
ui.show_table(shown.assign(mode_name=[mode_label(m) for m in shown["mode"]]))
ui.figure_footer("development_modes", modes, "development_modes")

# ------------------------------------------------------------------ map
st.divider()
ui.figure_title("图3-附2", "mode_map_title")
counties = db.query(
    """
    select c.county_code, c.county_name, c.prefecture_name, c.longitude, c.latitude, m.mode
    from marts.dim_county c left join report.development_modes m using (county_code)
    order by c.county_code
    """
)
counties["mode_name"] = [mode_label(m) for m in counties["mode"]]
located = counties.dropna(subset=["longitude", "latitude"])
unlocated = counties[counties["longitude"].isna() | counties["latitude"].isna()]
# No map tiles (offline, no third-party requests): points on a Mercator projection of lon/lat.
mode_order = ["integrated_platform", "resource_endowment", "unified_deployment", None]
colour = alt.Color(
    "mode_name:N", title=t("mode"), legend=alt.Legend(orient="right"),
    scale=alt.Scale(domain=[mode_label(m) for m in mode_order], range=["#d62728", "#2ca02c", "#1f77b4", "#c7c7c7"]),
)
tooltip = [alt.Tooltip("county_name:N", title=t("county")), alt.Tooltip("prefecture_name:N", title=t("prefecture")),
           alt.Tooltip("mode_name:N", title=t("mode"))]
base = alt.Chart(located).encode(longitude="longitude:Q", latitude="latitude:Q")
others = base.transform_filter("datum.mode == null").mark_circle(size=45, opacity=0.7).encode(
    color=colour, tooltip=tooltip)
with_mode = base.transform_filter("datum.mode != null").mark_circle(
    size=160, opacity=0.95, stroke="white", strokeWidth=1).encode(color=colour, tooltip=tooltip)
names_layer = base.transform_filter("datum.mode != null").mark_text(dy=-12, fontSize=12).encode(
    text="county_name:N")
point_map = alt.layer(others, with_mode, names_layer).project(type="mercator").properties(height=540)
st.altair_chart(point_map, width="stretch")
st.caption(t("map_caption", shown=len(located), total=len(counties)))
if not unlocated.empty:
    names = "、".join(f"{r.county_name}（{r.county_code}）" for r in unlocated.itertuples(index=False))
    st.info(t("map_missing_coords", n=len(unlocated), names=names))
ui.figure_footer("county_mode_map", counties.drop(columns=["mode_name"]), "dim_county", published=False)
