"""PostgresStore: the shared store in a PostgreSQL database, for a district deployment where several
app servers (and the command line on any of them) share accounts, sign-in limits, signed-in sessions
and the audit trail. Same methods and the same answers as SQLiteStore; each method is one transaction.

Every operation opens a short connection (as the SQLite store does), so the object is safe to share
between Streamlit's session threads and across a fork; a connection costs a few milliseconds on the
same network, small beside a page run. Concurrency is PostgreSQL's: the sign-in limit's read-then-write
is serialised per key by a transaction-scoped advisory lock (a row that does not exist yet cannot be
locked with FOR UPDATE, and two first failures must not both read "no failures"), taken in a fixed
order so that two attempts naming the same keys cannot deadlock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import psycopg

from analytics.access.store.base import (
    Account,
    AuditEvent,
    LimitPolicy,
    Reservation,
    SavedQuery,
    SessionRecord,
    StoreBusy,
)
from analytics.core.errors import DataError
from words import msg

ENV_CONNECT_TIMEOUT = "JIANGCHUAN_STORE_TIMEOUT"
CONNECT_TIMEOUT_S = 10
MAX_DETAIL = 2000
# one number for this application's advisory locks (the schema's creation); keys are locked by their hash
_SCHEMA_LOCK = 0x4A43_0001

SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    community_id TEXT,
    display_name TEXT,
    password_hash TEXT,
    changed_at TIMESTAMP NOT NULL
);
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS town_code TEXT;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS grid_id TEXT;
CREATE TABLE IF NOT EXISTS sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at DOUBLE PRECISION NOT NULL,
    refusal_noted BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS sessions (
    session_key TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    last_seen_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);
CREATE TABLE IF NOT EXISTS audit_log (
    event_id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    username TEXT NOT NULL,
    role TEXT,
    action TEXT NOT NULL,
    detail TEXT,
    origin TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (occurred_at DESC, event_id DESC);
CREATE TABLE IF NOT EXISTS saved_queries (
    name TEXT PRIMARY KEY,
    sql TEXT NOT NULL,
    note TEXT,
    saved_by TEXT,
    saved_at TIMESTAMP NOT NULL,
    owner TEXT
);
"""

_QUERY_COLUMNS = "name, sql, note, saved_by, saved_at, owner"

_ready: set[str] = set()
_ready_lock = threading.Lock()

# rows come back as tuples of whatever the columns hold; each method builds its typed record from them
_Conn = psycopg.Connection[Any]


def is_address(location: object) -> bool:
    """Whether a configured store location names a PostgreSQL database rather than a file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def redacted(dsn: str) -> str:
    """The address without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", dsn)


