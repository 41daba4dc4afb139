"""The one door to DuckDB: opening the database, its schema, and running a query.

Every query of the project goes through `query()` (or `execute()` for statements), so binding, error
mapping and timing live in one place, and a distributed engine could later plug in here.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import duckdb
import pandas as pd

from analytics.core.db_errors import DatabaseLocked, open_failure, write_failure
from analytics.core.errors import DataError
from analytics.core.sql import Sql
from words import msg

log = logging.getLogger(__name__)

# The connection type, named here so that layers that never import the driver (ui/) can annotate it.
Connection: TypeAlias = duckdb.DuckDBPyConnection


class Queryable(Protocol):
    """What the one door needs of what it is handed: a DuckDB connection, or an object that passes for
    one — analytics.warehouse.source.Warehouse, a connection with a policy of where to read."""

    def cursor(self) -> duckdb.DuckDBPyConnection: ...

    def execute(self, query: str, parameters: object = ...) -> Any: ...


# Bound values: by name ($name) or by position (?), as DuckDB takes them.
Params: TypeAlias = Mapping[str, Any] | list[Any] | None

ENV_DB_PATH = "JIANGCHUAN_DB"
# DuckDB's own limits for every connection this module opens (the app's included). Without a memory
# limit DuckDB may keep up to 80% of the machine's memory as cache; the app shares its server with
# other work. Values are DuckDB's: "1GB", "512MB", "50%"…; threads: a whole number (default: cores).
ENV_MEMORY_LIMIT = "JIANGCHUAN_DUCKDB_MEMORY"
ENV_THREADS = "JIANGCHUAN_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "jiangchuan.duckdb"
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"

# Slow queries are logged so that a page's cost shows up in the server log without a profiler.
SLOW_QUERY_SECONDS = 1.0

# While a `capture_sql()` block runs, every query() / scalar() of this thread (or task) is recorded
# here as an Sql with its values, so a page can show the SQL behind the numbers it draws.
_captured: contextvars.ContextVar[list[Sql] | None] = contextvars.ContextVar("captured_sql", default=None)


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the argument, else $JIANGCHUAN_DB, else data/jiangchuan.duckdb."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(ENV_DB_PATH) or DEFAULT_DB_PATH)


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open an existing database (":memory:" opens an empty in-memory one with the schema). Opening
    never builds anything: a missing file, or one an interrupted first start left empty, is refused with
    a message saying what to do. The first start's demo world is analytics.db.connect's (the facade
    the app and notebooks open with), built by analytics.demo.first_start.
    """
    target = db_path(path)
    if str(target) == ":memory:":
        con = _open(target, read_only=False)
        configure(con)
        create_schema(con)
        return con
    if not target.exists() or _empty_file(target):
        raise DataError(msg("err.db.missing", path=target))
    con = _open(target, read_only=read_only)
    if unfinished(con):
        con.close()
        raise DataError(msg("err.db.unfinished", path=target))
    configure(con)
    if not read_only:
        make_private(target)
        create_schema(con)
    return con


COPY_ATTEMPTS = 5


def connect_for_reading(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """Open a database to read from a process other than the app's: a command run by cron (the monthly
    briefing, the overdue notices) while the app is running. The file itself when nothing holds it;
    when the running app does (DuckDB's exclusive lock refuses every other process, readers too), a
    private copy of the file and its write-ahead log, taken while neither changed, opened read-only:
    DuckDB replays the log's commits on open, so the copy holds everything committed at that moment.
    The copy lies beside the database (same disk, same owner-only folder) and is removed at exit."""
    try:
        return connect(path, read_only=True)
    except DatabaseLocked:
        target = db_path(path)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.stem}.reading-", dir=target.parent))
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / target.name
    wal = Path(f"{target}.wal")
    for _ in range(COPY_ATTEMPTS):
        before = _file_state(target), _file_state(wal)
        shutil.copyfile(target, copy)
        Path(f"{copy}.wal").unlink(missing_ok=True)
        if wal.exists():
            shutil.copyfile(wal, f"{copy}.wal")
        if (_file_state(target), _file_state(wal)) == before:
            con = _open(copy, read_only=True)
            configure(con)
            return con
        time.sleep(0.2)  # the app wrote during the copy: take it again
    raise DatabaseLocked(msg("err.db.copy_moving", path=target))


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


