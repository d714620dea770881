"""总览 Overview: headline figures, published-vs-computed reconciliation, build status."""

from pathlib import Path

import pandas as pd
import streamlit as st

from smartcounty.bulletin import FORMATS, BulletinDataMissing, load, render_bulletin
from streamlit_app import db, ui
from streamlit_app.i18n import is_english, t

st.title(t("app_title"))
st.caption(t("overview_intro"))

fig1 = db.query("select * from report.fig1_investment_share order by year")
coverage = db.query("select * from report.county_coverage")
enterprises = db.query("select * from report.enterprise_counts order by as_of_date desc limit 1")
penetration = db.query("select * from report.internet_penetration order by year desc limit 1")
national = db.query("select * from report.national_share order by year desc limit 1")

latest = fig1.iloc[-1] if not fig1.empty else None
year = int(latest["year"]) if latest is not None else None
scenario_count = db.scalar(
    "select count(distinct scenario_code) from report.scenarios where year = ?", [year]
)

# ------------------------------------------------------------------ headline metrics
row1 = st.columns(4)
row2 = st.columns(4)
if latest is not None:
    row1[0].metric(t("m_smart_investment", year=year), ui.yi(latest["smart_city_investment_yuan"]))
    row1[1].metric(t("m_smart_share", year=year), ui.pct(latest["smart_city_share"]))
    row2[0].metric(t("m_scenario_count", year=year), ui.count(scenario_count))
if not coverage.empty:
    c = coverage.iloc[0]
    row1[2].metric(
        t("m_counties_with_smart_city", year=int(c["as_of_year"])),
        f"{ui.count(c['counties_with_smart_city'])} / {ui.count(c['counties_total'])}",
    )
    row1[3].metric(t("m_coverage_rate"), ui.pct(c["coverage_rate"], 1))
if not enterprises.empty:
    e = enterprises.iloc[0]
    row2[1].metric(t("m_digital_economy_enterprises"), ui.count(e["digital_economy_enterprises"]))
    row2[2].metric(t("m_smart_city_enterprises"), ui.count(e["smart_city_enterprises"]))
if not penetration.empty:
    p = penetration.iloc[0]
    row2[3].metric(t("m_internet_penetration", year=int(p["year"])), ui.pct(p["overall_rate"], 1))
if not national.empty:
    n = national.iloc[0]
    st.caption(t("national_share_caption", year=int(n["year"]), share=ui.pct(n["share"], 2)))

# ------------------------------------------------------------------ reconciliation
st.subheader(t("reconciliation_title"))
recon = db.query(
    "select figure_id, claim_zh, published_value, computed_value, unit, comparison, matches, report_model "
    "from report.figure_reconciliation order by figure_id"
)
if not recon.empty:
    matched = int(recon["matches"].fillna(False).astype(bool).sum())
    st.markdown(t("reconciliation_summary", matched=matched, total=len(recon)))
    shown = recon.copy()
    shown.insert(0, "status", [t("badge_match") if bool(m) else t("badge_mismatch") for m in shown["matches"]])
    ui.show_table(shown.drop(columns=["matches"]))
    st.caption(t("reconciliation_note"))
ui.downloads("figure_reconciliation", recon)
ui.model_expander("figure_reconciliation")

# ------------------------------------------------------------------ build
st.subheader(t("build_title"))
info = db.query("select * from meta.build_info limit 1")
if info.empty:
    st.caption(t("build_unknown"))
else:
    b = info.iloc[0]
    built_at = pd.Timestamp(b["built_at"]).strftime("%Y-%m-%d %H:%M:%S")
    cols = st.columns(3)
    cols[0].metric(t("built_at_utc"), built_at)
    passed = bool(b["validation_passed"])
    cols[1].metric(t("validation_status"), t("validation_passed") if passed else t("validation_failed"))
    cols[2].metric(
        t("validation_counts"),
        f"{ui.count(b['validation_errors'])} / {ui.count(b['validation_warnings'])}",
    )
    st.caption(t("build_details", dbt=b["dbt_version"], raw=b["raw_dir"]))

# ------------------------------------------------------------------ bulletin (smartcounty bulletin)
@st.cache_data(max_entries=4, show_spinner=False)
def _bulletin_file(path: str, version: tuple, fmt: str) -> bytes:
    del version  # only makes a new publish a new cache key
    return render_bulletin(Path(path), formats=(fmt,))[1][fmt]


st.subheader("Bulletin (DOCX / PDF)" if is_english() else "简报（DOCX / PDF）")
path = db.serving_path()
try:
    load(path)  # the same checks as the command line, so a missing year shows here, not as a failed download
except BulletinDataMissing as exc:
    st.info(str(exc))
else:
    version = db.serving_version(path)
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS):
        # Deferred: the file is rendered (some seconds) only when the button is clicked, then cached per publish.
        col.download_button(
            f"{'Download' if is_english() else '下载'} bulletin_{year}.{fmt}", key=f"bulletin_{fmt}",
            data=lambda fmt=fmt: _bulletin_file(str(path), version, fmt), file_name=f"bulletin_{year}.{fmt}",
            on_click="ignore",
        )
