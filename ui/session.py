"""Who is using the app in this browser session."""
from __future__ import annotations

import streamlit as st

from analytics.access import Scope


def scope() -> Scope:
    """The signed-in user's scope. Until sign-in exists the app runs in demo mode as a leader."""
    return st.session_state.get("scope") or Scope("leader")
