"""场景 Scenarios (图2): word cloud of hot topics, scenario ranking, the three categories."""

import altair as alt
import streamlit as st

from smartcounty.render import wordcloud_render
from streamlit_app import db, ui
from streamlit_app.i18n import category_label, is_english, t

st.title(t("page_scenarios"))

years = db.query("select distinct year from report.hot_topics union select distinct year from report.scenarios order by 1")
year_options = [int(y) for y in years["year"]]
if not year_options:
    st.info(t("no_data"))
    st.stop()
year = st.selectbox(t("year"), year_options, index=len(year_options) - 1, key="scenario_year")


@st.cache_data(max_entries=32, show_spinner=False)
def cloud_png(items: tuple[tuple[str, float], ...]) -> bytes:
    return wordcloud_render.render_png(dict(items))


# ------------------------------------------------------------------ 图2 word cloud
ui.figure_title("图2", "wordcloud_title")
topics = db.query(
    "select year, term, frequency from report.hot_topics where year = ? order by frequency desc, term", [year]
)
if topics.empty or not (topics["frequency"] > 0).any():
    st.info(t("no_data"))
else:
    items = tuple((str(r.term), float(r.frequency)) for r in topics.itertuples(index=False))
    st.image(cloud_png(items), caption=t("wordcloud_caption", year=year, n=len(topics)), width="stretch",
             output_format="PNG")
    with st.expander(t("hot_topics_table")):
        ui.show_table(topics)
ui.figure_footer("hot_topics", topics, "hot_topics", published=False)

# ------------------------------------------------------------------ scenario ranking
st.divider()
ui.figure_title("图2-附1", "scenario_rank_title")
scenarios = db.query(
    """
    select s.year, s.rank, s.scenario_code, s.scenario_zh, d.scenario_en, s.category,
           s.lot_count, s.primary_investment_yuan
    from report.scenarios s left join marts.dim_scenario d using (scenario_code)
    where s.year = ? order by s.rank, s.scenario_code
    """,
    [year],
)
if scenarios.empty:
    st.info(t("no_data"))
else:
    st.metric(t("m_scenario_count", year=year), ui.count(scenarios["scenario_code"].nunique()))
    chart_data = scenarios.assign(
        name=scenarios["scenario_en"].fillna(scenarios["scenario_zh"]) if is_english() else scenarios["scenario_zh"],
        category_name=[category_label(c) for c in scenarios["category"]],
    )
    chart = alt.Chart(chart_data).mark_bar().encode(
        y=alt.Y("name:N", sort=alt.EncodingSortField("lot_count", order="descending"), title=None),
        x=alt.X("lot_count:Q", title=t("lot_count"), axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("category_name:N", title=t("category"), legend=alt.Legend(orient="bottom")),
        tooltip=["name:N", "category_name:N", "lot_count:Q", "rank:Q"],
    ).properties(height=alt.Step(24))
    st.altair_chart(chart, width="stretch")
    ui.show_table(scenarios)
ui.figure_footer("scenarios", scenarios, "scenarios")

# ------------------------------------------------------------------ categories
st.divider()
ui.figure_title("图2-附2", "category_title")
categories = db.query(
    "select year, rank, category, lot_count, investment_yuan, scenario_count "
    "from report.scenario_categories where year = ? order by rank, category",
    [year],
)
if not categories.empty:
    shown = categories.assign(category_name=[category_label(c) for c in categories["category"]])
    cols = st.columns(len(shown))
    for col, row in zip(cols, shown.itertuples(index=False)):
        col.metric(f"#{int(row.rank)} {row.category_name}", ui.count(row.lot_count),
                   help=t("category_help", scenarios=int(row.scenario_count), yi=ui.yi(row.investment_yuan)))
    ui.show_table(shown[["year", "rank", "category_name", "lot_count", "investment_yuan", "scenario_count"]])
ui.figure_footer("scenario_categories", categories, "scenario_categories")
