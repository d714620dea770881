"""Entry point: ``streamlit run streamlit_app/app.py`` (started by ``smartcounty app``).

A thin shell: page config, the language switch, navigation, and one friendly message when
the serving copy is missing or locked. Every page reads data through ``streamlit_app.db``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import LANG_KEY, t

# Not "pages/": Streamlit treats a "pages/" folder next to the entry script as a v1 multipage app
# until the first st.navigation call in the process, so a deep link on a fresh server would run
# the page script alone, without this shell (language switch, missing-data message).
VIEWS_DIR = Path(__file__).resolve().parent / "views"

# (file, url path, title key, icon); the first one is the default page.
PAGES = [
    ("overview.py", "overview", "page_overview", ":material/dashboard:"),
    ("investment.py", "investment", "page_investment", ":material/payments:"),
    ("scenarios.py", "scenarios", "page_scenarios", ":material/cloud:"),
    ("modes.py", "modes", "page_modes", ":material/hub:"),
    ("enterprises.py", "enterprises", "page_enterprises", ":material/business:"),
    ("connectivity.py", "connectivity", "page_connectivity", ":material/cell_tower:"),
    ("scorecard.py", "recommendations", "page_scorecard", ":material/map:"),
    ("integrity.py", "integrity", "page_integrity", ":material/policy:"),
    ("county.py", "county", "page_county", ":material/location_city:"),
    ("quality.py", "quality", "page_quality", ":material/fact_check:"),
]

st.set_page_config(page_title="智慧县域 smartcounty", page_icon=":material/location_city:", layout="wide")

with st.sidebar:
    st.toggle("English", key=LANG_KEY)

navigation = st.navigation(
    [
        st.Page(VIEWS_DIR / file, title=t(title_key), icon=icon, url_path=url, default=(i == 0))
        for i, (file, url, title_key, icon) in enumerate(PAGES)
    ]
)

with st.sidebar:
    st.caption(t("sidebar_note"))

if not db.is_available():
    st.title(t("app_title"))
    ui.serving_unavailable(db.ServingMissing(str(db.serving_path())))
else:
    try:
        navigation.run()
    except db.ServingUnavailable as error:
        ui.serving_unavailable(error)
