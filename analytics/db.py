"""The database as notebooks, scripts and the app open it: `analytics.db.connect()`.

    from analytics import db
    con = db.connect()              # data/jiangchuan.duckdb, or $JIANGCHUAN_DB; built on the first start

Everything here is analytics.core.connection (the one door every query passes), re-exported, except
`connect`: on a missing file it first builds the demo world (analytics.demo.first_start), as the first
start of the app does. The layers below never open a database with that side effect.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import duckdb

from analytics.core.connection import (
    DATA_VERSION_SQL,
    DEFAULT_DB_PATH,
    DEFAULT_MEMORY_LIMIT,
    ENV_DB_PATH,
    ENV_MEMORY_LIMIT,
    ENV_THREADS,
    SCHEMA_DIR,
    SLOW_QUERY_SECONDS,
    Connection,
    Queryable,
    capture_sql,
    configure,
    create_schema,
    data_version,
    db_path,
    execute,
    is_demo,
    make_private,
    meta,
    owner_only,
    query,
    scalar,
    set_meta,
    transaction,
    unfinished,
)
from analytics.core.connection import connect as open_existing
from analytics.demo import first_start

__all__ = [
    "DATA_VERSION_SQL",
    "DEFAULT_DB_PATH",
    "DEFAULT_MEMORY_LIMIT",
    "ENV_DB_PATH",
    "ENV_MEMORY_LIMIT",
    "ENV_THREADS",
    "SCHEMA_DIR",
    "SLOW_QUERY_SECONDS",
    "Connection",
    "Queryable",
    "capture_sql",
    "configure",
    "connect",
    "create_schema",
    "data_version",
    "db_path",
    "execute",
    "is_demo",
    "make_private",
    "meta",
    "open_existing",
    "owner_only",
    "query",
    "scalar",
    "set_meta",
    "transaction",
    "unfinished",
]


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    progress: Callable[[float, str], object] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the database. A missing file is created and filled with the demo world.

    The world is built in a temporary file in the same folder, renamed into place only when complete,
    so that a first start killed at any moment leaves no database or a working one; a database that an
    earlier version left empty or half-built is detected and built anew. `progress(fraction, message)`
    is called during the build (the first start takes a few seconds and the app shows it). ":memory:"
    opens an empty in-memory database with the schema. Read-only, nothing is built: a missing file is
    refused with a message saying what to do.
    """
    target = db_path(path)
    if str(target) != ":memory:" and not read_only:
        first_start.ensure(target, progress)
    return open_existing(target, read_only=read_only)
