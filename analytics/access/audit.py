"""The audit trail. Leaders and admins may read it.

It lives in the shared store (analytics.access.store), not in the DuckDB file: the app holds that file
exclusively, so a command-line account change could not be recorded there while the app runs, and the
analysts' console, which reads the DuckDB file, must not read everyone's activity. Events recorded by
earlier versions in DuckDB's table audit_log move to the store when the app opens its database
(adopt_legacy); the table stays, empty, so that older databases keep their schema.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.access import accounts
from analytics.access.signin import UNKNOWN_NAME
from analytics.access.store import AccessStore, AuditEvent
from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied
from analytics.core.scope import Scope
from words import msg

MAX_DETAIL = 2000
COLUMNS = ["event_id", "occurred_at", "username", "role", "action", "detail"]


def log(username: str, action: str, detail: str | None = None, *, role: str | None = None) -> None:
    """One event, in the configured store (safe from any thread and any process)."""
    accounts.store().record(username or "?", action, (detail or "")[:MAX_DETAIL] or None, role=role)


def record(
    con: duckdb.DuckDBPyConnection, username: str, action: str, detail: str | None = None, *, role: str | None = None
) -> None:
    """log() under the signature the callers used while the trail lived in DuckDB; `con` is not used."""
    log(username, action, detail, role=role)


def recent(
    con: duckdb.DuckDBPyConnection | None = None, *, limit: int = 500, scope: Scope | None = None
) -> pd.DataFrame:
    """The latest events first (`con` is not used: the trail is in the store)."""
    if scope is not None and scope.role not in ("leader", "admin"):
        raise AccessDenied(msg("err.access.audit_roles"))
    events = accounts.store().recent(limit=int(limit))
    frame = pd.DataFrame([e.__dict__ for e in events], columns=COLUMNS)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"])
    if not privacy.sees_personal_data(scope):
        # the trail quotes console queries and file names, which may hold a resident's phone or name
        frame["detail"] = frame["detail"].map(privacy.mask_text)
    return frame


def adopt_legacy(con: duckdb.DuckDBPyConnection) -> int:
    """Move the events an earlier version kept in the DuckDB file into the store; the number moved.
    Copied first, then deleted, each event keyed by its file and id so a crash in between never
    counts one twice."""
    rows = db.query(
        con, "SELECT event_id, occurred_at, username, role, action, detail FROM audit_log ORDER BY event_id"
    )
    if rows.empty:
        return 0
    source = str(
        db.scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()", record=False)
    )
    store = accounts.store()
    events = [
        AuditEvent(
            int(r.event_id),
            r.occurred_at.to_pydatetime(),
            _legacy_name(store, r.action, r.username),
            None if pd.isna(r.role) else r.role,
            r.action,
            None if pd.isna(r.detail) else r.detail,
        )
        for r in rows.itertuples()
    ]
    store.adopt_events(events, source)
    db.execute(con, "DELETE FROM audit_log WHERE event_id <= $last", {"last": int(rows["event_id"].max())})
    return len(events)


def _legacy_name(store: AccessStore, action: str, username: str) -> str:
    """Earlier versions logged a failed sign-in under the text typed as the name, sometimes a password
    typed into the wrong box: it moves under the account's name only when that account exists."""
    if action == "sign_in_failed" and store.account(username) is None:
        return UNKNOWN_NAME
    return username