@contextlib.contextmanager
def owner_only() -> Iterator[None]:
    """Files and folders created inside are readable by their owner only (umask is per process; a
    stricter mask for a moment is harmless to other threads)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def make_private(target: Path) -> None:
    """An existing database (and its write-ahead log) made by an earlier version readable by every local
    user becomes the owner's only; files this version creates are so from the start."""
    for path in (target, Path(str(target) + ".wal")):
        with contextlib.suppress(OSError):
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)


def _open(target: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(target), read_only=read_only)
    except duckdb.Error as exc:
        raise open_failure(exc, target) from exc


def _empty_file(target: Path) -> bool:
    """A zero-byte file: an earlier version was killed between creating the file and writing it."""
    try:
        return target.stat().st_size == 0
    except FileNotFoundError:
        return False


def unfinished(con: duckdb.DuckDBPyConnection) -> bool:
    """True for a database that holds no data and was never marked as a world: an earlier version's
    first start, killed after the schema and before the demo world committed. An emptied real database
    keeps its import_batches rows and its 'world' mark, so it never looks unfinished."""
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not tables:
        return True
    if not {"app_meta", "import_batches", "communities"} <= tables:
        return False
    row = con.execute("""SELECT NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'world')
                            AND NOT EXISTS (SELECT 1 FROM import_batches)
                            AND NOT EXISTS (SELECT 1 FROM communities)""").fetchone()
    return row is not None and bool(row[0])


def configure(con: duckdb.DuckDBPyConnection, *, memory_limit: str | None = None, threads: int | None = None) -> None:
    """DuckDB's memory limit and thread count: the arguments, else $JIANGCHUAN_DUCKDB_MEMORY /
    $JIANGCHUAN_DUCKDB_THREADS, else 1GB and DuckDB's default (one thread per core). Both settings are
    the database instance's, so they hold for every cursor of the connection."""
    memory_limit = memory_limit or os.environ.get(ENV_MEMORY_LIMIT) or DEFAULT_MEMORY_LIMIT
    thread_setting: int | str | None = threads or os.environ.get(ENV_THREADS)
    try:
        con.execute("SET memory_limit = $limit", {"limit": str(memory_limit)})
        if thread_setting:
            con.execute("SET threads = $threads", {"threads": int(thread_setting)})
    except (duckdb.Error, ValueError) as exc:
        raise DataError(
            msg(
                "err.db.settings",
                memory_name=ENV_MEMORY_LIMIT,
                memory=memory_limit,
                threads_name=ENV_THREADS,
                threads=thread_setting,
                detail=str(exc),
            )
        ) from exc


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every table of the data model (idempotent: existing tables are left as they are)."""
    for sql_file in sorted(SCHEMA_DIR.glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))


@contextlib.contextmanager
def capture_sql() -> Iterator[list[Sql]]:
    """`with capture_sql() as captured:` records every query() and scalar() run in this thread inside
    the block, in order, as an Sql with its values (`.printable()` is what "查看SQL" shows; an entry
    still unpacks as `sql, params`)."""
    captured: list[Sql] = []
    token = _captured.set(captured)
    try:
        yield captured
    finally:
        _captured.reset(token)


def _statement(sql: str | Sql, params: Params) -> tuple[str, Params]:
    """The text and values to run: a fragment carries its own values, a string comes with `params`."""
    if isinstance(sql, Sql):
        if params is not None:
            raise TypeError("an Sql fragment carries its own values: pass it without params")
        return sql.text, dict(sql.params)
    return sql, params


def _record(sql: str, params: Params) -> None:
    captured = _captured.get()
    if captured is not None:
        captured.append(Sql(sql, dict(params) if isinstance(params, Mapping) else list(params or [])))


def query(con: Queryable, sql: str | Sql, params: Params = None, *, in_transaction: bool = False) -> pd.DataFrame:
    """Run one SELECT with bound parameters on a fresh cursor; return a pandas DataFrame. `sql` is a
    string with its `params`, or an Sql that carries its own.

    `in_transaction=True` runs it on `con` itself (a cursor from `transaction()`), so that it sees the
    transaction's own uncommitted writes and registered tables."""
    sql, params = _statement(sql, params)
    _record(sql, params)
    started = time.perf_counter()
    own = None if in_transaction else con.cursor()
    cur = own or con
    try:
        frame = cur.execute(sql, params or {}).df() if params else cur.execute(sql).df()
    except duckdb.Error as exc:
        raise (write_failure(exc) or DataError(msg("err.db.query", detail=str(exc)))) from exc
    finally:
        if own is not None:
            own.close()
    _log_slow(sql, started)
    return frame


