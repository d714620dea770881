"""产业 Enterprises: digital-economy and smart-city enterprise counts, by county and NBS category."""

import altair as alt
import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import t

st.title(t("page_enterprises"))

# ------------------------------------------------------------------ counts
ui.figure_title("图4", "enterprise_counts_title")
counts = db.query("select * from report.enterprise_counts order by as_of_date")
if not counts.empty:
    e = counts.iloc[-1]
    cols = st.columns(3)
    cols[0].metric(t("m_on_register"), ui.count(e["enterprises_on_register"]))
    cols[1].metric(t("m_digital_economy_enterprises"), ui.count(e["digital_economy_enterprises"]))
    cols[2].metric(t("m_smart_city_enterprises"), ui.count(e["smart_city_enterprises"]))
    st.caption(t("as_of", date=str(e["as_of_date"])[:10]))
ui.figure_footer("enterprise_counts", counts, "enterprise_counts")

# ------------------------------------------------------------------ by county
st.divider()
ui.figure_title("图4-附1", "enterprise_by_county_title")
by_county = db.query(
    """
    select c.county_code, c.county_name, c.prefecture_name,
           count(*) filter (where e.is_digital_economy) as digital_economy_enterprises,
           count(*) filter (where e.is_smart_city_enterprise) as smart_city_enterprises
    from marts.fct_enterprises e join marts.dim_county c using (county_code)
    where e.is_digital_economy
    group by all
    order by digital_economy_enterprises desc, c.county_code
    """
)
if not by_county.empty:
    top = by_county.head(20).melt(
        id_vars=["county_name"], value_vars=["digital_economy_enterprises", "smart_city_enterprises"],
        var_name="series", value_name="n",
    )
    top["series"] = top["series"].map(
        {"digital_economy_enterprises": t("series_digital_economy"), "smart_city_enterprises": t("series_smart_city_ent")}
    )
    chart = alt.Chart(top).mark_bar().encode(
        y=alt.Y("county_name:N", sort=list(by_county.head(20)["county_name"]), title=None),
        x=alt.X("n:Q", title=t("enterprise_count"), axis=alt.Axis(format="d", tickMinStep=1)),
        yOffset="series:N",
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["county_name:N", "series:N", "n:Q"],
    ).properties(height=alt.Step(12))
    st.altair_chart(chart, width="stretch")
    ui.show_table(by_county)
ui.figure_footer("enterprises_by_county", by_county, "fct_enterprises", published=False)

# ------------------------------------------------------------------ by NBS category
st.divider()
ui.figure_title("图4-附2", "enterprise_by_category_title")
by_category = db.query(
    """
    select de_category, de_category_zh,
           count(*) as digital_economy_enterprises,
           count(*) filter (where is_smart_city_enterprise) as smart_city_enterprises
    from marts.fct_enterprises
    where is_digital_economy
    group by all order by de_category
    """
)
if not by_category.empty:
    chart = alt.Chart(by_category).mark_bar().encode(
        x=alt.X("de_category_zh:N", sort=list(by_category["de_category_zh"]), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("digital_economy_enterprises:Q", title=t("enterprise_count"), axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=["de_category:N", "de_category_zh:N", "digital_economy_enterprises:Q", "smart_city_enterprises:Q"],
    ).properties(height=280)
    st.altair_chart(chart, width="stretch")
    ui.show_table(by_category)
ui.figure_footer("enterprises_by_category", by_category, "fct_enterprises", published=False)

# ------------------------------------------------------------------ smart-city enterprise list
st.divider()
ui.figure_title("图4-附3", "smart_enterprise_list_title")
smart = db.query(
    """
    select e.enterprise_name, c.county_name, e.industry_code, e.industry_name, e.de_category_zh,
           e.status_class, e.established_date
    from marts.fct_enterprises e left join marts.dim_county c using (county_code)
    where e.is_smart_city_enterprise
    order by c.county_code, e.enterprise_name
    """
)
ui.show_table(smart)
ui.figure_footer("smart_city_enterprises", smart, "fct_enterprises", published=False)
