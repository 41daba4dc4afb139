"""The analysts' SQL console: any read-only query, run so that the ENGINE refuses what is unsafe.

Safety does not come from scanning the text for bad words. `run_readonly` opens its own DuckDB
instance configured so that the engine itself refuses:

- writes: the database is opened read-only (INSERT / UPDATE / DELETE / DROP / CREATE, a write hidden
  in a CTE, CHECKPOINT… all fail inside DuckDB);
- the file system and the network: `enable_external_access=false` (read_csv('/etc/passwd'), COPY … TO,
  EXPORT DATABASE, ATTACH, INSTALL / LOAD, Python variables as tables);
- extensions: no autoload / autoinstall, no community or unsigned extensions;
- changing any of that: `lock_configuration=true`, so SET / RESET of anything fail;
- exhausting the server: the server never runs the SQL, nor even parses it. Each query runs in a
  worker process of its own (analytics.explore.runner, analytics.explore.worker) whose address space
  is capped as a whole (RLIMIT_AS: DuckDB's memory and the result alike), on an instance with a
  memory limit, a thread limit and no spilling to disk; the worker interrupts the query at
  `timeout_s` and is killed outright shortly after; the answer stops at a row cap and at a byte cap
  (Arrow data) and says so; one query per user (a new one kills the old), a few at once.

DuckDB's own parser (in the worker: a million nested parentheses cost it 7 GB) counts the statements
(one per run) and names their type (SELECT or EXPLAIN only), which turns an accident into a clear
message before the engine is even asked.

What each role reads: a leader the file (or its snapshot); an analyst or an admin a masked copy that
holds only the tables the role may read (analytics.explore.readable: no audit trail, import bookkeeping or
saved queries for an analyst), so that no SQL, however written, reaches the rest.

The same file open read-write in this process (the app's own connection): DuckDB keeps one instance
per file per process and refuses a second one with another configuration ("Can't open a connection to
same database file with a different configuration"); DuckDB 2.0 also refuses to ATTACH a file another
instance of the process holds ("Unique file handle conflict"); and another process cannot open it
either (the writer holds an exclusive file lock). So the console then reads a snapshot beside the file:
through a new connection to the app's own instance it runs CHECKPOINT (the write-ahead log folded into
the file, whose header moves only at checkpoints) and copies the file's bytes, checking that the file
did not change at all during the copy; if it did, or the log still holds commits, the engine copies the
database instead (COPY FROM DATABASE: one read transaction, always consistent, slower). The locked
instance opens the snapshot read-only. It is reused until the file or its log changes (or it is ten
minutes old). Measured on the shared 2-core test machine under load (first query after a write):
file copy 0.2 s at demo scale 0.1 and 1, 0.3 s at scale 10 (640,000 cases, 73 MB); COPY FROM
DATABASE 0.5 s, 1.8 s and 9 s. A query on a snapshot or a free file costs ~0.1–0.3 s of opening.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.core import privacy
from analytics.core.errors import DataError
from analytics.core.scope import Scope
from analytics.core.sql import Sql, inline_params, sql_literal, tidy_sql  # noqa: F401  (re-exported: the SQL behind a chart)
from analytics.explore import readable
from analytics.explore import runner as console_runner
from words import msg

MEMORY_LIMIT = "1GB"
THREADS = 2
MAX_BYTES = 50 * 2**20  # of Arrow data a console answer may hold (besides the row cap)
MASKING_TIMEOUT_S = 600  # making a role's masked copy (city scale: an UPDATE of ten million cases)
SNAPSHOT_MAX_AGE_S = 600
ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT: "SELECT", duckdb.StatementType.EXPLAIN: "EXPLAIN"}

# The engine-level guarantees. lock_configuration comes last in spirit: once the instance runs with
# it, none of the other settings can be changed from SQL.
LOCKED_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "python_enable_replacements": False,
    "memory_limit": MEMORY_LIMIT,
    "threads": THREADS,
    "temp_directory": "",
    "lock_configuration": True,
}


class QueryRefused(DataError):
    """The console would not run a query, or stopped it. `reason` says why, for tests and logs:
    empty, syntax, multiple, statement, read_only, external, config, timeout, memory, busy, cancelled,
    access, error."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason
        self.worker_peak_rss: int | None = None  # set when a worker ran: its peak resident memory, bytes


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame
    truncated: bool  # True when the query had more rows than the frame holds (cut at max_rows or max_bytes)
    elapsed: float  # seconds the query ran (snapshot making not included)
    source: str  # "file": the database file itself; "snapshot": a copy, the file being busy in this
    #                   process; "masked": the role's masked copy
    truncated_by: str | None = None  # "rows" or "bytes" when truncated
    worker_peak_rss: int = 0  # the worker process's peak resident memory, bytes