class PostgresStore:
    def __init__(self, dsn: str):
        self.dsn = dsn
        self._secret: bytes | None = None

    def __repr__(self) -> str:
        return f"PostgresStore({redacted(self.dsn)!r})"

    # -----------------------------------------------------------------------------------------
    # connections
    def _connect(self) -> _Conn:
        timeout = int(float(os.environ.get(ENV_CONNECT_TIMEOUT) or CONNECT_TIMEOUT_S))
        try:
            return psycopg.connect(self.dsn, connect_timeout=max(timeout, 1), autocommit=False)
        except psycopg.Error as exc:
            raise _explain(exc, self.dsn) from exc

    def _ensure_ready(self) -> None:
        if self.dsn in _ready:
            return
        with _ready_lock:
            if self.dsn in _ready:
                return
            with self._transaction(ready=False) as con:
                # several servers starting at once: one creates, the others wait and find it made
                con.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                con.execute(SCHEMA)
            _ready.add(self.dsn)

    @contextlib.contextmanager
    def _transaction(self, *, ready: bool = True) -> Iterator[_Conn]:
        if ready:
            self._ensure_ready()
        con = self._connect()
        try:
            with con.transaction():
                yield con
        except psycopg.Error as exc:
            raise _explain(exc, self.dsn) from exc
        finally:
            con.close()

    # -----------------------------------------------------------------------------------------
    # accounts
    _ACCOUNT_COLUMNS = "username, role, community_id, display_name, password_hash, town_code, grid_id"

    def accounts(self) -> dict[str, Account]:
        with self._transaction() as con:
            rows = con.execute(f"SELECT {self._ACCOUNT_COLUMNS} FROM accounts ORDER BY username").fetchall()
        return {str(row[0]): Account(*row) for row in rows}

    def account(self, username: str) -> Account | None:
        with self._transaction() as con:
            row = con.execute(
                f"SELECT {self._ACCOUNT_COLUMNS} FROM accounts WHERE username = %s", (username,)
            ).fetchone()
        return Account(*row) if row else None

    def has_accounts(self) -> bool:
        with self._transaction() as con:
            row = con.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()
        return bool(row and row[0])

    def save_account(self, account: Account, *, actor: str, action: str, detail: str) -> None:
        with self._transaction() as con:
            old = con.execute(
                "SELECT password_hash FROM accounts WHERE username = %s FOR UPDATE", (account.username,)
            ).fetchone()
            con.execute(
                f"INSERT INTO accounts ({self._ACCOUNT_COLUMNS}, changed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, community_id = EXCLUDED.community_id,"
                " display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,"
                " town_code = EXCLUDED.town_code, grid_id = EXCLUDED.grid_id, changed_at = EXCLUDED.changed_at",
                (
                    account.username,
                    account.role,
                    account.community_id,
                    account.display_name,
                    account.password_hash,
                    account.town_code,
                    account.grid_id,
                    dt.datetime.now(),
                ),
            )
            # as in SQLiteStore: a new password ends the sessions signed in with the old one
            if old is not None and old[0] != account.password_hash:
                con.execute("DELETE FROM sessions WHERE username = %s", (account.username,))
            self._insert_event(con, actor, action, detail, None)

    def remove_account(self, username: str, *, actor: str, detail: str) -> bool:
        with self._transaction() as con:
            removed = con.execute("DELETE FROM accounts WHERE username = %s", (username,)).rowcount > 0
            con.execute("DELETE FROM sessions WHERE username = %s", (username,))
            if removed:
                self._insert_event(con, actor, "role_change", detail, None)
        return removed

    # -----------------------------------------------------------------------------------------
    # audit trail
    @staticmethod
    def _insert_event(
        con: _Conn,
        username: str | None,
        action: str,
        detail: str | None,
        role: str | None,
        occurred_at: dt.datetime | None = None,
        origin: str | None = None,
    ) -> int:
        cur = con.execute(
            "INSERT INTO audit_log (occurred_at, username, role, action, detail, origin)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (origin) DO NOTHING",
            (
                occurred_at or dt.datetime.now(),
                username or "?",
                role,
                action,
                (detail or "")[:MAX_DETAIL] or None,
                origin,
            ),
        )
        return cur.rowcount

    def record(self, username: str, action: str, detail: str | None = None, role: str | None = None) -> None:
        with self._transaction() as con:
            self._insert_event(con, username, action, detail, role)

    def recent(self, limit: int = 500) -> list[AuditEvent]:
        with self._transaction() as con:
            rows = con.execute(
                "SELECT event_id, occurred_at, username, role, action, detail FROM audit_log"
                " ORDER BY occurred_at DESC, event_id DESC LIMIT %s",
                (int(limit),),
            ).fetchall()
        return [AuditEvent(*row) for row in rows]

    def adopt_events(self, events: Sequence[AuditEvent], source: str) -> int:
        with self._transaction() as con:
            return sum(
                self._insert_event(con, e.username, e.action, e.detail, e.role, e.occurred_at, f"{source}#{e.event_id}")
                for e in events
            )

    # -----------------------------------------------------------------------------------------
    # sign-in limits
    def secret(self) -> bytes:
        """A random key of this store, for hashing names and addresses before they are kept: the same
        for every server that shares the store, so a name's failures count together everywhere."""
        if self._secret is None:
            with self._transaction() as con:
                con.execute(
                    "INSERT INTO store_meta VALUES ('secret', %s) ON CONFLICT (key) DO NOTHING",
                    (secrets.token_hex(32),),
                )
                row = con.execute("SELECT value FROM store_meta WHERE key = 'secret'").fetchone()
            assert row is not None
            self._secret = bytes.fromhex(str(row[0]))
        return self._secret

    def reserve_attempt(self, policies: Mapping[str, LimitPolicy], now: float) -> Reservation:
        with self._transaction() as con:
            for key in sorted(policies):
                con.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
            state = {}
            for key, policy in policies.items():
                row = con.execute(
                    "SELECT failures, last_failure_at, refusal_noted FROM sign_in_throttle WHERE key = %s", (key,)
                ).fetchone()
                failures, last, noted = (int(row[0]), float(row[1]), bool(row[2])) if row else (0, 0.0, False)
                if now - last > policy.forget_after_s:
                    failures, noted = 0, False
                state[key] = failures
                retry_after = last + policy.wait(failures) - now
                if failures and retry_after > 0:
                    con.execute("UPDATE sign_in_throttle SET refusal_noted = TRUE WHERE key = %s", (key,))
                    return Reservation(key, retry_after, not noted)
            for key in policies:
                con.execute(
                    "INSERT INTO sign_in_throttle VALUES (%s, %s, %s, FALSE) ON CONFLICT (key) DO UPDATE SET"
                    " failures = EXCLUDED.failures, last_failure_at = EXCLUDED.last_failure_at,"
                    " refusal_noted = FALSE",
                    (key, state[key] + 1, now),
                )
            return Reservation(failures={key: count + 1 for key, count in state.items()})

    def release(self, *, reset: Sequence[str] = (), undo: Sequence[str] = ()) -> None:
        with self._transaction() as con:
            for key in reset:
                con.execute("DELETE FROM sign_in_throttle WHERE key = %s", (key,))
            for key in undo:
                con.execute("UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0) WHERE key = %s", (key,))

    # -----------------------------------------------------------------------------------------
    # signed-in sessions
    def save_session(self, record: SessionRecord) -> None:
        with self._transaction() as con:
            con.execute(
                "INSERT INTO sessions VALUES (%s, %s, %s, %s) ON CONFLICT (session_key) DO UPDATE SET"
                " username = EXCLUDED.username, created_at = EXCLUDED.created_at,"
                " last_seen_at = EXCLUDED.last_seen_at",
                (record.session_key, record.username, record.created_at, record.last_seen_at),
            )

    def session(self, session_key: str) -> SessionRecord | None:
        with self._transaction() as con:
            row = con.execute(
                "SELECT session_key, username, created_at, last_seen_at FROM sessions WHERE session_key = %s",
                (session_key,),
            ).fetchone()
        return SessionRecord(*row) if row else None

    def touch_session(self, session_key: str, now: float) -> None:
        with self._transaction() as con:
            con.execute(
                "UPDATE sessions SET last_seen_at = greatest(last_seen_at, %s) WHERE session_key = %s",
                (now, session_key),
            )

    def end_session(self, session_key: str) -> bool:
        with self._transaction() as con:
            return con.execute("DELETE FROM sessions WHERE session_key = %s", (session_key,)).rowcount > 0

    def end_sessions(self, username: str) -> int:
        with self._transaction() as con:
            return con.execute("DELETE FROM sessions WHERE username = %s", (username,)).rowcount

    # -----------------------------------------------------------------------------------------
    # saved console queries
    def saved_queries(self, owner: str | None = None) -> list[SavedQuery]:
        where, params = ("WHERE owner = %s", (owner,)) if owner is not None else ("", ())
        with self._transaction() as con:
            rows = con.execute(
                f"SELECT {_QUERY_COLUMNS} FROM saved_queries {where} ORDER BY saved_at DESC, name", params
            ).fetchall()
        return [SavedQuery(*row) for row in rows]

    def save_query(self, query: SavedQuery) -> bool:
        # one statement: a name another owner holds is left alone even when two servers save it at once
        with self._transaction() as con:
            saved = con.execute(
                f"INSERT INTO saved_queries ({_QUERY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (name) DO UPDATE SET sql = EXCLUDED.sql, note = EXCLUDED.note,"
                " saved_by = EXCLUDED.saved_by, saved_at = EXCLUDED.saved_at"
                " WHERE saved_queries.owner IS NOT DISTINCT FROM EXCLUDED.owner OR %s",
                (query.name, query.sql, query.note, query.saved_by, query.saved_at, query.owner, query.owner is None),
            )
            return saved.rowcount > 0

    def delete_query(self, name: str, owner: str | None = None) -> bool:
        with self._transaction() as con:
            if owner is None:
                return con.execute("DELETE FROM saved_queries WHERE name = %s", (name,)).rowcount > 0
            deleted = con.execute("DELETE FROM saved_queries WHERE name = %s AND owner = %s", (name, owner))
            return deleted.rowcount > 0

    def adopt_queries(self, queries: Sequence[SavedQuery]) -> int:
        with self._transaction() as con:
            return sum(
                con.execute(
                    f"INSERT INTO saved_queries ({_QUERY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (name) DO NOTHING",
                    (q.name, q.sql, q.note, q.saved_by, q.saved_at, q.owner),
                ).rowcount
                for q in queries
            )


def _explain(exc: psycopg.Error, dsn: str) -> DataError:
    where = redacted(dsn)
    if isinstance(exc, psycopg.OperationalError):
        # refused, unreachable, timed out, server shutting down: nothing was written; try again later
        return StoreBusy(msg("err.store.unreachable", path=where))
    if isinstance(
        exc, psycopg.errors.InsufficientPrivilege | psycopg.errors.DiskFull | psycopg.errors.ReadOnlySqlTransaction
    ):
        return StoreBusy(msg("err.store.unwritable", path=where))
    return DataError(msg("err.store.failed", path=where))
