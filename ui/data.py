"""The edge between the app and analytics: one database connection per process, and cached calls.

Cache keys hold the function, its arguments (filters, scope, …) and the database's data version, so
an import shows at once and one user's scope never serves another's (issue: who sees what).
"""
from __future__ import annotations

import importlib
import threading

import streamlit as st

from analytics import db, rollups
from ui.i18n import t

_build_lock = threading.Lock()


def ensure_database() -> None:
    """Build the demo world on the very first start, with a progress bar instead of a blank page."""
    path = db.db_path()
    if str(path) == ":memory:" or path.exists():
        return
    with _build_lock:
        if path.exists():
            return
        bar = st.progress(0.0, text=t("app.building", step="…"))
        con = db.connect(path, progress=lambda f, step: bar.progress(min(max(f, 0.0), 1.0),
                                                                     text=t("app.building", step=step)))
        con.close()
        bar.empty()


@st.cache_resource(show_spinner=False)
def connection():
    """The process's one DuckDB connection; every query runs on its own cursor (see analytics.db)."""
    return db.connect()


def data_version() -> str:
    return db.data_version(connection())


def page_run():
    """The context of one run of the app (app.py): analytics.rollups.one_check — every call of the run
    reads the rollups, or the raw tables, after one freshness check."""
    return rollups.one_check()


def call(fn, *args, **kwargs):
    """fn(connection, *args, **kwargs) for a public analytics function, cached per data version."""
    return _cached(fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())), data_version())


def write(fn, *args, **kwargs):
    """fn(connection, *args, **kwargs) for an analytics function that changes data (e.g. a target an
    admin sets), then every cached result is dropped: such writes are rare, and a stale number after an
    admin's change would look like the change failed."""
    if not fn.__module__.startswith("analytics."):
        raise ValueError("only analytics functions write through here")
    result = fn(connection(), *args, **kwargs)
    _cached.clear()
    return result


@st.cache_data(show_spinner=False, max_entries=2000, ttl=6 * 3600)
def _cached(module: str, name: str, args: tuple, kwargs: tuple, version: str):
    if not module.startswith("analytics."):
        raise ValueError("only analytics functions are cached here")
    fn = getattr(importlib.import_module(module), name)
    return fn(connection(), *args, **dict(kwargs))


def is_demo() -> bool:
    return call(db.is_demo)


def meta(key: str, default: str | None = None) -> str | None:
    return call(db.meta, key, default)


def recent_audit(scope):
    """The audit log as the given scope may read it (raises AccessDenied otherwise); never cached."""
    from analytics import audit

    return audit.recent(connection(), scope=scope)
