"""The router: page config, language, the shared sidebar filters, and the page list.

Page scripts live in app_pages/, not pages/: Streamlit 1.67 still treats a folder named pages/ beside
the entry file as the old auto-discovered app until some session has called st.navigation, so the
first visitor of a fresh server who opened a bookmarked page URL got that page without this router
(no filters, no sign-in).
"""
import streamlit as st

from ui import data, filters
from ui.i18n import LANGUAGES, t

st.set_page_config(page_title="江川路街道 · 网格治理看板", page_icon="assets/icon.png", layout="wide")

with st.sidebar:
    st.radio(t("app.language"), list(LANGUAGES), key="lang", horizontal=True, format_func=LANGUAGES.get)

data.ensure_database()
filters.sidebar()

pages = {
    t("app.section.leaders"): [
        st.Page("app_pages/overview.py", title=t("overview.nav"), icon=":material/dashboard:", url_path="overview",
                default=True),
    ],
    t("app.section.work"): [
        st.Page("app_pages/data_import.py", title=t("import.nav"), icon=":material/upload_file:", url_path="import"),
    ],
}
st.navigation(pages).run()
