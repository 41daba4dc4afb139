"""Signed-in sessions that outlive a reload: the browser keeps a token in a cookie, the shared store keeps
the session, and every run checks the one against the other.

A token is "v1.<session id>.<signature>": a random id and an HMAC of it under the store's secret. The
signature lets a forged or mangled cookie be turned away without a store read; the store's record is
what makes the token count, so signing out, an idle timeout, a new password (the store ends the
account's sessions in the same transaction) and removing the account all end it on the server, whatever
the browser still holds. A session holds no role: a new role or community applies at its next run.
The store keeps only a keyed hash of the id, so a copy of the store gives nobody a working cookie. Nothing secret travels in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from analytics.access import accounts
from analytics.access.store import AccessStore, Account, SessionRecord

COOKIE = "jc_session"
ENV_IDLE = "JIANGCHUAN_SESSION_IDLE_MIN"
IDLE_S = 8 * 60 * 60.0  # a working day without a click ends the session
MAX_AGE_S = 7 * 24 * 60 * 60.0  # and no session lasts beyond a week, busy or not
TOUCH_EVERY_S = 60.0  # the store's "last seen" is written at most once a minute per session
_VERSION = "v1"


def idle_s() -> float:
    """The idle timeout: $JIANGCHUAN_SESSION_IDLE_MIN minutes when set, else IDLE_S."""
    minutes = os.environ.get(ENV_IDLE)
    return float(minutes) * 60 if minutes else IDLE_S


def _mac(store: AccessStore, purpose: str, session_id: str) -> str:
    return hmac.new(store.secret(), f"{purpose}:{session_id}".encode(), hashlib.sha256).hexdigest()


def _parse(store: AccessStore, token: str | None) -> str | None:
    """The session id of a well-formed, correctly signed token, else None."""
    version, _, rest = (token or "").partition(".")
    session_id, _, signature = rest.partition(".")
    if version != _VERSION or not session_id or not signature:
        return None
    return session_id if hmac.compare_digest(signature, _mac(store, "cookie", session_id)) else None


def issue(account: Account, *, store: AccessStore | None = None, now: float | None = None) -> str:
    """Start a session for `account` and return the token for the browser's cookie."""
    store = store or accounts.store()
    now = time.time() if now is None else now
    session_id = secrets.token_urlsafe(32)
    store.save_session(SessionRecord(_mac(store, "store", session_id), account.username, now, now))
    return f"{_VERSION}.{session_id}.{_mac(store, 'cookie', session_id)}"


def check(token: str | None, *, store: AccessStore | None = None, now: float | None = None) -> Account | None:
    """The account a token stands for, as the store holds it now; None when the token is forged, its
    session ended, idled out or grew too old (an expired session is removed), or its account is gone."""
    store = store or accounts.store()
    session_id = _parse(store, token)
    if session_id is None:
        return None
    now = time.time() if now is None else now
    key = _mac(store, "store", session_id)
    record = store.session(key)
    if record is None:
        return None
    if now - record.last_seen_at > idle_s() or now - record.created_at > MAX_AGE_S:
        store.end_session(key)
        return None
    account = store.account(record.username)
    if account is None:
        return None
    if now - record.last_seen_at > TOUCH_EVERY_S:
        store.touch_session(key, now)
    return account


def end(token: str | None, *, store: AccessStore | None = None) -> bool:
    """Sign a token's session out (True when there was one to end)."""
    store = store or accounts.store()
    session_id = _parse(store, token)
    return session_id is not None and store.end_session(_mac(store, "store", session_id))
