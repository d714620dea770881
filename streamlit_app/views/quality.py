"""数据质量 Data quality: data_quality counts, quarantined rows with file and line, validation results."""

import json

import altair as alt
import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import frozen_labeler, reason_label, source_label, t, widget_key

MAX_ROWS = 2000

st.title(t("page_quality"))

# ------------------------------------------------------------------ data_quality
ui.figure_title("图8", "data_quality_title")
quality = db.query("select source, reason, row_count from report.data_quality order by source, reason")
if not quality.empty:
    shown = quality.assign(source_name=[source_label(s) for s in quality["source"]],
                           reason_name=[reason_label(r) for r in quality["reason"]])
    chart = alt.Chart(shown).mark_bar().encode(
        y=alt.Y("reason_name:N", sort="-x", title=None),
        x=alt.X("row_count:Q", title=t("row_count"), axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("source_name:N", title=t("source"), legend=alt.Legend(orient="bottom")),
        tooltip=["source_name:N", "reason:N", "row_count:Q"],
    ).properties(height=alt.Step(22))
    st.altair_chart(chart, width="stretch")
    ui.show_table(shown)
ui.figure_footer("data_quality", quality, "data_quality", published=False)

# ------------------------------------------------------------------ quarantined rows
st.divider()
ui.figure_title("图8-附1", "quarantine_title")
by_reason = db.query(
    "select source, reason, count(*) as row_count from marts.fct_quarantined_rows group by all order by source, reason"
)
if by_reason.empty:
    st.success(t("no_quarantine"))
else:
    ui.show_table(by_reason.assign(reason_name=[reason_label(r) for r in by_reason["reason"]]))
    options = list(dict.fromkeys(by_reason["reason"]))
    reason = st.selectbox(t("reason"), options, format_func=frozen_labeler(reason_label), key=widget_key("quarantine_reason"))
    rows = db.query(
        f"select source, source_file, source_line, reason from marts.fct_quarantined_rows "
        f"where reason = ? order by source, source_file, source_line limit {MAX_ROWS}",
        [reason],
    )
    st.caption(t("quarantine_rows", n=len(rows), limit=MAX_ROWS))
    ui.show_table(rows)
ui.figure_footer("quarantined_rows", by_reason, "fct_quarantined_rows", published=False)

# ------------------------------------------------------------------ validation
st.divider()
st.subheader(t("validation_title"))
info = db.query("select * from meta.build_info limit 1")
results = db.query(
    "select check_name, table_name, severity, passed, failed_expectations from meta.validation_results "
    "order by passed, severity, check_name"
)
if not info.empty:
    b = info.iloc[0]
    cols = st.columns(3)
    cols[0].metric(t("validation_status"),
                   t("validation_passed") if bool(b["validation_passed"]) else t("validation_failed"))
    cols[1].metric(t("validation_errors"), ui.count(b["validation_errors"]))
    cols[2].metric(t("validation_warnings"), ui.count(b["validation_warnings"]))
if not results.empty:
    shown = results.assign(status=[t("badge_passed") if bool(p) else t("badge_failed") for p in results["passed"]])
    ui.show_table(shown[["status", "check_name", "table_name", "severity", "failed_expectations"]])
    for row in results[~results["passed"].astype(bool)].itertuples(index=False):
        with st.expander(t("failed_check", check=row.check_name, table=row.table_name)):
            try:
                st.json(json.loads(row.failed_expectations or "[]"))
            except json.JSONDecodeError:
                st.code(str(row.failed_expectations))
ui.downloads("validation_results", results)

report_file = db.validation_report_file(None if info.empty else info.iloc[0]["validation_report"])
if report_file is None:
    st.info(t("report_missing"))
else:
    html = report_file.read_text(encoding="utf-8", errors="replace")
    st.caption(t("report_location", path=str(report_file)))
    st.download_button(t("download_report"), data=html.encode("utf-8"), file_name="validation_report.html",
                       mime="text/html", key="report-html", on_click="ignore")
    # st.html sanitizes (DOMPurify, no scripts): the report quotes raw values, which are untrusted.
    with st.expander(t("report_embed"), expanded=False):
        st.html(html)
