"""县域画像 County profile: one county's figures, smart-city lots (each with its notices and their
source lines), enterprises and connectivity; a search box over lot titles."""

import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import county_type_label, mode_label, notice_class_label, status_label, t

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
    ui.show_table(shown.drop(columns=["status"]))
    notices = db.query(
        """
        select lot_id, notice_class, publish_date, award_yuan, budget_yuan, procurement_method, supplier_name,
               source_file, source_line, is_collapsed_repost, survivor_row_id, notice_id
        from marts.fct_procurement_notices
        where list_contains(?, lot_id)
        order by lot_id, publish_date, source_file, source_line
        """,
        [list(lots["lot_id"])],
    )
    grouped = {lot_id: frame for lot_id, frame in notices.groupby("lot_id", sort=False)}
    for lot in lots.itertuples(index=False):
        label = f"{lot.project_name} · {status_label(lot.status)} · {ui.yi(lot.award_yuan, 4)} {t('unit_yi')}"
        with st.expander(label):
            lot_notices = grouped.get(lot.lot_id)
            if lot_notices is None:
                st.caption(t("no_notices"))
                continue
            lot_notices = lot_notices.drop(columns=["lot_id"])
            lot_notices.insert(0, "notice_class_name", [notice_class_label(c) for c in lot_notices["notice_class"]])
            ui.show_table(lot_notices.drop(columns=["notice_class"]))
            if lot.award_source_file:
                st.caption(t("award_source", file=lot.award_source_file, line=int(lot.award_source_line)))
ui.figure_footer(f"county_{code}_lots", lots, "fct_procurement_lots", published=False)

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
