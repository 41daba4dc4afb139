"""SQLiteStore: the shared store in one SQLite file (WAL mode, so readers never wait for the writer,
and a busy timeout, so writers from several processes queue instead of failing). Every operation opens
its own short connection: the store object is then safe to share between Streamlit's session threads,
and a command-line process needs nothing but the file."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

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

# How long a write waits for other writers before it gives up with StoreBusy (seconds).
ENV_BUSY_TIMEOUT = "JIANGCHUAN_STORE_TIMEOUT"
BUSY_TIMEOUT_S = 10.0
MAX_DETAIL = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('leader', 'secretary', 'analyst', 'admin', 'grid_worker')),
    community_id TEXT,
    display_name TEXT,
    password_hash TEXT,
    changed_at TEXT NOT NULL,
    town_code TEXT,                 -- the 街镇 the account reads (empty: the district)
    grid_id TEXT                    -- a grid worker's area grid
);
CREATE TABLE IF NOT EXISTS sign_in_throttle (
    key TEXT PRIMARY KEY,           -- 'account:<keyed hash of the name>' or 'address:<keyed hash>'
    failures INTEGER NOT NULL,
    last_failure_at REAL NOT NULL,  -- seconds since the epoch
    refusal_noted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
    session_key TEXT PRIMARY KEY,   -- keyed hash of the id the browser's cookie holds
    username TEXT NOT NULL,
    created_at REAL NOT NULL,       -- seconds since the epoch
    last_seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);
CREATE TABLE IF NOT EXISTS audit_log (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT NOT NULL,
    username TEXT NOT NULL,
    role TEXT,
    action TEXT NOT NULL,
    detail TEXT,
    origin TEXT UNIQUE              -- where an adopted event came from (its old database and id)
);
CREATE TABLE IF NOT EXISTS saved_queries (
    name TEXT PRIMARY KEY,
    sql TEXT NOT NULL,
    note TEXT,
    saved_by TEXT,                  -- the role it was saved as
    saved_at TEXT NOT NULL,
    owner TEXT                      -- the account (empty: saved before accounts were recorded)
);
"""

_QUERY_COLUMNS = "name, sql, note, saved_by, saved_at, owner"

# in the order of Account's fields
_ACCOUNT_COLUMNS = "username, role, community_id, display_name, password_hash, town_code, grid_id"


def _add_town_column(con: sqlite3.Connection) -> None:
    """A store made before accounts had a town gains the column (empty: the whole district)."""
    names = {row[1] for row in con.execute("PRAGMA table_info(accounts)")}
    if "town_code" not in names:
        try:
            con.execute("ALTER TABLE accounts ADD COLUMN town_code TEXT")
        except sqlite3.OperationalError as exc:  # another process added it first
            if "duplicate column" not in str(exc):
                raise


_ready: set[tuple[str, int, int]] = set()
_ready_lock = threading.Lock()


def _now_text() -> str:
    return dt.datetime.now().isoformat(sep=" ", timespec="microseconds")