def scalar(
    con: Queryable,
    sql: str | Sql,
    params: Params = None,
    *,
    in_transaction: bool = False,
    record: bool = True,
) -> Any:
    """The first column of the first row of a query, or None. `record=False` keeps bookkeeping queries
    (such as whether the rollups are current) out of `capture_sql()`, which shows a chart's SQL."""
    sql, params = _statement(sql, params)
    if record:
        _record(sql, params)
    own = None if in_transaction else con.cursor()
    cur = own or con
    try:
        rows = cur.execute(sql, params or {}).fetchall() if params else cur.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise (write_failure(exc) or DataError(msg("err.db.query", detail=str(exc)))) from exc
    finally:
        if own is not None:
            own.close()
    return rows[0][0] if rows else None


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of its own inside BEGIN … COMMIT; any exception (even KeyboardInterrupt) rolls back.
    Run statements on the yielded cursor (`execute(cur, …)`, `query(cur, …, in_transaction=True)`)."""
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed COMMIT has already ended the transaction
            raise
    except duckdb.TransactionException as exc:
        raise DataError(msg("err.db.write_race")) from exc
    except duckdb.Error as exc:  # COMMIT itself failed: a full disk or a damaged file
        failure = write_failure(exc)
        if failure is None:
            raise
        raise failure from exc
    finally:
        cur.close()


def execute(con: Queryable, sql: str | Sql, params: Params = None) -> None:
    """Run one statement that changes data, with bound parameters (or an Sql that carries its own)."""
    sql, params = _statement(sql, params)
    started = time.perf_counter()
    try:
        con.execute(sql, params) if params else con.execute(sql)
    except duckdb.ConstraintException as exc:
        raise DataError(msg("err.db.constraint", detail=str(exc))) from exc
    except duckdb.Error as exc:
        raise (write_failure(exc) or DataError(msg("err.db.write", detail=str(exc)))) from exc
    _log_slow(sql, started)


DATA_VERSION_SQL = (
    "SELECT count(*) || '/' || coalesce(max(imported_at)::VARCHAR, '') || '/'"
    " || count(*) FILTER (WHERE status = 'undone') FROM import_batches"
)


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever data is imported or undone; caches key on it so they never serve stale data."""
    return str(scalar(con, DATA_VERSION_SQL))


def meta(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    value = scalar(con, "SELECT value FROM app_meta WHERE key = $key", {"key": key})
    return default if value is None else value


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    execute(con, "INSERT OR REPLACE INTO app_meta VALUES ($key, $value)", {"key": key, "value": value})


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the database holds the generated demo world (the app then labels it as simulated)."""
    return meta(con, "world") == "demo"


def _log_slow(sql: str, started: float) -> None:
    elapsed = time.perf_counter() - started
    if elapsed > SLOW_QUERY_SECONDS:
        log.warning("slow query (%.2f s): %s", elapsed, " ".join(sql.split())[:200])
