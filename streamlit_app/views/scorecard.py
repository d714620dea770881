"""建议监测 Recommendations monitor: the county scorecard of the report's five recommendations —
a choropleth of Guangxi (overall, one pillar or one indicator), the ranked counties, a
comparison of 2–4 counties on the five pillars, and how many counties need each recommendation most."""

import altair as alt
import pandas as pd
import streamlit as st

from smartcounty.render import maps
from streamlit_app import db, ui
from streamlit_app.i18n import (
    INDICATORS,
    PILLARS,
    frozen_labeler,
    indicator_label,
    pillar_label,
    recommendation_title,
    t,
    widget_key,
)

st.title(t("page_scorecard"))
st.caption(t("scorecard_intro"))

if not db.relation_exists("report", "county_scorecard"):
    st.info(t("scorecard_missing", relation="report.county_scorecard"))
    st.stop()

years = [int(y) for y in db.query("select distinct year from report.county_scorecard order by year")["year"]]
if not years:
    st.info(t("no_data"))
    st.stop()
year = st.selectbox(t("year"), years, index=len(years) - 1, key="scorecard_year")
scorecard = db.query(
    "select * from report.county_scorecard where year = ? order by rank nulls last, county_code", [year]
)
indicators = db.query(
    "select county_code, pillar, indicator, value, score, n_counties from report.county_scorecard_indicators "
    "where year = ? order by pillar, indicator, county_code",
    [year],
)

# ------------------------------------------------------------------ map
ui.figure_title("图10", "scorecard_map_title")
MEASURE_OVERALL = "overall"
indicator_names = sorted(dict.fromkeys(indicators["indicator"]),
                         key=lambda name: INDICATORS.index(name) if name in INDICATORS else len(INDICATORS))
measures = [MEASURE_OVERALL, *(f"pillar_{p}" for p in PILLARS), *indicator_names]


def measure_label(measure: str) -> str:
    if measure == MEASURE_OVERALL:
        return t("measure_overall")
    if measure.startswith("pillar_"):
        return f"{t('pillar')} {pillar_label(measure.removeprefix('pillar_'))}"
    return indicator_label(measure)


measure = st.selectbox(t("scorecard_measure"), measures, format_func=frozen_labeler(measure_label),
                       key=widget_key("scorecard_measure"))


def measure_frame(measure: str) -> pd.DataFrame:
    """County, value, score and rank of the chosen measure (rank: higher score first, ties share)."""
    base = scorecard[["county_code", "county_name", "prefecture_name"]]
    if measure == MEASURE_OVERALL:
        return base.assign(value=scorecard["overall_score"], score=scorecard["overall_score"], rank=scorecard["rank"])
    if measure.startswith("pillar_"):
        scores = pd.to_numeric(scorecard[f"{measure}_score"], errors="coerce")
        return base.assign(value=scores, score=scores, rank=scores.rank(method="min", ascending=False))
    chosen = indicators[indicators["indicator"] == measure][["county_code", "value", "score"]]
    merged = base.merge(chosen, on="county_code", how="left")
    return merged.assign(rank=pd.to_numeric(merged["score"], errors="coerce").rank(method="min", ascending=False))


shown = measure_frame(measure)
label = measure_label(measure)
is_score = measure == MEASURE_OVERALL or measure.startswith("pillar_")
spec = maps.choropleth(
    shown.assign(rank=shown["rank"].astype("Float64")),
    maps.GEOJSON_URL,
    color="score",
    color_title=f"{label}（{t('indicator_score')}）" if not is_score else label,
    domain=(0, 100),
    tooltip=[("county_name", t("county"), None), ("prefecture_name", t("prefecture"), None),
             ("value", f"{label}", ",.4~f"), ("score", t("indicator_score"), ".1f"),
             ("rank", t("measure_rank"), "d")],
)
st.vega_lite_chart(spec, width="stretch")
st.caption(t("map_no_value"))
map_table = shown.rename(columns={"score": "measure_score", "rank": "measure_rank"})
ui.show_table(map_table.sort_values(["measure_rank", "county_code"], na_position="last"), height=300)
ui.figure_footer(f"scorecard_map_{year}_{measure}", map_table, "county_scorecard_indicators", published=False)

# ------------------------------------------------------------------ ranked table
st.divider()
ui.figure_title("图10-附1", "scorecard_rank_title")
ranked = scorecard.assign(weakest_pillar_name=[pillar_label(p) for p in scorecard["weakest_pillar"]])
ui.show_table(ranked.drop(columns=["year"]), height=420)
ui.figure_footer(f"county_scorecard_{year}", scorecard, "county_scorecard", published=False)

# ------------------------------------------------------------------ weakest pillar counts
st.divider()
ui.figure_title("图10-附2", "scorecard_weakest_title")
counts = scorecard["weakest_pillar"].dropna().astype(int).value_counts()
weakest = pd.DataFrame({
    "pillar": list(PILLARS),
    "pillar_name": [recommendation_title(p) for p in PILLARS],
    "county_count": [int(counts.get(p, 0)) for p in PILLARS],
})
cols = st.columns(len(PILLARS))
for col, row in zip(cols, weakest.itertuples(index=False)):
    col.metric(pillar_label(row.pillar), ui.count(row.county_count), help=row.pillar_name)
bars = alt.Chart(weakest).mark_bar().encode(
    y=alt.Y("pillar_name:N", sort=list(weakest["pillar_name"]), title=None, axis=alt.Axis(labelLimit=520)),
    x=alt.X("county_count:Q", title=t("county_count"), axis=alt.Axis(format="d", tickMinStep=1)),
    tooltip=[alt.Tooltip("pillar_name:N", title=t("pillar")), alt.Tooltip("county_count:Q", title=t("county_count"))],
).properties(height=alt.Step(32))
st.altair_chart(bars, width="stretch")
ui.show_table(weakest)
ui.figure_footer(f"scorecard_weakest_{year}", weakest, "county_scorecard", published=False)

# ------------------------------------------------------------------ comparison
st.divider()
ui.figure_title("图10-附3", "scorecard_compare_title")
names = dict(zip(scorecard["county_code"], scorecard["county_name"]))
codes = list(scorecard["county_code"])
picked = st.multiselect(
    t("scorecard_compare_pick"), codes, default=codes[:3], max_selections=4,
    format_func=lambda c: names.get(c, c), key="scorecard_compare",
)
compared = scorecard[scorecard["county_code"].isin(picked)]
if not 2 <= len(picked) <= 4:
    st.info(t("scorecard_compare_hint"))
else:
    long = compared.melt(id_vars=["county_name"], value_vars=[f"pillar_{p}_score" for p in PILLARS],
                         var_name="pillar", value_name="score")
    long["pillar"] = [pillar_label(p.removeprefix("pillar_").removesuffix("_score")) for p in long["pillar"]]
    grouped = alt.Chart(long).mark_bar().encode(
        x=alt.X("pillar:N", title=None, sort=[pillar_label(p) for p in PILLARS], axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("county_name:N"),
        y=alt.Y("score:Q", title=t("pillar_score"), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("county_name:N", title=t("county"), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("county_name:N", title=t("county")), alt.Tooltip("pillar:N", title=t("pillar")),
                 alt.Tooltip("score:Q", title=t("pillar_score"), format=".1f")],
    ).properties(height=360)
    st.altair_chart(grouped, width="stretch")
    ui.show_table(compared.drop(columns=["year"]).assign(
        weakest_pillar_name=[pillar_label(p) for p in compared["weakest_pillar"]]))
ui.figure_footer(f"scorecard_compare_{year}", compared, "county_scorecard", published=False)