# ---------------------------------------------------------------------------------------------
# parsing: DuckDB's own parser gives the verdict, in the worker too: parsing alone can cost gigabytes
# (a million nested parentheses, 2 MB of text, took DuckDB's parser 7 GB before it refused them)
MAX_SQL_CHARS = 200_000


def check_statement(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """The type of the one SELECT or EXPLAIN statement in `sql` ("SELECT" / "EXPLAIN"), or QueryRefused.
    Parsed on `con` when given, else in a worker process (analytics.explore.runner)."""
    _check_text(sql)
    if con is not None:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryRefused(msg("err.console.syntax", detail=_first_line(exc)), "syntax") from exc
        return _verdict(len(statements), statements[0].type.name if statements else None)
    request = {
        "path": ":memory:",
        "sql": sql,
        "config": LOCKED_CONFIG,
        "max_rows": 0,
        "parse_only": True,
        "allowed": sorted(ALLOWED_STATEMENTS.values()),
    }
    try:
        answer = console_runner.run(request, timeout_s=10, max_bytes=0)
    except console_runner.WorkerError as error:
        raise _worker_refusal(error, 10, 0) from error
    _raise_for(answer.header, timeout_s=10)
    return answer.header["type"]


def _check_text(sql: str) -> None:
    if not sql or not sql.strip():
        raise QueryRefused(msg("err.console.empty"), "empty")
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRefused(msg("err.console.too_long", chars=len(sql), limit=MAX_SQL_CHARS), "syntax")


def _verdict(count: int, kind: str | None) -> str:
    """What DuckDB's parser found (how many statements, the first one's type) as the console's verdict."""
    if not count:
        raise QueryRefused(msg("err.console.nothing"), "empty")
    if count > 1:
        raise QueryRefused(msg("err.console.multiple", count=count), "multiple")
    if kind is None or kind not in ALLOWED_STATEMENTS.values():
        raise QueryRefused(msg("err.console.statement", kind=kind), "statement")
    return kind


def _raise_for(header: dict, *, timeout_s: float) -> None:
    """QueryRefused for a worker's answer that is not rows: the parser's verdict, or an error."""
    if "verdict" in header:
        _verdict(header["count"], header["type"])
    if not header["ok"]:
        raise _refusal(header["error"], header["message"], timed_out=header["interrupted"], timeout_s=timeout_s)


# ---------------------------------------------------------------------------------------------
# running
def run_readonly(
    db_path: str | os.PathLike,
    sql: str,
    *,
    timeout_s: float = 10,
    max_rows: int = 10_000,
    max_bytes: int = MAX_BYTES,
    scope: Scope | None = None,
    owner: str | None = None,
    on_wait: Callable[[float], bool | None] | None = None,
) -> QueryResult:
    """Run one read-only query on its own locked-down DuckDB instance, in a worker process of its own
    (analytics.explore.runner: memory capped as a whole, killed at the time limit, one query per
    `owner`, a few at once). The answer stops at `max_rows` rows or `max_bytes` bytes of data.

    For a role that may not see personal data (analyst, admin) the query reads a masked copy, in which
    reporter names, phone numbers and the numbers inside descriptions are already masked, and which
    holds only the tables the role may read (analytics.explore.readable): no SQL can reach the rest."""
    path = Path(db_path).resolve()
    if not path.exists():
        raise QueryRefused(msg("err.console.no_file", path=path), "busy")
    if scope is not None and not can_use_console(scope):
        raise QueryRefused(msg("err.console.access"), "access")
    _check_text(sql)
    town = scope.restricted_town if scope is not None else None
    if scope is None or (privacy.sees_personal_data(scope) and town is None):
        source_path, source = _plain_source(path)
    else:
        source_path, source = _masked_snapshot(path, scope.role, town), "masked"
    request = {
        "path": str(source_path),
        "sql": sql,
        "config": LOCKED_CONFIG,
        "max_rows": int(max_rows),
        "allowed": sorted(ALLOWED_STATEMENTS.values()),
    }
    try:
        answer = console_runner.run(
            request, timeout_s=timeout_s, max_bytes=int(max_bytes), owner=owner, on_wait=on_wait
        )
    except console_runner.WorkerError as error:
        raise _worker_refusal(error, timeout_s, max_bytes) from error
    header = answer.header
    try:
        _raise_for(header, timeout_s=timeout_s)
    except QueryRefused as refusal:
        refusal.worker_peak_rss = answer.peak_rss
        raise
    if header["cut"] == "bytes" and header["rows"] == 0:
        too_big = QueryRefused(msg("err.console.first_row_too_big", mb=max_bytes / 2**20), "memory")
        too_big.worker_peak_rss = answer.peak_rss
        raise too_big
    return QueryResult(
        _frame(answer.body), header["cut"] is not None, header["elapsed"], source, header["cut"], answer.peak_rss
    )


def _plain_source(path: Path) -> tuple[Path, str]:
    """The file itself when nothing in this process holds it, else a snapshot (module docstring)."""
    try:
        duckdb.connect(str(path), read_only=True, config=LOCKED_CONFIG).close()
        return path, "file"
    except duckdb.ConnectionException:
        pass  # this process has the file open with another configuration: the app's own connection
    except duckdb.IOException as exc:
        raise QueryRefused(msg("err.console.held"), "busy") from exc
    return _snapshot(path), "snapshot"


def _open_locked(path: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
    """The locked instance on what a worker would read, opened in this process (the tests' proof that
    the engine alone refuses what the parser let through)."""
    source_path, source = _plain_source(path)
    return duckdb.connect(str(source_path), read_only=True, config=LOCKED_CONFIG), source


_snapshot_lock = threading.Lock()


MASKED_COLUMNS = privacy.PERSONAL_COLUMNS
# Free text of the bookkeeping an administrator reads: the audit trail logs console queries, which may
# quote a phone number.
MASKED_BOOKKEEPING = {"audit_log": (("detail", "text"),)}


def _masking_statements(con: duckdb.DuckDBPyConnection, role: str) -> list[str]:
    """What turns a copy of the database into `role`'s masked copy: the tables it may not read
    dropped (analytics.explore.readable), personal fields masked, account names in data tables blanked."""
    scope, analyst = Scope(role), Scope("analyst")
    tables = con.execute("""SELECT table_name, table_type FROM information_schema.tables
                            WHERE table_catalog = current_database() AND table_schema = 'main'
                            ORDER BY table_name""").fetchall()
    statements = []
    for name, kind in tables:
        ident = '"' + name.replace('"', '""') + '"'
        if not readable.may_read(name, scope):
            statements.append(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {ident}")
            continue
        masked = list(MASKED_COLUMNS.get(name, ())) + list(MASKED_BOOKKEEPING.get(name, ()))
        assignments = [f"{c} = {privacy.masked_sql(c, k, analyst)}" for c, k in masked]
        assignments += [f"{c} = NULL" for c in readable.hidden_columns(name, scope)]
        if assignments and kind != "VIEW":
            statements.append(f"UPDATE {ident} SET {', '.join(assignments)}")
    return statements


# Deleted last, in this order: rows that others refer to go after the rows that refer to them.
_REFERENCED = (
    "contest_scores",
    "contest_criteria",
    "contest_entries",
    "contest_rounds",
    "secretaries",
    "pairings",
    "partners",
    "grid_boundaries",
    "communities",
    "grids",
    "towns",
)


def _town_statements(con: duckdb.DuckDBPyConnection, role: str, town: str | None) -> list[str]:
    """What leaves one town's rows in a copy of the database (analytics.explore.readable.town_rows):
    a free-form query of an account bound to a 街镇 can then reach no other town's row."""
    if town is None:
        return []
    scope = Scope(role, town_code=town)
    names = con.execute("""SELECT table_name, list(column_name ORDER BY ordinal_position)
                           FROM information_schema.columns c JOIN information_schema.tables t
                                USING (table_catalog, table_schema, table_name)
                           WHERE table_catalog = current_database() AND table_schema = 'main'
                             AND t.table_type <> 'VIEW'
                           GROUP BY ALL""").fetchall()
    kept = {name: columns for name, columns in names if readable.may_read(name, scope)}
    order = sorted(kept, key=lambda n: (_REFERENCED.index(n) if n in _REFERENCED else -1, n))
    # the town's rounds, read before any entry is deleted (a round is the town's by its entrants)
    statements = [
        "CREATE TABLE explore_town_rounds AS SELECT round_id FROM contest_rounds WHERE "
        + inline_params(*readable.town_rows("contest_rounds", ["round_id"], scope))
    ]
    for name in order:
        ident = '"' + name.replace('"', '""') + '"'
        columns = kept[name]
        if "community_id" not in columns and "round_id" in columns:
            keep = "round_id IN (SELECT round_id FROM explore_town_rounds)"
        else:
            keep = inline_params(*readable.town_rows(name, columns, scope))
        if keep != "TRUE":
            statements.append(f"DELETE FROM {ident} WHERE NOT coalesce(({keep}), FALSE)")
    statements.append("DROP TABLE explore_town_rounds")
    return statements


def _rules_signature() -> str:
    """Changes when the rules of the masked copies change, so that an upgrade rebuilds them."""
    analyst = Scope("analyst")
    rules = [
        sorted(readable.DATA_TABLES),
        sorted(readable.BOOKKEEPING.items()),
        sorted(readable.USER_COLUMNS.items()),
        sorted(MASKED_BOOKKEEPING.items()),
        [privacy.masked_sql(c, k, analyst) for cols in MASKED_COLUMNS.values() for c, k in cols],
        privacy.MASKING_FINGERPRINT,
    ]
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:8]


def _masked_snapshot(path: Path, role: str, town: str | None = None) -> Path:
    """A copy of the database as `role` may read it (see _masking_statements) — of one 街镇's rows
    alone for an account bound to `town` (see _town_statements) — rebuilt when the data or the rules
    change. Made from the plain snapshot when this process holds the file, else from the file itself."""
    try:
        probe = duckdb.connect(str(path), read_only=True, config=LOCKED_CONFIG)
        probe.close()
        source, fingerprint = path, _fingerprint(path)
    except duckdb.ConnectionException:
        source = _snapshot(path)
        fingerprint = source.stem.rsplit("-", 1)[-1]
    except duckdb.IOException as exc:
        raise QueryRefused(msg("err.console.held_short"), "busy") from exc
    prefix = f"{path.stem}.explore-masked-{role}{'@' + town if town else ''}-"
    target = path.with_name(f"{prefix}{fingerprint}-{_rules_signature()}.duckdb")
    with _snapshot_lock:
        if target.exists():
            return target
        building = path.with_name(f"{path.stem}.explore-building-{uuid.uuid4().hex[:8]}.duckdb")
        try:
            shutil.copyfile(source, building)
            os.chmod(building, 0o600)  # personal data, masked or not: the owner's only
        except OSError as exc:  # a full disk, mostly: no partial copy of the residents' data stays behind
            building.unlink(missing_ok=True)
            full = exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
            cause = (
                msg("err.console.cause.disk")
                if full
                else msg("err.console.cause.folder", folder=path.parent, reason=exc.strerror)
            )
            raise QueryRefused(msg("err.console.no_masked_copy", cause=cause), "busy") from exc
        try:
            lister = duckdb.connect(str(building), read_only=True, config={"threads": 1})
            try:
                masking = [] if privacy.sees_personal_data(Scope(role)) else _masking_statements(lister, role)
                statements = masking + _town_statements(lister, role, town)
            finally:
                lister.close()
            # the masking itself (an UPDATE of every case) runs in a worker: its memory is not the server's
            answer = console_runner.run(
                {
                    "mode": "script",
                    "path": str(building),
                    "statements": statements,
                    "config": {"memory_limit": MEMORY_LIMIT, "threads": THREADS},
                },
                timeout_s=MASKING_TIMEOUT_S,
                max_bytes=0,
            )
            if not answer.header["ok"]:
                detail = _first_line(Exception(answer.header["message"]))
                raise QueryRefused(msg("err.console.masking_failed", detail=detail), "busy")
        except (duckdb.Error, console_runner.WorkerError) as exc:
            building.unlink(missing_ok=True)
            raise QueryRefused(msg("err.console.masking_failed", detail=_first_line(exc)), "busy") from exc
        except QueryRefused:
            building.unlink(missing_ok=True)
            raise
        os.replace(building, target)
        for old in path.parent.glob(f"{prefix}*.duckdb"):
            if old != target:
                try:
                    old.unlink()
                except OSError:
                    pass
        return target


def _fingerprint(path: Path) -> str:
    """Changes whenever a commit reaches the file or its write-ahead log."""
    parts: list[tuple[int, int, int, int] | None] = []
    for file in (path, Path(str(path) + ".wal")):
        try:
            st = file.stat()
            parts.append((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
        except FileNotFoundError:
            parts.append(None)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def snapshot_files(path: str | os.PathLike) -> list[Path]:
    """The console's snapshot files of the database at `path` (they sit beside it)."""
    path = Path(path).resolve()
    return sorted(p for p in path.parent.glob(f"{path.stem}.explore-*.duckdb") if "-masked-" not in p.name)


def _snapshot(path: Path) -> Path:
    """A consistent read-only copy of the database the app holds open, made through the app's instance."""
    with _snapshot_lock:
        target = _snapshot_name(path, _fingerprint(path))
        if _fresh(target):
            return target
        building = path.with_name(f"{path.stem}.explore-building-{uuid.uuid4().hex[:8]}.duckdb")
        source = _connect_same_instance(path)
        try:
            try:
                source.execute("CHECKPOINT")  # fold the write-ahead log into the file
            except duckdb.Error:
                pass  # a read-only holder: the file does not change under it anyway
            fingerprint = _fingerprint(path)
            target = _snapshot_name(path, fingerprint)
            if _fresh(target):
                return target
            if not _copy_file(path, building, fingerprint):
                _copy_database(source, building)
        except duckdb.Error as exc:
            building.unlink(missing_ok=True)
            raise QueryRefused(msg("err.console.snapshot_failed", detail=_first_line(exc)), "busy") from exc
        finally:
            source.close()
        os.chmod(building, 0o600)  # personal data: the owner's only
        os.replace(building, target)
        for old in snapshot_files(path):
            if old != target:
                try:  # a query still reading an old copy keeps it open; on Windows it stays until next time
                    old.unlink()
                    Path(str(old) + ".wal").unlink(missing_ok=True)
                except OSError:
                    pass
        return target


def _snapshot_name(path: Path, fingerprint: str) -> Path:
    return path.with_name(f"{path.stem}.explore-{fingerprint}.duckdb")


def _fresh(snapshot: Path) -> bool:
    return snapshot.exists() and time.time() - snapshot.stat().st_mtime < SNAPSHOT_MAX_AGE_S


def _copy_file(path: Path, building: Path, fingerprint: str) -> bool:
    """The fast way: after a checkpoint, commits go to the write-ahead log and the file's header (what a
    reader opens) moves only at the next checkpoint, so a byte copy taken while the file's size and
    times stay put is the database as of that checkpoint. False (and nothing left behind) when the log
    holds commits the file lacks, or anything wrote to the file during the copy (a checkpoint, or a big
    insert writing its blocks ahead of its commit): then the engine copies the database instead."""
    wal = Path(str(path) + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        return False
    try:
        shutil.copyfile(path, building)
    except OSError:
        building.unlink(missing_ok=True)
        return False
    if _fingerprint(path) != fingerprint:
        building.unlink(missing_ok=True)
        return False
    return True


def _copy_database(source: duckdb.DuckDBPyConnection, building: Path) -> None:
    """The sure way: COPY FROM DATABASE reads every table in one transaction (slower: it rebuilds the
    indexes; measured in the module's docstring)."""
    cur = source.cursor()
    try:
        alias = cur.execute("SELECT current_database()").fetchall()[0][0]
        cur.execute(f"ATTACH '{_quote(str(building))}' AS explore_snapshot (READ_WRITE)")
        try:
            quoted = alias.replace('"', '""')  # the database's name comes from the operator's file name
            cur.execute(f'COPY FROM DATABASE "{quoted}" TO explore_snapshot')
        finally:
            cur.execute("DETACH explore_snapshot")
    finally:
        cur.close()


def _connect_same_instance(path: Path) -> duckdb.DuckDBPyConnection:
    """A new connection to the instance this process already has on `path` (DuckDB hands out the
    existing instance when the configuration matches: the app's read-write one, or a read-only one)."""
    for read_only in (False, True):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.ConnectionException:
            continue
    raise QueryRefused(msg("err.console.odd_settings"), "busy")


def _refusal(error: str, message: str, *, timed_out: bool, timeout_s: float) -> QueryRefused:
    """The analyst's wording of an error the worker reported (`error`: the exception's class name)."""
    detail = message.strip().splitlines()[0] if message.strip() else error
    if error == "InterruptException" or timed_out:
        return QueryRefused(msg("err.console.timeout", seconds=timeout_s), "timeout")
    if (
        error in ("OutOfMemoryException", "MemoryError", "ArrowMemoryError")
        or "bad_alloc" in message
        or "Out of Memory" in message
    ):
        return QueryRefused(msg("err.console.memory", limit=MEMORY_LIMIT), "memory")
    if error == "PermissionException":
        return QueryRefused(msg("err.console.external", detail=detail), "external")
    if "configuration has been locked" in message:
        return QueryRefused(msg("err.console.config", detail=detail), "config")
    if "read-only" in message or "read_only" in message:
        return QueryRefused(msg("err.console.read_only", detail=detail), "read_only")
    if error == "ParserException":
        return QueryRefused(msg("err.console.syntax", detail=detail), "syntax")
    hidden = re.search(r"Table with name (\w+) does not exist", message)
    if hidden and hidden.group(1) in readable.BOOKKEEPING:  # not in this role's copy: say why, not just "missing"
        return QueryRefused(msg("err.console.bookkeeping", table=hidden.group(1)), "error")
    return QueryRefused(msg("err.console.failed", detail=detail), "error")


def _worker_refusal(error: console_runner.WorkerError, timeout_s: float, max_bytes: int) -> QueryRefused:
    """The analyst's wording of a worker that did not answer (killed, or refused a place)."""
    if error.kind == "busy":
        refusal = QueryRefused(msg("err.console.busy", running=console_runner.max_concurrent()), "busy")
    elif error.kind == "timeout":
        refusal = QueryRefused(msg("err.console.killed_timeout", seconds=timeout_s), "timeout")
    elif error.kind == "cancelled":
        refusal = QueryRefused(msg("err.console.cancelled"), "cancelled")
    elif error.kind == "too_big":
        refusal = QueryRefused(msg("err.console.too_big", mb=max_bytes / 2**20), "memory")
    elif error.kind == "memory":
        refusal = QueryRefused(msg("err.console.worker_memory", mb=console_runner.memory_cap() // 2**20), "memory")
    else:
        refusal = QueryRefused(msg("err.console.died", error=error), "error")
    refusal.worker_peak_rss = error.peak_rss
    return refusal


def _frame(body: console_runner._Chunks) -> pd.DataFrame:
    """The worker's Arrow stream as a frame. Nested values (lists, structs, maps) stay in Arrow memory
    (pd.ArrowDtype) instead of becoming millions of Python objects; DECIMAL becomes a number."""
    with pa.ipc.open_stream(pa.PythonFile(body, mode="r")) as reader:
        table = reader.read_all()
    table = table.rename_columns(_unique_names(table.column_names))

    def mapper(kind: pa.DataType) -> pd.ArrowDtype | None:
        nested = pa.types.is_nested(kind) and not pa.types.is_dictionary(kind)
        return pd.ArrowDtype(kind) if nested else None

    schema = table.schema
    frame = table.to_pandas(types_mapper=mapper, split_blocks=True, self_destruct=True)
    del table  # self_destruct: the Arrow buffers went away column by column as pandas took them
    for field in schema:
        name = field.name
        if pa.types.is_decimal(field.type):
            if field.type.scale == 0:  # HUGEINT and whole DECIMALs: exact integers, as DuckDB holds them
                frame[name] = pd.Series(
                    [None if v is None else int(v) for v in frame[name]], index=frame.index, dtype=object
                )
            else:
                frame[name] = pd.to_numeric(frame[name])
    return frame


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _quote(text: str) -> str:
    return text.replace("'", "''")


# ---------------------------------------------------------------------------------------------
# who may use the console, and results ready for any download format
CONSOLE_ROLES = frozenset({"analyst", "admin", "leader"})


def can_use_console(scope: Scope | None) -> bool:
    """The SQL console is for analysts (and administrators, and leaders who ask their own questions);
    a secretary's scope is row-limited in SQL, which a free-form console cannot promise."""
    return scope is not None and scope.role in CONSOLE_ROLES


def flat_for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose cells are all scalars: lists, structs, maps and blobs from a console query become
    text, so CSV, Excel and Parquet all accept them."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if isinstance(dtype, pd.ArrowDtype) and pa.types.is_nested(dtype.pyarrow_dtype):
            values = pa.array(out[column]).to_pylist()
            out[column] = pd.Series([_flat_cell(v) for v in values], index=out.index, dtype=object)
        elif pd.api.types.is_object_dtype(dtype):
            out[column] = out[column].map(_flat_cell)
    return out


def _flat_cell(value: object) -> object:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple | dict | set):
        return str(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return str(value.tolist())
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
