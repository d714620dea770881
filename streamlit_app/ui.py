"""Shared page pieces: number formatting, and the frame every figure gets
(number and title, agreement with the published value, CSV/XLSX download, source model)."""

from __future__ import annotations

import io
import json

import pandas as pd
import streamlit as st

# The pages call ui.pct / ui.yi / ui.count: the core's formatting, shared with the bulletin.
from smartcounty.formatting import count, is_missing, pct  # noqa: F401
from smartcounty.formatting import yi_number as yi  # noqa: F401
from streamlit_app import db
from streamlit_app.docs_link import docs_link
from streamlit_app.i18n import column_labels, is_english, t


# Report fractions shown as percents in tables (the marts' indicator columns keep their own units).
FRACTION_COLUMNS = frozenset(
    {"smart_city_share", "share", "coverage_rate", "industry_share", "overall_rate", "rural_rate", "urban_rate",
     "flagged_share", "award_share"}
)


def to_wan(frame: pd.DataFrame) -> pd.DataFrame:
    """Display copy with every ``*_yuan`` column in 万元 (the CSV/XLSX keep yuan)."""
    out = frame.copy()
    for name in out.columns:
        if str(name).endswith("_yuan"):
            out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64") / 1e4
    return out


def show_table(frame: pd.DataFrame, **kwargs) -> None:
    """A dataframe with translated headers and yuan shown in 万元; a code column is dropped
    when its translated twin ``<code>_name`` is present. Rows keep their order, so a selection
    event's row positions index ``frame``."""
    twins = [c for c in frame.columns if f"{c}_name" in frame.columns]
    shown = to_wan(frame.drop(columns=twins))
    for name in shown.columns:
        if str(name).endswith("_date") and pd.api.types.is_datetime64_any_dtype(shown[name]):
            shown[name] = shown[name].dt.strftime("%Y-%m-%d")
    labels = column_labels(shown.columns)
    config = {labels[c]: st.column_config.NumberColumn(format="percent") for c in shown.columns if c in FRACTION_COLUMNS}
    st.dataframe(shown.rename(columns=labels), hide_index=True, column_config=config, **kwargs)


def pick_table(frame: pd.DataFrame, *, key: str, column: str, target_key: str, **kwargs) -> None:
    """A sortable table whose selected row sets the widget ``target_key`` to that row's ``column``.

    The drill-down is driven by that widget (a selectbox), so it also works from the keyboard,
    survives re-sorting and is scriptable; clicking a row is a shortcut that moves it.
    """

    def follow_selection() -> None:
        rows = st.session_state[key].selection.rows
        if rows and rows[0] < len(frame):
            st.session_state[target_key] = frame.iloc[rows[0]][column]

    show_table(frame, key=key, on_select=follow_selection, selection_mode="single-row", **kwargs)


# ---------------------------------------------------------------- the figure frame
def figure_number(number: str) -> str:
    """'图2-附1' → 'Fig. 2-S1' in English; figure numbers follow the report's 图1/图2."""
    return number.replace("图", "Fig. ").replace("-附", "-S") if is_english() else number


def figure_title(number: str, title_key: str) -> None:
    st.subheader(f"{figure_number(number)} · {t(title_key)}")


def figure_footer(key: str, data: pd.DataFrame, model: str, *, published: bool = True) -> None:
    """Agreement badges, downloads and the source model under a figure."""
    if published:
        reconciliation_badges(model)
    downloads(key, data)
    model_expander(model)


def reconciliation_badges(report_model: str) -> None:
    rows = db.query(
        "select figure_id, claim_zh, published_value, computed_value, unit, matches "
        "from report.figure_reconciliation where report_model = ? order by figure_id",
        [report_model],
    )
    if rows.empty:
        st.caption(t("no_published_value"))
        return
    for row in rows.itertuples(index=False):
        badge = t("badge_match") if bool(row.matches) else t("badge_mismatch")
        colour = "green" if bool(row.matches) else "red"
        st.markdown(
            f":{colour}-badge[{badge}] **{row.figure_id}** {row.claim_zh} — "
            f"{t('published')} `{row.published_value}` · {t('computed')} `{row.computed_value}` ({row.unit})"
        )


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # utf-8-sig so that Excel opens Chinese text correctly.
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="data")
    return buffer.getvalue()


def downloads(key: str, data: pd.DataFrame) -> None:
    left, right, _ = st.columns([1, 1, 4])
    with left:
        st.download_button(
            t("download_csv"), data=lambda: to_csv_bytes(data), file_name=f"{key}.csv",
            mime="text/csv", key=f"csv-{key}", on_click="ignore",
        )
    with right:
        st.download_button(
            t("download_xlsx"), data=lambda: to_xlsx_bytes(data), file_name=f"{key}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"xlsx-{key}", on_click="ignore",
        )


def model_expander(model: str) -> None:
    rows = db.query(
        "select unique_id, schema_name, description, compiled_sql, depends_on "
        "from meta.dbt_models where name = ? order by unique_id",
        [model],
    )
    with st.expander(t("source_model", model=model)):
        if rows.empty:
            st.caption(t("model_not_found"))
            return
        row = rows.iloc[0]
        st.markdown(f"`{row['unique_id']}` · `{row['schema_name']}.{model}`")
        docs_link(str(row["unique_id"]))
        if row["description"]:
            st.markdown(str(row["description"]))
        upstream = _depends_on(row["depends_on"])
        if upstream:
            st.caption(t("depends_on") + ": " + ", ".join(upstream))
        st.code(str(row["compiled_sql"] or ""), language="sql")


def _depends_on(raw: object) -> list[str]:
    if is_missing(raw) or not str(raw).strip():
        return []
    try:
        parsed = json.loads(str(raw))
    except json.JSONDecodeError:
        return [str(raw)]
    if isinstance(parsed, dict):
        parsed = parsed.get("nodes", [])
    return [str(item) for item in parsed] if isinstance(parsed, list) else [str(parsed)]


def serving_unavailable(error: db.ServingUnavailable) -> None:
    if isinstance(error, db.ServingBusy):
        st.warning(t("serving_busy"))
    else:
        st.info(t("serving_missing", path=str(error)))
