"""Saved console queries (数据探索 · 已保存的查询), kept in the shared store (analytics.access.store) so
that every app server of a district deployment lists, saves and deletes the same ones: a replica reads
its data read-only and could not write them into a DuckDB file.

Each account lists and changes only its own; a name belongs to whoever saved it first. With no user
named (a notebook that holds the store) every query is listed, replaced or deleted.

Queries saved by earlier versions in the DuckDB table saved_queries move into the store once, when the
app opens its database read-write (adopt_legacy), as the audit trail did: copied first, then deleted,
a name the store already holds kept as the store has it, so a crash in between never doubles one. The
table stays, empty, so that older databases keep their schema.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.access import accounts
from analytics.access.store import AccessStore, SavedQuery
from analytics.core import connection as db
from analytics.core.scope import Scope
from analytics.explore.console import QueryRefused, check_statement
from words import msg

NAME_MAX = 60
COLUMNS = ["name", "sql", "note", "saved_by", "saved_at"]


def saved_queries(
    *, scope: Scope | None = None, user: str | None = None, store: AccessStore | None = None
) -> pd.DataFrame:
    """Saved queries, newest first: name, sql, note, saved_by, saved_at — `user`'s own, or every one
    when no user is named."""
    found = (store or accounts.store()).saved_queries(owner=user)
    frame = pd.DataFrame([[getattr(q, c) for c in COLUMNS] for q in found], columns=COLUMNS)
    frame["saved_at"] = pd.to_datetime(frame["saved_at"])
    return frame


def save_query(
    name: str,
    sql: str,
    *,
    note: str | None = None,
    scope: Scope | None = None,
    user: str | None = None,
    store: AccessStore | None = None,
) -> None:
    """Save (or replace) a query under `name`; only a query the console would run can be saved, and
    only its owner replaces it."""
    name = (name or "").strip()
    if not name:
        raise QueryRefused(msg("err.console.no_name"), "empty")
    if len(name) > NAME_MAX:
        raise QueryRefused(msg("err.console.long_name", limit=NAME_MAX), "error")
    check_statement(sql)
    query = SavedQuery(
        name, sql.strip(), (note or "").strip() or None, scope.role if scope else None, dt.datetime.now(), user
    )
    if not (store or accounts.store()).save_query(query):
        raise QueryRefused(msg("err.console.name_taken"), "error")


def delete_saved_query(
    name: str, *, scope: Scope | None = None, user: str | None = None, store: AccessStore | None = None
) -> None:
    """Delete `user`'s query `name` (any query of that name when no user is named)."""
    (store or accounts.store()).delete_query(name, owner=user)


def adopt_legacy(con: duckdb.DuckDBPyConnection, *, store: AccessStore | None = None) -> int:
    """Move the queries an earlier version saved in the DuckDB file into the store; the number moved
    (a name the store already holds keeps the store's query)."""
    rows = db.query(con, "SELECT name, sql, note, saved_by, saved_at, owner FROM saved_queries ORDER BY name")
    if rows.empty:
        return 0
    queries = [
        SavedQuery(
            str(r.name),
            str(r.sql),
            None if pd.isna(r.note) else str(r.note),
            None if pd.isna(r.saved_by) else str(r.saved_by),
            pd.Timestamp(r.saved_at).to_pydatetime(),
            None if pd.isna(r.owner) else str(r.owner),
        )
        for r in rows.itertuples()
    ]
    moved = (store or accounts.store()).adopt_queries(queries)
    db.execute(
        con, "DELETE FROM saved_queries WHERE name IN (SELECT unnest($names))", {"names": [q.name for q in queries]}
    )
    return moved
