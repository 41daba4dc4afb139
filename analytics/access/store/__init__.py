"""The shared store: accounts, sign-in limits, the audit trail and saved console queries.

Kept out of the DuckDB file on purpose: the running app holds that file exclusively, so a command-line
account change could neither be written nor audited there while the app runs. This store is one that
several processes write safely at once (SQLite in WAL mode with a busy timeout, beside the accounts
file), and a district deployment swaps in a PostgreSQL class with the same methods, shared by every
app server.

    base.py     the interface (AccessStore), its records (Account, AuditEvent, LimitPolicy, Reservation,
                SessionRecord, SavedQuery)
    sqlite.py   SQLiteStore: one server's store in a file; migrates an old accounts.json on first open
    postgres.py PostgresStore: the store shared by several app servers of a district deployment
    open_store(location=None)  the store named by $JIANGCHUAN_STORE (a file, or a postgresql:// address),
                else beside $JIANGCHUAN_ACCOUNTS

Both answer the same contract (tests/unit/test_store_contract.py runs it against each, PostgreSQL
started for real by the test).
"""

from __future__ import annotations

import os
from pathlib import Path

from analytics.access.store.base import (
    AccessStore,
    Account,
    AuditEvent,
    LimitPolicy,
    Reservation,
    SavedQuery,
    SessionRecord,
    StoreBusy,
)
from analytics.access.store.postgres import PostgresStore, is_address
from analytics.access.store.sqlite import SQLiteStore

__all__ = [
    "ENV_ACCOUNTS",
    "ENV_STORE",
    "AccessStore",
    "Account",
    "AuditEvent",
    "LimitPolicy",
    "PostgresStore",
    "Reservation",
    "SQLiteStore",
    "SavedQuery",
    "SessionRecord",
    "StoreBusy",
    "open_store",
    "store_path",
]

ENV_ACCOUNTS = "JIANGCHUAN_ACCOUNTS"
ENV_STORE = "JIANGCHUAN_STORE"


def accounts_path() -> Path:
    """Where accounts were kept as JSON before this store existed (and still name its folder)."""
    return Path(os.environ.get(ENV_ACCOUNTS) or Path.home() / ".config" / "jiangchuan" / "accounts.json")


def store_path(accounts: str | os.PathLike | None = None) -> Path:
    """The store's file: $JIANGCHUAN_STORE, else accounts.sqlite beside the accounts file (a path not
    ending in .json is taken as the store file itself)."""
    if accounts is None and os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE])
    path = Path(accounts) if accounts is not None else accounts_path()
    return path.with_suffix(".sqlite") if path.suffix == ".json" else path


def open_store(location: str | os.PathLike | None = None) -> AccessStore:
    """The configured store. Cheap: every call opens its own short-lived connection per operation, so
    a store object may be shared by threads and processes may each make their own."""
    if is_address(location):
        return PostgresStore(str(location))
    if location is None and is_address(os.environ.get(ENV_STORE)):
        return PostgresStore(os.environ[ENV_STORE])
    if location is None and os.environ.get(ENV_STORE):
        return SQLiteStore(store_path(), legacy_json=accounts_path())
    return SQLiteStore(store_path(location))
