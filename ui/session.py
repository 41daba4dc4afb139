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


# The browser's side of a signed-in session (analytics.access.sessions): Streamlit reads cookies
# (st.context.cookies, as sent when the page connected) but cannot set one, so this same-origin
# component's script writes it. Not HttpOnly (a script writes it); SameSite=Strict and scoped to the
# app's path; Secure over https. Its attribute on <html> is the signal that the cookie is written.
_COOKIE_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.name) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const age = data.value ? data.max_age : 0;
  document.cookie = `${data.name}=${data.value || ""}; Path=${data.path}; Max-Age=${age}; SameSite=Strict${secure}`;
  document.documentElement.dataset.jcSession = data.value ? "set" : "cleared";
}
"""
_cookie_writer = st.components.v2.component("jc_session_cookie", js=_COOKIE_JS)


def cookie(name: str) -> str | None:
    """A cookie the browser sent when this session connected (None under AppTest, which sends none)."""
    try:
        value = st.context.cookies.get(name)
    except (AttributeError, RuntimeError, KeyError):
        return None
    return value if isinstance(value, str) and value else None


def write_cookie(name: str, value: str | None, max_age_s: float) -> None:
    """Set (or with value None, clear) a cookie in the browser from this run."""
    path = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/")
    _cookie_writer(
        key=f"cookie_{name}",
        data={"name": name, "value": value or "", "max_age": int(max_age_s), "path": path},
        width="stretch",
        height=0,
    )
