"""Running a page of the app under streamlit's AppTest."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(
    page: str, *, timeout: float = 60, session_state: dict | None = None, clear_caches: bool = True
) -> AppTest:
    """Run app.py, switch to `page` ("app_pages/overview.py") and run it. Caches are cleared first so that
    every test sees its own database.

    Set sidebar widgets (the shared filters: "filters_preset", "filters_grids", "lang") through
    `session_state` before the first run: under st.navigation, AppTest (streamlit 1.67) drops the
    sidebar's widgets on reruns triggered by a widget. Widgets in the page body work as usual."""
    if clear_caches:
        st.cache_data.clear()
        st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (session_state or {}).items():
        at.session_state[key] = value
    if page != "app_pages/overview.py":
        # Before the first run, so the app runs once and no sidebar widget is re-read outside the session.
        # AppTest then finds the page by its file name: register pages with url_path = the file's stem.
        at.switch_page(page)
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
