"""采购透明度 Procurement integrity: integrity flags per county for a year (table + chart), supplier
locality of smart-city money, top suppliers by award, and a drill-down county → flagged lots →
the notice lines (file, line) behind each flag. Flags are indicators for review, not findings."""

import altair as alt
import pandas as pd
import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import FLAGS, LOCALITIES, flag_label, locality_label, notice_class_label, t

TOP_COUNTIES = 20
TOP_SUPPLIERS = 20

st.title(t("page_integrity"))
st.warning(t("integrity_disclaimer"), icon=":material/info:")

for relation in ("county_integrity", "integrity_flags", "supplier_locality"):
    if not db.relation_exists("report", relation):
        st.info(t("scorecard_missing", relation=f"report.{relation}"))
        st.stop()

years = [int(y) for y in db.query("select distinct year from report.county_integrity order by year")["year"]]
if not years:
    st.info(t("no_data"))
    st.stop()
year = st.selectbox(t("year"), years, index=len(years) - 1, key="integrity_year")

# ------------------------------------------------------------------ flags per county
ui.figure_title("图9", "integrity_counties_title")
count_columns = ", ".join(f"i.{flag}_count" for flag in FLAGS)
by_county = db.query(
    f"""
    select i.county_code, c.county_name, c.prefecture_name, i.lot_count, i.flagged_lot_count, i.flagged_share,
           {count_columns}
    from report.county_integrity i left join marts.dim_county c using (county_code)
    where i.year = ?
    order by i.flagged_lot_count desc, i.flagged_share desc nulls last, i.county_code
    """,
    [year],
)
top = by_county[by_county["flagged_lot_count"] > 0].head(TOP_COUNTIES)
if not top.empty:
    long = top.melt(id_vars=["county_name"], value_vars=[f"{flag}_count" for flag in FLAGS],
                    var_name="flag", value_name="flag_count")
    long["flag_name"] = [flag_label(f.removesuffix("_count")) for f in long["flag"]]
    chart = alt.Chart(long[long["flag_count"] > 0]).mark_bar().encode(
        y=alt.Y("county_name:N", sort=list(top["county_name"]), title=None),
        x=alt.X("flag_count:Q", title=t("flag_count"), axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("flag_name:N", title=t("flag"), sort=[flag_label(f) for f in FLAGS],
                        legend=alt.Legend(orient="bottom", columns=4)),
        tooltip=[alt.Tooltip("county_name:N", title=t("county")), alt.Tooltip("flag_name:N", title=t("flag")),
                 alt.Tooltip("flag_count:Q", title=t("flag_count"))],
    ).properties(height=alt.Step(22))
    st.altair_chart(chart, width="stretch")
    st.caption(t("integrity_chart_caption", n=len(top)))
ui.pick_table(by_county, key="integrity_county_table", column="county_code", target_key="integrity_county",
              height=360)
ui.figure_footer(f"county_integrity_{year}", by_county, "county_integrity", published=False)

# ------------------------------------------------------------------ drill-down: county → flagged lots
st.divider()
ui.figure_title("图9-附1", "integrity_lots_title")
names = dict(zip(by_county["county_code"], by_county["county_name"]))
codes = list(by_county["county_code"])
code = st.selectbox(t("integrity_pick_county"), codes, format_func=lambda c: f"{names.get(c, c)}（{c}）",
                    key="integrity_county")
flagged = db.query(
    """
    select f.lot_id, l.project_name, string_agg(f.flag, ',' order by f.flag) as flags,
           string_agg(f.detail, '；' order by f.flag) as detail, l.procurement_method, l.budget_yuan, l.award_yuan,
           l.supplier_name, l.tender_date, l.award_date, l.decision_days
    from report.integrity_flags f join marts.fct_procurement_lots l using (lot_id)
    where f.county_code = ? and f.investment_year = ?
    group by all
    order by count(*) desc, l.award_yuan desc nulls last, f.lot_id
    """,
    [code, year],
)
if flagged.empty:
    st.info(t("integrity_no_flags"))
else:
    flagged.insert(2, "flag_name", ["、".join(flag_label(f) for f in flags.split(",")) for flags in flagged["flags"]])
    ui.pick_table(flagged.drop(columns=["flags"]), key="integrity_lot_table", column="lot_id",
                  target_key="integrity_lot")
ui.figure_footer(f"integrity_flags_{code}_{year}", flagged, "integrity_flags", published=False)

# ------------------------------------------------------------------ drill-down: lot → notice lines
if not flagged.empty:
    st.subheader(t("integrity_notices_title"))
    titles = dict(zip(flagged["lot_id"], flagged["project_name"]))
    lot_id = st.selectbox(t("integrity_pick_lot"), list(flagged["lot_id"]),
                          format_func=lambda lot: f"{titles.get(lot, lot)}（{lot}）", key="integrity_lot")
    reasons = flagged[flagged["lot_id"] == lot_id].iloc[0]
    st.markdown(f"**{reasons['flag_name']}** — {reasons['detail']}")
    notices = db.query(
        """
        select notice_class, publish_date, procurement_method, budget_yuan, award_yuan, supplier_name,
               source_file, source_line
        from marts.fct_procurement_notices where lot_id = ?
        order by publish_date, source_file, source_line
        """,
        [lot_id],
    )
    notices.insert(0, "notice_class_name", [notice_class_label(c) for c in notices["notice_class"]])
    ui.show_table(notices.drop(columns=["notice_class"]))
    ui.figure_footer(f"integrity_notices_{lot_id}", notices, "fct_procurement_notices", published=False)

# ------------------------------------------------------------------ supplier locality
st.divider()
ui.figure_title("图9-附2", "locality_title")
locality = db.query("select locality, lot_count, award_yuan, award_share from report.supplier_locality where year = ?",
                    [year])
order = {name: i for i, name in enumerate(LOCALITIES)}
locality = locality.sort_values("locality", key=lambda s: s.map(order).fillna(len(order))).reset_index(drop=True)
locality.insert(1, "locality_name", [locality_label(c) for c in locality["locality"]])
if not locality.empty:
    cols = st.columns(len(locality))
    for col, row in zip(cols, locality.itertuples(index=False)):
        col.metric(row.locality_name, ui.pct(row.award_share, 1), help=f"{ui.count(row.lot_count)} {t('lot_count')}")
    share_chart = alt.Chart(locality.assign(share=pd.to_numeric(locality["award_share"]).astype("float64"))).mark_bar()\
        .encode(
            y=alt.Y("locality_name:N", sort=list(locality["locality_name"]), title=None),
            x=alt.X("share:Q", title=t("award_share_axis"), axis=alt.Axis(format=".0%")),
            tooltip=[alt.Tooltip("locality_name:N", title=t("locality")),
                     alt.Tooltip("share:Q", title=t("award_share_axis"), format=".1%"),
                     alt.Tooltip("lot_count:Q", title=t("lot_count"))],
        ).properties(height=alt.Step(28))
    st.altair_chart(share_chart, width="stretch")
ui.show_table(locality)
ui.figure_footer(f"supplier_locality_{year}", locality, "supplier_locality", published=False)

# ------------------------------------------------------------------ top suppliers
st.divider()
ui.figure_title("图9-附3", "top_suppliers_title")
# A supplier is its USCC, else its name (the contract's supplier key); names of a USCC come from
# dim_supplier (its latest award), home county from its home-division rule.
suppliers = db.query(
    f"""
    select coalesce(max(d.supplier_name), max(l.supplier_name)) as supplier_name, l.supplier_uscc,
           coalesce(bool_or(d.in_registry), false) as in_registry, max(h.county_name) as home_county_name,
           count(*) as lot_count, sum(l.award_yuan) as award_yuan
    from marts.fct_procurement_lots l
    left join marts.dim_supplier d using (supplier_uscc)
    left join marts.dim_county h on h.county_code = d.home_county_code
    where l.status = 'awarded' and l.is_informatization and l.county_code is not null and l.investment_year = ?
      and (l.supplier_uscc is not null or l.supplier_name is not null)
    group by l.supplier_uscc, case when l.supplier_uscc is null then l.supplier_name end
    order by award_yuan desc nulls last, lot_count desc, supplier_name
    limit {TOP_SUPPLIERS}
    """,
    [year],
)
ui.show_table(suppliers)
ui.figure_footer(f"top_suppliers_{year}", suppliers, "dim_supplier", published=False)
