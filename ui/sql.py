"""SQL for the people who ask for it: the query behind a chart, and the analysts' console.

`show_sql(fn, *args, key=..., **kwargs)` puts an expander "查看SQL" under a chart: every query that
fn(connection, *args, **kwargs) runs, recorded through `analytics.db.capture_sql()`, with its bound
values written in as literals (`Sql.printable`) so it can be copied into the console and run as it
stands. The capture is cached per arguments and data version, like `ui.data.call`, and made only once
the expander is opened.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analytics import db
from analytics.access import Scope, audit
from analytics.explore import console as explore
from analytics.explore import saved
from ui import data, session
from ui.i18n import t

CONSOLE_TIMEOUT_S = 10
CONSOLE_MAX_ROWS = 10_000
CONSOLE_MAX_BYTES = explore.MAX_BYTES


def show_sql(fn: Callable[..., Any], *args: Any, key: str, **kwargs: Any) -> None:
    """An expander with the SQL behind `fn(connection, *args, **kwargs)` (a public analytics function).
    Its content is made when it is opened (a rerun): a page neither captures its queries again nor
    ships a code block, and the browser its syntax highlighter (1.5 MB), on every view."""
    box = st.expander(t("explore.sql.show"), icon=":material/code:", key=key, on_change="rerun")
    if not box.open:
        return
    statements = _captured(fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())), data.data_version())
    with box:
        st.caption(t("explore.sql.caption"))
        for text in statements:
            st.code(text, language="sql", wrap_lines=True)


@st.cache_data(show_spinner=False, max_entries=500, ttl=6 * 3600)
def _captured(module: str, name: str, args: tuple, kwargs: tuple, version: str) -> list[str]:
    if not module.startswith("analytics."):
        raise ValueError("only analytics functions show their SQL")
    fn = getattr(importlib.import_module(module), name)
    with db.capture_sql() as captured:
        fn(data.connection(), *args, **dict(kwargs))
    return [statement.printable() for statement in captured]


def run_console(sql: str, scope: Scope, on_wait: Callable[[float], bool | None] | None = None) -> explore.QueryResult:
    """Run an analyst's query on the console's locked read-only engine, in a worker process (raises
    QueryRefused). One query per user: a new one cancels the user's previous one, wherever it runs.
    `on_wait(seconds)` is called while the query runs (the page shows progress with it); the run is
    cancelled when the session is gone. Every query is recorded in the audit log, refused ones too."""
    con = data.connection()  # the app's own connection exists first, so the console reads a snapshot of it
    user = session.username()
    owner = user if not user.startswith("demo:") else f"{user}:{_session_id()}"
    try:
        result = explore.run_readonly(
            db.db_path(),
            sql,
            timeout_s=CONSOLE_TIMEOUT_S,
            max_rows=CONSOLE_MAX_ROWS,
            max_bytes=CONSOLE_MAX_BYTES,
            scope=scope,
            owner=owner,
            on_wait=_while_running(on_wait),
        )
    except explore.QueryRefused as refused:
        audit.record(con, user, "sql_query", f"refused ({refused.reason}): {sql}", role=scope.role)
        raise
    except BaseException:  # Streamlit stopped the run (a rerun, another page, the session closed): killed
        audit.record(con, user, "sql_query", f"stopped (the page was left): {sql}", role=scope.role)
        raise
    audit.record(con, user, "sql_query", sql, role=scope.role)
    return result


def _session_id() -> str:
    """This browser session's id (demo users share one name: each session is its own owner)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else "-"


def _while_running(on_wait: Callable[[float], bool | None] | None) -> Callable[[float], bool]:
    """Called every fraction of a second while the worker runs. Touching the session state (or
    drawing) is where Streamlit stops a script run whose user reran, left the page or whose session
    was closed: its exception unwinds through analytics.explore.runner, which kills the worker. A
    session no longer connected (the browser tab closed) cancels the query too."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)

    def check(seconds: float) -> bool:
        "scope" in st.session_state  # noqa: B015 - the yield point where a pending rerun or stop is raised
        if on_wait is not None and seconds >= 1:
            on_wait(seconds)
        if ctx is not None and Runtime.exists() and not Runtime.instance().is_active_session(ctx.session_id):
            return False
        return True

    return check


def saved_queries(scope: Scope) -> pd.DataFrame:
    """The user's own saved queries. Never cached: a query saved a moment ago must show at once."""
    return saved.saved_queries(scope=scope, user=session.username())


def save_query(name: str, sql: str, scope: Scope) -> None:
    saved.save_query(name, sql, scope=scope, user=session.username())


def delete_saved_query(name: str, scope: Scope) -> None:
    saved.delete_saved_query(name, scope=scope, user=session.username())
