"""Sign-in and the session's scope. With no accounts configured the app runs in a labelled demo mode,
and only on the demo world."""
from __future__ import annotations

import time

import streamlit as st

from analytics import access, audit
from analytics.access import Scope
from ui import data
from ui.i18n import label, t

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def gate() -> Scope:
    """Return the signed-in user's scope, or draw the sign-in form and stop the script."""
    accounts = access.load_accounts()
    if not accounts and not _oidc_configured():
        return _demo_mode()
    account = st.session_state.get("auth_account")
    if account is None and _oidc_configured() and getattr(st.user, "is_logged_in", False):
        account = _oidc_account(accounts)
    if account is None:
        _sign_in_form(accounts)
        st.stop()
    with st.sidebar:
        st.caption(t("auth.signed_in_as", name=account.display_name or account.username,
                     role=label("role", account.role)))
        if st.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:"):
            audit.record(data.connection(), account.username, "sign_out", role=account.role)
            st.session_state.pop("auth_account", None)
            if getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
    st.session_state["scope"] = account.scope
    return account.scope


def _sign_in_form(accounts) -> None:
    st.title(t("auth.title"))
    if _oidc_configured():
        st.button(t("auth.oidc"), key="auth_oidc", on_click=st.login, icon=":material/badge:")
    locked_until = st.session_state.get("auth_locked_until", 0)
    with st.form("auth_form"):
        username = st.text_input(t("auth.username"), key="auth_username")
        password = st.text_input(t("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if not submitted:
        return
    if time.time() < locked_until:
        st.error(t("auth.too_many", seconds=int(locked_until - time.time()) + 1))
        return
    account = access.verify(username, password) if username else None
    con = data.connection()
    if account is None:
        failures = st.session_state.get("auth_failures", 0) + 1
        st.session_state["auth_failures"] = failures
        if failures >= MAX_FAILURES:
            st.session_state["auth_locked_until"] = time.time() + LOCKOUT_SECONDS
            st.session_state["auth_failures"] = 0
        audit.record(con, username or "?", "sign_in_failed", f"attempt {failures}")
        st.error(t("auth.failed"))
        return
    audit.record(con, account.username, "sign_in", role=account.role)
    st.session_state["auth_account"] = account
    st.session_state["auth_failures"] = 0
    st.rerun()


def _oidc_account(accounts):
    email = st.user.get("email") or st.user.get("sub")
    account = accounts.get(email)
    if account is None:
        st.error(t("auth.oidc_unknown", email=email))
        audit.record(data.connection(), str(email), "sign_in_failed", "oidc account not provisioned")
        st.stop()
    audit.record(data.connection(), account.username, "sign_in", "oidc", role=account.role)
    st.session_state["auth_account"] = account
    return account


def _demo_mode() -> Scope:
    if not data.is_demo():
        st.error(t("auth.real_data_needs_accounts"))
        st.stop()
    from analytics import places

    # A demo link may name the role to try (…/data_import?demo_role=admin); demo mode only.
    wanted = st.query_params.get("demo_role")
    if "auth_demo_role" not in st.session_state and wanted in access.ROLES:
        st.session_state["auth_demo_role"] = wanted
    with st.sidebar:
        st.badge(t("auth.demo_mode"), icon=":material/science:", color="orange", help=t("auth.demo_help"))
        role = st.selectbox(t("auth.demo_role"), access.ROLES, key="auth_demo_role",
                            format_func=lambda r: label("role", r))
        community = None
        if role == "secretary":
            communities = data.call(places.community_list)
            names = dict(zip(communities["community_id"], communities["name"]))
            community = st.selectbox(t("auth.demo_community"), list(names), key="auth_demo_community",
                                     format_func=names.get)
    scope = Scope(role, community)
    st.session_state["scope"] = scope
    return scope
