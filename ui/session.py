"""Who is using the app in this browser session (set by ui.auth.gate on every run)."""

from __future__ import annotations

import streamlit as st

from analytics.access import Scope


def scope() -> Scope:
    scope = st.session_state.get("scope")
    if scope is None:
        raise RuntimeError("ui.auth.gate() must run before a page asks for the scope")
    return scope


def username() -> str:
    account = st.session_state.get("auth_account")
    return account.username if account else "demo:" + scope().role
