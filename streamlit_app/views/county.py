"""县域画像 County profile: one county's figures, smart-city lots (each with its notices and their
source lines), enterprises and connectivity; a search box over lot titles."""

import pandas as pd
import streamlit as st

from smartcounty.render import maps
from streamlit_app import db, ui
from streamlit_app.i18n import (
    FLAGS,
    LOCALITIES,
    county_type_label,
    flag_label,
    locality_label,
    mode_label,
    notice_class_label,
    pillar_label,
    recommendation_title,
    status_label,
    t,
)

MAX_LOTS = 100

st.title(t("page_county"))

counties = db.query(
    "select county_code, county_name, prefecture_name, county_type from marts.dim_county order by county_code"
)
if counties.empty:
    st.info(t("no_data"))
    st.stop()
names = dict(zip(counties["county_code"], counties["county_name"]))
# Default to the county with the most awarded smart-city lots, so the page opens on data.
busiest = db.scalar(
    "select county_code from marts.fct_procurement_lots where county_code is not null and is_smart_city "
    "and status = 'awarded' group by county_code order by count(*) desc, county_code limit 1"
)
codes = list(counties["county_code"])
code = st.selectbox(
    t("county"), codes, index=codes.index(busiest) if busiest in codes else 0,
    format_func=lambda c: f"{names.get(c, c)}（{c}）", key="county_code",
)
county = counties[counties["county_code"] == code].iloc[0]
st.header(f"{county['county_name']}")
st.caption(f"{county['prefecture_name']} · {county_type_label(county['county_type'])} · {code}")

# ------------------------------------------------------------------ headline figures
mode = db.query("select * from report.development_modes where county_code = ?", [code])
network = db.query(
    "select * from report.network_infrastructure_ranking where county_code = ? order by year desc limit 1", [code]
)
connectivity = db.query(
    "select * from marts.fct_county_connectivity where county_code = ? order by year", [code]
)
enterprise_totals = db.query(
    """
    select count(*) filter (where is_on_register) as enterprises_on_register,
           count(*) filter (where is_digital_economy) as digital_economy_enterprises,
           count(*) filter (where is_smart_city_enterprise) as smart_city_enterprises
    from marts.fct_enterprises where county_code = ?
    """,
    [code],
).iloc[0]
cols = st.columns(4)
cols[0].metric(t("m_mode"), mode_label(mode.iloc[0]["mode"]) if not mode.empty else t("mode_none"))
if not network.empty:
    n = network.iloc[0]
    cols[1].metric(t("m_network_rank", year=int(n["year"])), f"#{int(n['rank'])}", help=f"{float(n['score']):.2f}")
else:
    cols[1].metric(t("m_network_rank_plain"), "—")
cols[2].metric(t("m_digital_economy_enterprises"), ui.count(enterprise_totals["digital_economy_enterprises"]))
cols[3].metric(t("m_smart_city_enterprises"), ui.count(enterprise_totals["smart_city_enterprises"]))
if not mode.empty and mode.iloc[0]["evidence_lot"]:
    st.markdown(t("evidence_lot", lot=mode.iloc[0]["evidence_lot"]))

# ------------------------------------------------------------------ scorecard and map
if db.relation_exists("report", "county_scorecard"):
    st.divider()
    ui.figure_title("图7-附4", "county_scorecard_title")
    scorecard = db.query("select * from report.county_scorecard where county_code = ? order by year", [code])
    if scorecard.empty:
        st.info(t("no_data"))
    else:
        latest = scorecard.iloc[-1]
        year = int(latest["year"])
        cols = st.columns(3)
        cols[0].metric(t("m_overall_score", year=year),
                       "—" if pd.isna(latest["overall_score"]) else f"{float(latest['overall_score']):.1f}")
        cols[1].metric(t("m_scorecard_rank", year=year), "—" if pd.isna(latest["rank"]) else f"#{int(latest['rank'])}")
        cols[2].metric(t("m_weakest_pillar"), pillar_label(latest["weakest_pillar"]))
        if pd.notna(latest["weakest_pillar"]):
            st.markdown(f"**{recommendation_title(latest['weakest_pillar'])}**")
        everyone = db.query(
            "select county_code, county_name, overall_score, rank from report.county_scorecard where year = ?", [year]
        )
        left, right = st.columns([3, 2])
        with left:
            st.vega_lite_chart(maps.choropleth(
                everyone.assign(rank=everyone["rank"].astype("Float64")), maps.GEOJSON_URL,
                color="overall_score", color_title=t("m_overall_score", year=year), domain=(0, 100), highlight=code,
                tooltip=[("county_name", t("county"), None), ("overall_score", t("measure_overall"), ".1f"),
                         ("rank", t("measure_rank"), "d")], height=380,
            ), width="stretch")
        with right:
            ui.show_table(scorecard.drop(columns=["county_code", "county_name", "prefecture_name"]).assign(
                weakest_pillar_name=[pillar_label(p) for p in scorecard["weakest_pillar"]]))
    ui.figure_footer(f"county_{code}_scorecard", scorecard, "county_scorecard", published=False)

