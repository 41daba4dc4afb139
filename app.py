"""The router: page config, language, the shared sidebar filters, and the page list.

Page scripts live in app_pages/, not pages/: Streamlit 1.67 still treats a folder named pages/ beside
the entry file as the old auto-discovered app until some session has called st.navigation, so the
first visitor of a fresh server who opened a bookmarked page URL got that page without this router
(no filters, no sign-in).
"""

import streamlit as st

from ui.i18n import LANGUAGES, t

st.set_page_config(page_title="江川路街道 · 网格治理看板", page_icon="assets/icon.png", layout="wide")

with st.sidebar:
    st.radio(t("app.language"), list(LANGUAGES), key="lang", horizontal=True, format_func=LANGUAGES.get)

# The heavy libraries (pandas, DuckDB) are imported only now, on a fresh server's first run: the page
# frame above is already on its way to the browser, which draws it while this process imports them.
from ui import auth, data, district_view, filters, phone, zh_defaults  # noqa: E402

# Each role sees the pages it may use; the analytics functions enforce the same rules on their own.
EVERYONE = ("leader", "secretary", "analyst", "admin", "grid_worker")
# A grid worker (网格员) reads her grid's pages as a secretary reads her community's; the showcase is a
# secretary's own presentation of her community.
PRESENTERS = ("leader", "secretary", "analyst", "admin")
CATALOGUE = [
    ("app.section.leaders", "app_pages/overview.py", "overview.nav", ":material/dashboard:", EVERYONE),
    # only in a database of two or more 街镇 (see district_view.offered; absent from the default one)
    ("app.section.leaders", "app_pages/district.py", "district.nav", ":material/travel_explore:", district_view.ROLES),
    ("app.section.leaders", "app_pages/grid_map.py", "grid_map.nav", ":material/map:", EVERYONE),
    ("app.section.leaders", "app_pages/seeds.py", "seeds.nav", ":material/volunteer_activism:", EVERYONE),
    ("app.section.leaders", "app_pages/cases.py", "cases.nav", ":material/assignment_turned_in:", EVERYONE),
    ("app.section.leaders", "app_pages/contest.py", "contest.nav", ":material/emoji_events:", EVERYONE),
    ("app.section.leaders", "app_pages/showcase.py", "showcase.nav", ":material/co_present:", PRESENTERS),
    # the briefing compares every grid and names every idle pairing: not a secretary's own-community view
    (
        "app.section.leaders",
        "app_pages/briefing.py",
        "briefing.nav",
        ":material/summarize:",
        ("leader", "analyst", "admin"),
    ),
    (
        "app.section.work",
        "app_pages/entry.py",
        "entry.nav",
        ":material/edit_note:",
        ("grid_worker", "secretary", "admin"),
    ),
    ("app.section.work", "app_pages/data_import.py", "import.nav", ":material/upload_file:", ("admin",)),
    (
        "app.section.work",
        "app_pages/explorer.py",
        "explore.nav",
        ":material/query_stats:",
        ("leader", "analyst", "admin"),
    ),
    ("app.section.work", "app_pages/audit.py", "audit.nav", ":material/policy:", ("leader", "admin")),
]


def pages_for(scope: auth.Scope) -> dict[str, list]:
    """The role's pages, plus a hidden page at the address of each other page: a bookmark of a page the
    role may not use then opens an explanation, not the overview without a word."""
    pages: dict[str, list] = {}
    district_wide = district_view.several_towns()
    for section, path, title, icon, roles in CATALOGUE:
        stem = path.rsplit("/", 1)[-1].removesuffix(".py")  # url_path = file stem: AppTest finds pages by it
        is_district = path.endswith("district.py")
        if is_district and not district_wide:
            continue
        if district_view.offered(scope) if is_district else scope.role in roles:
            page = st.Page(path, title=t(title), icon=icon, url_path=stem, default=path.endswith("overview.py"))
        else:
            page = st.Page(auth.refused_page(title, roles), title=t(title), url_path=stem, visibility="hidden")
        pages.setdefault(t(section), []).append(page)
    return pages


zh_defaults.apply()  # Chinese over Streamlit's and Plotly's own English words
phone.apply()  # the phone layout's stylesheet: no change above 640 px
data.ensure_database()
with data.page_run():  # one warehouse for the whole run: the rollups' freshness is checked once, not once per call
    scope = auth.gate()
    filters.sidebar()
    st.navigation(pages_for(scope)).run()
