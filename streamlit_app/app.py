"""Entry point: ``streamlit run streamlit_app/app.py`` (started by ``smartcounty app``).

A thin shell: page config, the language switch, navigation, and one friendly message when
the serving copy is missing or locked. Every page reads data through ``streamlit_app.db``.
"""

from __future__ import annotations

import streamlit as st

from streamlit_app import db, ui
from streamlit_app.i18n import LANG_KEY, t
from streamlit_app.navigation import PAGES, VIEWS_DIR

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
