"""The router: page config, language, the shared sidebar filters, and the page list.

Page scripts live in app_pages/, not pages/: Streamlit 1.67 still treats a folder named pages/ beside
the entry file as the old auto-discovered app until some session has called st.navigation, so the
first visitor of a fresh server who opened a bookmarked page URL got that page without this router
(no filters, no sign-in).
"""
import streamlit as st

from ui import auth, data, filters
from ui.i18n import LANGUAGES, t

st.set_page_config(page_title="江川路街道 · 网格治理看板", page_icon="assets/icon.png", layout="wide")

with st.sidebar:
    st.radio(t("app.language"), list(LANGUAGES), key="lang", horizontal=True, format_func=LANGUAGES.get)

data.ensure_database()
scope = auth.gate()
filters.sidebar()

pages = {
    t("app.section.leaders"): [
        st.Page("app_pages/overview.py", title=t("overview.nav"), icon=":material/dashboard:", url_path="overview",
                default=True),
        st.Page("app_pages/grid_map.py", title=t("grid_map.nav"), icon=":material/map:", url_path="grid_map"),
        st.Page("app_pages/seeds.py", title=t("seeds.nav"), icon=":material/volunteer_activism:", url_path="seeds"),
        st.Page("app_pages/cases.py", title=t("cases.nav"), icon=":material/assignment_turned_in:", url_path="cases"),
        st.Page("app_pages/contest.py", title=t("contest.nav"), icon=":material/emoji_events:", url_path="contest"),
        st.Page("app_pages/showcase.py", title=t("showcase.nav"), icon=":material/co_present:", url_path="showcase"),
    ],
    t("app.section.work"): [
        st.Page("app_pages/explorer.py", title=t("explore.nav"), icon=":material/query_stats:", url_path="explorer"),
    ],
}
st.navigation(pages).run()
