"""The edge between the app and analytics: one database connection per process, and cached calls.

Cache keys hold the function, its arguments (filters, scope, …) and the database's data version, so
an import shows at once and one user's scope never serves another's (issue: who sees what).
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import streamlit as st

from analytics import db
from analytics.access import Scope, audit
from analytics.core import db_errors
from analytics.core.errors import DataError
from analytics.explore import saved
from analytics.lake import serving
from analytics.warehouse.source import Warehouse
from ui.i18n import said, t
from words import msg

log = logging.getLogger(__name__)
_build_lock = threading.Lock()
# The warehouse of the page run in progress (`page_run`): the analytics functions get it as their
# connection. Pages call `call(fn, …)` without a handle, so the run's warehouse travels with the run's
# thread; analytics itself receives it explicitly.
_run: contextvars.ContextVar[dict | None] = contextvars.ContextVar("page_run_warehouse", default=None)


def ensure_database() -> None:
    """Open the database, building the demo world on the very first start with a progress bar instead
    of a blank page. A database that cannot be opened (held by another program, damaged, a full disk)
    is explained with its next step, and the run stops."""
    # Everything this server writes (the database and its log, snapshots, uploads, exports) is for the
    # account that runs it only.
    os.umask(0o077)
    try:
        path = db.db_path()
        if lake_path():
            pass  # a replica of a district deployment reads the lake; it builds nothing
        elif str(path) != ":memory:" and not path.exists():
            with _build_lock:
                if not path.exists():
                    bar = st.progress(0.0, text=t("app.building", step="…"))
                    con = db.connect(
                        path,
                        progress=lambda f, step: bar.progress(min(max(f, 0.0), 1.0), text=t("app.building", step=step)),
                    )
                    con.close()
                    bar.empty()
        connection()
    except DataError as exc:
        st.title(t("app.db_unavailable"))
        st.error(said(exc), icon=":material/database:")
        st.stop()


ENV_LAKE = "JIANGCHUAN_LAKE"


def lake_path() -> str | None:
    """The lake this server serves read-only ($JIANGCHUAN_LAKE: a replica of a district deployment,
    deploy/README.md), or None: one database file, as for one subdistrict."""
    return os.environ.get(ENV_LAKE) or None


def writes_elsewhere(key: str, **values: Any) -> bool:
    """On a replica (it reads a lake) say, with the words under `key`, that a change is not made here and
    where it is; True when said, and the caller then offers no form. False on one subdistrict's server."""
    if not lake_path():
        return False
    st.info(t(key, **values), icon=":material/database:")
    return True


def connection() -> db.Connection:
    """The process's one DuckDB connection; every query runs on its own cursor (see analytics.db). For a
    replica, the lake's: made anew when an import or a refresh lands in the lake (its generation)."""
    lake = lake_path()
    if lake:
        return _lake_connection(lake, serving.generation(lake))
    return _file_connection()


@st.cache_resource(show_spinner=False)
def _file_connection() -> db.Connection:
    con = db.connect()
    try:
        audit.adopt_legacy(con)
    except DataError:
        log.warning("the audit events of an earlier version stay in the database for now", exc_info=True)
    try:
        saved.adopt_legacy(con)
    except DataError:
        log.warning("the saved queries of an earlier version stay in the database for now", exc_info=True)
    return con


@st.cache_resource(show_spinner=False, max_entries=1)
def _lake_connection(lake: str, generation: str) -> db.Connection:
    """The lake's tables, and its derived tables while current (analytics.lake.serving); one at a time:
    a new generation replaces the old connection."""
    return serving.connect(lake)


def data_version() -> str:
    """The data's version, asked once per page run: every cached call of the run keys on it, and one
    query per call (dozens a page) was a sixth of a cached page run's time. A write in the run asks anew."""
    run = _run.get()
    if run is None:
        return db.data_version(connection())
    if "data_version" not in run:
        run["data_version"] = db.data_version(connection())
    return str(run["data_version"])


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """The context of one run of the app (app.py): one warehouse (analytics.warehouse.source) for every
    call of the run, so they all read the rollups, or the raw tables, after one freshness check. A
    DataError no page caught (a full disk, a damaged file) is shown as its own message, never as
    Streamlit's error page."""
    token = _run.set({})  # the warehouse is made by the run's first call (`_reader`)
    try:
        yield
    except DataError as exc:
        if isinstance(exc, db_errors.DatabaseInvalidated):
            _file_connection.clear()  # DuckDB refuses every query on it now; the next run opens it again
        st.error(said(exc), icon=":material/error:")
    finally:
        _run.reset(token)


def _reader() -> db.Queryable:
    """The run's warehouse, else (outside a page run) the connection: a fresh check per call."""
    run = _run.get()
    if run is None:
        return connection()
    if "warehouse" not in run:
        run["warehouse"] = Warehouse(connection())
    return run["warehouse"]


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(connection, *args, **kwargs) for a public analytics function, cached per data version."""
    return _cached(fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())), data_version())


def write(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(connection, *args, **kwargs) for an analytics function that changes data (e.g. a target an
    admin sets), then every cached result is dropped: such writes are rare, and a stale number after an
    admin's change would look like the change failed."""
    if not fn.__module__.startswith("analytics."):
        raise ValueError("only analytics functions write through here")
    if lake_path():
        # a replica's connection reads the lake: say so rather than surface DuckDB's read-only error
        raise DataError(msg("err.replica.read_only"))
    result = fn(connection(), *args, **kwargs)
    _cached.clear()
    run = _run.get()
    if run:
        run.pop("data_version", None)
        if "warehouse" in run:
            run["warehouse"].forget()  # the write may have refreshed the rollups: the rest of the run asks again
    return result


@st.cache_data(show_spinner=False, max_entries=2000, ttl=6 * 3600)
def _cached(module: str, name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...], version: str) -> Any:
    if not module.startswith("analytics."):
        raise ValueError("only analytics functions are cached here")
    fn = getattr(importlib.import_module(module), name)
    return fn(_reader(), *args, **dict(kwargs))


def is_demo() -> bool:
    return call(db.is_demo)


def meta(key: str, default: str | None = None) -> str | None:
    return call(db.meta, key, default)


def recent_audit(scope: Scope | None) -> pd.DataFrame:
    """The audit log as the given scope may read it (raises AccessDenied otherwise); never cached."""
    return audit.recent(connection(), scope=scope)
