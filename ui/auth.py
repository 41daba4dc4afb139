"""Sign-in and the session's scope. With no accounts configured the app runs in a labelled demo mode,
and only on the demo world.

Accounts, sign-in limits and the audit trail live in the shared store (analytics.access.store), read again at
every run: an account removed, given a new role or a new password from the command line while the app
runs takes effect at each of its sessions' next run."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import streamlit as st

from analytics import access, places
from analytics.access import Scope, audit, sessions, signin
from analytics.access.store import AccessStore, Account
from ui import data, session
from ui.contest_view import md
from ui.i18n import label, t

# Set to 1 when the app runs behind a reverse proxy that appends the client's address to
# X-Forwarded-For; otherwise the header is the client's own word and is ignored.
ENV_TRUST_PROXY = "JIANGCHUAN_TRUST_PROXY"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def _demo_grid() -> str:
    """A demo grid worker's area grid, kept in the URL as a secretary's community is."""
    grids = data.call(places.grid_list)
    names = dict(zip(grids["grid_id"], grids["name"]))
    wanted = st.query_params.get("demo_grid")
    if "auth_demo_grid" not in st.session_state and wanted in names:
        st.session_state["auth_demo_grid"] = wanted
    return str(st.selectbox(t("entry.demo_grid"), list(names), key="auth_demo_grid", format_func=lambda g: names[g]))


def gate() -> Scope:
    """Return the signed-in user's scope, or draw the sign-in form and stop the script."""
    store = access.store()
    if not store.has_accounts() and not _oidc_configured():
        st.session_state.pop("auth_account", None)
        return _demo_mode()
    account = _current(store, st.session_state.get("auth_account"))
    account = _session_kept(store, account)
    if account is None and _oidc_configured() and getattr(st.user, "is_logged_in", False):
        account = _oidc_account(store)
    if account is None:
        if st.session_state.pop("auth_clear_cookie", False) or session.cookie(sessions.COOKIE):
            session.write_cookie(sessions.COOKIE, None, 0)  # a signed-out or ended session's cookie goes
        _sign_in_form()
        st.stop()
    with st.sidebar:
        if st.session_state.get("auth_token"):
            session.write_cookie(sessions.COOKIE, st.session_state["auth_token"], sessions.MAX_AGE_S)
        st.caption(
            t("auth.signed_in_as", name=account.display_name or account.username, role=label("role", account.role))
        )
        if st.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:"):
            audit.log(account.username, "sign_out", role=account.role)
            sessions.end(st.session_state.pop("auth_token", None), store=store)
            st.session_state.pop("auth_account", None)
            st.session_state["auth_clear_cookie"] = True
            if getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
    scope = with_town(account.scope)
    st.session_state["scope"] = scope
    return scope


def _current(store: AccessStore, signed_in: Account | None) -> Account | None:
    """The session's account as the store holds it now, or None (and the reason shown) when it was
    removed or its password changed since this session signed in."""
    if signed_in is None:
        return None
    account = store.account(signed_in.username)
    if account is not None and account.password_hash == signed_in.password_hash:
        if account != signed_in:
            st.session_state["auth_account"] = account  # a new role or community: its scope from now on
        return account
    st.session_state.pop("auth_account", None)
    st.session_state["auth_notice"] = "auth.removed" if account is None else "auth.password_changed"
    return None


def _session_kept(store: AccessStore, account: Account | None) -> Account | None:
    """The account of this browser's session token: the one this tab signed in with, else the cookie
    sent on connecting (a reload, a new tab). A token the store no longer holds (signed out, idle too
    long, new password) signs the tab out with a word why."""
    token = st.session_state.get("auth_token")
    if account is not None and token is None:
        return account  # signed in through OIDC: its own cookie keeps it
    if token is None:
        token = session.cookie(sessions.COOKIE)
        if token is None:
            return None
        kept = sessions.check(token, store=store)
        if kept is not None:
            st.session_state["auth_account"], st.session_state["auth_token"] = kept, token
        return kept
    kept = sessions.check(token, store=store)
    if kept is None:
        st.session_state.pop("auth_account", None)
        st.session_state.pop("auth_token", None)
        st.session_state.setdefault("auth_notice", "auth.session_ended")
        return None
    if account is None or kept != account:
        st.session_state["auth_account"] = kept
    return kept


def client_address() -> str | None:
    """The client's address for the sign-in limits (None on the server's own machine)."""
    try:
        if os.environ.get(ENV_TRUST_PROXY) == "1":
            forwarded = st.context.headers.get("X-Forwarded-For")
            if isinstance(forwarded, str) and forwarded.strip():
                return forwarded.split(",")[-1].strip()
        address = st.context.ip_address
    except (AttributeError, RuntimeError, KeyError):
        return None
    return address if isinstance(address, str) else None  # AppTest has no real connection