# ------------------------------------------------------------------ investment by year
ui.figure_title("图7", "county_investment_title")
investment = db.query(
    """
    select investment_year as year,
           coalesce(sum(award_yuan) filter (where is_informatization), 0) as informatization_investment_yuan,
           coalesce(sum(award_yuan) filter (where is_smart_city), 0) as smart_city_investment_yuan,
           count(*) filter (where is_informatization) as informatization_lot_count,
           count(*) filter (where is_smart_city) as smart_city_lot_count
    from marts.fct_procurement_lots
    where county_code = ? and status = 'awarded'
    group by investment_year order by investment_year
    """,
    [code],
)
if investment.empty:
    st.info(t("county_no_lots"))
else:
    ui.show_table(investment)
ui.figure_footer(f"county_{code}_investment", investment, "fct_procurement_lots", published=False)

# ------------------------------------------------------------------ lots and notices
st.divider()
ui.figure_title("图7-附1", "county_lots_title")
search = st.text_input(t("search_lots"), key="lot_search", placeholder=t("search_placeholder")).strip()
search_all = st.toggle(t("search_all_counties"), key="lot_search_all")
# Fixed SQL text per scope; the user's text only ever travels as a bound parameter.
scope = "true" if search_all else "l.county_code = ? and l.is_smart_city"
params: list[object] = [] if search_all else [code]
params += [search, db.like_pattern(search)]
lots = db.query(
    f"""
    select l.lot_id, l.project_name, k.county_name, l.status, l.award_yuan, l.investment_year,
           l.primary_scenario_code, s.scenario_zh, l.notice_count, l.award_source_file, l.award_source_line
    from marts.fct_procurement_lots l
    left join marts.dim_county k using (county_code)
    left join marts.dim_scenario s on s.scenario_code = l.primary_scenario_code
    where {scope} and (? = '' or l.project_name ilike ? escape '\\')
    order by l.investment_date desc nulls last, l.lot_id
    limit {MAX_LOTS + 1}
    """,
    params,
)
if len(lots) > MAX_LOTS:
    st.caption(t("lots_truncated", n=MAX_LOTS))
    lots = lots.head(MAX_LOTS)
if lots.empty:
    st.info(t("no_lots_found"))
else:
    st.caption(t("lots_found", n=len(lots)))
    shown = lots.assign(status_name=[status_label(s) for s in lots["status"]])
    ui.pick_table(shown.drop(columns=["status"]), key="county_lot_table", column="lot_id", target_key="county_lot",
                  height=min(420, 38 + 35 * len(lots)))
ui.figure_footer(f"county_{code}_lots", lots, "fct_procurement_lots", published=False)

if not lots.empty:
    # One lot's notices at a time (the table above or this list picks it): a page of expanders, one
    # per lot, grew thousands of pixels long on a full drop.
    st.subheader(t("county_lot_notices"))
    titles = dict(zip(lots["lot_id"], lots["project_name"]))
    lot_id = st.selectbox(t("county_lots_pick"), list(lots["lot_id"]),
                          format_func=lambda lot: f"{titles.get(lot, lot)}（{lot}）", key="county_lot")
    lot = lots[lots["lot_id"] == lot_id].iloc[0]
    st.markdown(f"**{lot['project_name']}** · {status_label(lot['status'])} · {ui.yi(lot['award_yuan'], 4)} {t('unit_yi')}")
    notices = db.query(
        """
        select notice_class, publish_date, award_yuan, budget_yuan, procurement_method, supplier_name,
               source_file, source_line, is_collapsed_repost, survivor_row_id, notice_id
        from marts.fct_procurement_notices
        where lot_id = ?
        order by publish_date, source_file, source_line
        """,
        [lot_id],
    )
    if notices.empty:
        st.caption(t("no_notices"))
    else:
        notices.insert(0, "notice_class_name", [notice_class_label(c) for c in notices["notice_class"]])
        ui.show_table(notices.drop(columns=["notice_class"]))
    if pd.notna(lot["award_source_file"]):
        st.caption(t("award_source", file=lot["award_source_file"], line=int(lot["award_source_line"])))
    ui.figure_footer(f"lot_{lot_id}_notices", notices, "fct_procurement_notices", published=False)