class SQLiteStore:
    def __init__(self, path: str | os.PathLike, *, legacy_json: str | os.PathLike | None = None):
        self.path = Path(path)
        # the accounts file this store replaces: read once, on the first open
        self.legacy_json = Path(legacy_json) if legacy_json else self.path.with_suffix(".json")
        self._secret: bytes | None = None

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    # -----------------------------------------------------------------------------------------
    # connections
    def _create_file(self) -> None:
        """The folder and the file are the owner's only from their first moment (SQLite gives its
        -wal and -shm files the database file's permissions)."""
        if not self.path.parent.exists():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)

    def _ensure_ready(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._create_file()
            stat = self.path.stat()
        marker = (str(self.path.resolve()), stat.st_dev, stat.st_ino)
        if marker in _ready:
            return
        with _ready_lock:
            if marker in _ready:
                return
            con = self._raw_connect()
            try:
                con.execute("PRAGMA journal_mode = WAL")
                con.executescript(SCHEMA)
                self._add_grid_workers(con)
                _add_town_column(con)
                self._adopt_legacy_json(con)
            finally:
                con.close()
            _ready.add(marker)

    def _raw_connect(self) -> sqlite3.Connection:
        try:
            timeout = float(os.environ.get(ENV_BUSY_TIMEOUT) or BUSY_TIMEOUT_S)
            con = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            # WAL with NORMAL sync survives any crash of a process; only a power cut may lose the last
            # commits, and it saves a disk flush per sign-in attempt and audit event.
            con.execute("PRAGMA synchronous = NORMAL")
            return con
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        self._ensure_ready()
        con = self._raw_connect()
        try:
            yield con
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from exc
        finally:
            con.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that a read-then-write inside it
        is never interleaved with another process's."""
        self._ensure_ready()
        con = self._raw_connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from exc
        finally:
            con.close()

    @staticmethod
    def _add_grid_workers(con: sqlite3.Connection) -> None:
        """A store made before grid workers existed: its accounts table refuses the role (SQLite cannot
        change a CHECK in place) and has no grid column, so it is copied once into the new shape."""
        if "grid_id" in {row[1] for row in con.execute("PRAGMA table_info(accounts)")}:
            return  # read without a write lock: a store held by another writer still opens
        con.execute("BEGIN IMMEDIATE")
        try:
            columns = {row[1] for row in con.execute("PRAGMA table_info(accounts)")}
            if "grid_id" not in columns:
                create = SCHEMA.split("CREATE TABLE IF NOT EXISTS accounts", 1)[1].split(";", 1)[0]
                con.execute("CREATE TABLE accounts_with_grids" + create)
                kept = "username, role, community_id, display_name, password_hash, changed_at"
                kept += ", town_code" if "town_code" in columns else ""
                con.execute(f"INSERT INTO accounts_with_grids ({kept}) SELECT {kept} FROM accounts")
                con.execute("DROP TABLE accounts")
                con.execute("ALTER TABLE accounts_with_grids RENAME TO accounts")
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
            raise

    def _adopt_legacy_json(self, con: sqlite3.Connection) -> None:
        """Accounts kept in accounts.json by earlier versions move in once; the file is then renamed so
        that nobody edits it believing it still counts."""
        if not self.legacy_json.is_file():
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute("SELECT 1 FROM store_meta WHERE key = 'json_imported'").fetchone():
                con.execute("COMMIT")
                return
            users = json.loads(self.legacy_json.read_text(encoding="utf-8")).get("users", {})
            for name, fields in users.items():
                con.execute(
                    "INSERT OR IGNORE INTO accounts"
                    " (username, role, community_id, display_name, password_hash, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        fields["role"],
                        fields.get("community_id"),
                        fields.get("display_name"),
                        fields.get("password_hash"),
                        _now_text(),
                    ),
                )
            con.execute("INSERT INTO store_meta VALUES ('json_imported', ?)", (str(self.legacy_json),))
            self._insert_event(
                con, "system", "role_change", f"{len(users)} accounts moved from {self.legacy_json.name}", None
            )
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
            raise
        kept = self.legacy_json.with_name(self.legacy_json.name + ".imported")
        self.legacy_json.replace(kept)
        with contextlib.suppress(OSError):
            os.chmod(kept, 0o600)  # it still holds the password hashes; an earlier version may have left it 0644

    # -----------------------------------------------------------------------------------------
    # accounts
    def accounts(self) -> dict[str, Account]:
        with self._read() as con:
            rows = con.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY username").fetchall()
        return {row[0]: Account(*row) for row in rows}

    def account(self, username: str) -> Account | None:
        with self._read() as con:
            row = con.execute(
                f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE username = ?",
                (username,),
            ).fetchone()
        return Account(*row) if row else None

    def has_accounts(self) -> bool:
        with self._read() as con:
            return con.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()[0] == 1

    def save_account(self, account: Account, *, actor: str, action: str, detail: str) -> None:
        with self._write() as con:
            old = con.execute("SELECT password_hash FROM accounts WHERE username = ?", (account.username,)).fetchone()
            con.execute(
                f"INSERT OR REPLACE INTO accounts ({_ACCOUNT_COLUMNS}, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    account.username,
                    account.role,
                    account.community_id,
                    account.display_name,
                    account.password_hash,
                    account.town_code,
                    account.grid_id,
                    _now_text(),
                ),
            )
            # a new password ends the sessions signed in with the old one (whoever knew it is out); a new
            # role or community does not need to: sessions hold no role, each run reads the account anew
            if old is not None and old[0] != account.password_hash:
                con.execute("DELETE FROM sessions WHERE username = ?", (account.username,))
            self._insert_event(con, actor, action, detail, None)

    def remove_account(self, username: str, *, actor: str, detail: str) -> bool:
        with self._write() as con:
            removed = con.execute("DELETE FROM accounts WHERE username = ?", (username,)).rowcount > 0
            con.execute("DELETE FROM sessions WHERE username = ?", (username,))
            if removed:
                self._insert_event(con, actor, "role_change", detail, None)
        return removed

    # -----------------------------------------------------------------------------------------
    # audit trail
    @staticmethod
    def _insert_event(
        con: sqlite3.Connection,
        username: str | None,
        action: str,
        detail: str | None,
        role: str | None,
        occurred_at: str | None = None,
        origin: str | None = None,
    ) -> int:
        cur = con.execute(
            "INSERT OR IGNORE INTO audit_log (occurred_at, username, role, action, detail, origin)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (occurred_at or _now_text(), username or "?", role, action, (detail or "")[:MAX_DETAIL] or None, origin),
        )
        return cur.rowcount

    def record(self, username: str, action: str, detail: str | None = None, role: str | None = None) -> None:
        with self._write() as con:
            self._insert_event(con, username, action, detail, role)

    def recent(self, limit: int = 500) -> list[AuditEvent]:
        with self._read() as con:
            rows = con.execute(
                "SELECT event_id, occurred_at, username, role, action, detail FROM audit_log"
                " ORDER BY occurred_at DESC, event_id DESC LIMIT ?",
                (int(limit),),
            ).fetchall()
        return [AuditEvent(r[0], dt.datetime.fromisoformat(r[1]), *r[2:]) for r in rows]

    def adopt_events(self, events: Sequence[AuditEvent], source: str) -> int:
        with self._write() as con:
            return sum(
                self._insert_event(
                    con,
                    e.username,
                    e.action,
                    e.detail,
                    e.role,
                    e.occurred_at.isoformat(sep=" ", timespec="microseconds"),
                    f"{source}#{e.event_id}",
                )
                for e in events
            )

    # -----------------------------------------------------------------------------------------
    # sign-in limits
    def secret(self) -> bytes:
        """A random key of this store, for hashing names and addresses before they are kept."""
        if self._secret is None:
            with self._write() as con:
                con.execute("INSERT OR IGNORE INTO store_meta VALUES ('secret', ?)", (secrets.token_hex(32),))
                row = con.execute("SELECT value FROM store_meta WHERE key = 'secret'").fetchone()
            self._secret = bytes.fromhex(row[0])
        return self._secret

    def reserve_attempt(self, policies: Mapping[str, LimitPolicy], now: float) -> Reservation:
        with self._write() as con:
            state = {}
            for key, policy in policies.items():
                row = con.execute(
                    "SELECT failures, last_failure_at, refusal_noted FROM sign_in_throttle WHERE key = ?", (key,)
                ).fetchone()
                failures, last, noted = row or (0, 0.0, 0)
                if now - last > policy.forget_after_s:
                    failures, noted = 0, 0
                state[key] = failures
                retry_after = last + policy.wait(failures) - now
                if failures and retry_after > 0:
                    con.execute("UPDATE sign_in_throttle SET refusal_noted = 1 WHERE key = ?", (key,))
                    return Reservation(key, retry_after, not noted)
            for key in policies:
                con.execute("INSERT OR REPLACE INTO sign_in_throttle VALUES (?, ?, ?, 0)", (key, state[key] + 1, now))
            return Reservation(failures={key: count + 1 for key, count in state.items()})

    def release(self, *, reset: Sequence[str] = (), undo: Sequence[str] = ()) -> None:
        with self._write() as con:
            for key in reset:
                con.execute("DELETE FROM sign_in_throttle WHERE key = ?", (key,))
            for key in undo:
                con.execute("UPDATE sign_in_throttle SET failures = max(failures - 1, 0) WHERE key = ?", (key,))

    # -----------------------------------------------------------------------------------------
    # signed-in sessions
    def save_session(self, record: SessionRecord) -> None:
        with self._write() as con:
            con.execute(
                "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?)",
                (record.session_key, record.username, record.created_at, record.last_seen_at),
            )

    def session(self, session_key: str) -> SessionRecord | None:
        with self._read() as con:
            row = con.execute(
                "SELECT session_key, username, created_at, last_seen_at FROM sessions WHERE session_key = ?",
                (session_key,),
            ).fetchone()
        return SessionRecord(*row) if row else None

    def touch_session(self, session_key: str, now: float) -> None:
        with self._write() as con:
            con.execute(
                "UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE session_key = ?", (now, session_key)
            )

    def end_session(self, session_key: str) -> bool:
        with self._write() as con:
            return con.execute("DELETE FROM sessions WHERE session_key = ?", (session_key,)).rowcount > 0

    def end_sessions(self, username: str) -> int:
        with self._write() as con:
            return con.execute("DELETE FROM sessions WHERE username = ?", (username,)).rowcount

    # -----------------------------------------------------------------------------------------
    # saved console queries
    def saved_queries(self, owner: str | None = None) -> list[SavedQuery]:
        where, params = ("WHERE owner = ?", (owner,)) if owner is not None else ("", ())
        with self._read() as con:
            rows = con.execute(
                f"SELECT {_QUERY_COLUMNS} FROM saved_queries {where} ORDER BY saved_at DESC, name", params
            ).fetchall()
        return [SavedQuery(r[0], r[1], r[2], r[3], dt.datetime.fromisoformat(r[4]), r[5]) for r in rows]

    def save_query(self, query: SavedQuery) -> bool:
        # one statement: a name another owner holds is left alone even when two servers save it at once
        with self._write() as con:
            return (
                con.execute(
                    f"INSERT INTO saved_queries ({_QUERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET sql = excluded.sql, note = excluded.note,"
                    " saved_by = excluded.saved_by, saved_at = excluded.saved_at"
                    " WHERE saved_queries.owner IS excluded.owner OR ? IS NULL",
                    (*_query_row(query), query.owner),
                ).rowcount
                > 0
            )

    def delete_query(self, name: str, owner: str | None = None) -> bool:
        with self._write() as con:
            if owner is None:
                return con.execute("DELETE FROM saved_queries WHERE name = ?", (name,)).rowcount > 0
            return con.execute("DELETE FROM saved_queries WHERE name = ? AND owner = ?", (name, owner)).rowcount > 0

    def adopt_queries(self, queries: Sequence[SavedQuery]) -> int:
        with self._write() as con:
            return sum(
                con.execute(
                    f"INSERT OR IGNORE INTO saved_queries ({_QUERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    _query_row(q),
                ).rowcount
                for q in queries
            )


def _query_row(query: SavedQuery) -> tuple[str, str, str | None, str | None, str, str | None]:
    at = query.saved_at.isoformat(sep=" ", timespec="microseconds")
    return (query.name, query.sql, query.note, query.saved_by, at, query.owner)


def _explain(exc: sqlite3.Error, path: Path) -> DataError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreBusy(msg("err.store.busy", path=path))
    if "full" in text or "disk i/o" in text or "readonly" in text or "unable to open" in text:
        return StoreBusy(msg("err.store.unwritable", path=path))
    if "not a database" in text or "malformed" in text:
        return DataError(msg("err.store.damaged", path=path))
    return DataError(msg("err.store.failed", path=path))