def wait_text(seconds: float) -> str:
    whole = int(seconds) + 1
    minutes, rest = divmod(whole, 60)
    return t("auth.wait_min", minutes=minutes, seconds=rest) if minutes else t("auth.wait_s", seconds=whole)


def _sign_in_form() -> None:
    st.title(t("auth.title"))
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.warning(t(notice), icon=":material/logout:")
    if _oidc_configured():
        st.button(t("auth.oidc"), key="auth_oidc", on_click=st.login, icon=":material/badge:")
    with st.form("auth_form"):
        username = st.text_input(t("auth.username"), key="auth_username")
        password = st.text_input(t("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if not submitted:
        return
    result = signin.sign_in(username or "", password or "", client_address())
    if result.refused:
        st.error(t("auth.too_many", wait=wait_text(result.retry_after_s)))
        return
    if result.account is None:
        st.error(t("auth.failed"))
        if result.retry_after_s > 0:
            st.warning(t("auth.next_try", wait=wait_text(result.retry_after_s)))
        return
    st.session_state["auth_account"] = result.account
    st.session_state["auth_token"] = sessions.issue(result.account, store=access.store())
    st.rerun()


def _oidc_account(store: AccessStore) -> Account | None:
    email = st.user.get("email") or st.user.get("sub")
    account = store.account(str(email))
    if account is None:
        st.error(t("auth.oidc_unknown", email=md(email)))  # the provider's text: shown as text
        # the address is a real identity the provider vouched for, not text typed into a form; once per
        # session, not once per rerun of its pages
        if st.session_state.get("auth_oidc_refused") != email:
            st.session_state["auth_oidc_refused"] = email
            audit.log(str(email), "sign_in_failed", "oidc account not provisioned")
        st.stop()
    audit.log(account.username, "sign_in", "oidc", role=account.role)
    st.session_state["auth_account"] = account
    return account


def _demo_mode() -> Scope:
    if not data.is_demo():
        st.error(t("auth.real_data_needs_accounts"))
        st.stop()
    # A demo link may name the role to try (…/data_import?demo_role=admin); demo mode only. The role
    # (and a secretary's community) is written back to the URL, so a reload keeps what she tries.
    wanted = st.query_params.get("demo_role")
    if "auth_demo_role" not in st.session_state and wanted in access.ROLES:
        st.session_state["auth_demo_role"] = wanted
    with st.sidebar:
        st.badge(t("auth.demo_mode"), icon=":material/science:", color="orange", help=t("auth.demo_help"))
        role = st.selectbox(
            t("auth.demo_role"), access.ROLES, key="auth_demo_role", format_func=lambda r: label("role", r)
        )
        community = None
        if role == "secretary":
            communities = data.call(places.community_list)
            names = dict(zip(communities["community_id"], communities["name"]))
            wanted = st.query_params.get("demo_community")
            if "auth_demo_community" not in st.session_state and wanted in names:
                st.session_state["auth_demo_community"] = wanted
            community = st.selectbox(
                t("auth.demo_community"), list(names), key="auth_demo_community", format_func=lambda c: names[c]
            )
        grid = _demo_grid() if role == "grid_worker" else None
    st.query_params["demo_role"] = role
    if community:
        st.query_params["demo_community"] = community
    else:
        st.query_params.pop("demo_community", None)
    if grid:
        st.query_params["demo_grid"] = grid
    else:
        st.query_params.pop("demo_grid", None)
    scope = with_town(Scope(role, community, grid_id=grid))
    st.session_state["scope"] = scope
    return scope


def with_town(scope: Scope) -> Scope:
    """A secretary reads within her community's town: in a district database her comparisons are her
    town's, not the district's. In a one-town database every row is that town's, so nothing changes."""
    if scope.role != "secretary" or scope.town_code or scope.community_id is None:
        return scope
    if len(data.call(places.town_list)) < 2:
        return scope
    return Scope(scope.role, scope.community_id, data.call(places.community_town, scope.community_id))


def refused_page(title_key: str, roles: Sequence[str]) -> Callable[[], None]:
    """The page drawn at the address of a page this role may not use (a bookmark, a shared link):
    it says so and who may, instead of quietly showing another page."""

    def refused() -> None:
        me = st.session_state["scope"]
        st.title(t(title_key))
        st.warning(
            t(
                "auth.refused",
                page=t(title_key),
                role=label("role", me.role),
                allowed="、".join(label("role", r) for r in roles),
            ),
            icon=":material/block:",
        )
        st.page_link("app_pages/overview.py", label=t("auth.refused_home"), icon=":material/dashboard:")

    return refused