# ------------------------------------------------------------------ integrity flags, supplier locality
if db.relation_exists("report", "county_integrity"):
    st.divider()
    ui.figure_title("图7-附5", "county_integrity_title")
    st.caption(t("integrity_disclaimer"))
    integrity = db.query(
        f"select year, lot_count, flagged_lot_count, flagged_share, {', '.join(f'{f}_count' for f in FLAGS)} "
        "from report.county_integrity where county_code = ? order by year",
        [code],
    )
    ui.show_table(integrity)
    ui.figure_footer(f"county_{code}_integrity", integrity, "county_integrity", published=False)
    county_flags = db.query(
        """
        select f.investment_year, f.lot_id, l.project_name, f.flag, f.detail
        from report.integrity_flags f join marts.fct_procurement_lots l using (lot_id)
        where f.county_code = ?
        order by f.investment_year desc, f.lot_id, f.flag
        """,
        [code],
    )
    if not county_flags.empty:
        ui.show_table(county_flags.assign(flag_name=[flag_label(f) for f in county_flags["flag"]]), height=300)
    ui.figure_footer(f"county_{code}_flags", county_flags, "integrity_flags", published=False)

    st.caption(t("locality_all_years"))
    locality = db.query(
        """
        select supplier_locality as locality, count(*) as lot_count, sum(award_yuan) as award_yuan
        from marts.fct_procurement_lots
        where county_code = ? and is_smart_city and status = 'awarded'
        group by all
        """,
        [code],
    )
    order = {name: i for i, name in enumerate(LOCALITIES)}
    locality = locality.sort_values("locality", key=lambda c: c.map(order)).reset_index(drop=True)
    ui.show_table(locality.assign(locality_name=[locality_label(c) for c in locality["locality"]]))
    ui.figure_footer(f"county_{code}_locality", locality, "fct_procurement_lots", published=False)

# ------------------------------------------------------------------ enterprises
st.divider()
ui.figure_title("图7-附2", "county_enterprises_title")
enterprises = db.query(
    """
    select enterprise_name, industry_code, industry_name, de_category_zh, is_digital_economy,
           is_smart_city_enterprise, status_class, established_date
    from marts.fct_enterprises
    where county_code = ? and is_on_register
    order by is_smart_city_enterprise desc, is_digital_economy desc, enterprise_name
    limit 2000
    """,
    [code],
)
st.caption(t("county_enterprise_summary", total=ui.count(enterprise_totals["enterprises_on_register"]),
             de=ui.count(enterprise_totals["digital_economy_enterprises"]),
             smart=ui.count(enterprise_totals["smart_city_enterprises"])))
ui.show_table(enterprises)
ui.figure_footer(f"county_{code}_enterprises", enterprises, "fct_enterprises", published=False)

# ------------------------------------------------------------------ connectivity
st.divider()
ui.figure_title("图7-附3", "county_connectivity_title")
ranking = db.query(
    "select year, rank, score, gigabit_coverage, bs5g_per_10k, broadband_per_100_households, village_5g_rate, "
    "internet_penetration from report.network_infrastructure_ranking where county_code = ? order by year",
    [code],
)
if connectivity.empty:
    st.info(t("county_no_connectivity"))
else:
    latest = connectivity.iloc[-1]
    st.metric(t("m_overall_rate", year=int(latest["year"])), ui.pct(latest["internet_penetration"], 1))
    ui.show_table(ranking)
    ui.show_table(connectivity)
ui.figure_footer(f"county_{code}_connectivity", connectivity, "fct_county_connectivity", published=False)
