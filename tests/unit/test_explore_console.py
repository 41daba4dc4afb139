"""The SQL console's safety: a hostile corpus is refused or stopped, by the engine's own permissions,
both when the database file is free and in the app's situation (the same file open read-write in
this process), and every table's checksum is unchanged afterwards."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
import threading
import time

import duckdb
import pandas as pd
import pytest

from analytics import db

# (statement, the reasons it may be refused for). The reasons show which layer said no: "statement"
from analytics.explore import console as explore

# / "multiple" / "syntax" come from DuckDB's parser; "external", "config", "read_only", "timeout",
# "memory" from the locked engine itself.
HOSTILE = [
    ("SELECT * FROM read_csv('/etc/passwd')", {"external"}),
    ("SELECT * FROM read_csv_auto('/etc/passwd', header = false)", {"external"}),
    ("SELECT * FROM read_text('/etc/passwd')", {"external"}),
    ("SELECT * FROM read_blob('/etc/passwd')", {"external"}),
    ("SELECT * FROM glob('/etc/*')", {"external"}),
    ("SELECT * FROM read_parquet('/tmp/anything.parquet')", {"external"}),
    ("SELECT * FROM '/etc/passwd'", {"external", "error"}),
    ("COPY grids TO '{tmp}/stolen.csv'", {"statement"}),
    ("COPY (SELECT * FROM grid_cases) TO '{tmp}/stolen.parquet' (FORMAT parquet)", {"statement"}),
    ("EXPORT DATABASE '{tmp}/exported'", {"statement"}),
    ("ATTACH '{tmp}/new.duckdb' AS other", {"statement"}),
    ("ATTACH ':memory:' AS scratch", {"statement"}),
    ("INSTALL spatial", {"statement"}),
    ("LOAD spatial", {"statement"}),
    ("LOAD '{tmp}/evil.duckdb_extension'", {"statement"}),
    ("SET enable_external_access = true", {"statement"}),
    ("SET memory_limit = '64GB'", {"statement"}),
    ("SET lock_configuration = false", {"statement"}),
    ("RESET memory_limit", {"statement"}),
    ("PRAGMA enable_profiling", {"statement"}),
    ("CALL pragma_version()", {"statement"}),
    ("CHECKPOINT", {"statement"}),
    ("BEGIN TRANSACTION", {"statement"}),
    ("DELETE FROM grids", {"statement"}),
    ("DROP TABLE grids", {"statement"}),
    ("UPDATE grids SET name = 'x'", {"statement"}),
    ("INSERT INTO app_meta VALUES ('x', 'y')", {"statement"}),
    ("CREATE TABLE stolen AS SELECT * FROM grid_cases", {"statement"}),
    ("ALTER TABLE grids ADD COLUMN x INTEGER", {"statement"}),
    ("SELECT 1; DELETE FROM grids", {"multiple"}),
    ("SELECT 1; /* */ DROP TABLE grids", {"multiple"}),
    ("/* SELECT */ DELETE FROM grids", {"statement"}),
    ("-- SELECT\nDROP TABLE grid_cases", {"statement"}),
    # The parser calls these SELECT / EXPLAIN: only the read-only engine stops them.
    ("WITH gone AS (DELETE FROM grids RETURNING *) SELECT * FROM gone", {"read_only"}),
    ("EXPLAIN ANALYZE DELETE FROM grids", {"read_only"}),
    ("SELECT * FROM query('DROP TABLE grids')", {"syntax", "error"}),
    ("SELECT * FROM range(1e13)", {"error"}),  # range() takes integers: the binder refuses a DOUBLE
]

# Statements the engine itself must refuse even with the parser's check out of the way.
ENGINE_MUST_REFUSE = [
    sql
    for sql, _ in HOSTILE
    if not sql.startswith(("SELECT 1;", "SELECT * FROM range"))
    and sql not in ("CALL pragma_version()", "PRAGMA enable_profiling", "BEGIN TRANSACTION", "CHECKPOINT")
]


def checksums(con) -> dict[str, tuple]:
    """Row count and an order-independent hash of every row, per table."""
    names = db.query(
        con,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        " AND table_catalog = current_database() ORDER BY 1",
    )["table_name"]
    return {
        n: tuple(con.execute(f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{n}" t').fetchone())
        for n in names
    }


def file_checksums(path) -> dict[str, tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return checksums(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def free_db(demo_db_path, tmp_path_factory):
    """A copy of the demo world that nothing else in the process holds open."""
    path = tmp_path_factory.mktemp("console") / "free.duckdb"
    shutil.copy(demo_db_path, path)
    return path


@pytest.fixture(scope="module")
def free_baseline(free_db):
    """Every table's checksum and the file's bytes before any statement of this module ran."""
    return file_checksums(free_db), _sha(free_db)


@pytest.fixture(scope="module")
def app_db_open(demo_db_path, tmp_path_factory):
    """The app's situation: the file open read-write through analytics.db.connect, as ui.data does."""
    path = tmp_path_factory.mktemp("console_app") / "app.duckdb"
    shutil.copy(demo_db_path, path)
    con = db.connect(path)
    yield path, con, checksums(con)
    con.close()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize(("sql", "reasons"), HOSTILE, ids=[s[:40] for s, _ in HOSTILE])
def test_hostile_statement_refused_on_a_free_file(free_db, free_baseline, tmp_path, sql, reasons):
    before_tables, before_bytes = free_baseline
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(free_db, sql.format(tmp=tmp_path), timeout_s=5)
    assert refused.value.reason in reasons, str(refused.value)
    assert isinstance(refused.value, explore.DataError)
    assert str(refused.value)  # a message for the analyst, in Chinese
    assert file_checksums(free_db) == before_tables
    assert _sha(free_db) == before_bytes  # not a byte of the file changed
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


@pytest.mark.slow
@pytest.mark.parametrize(("sql", "reasons"), HOSTILE, ids=[s[:40] for s, _ in HOSTILE])
def test_hostile_statement_refused_while_the_app_holds_the_file(app_db_open, tmp_path, sql, reasons):
    path, app_con, before = app_db_open
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(path, sql.format(tmp=tmp_path), timeout_s=5)
    assert refused.value.reason in reasons, str(refused.value)
    assert checksums(app_con) == before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("sql", ENGINE_MUST_REFUSE, ids=[s[:40] for s in ENGINE_MUST_REFUSE])
@pytest.mark.parametrize("situation", ["free", "app"])
def test_the_engine_alone_refuses(free_db, app_db_open, tmp_path, sql, situation):
    """Defence in depth: skip the parser's check and hand the statement straight to the locked
    instance. The engine's own permissions refuse it."""
    path = free_db if situation == "free" else app_db_open[0]
    con, source = explore._open_locked(path.resolve())
    assert source == ("file" if situation == "free" else "snapshot")
    try:
        with pytest.raises(duckdb.Error):
            con.execute(sql.format(tmp=tmp_path)).fetchall()
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_the_engine_reports_its_own_locks(free_db):
    result = explore.run_readonly(
        free_db,
        """
        SELECT current_setting('enable_external_access') AS external_access,
               current_setting('lock_configuration') AS locked,
               current_setting('access_mode') AS access_mode,
               current_setting('autoload_known_extensions') AS autoload,
               current_setting('threads') AS threads""",
    )
    row = result.frame.iloc[0]
    assert not row["external_access"] and row["locked"] and row["access_mode"] == "read_only"
    assert not row["autoload"] and row["threads"] == explore.THREADS


def test_python_variables_are_not_tables(free_db):
    hostile_local = pd.DataFrame({"secret": ["from the server's memory"]})  # noqa: F841
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(free_db, "SELECT * FROM hostile_local")
    assert refused.value.reason == "error"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM range(10000000000000)",
        "SELECT * FROM range(10000000000000) ORDER BY range DESC",
        "SELECT sum(a.range * b.range) FROM range(1000000) a CROSS JOIN range(1000000) b",
        "SELECT count(*) FROM grid_cases a, grid_cases b, grid_cases c",
    ],
    ids=["range-count", "range-sort", "cross-join-bomb", "fact-cross-join"],
)
@pytest.mark.slow
@pytest.mark.parametrize("situation", ["free", "app"])
def test_runaway_queries_are_interrupted_within_the_time_limit(free_db, app_db_open, sql, situation):
    path = free_db if situation == "free" else app_db_open[0]
    explore.run_readonly(path, "SELECT 1")  # the snapshot (if any) is made outside the timed part
    started = time.perf_counter()
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(path, sql, timeout_s=0.5)
    wall = time.perf_counter() - started
    assert refused.value.reason == "timeout"
    assert "0.5 秒" in str(refused.value)
    assert wall < 4, f"took {wall:.1f} s with a 0.5 s limit"  # generous: the test machine is shared


@pytest.mark.slow
def test_a_memory_bomb_is_stopped(free_db):
    started = time.perf_counter()
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(free_db, "SELECT list(range) FROM range(2000000000)", timeout_s=8)
    assert refused.value.reason in {"memory", "timeout"}
    assert time.perf_counter() - started < 10


def test_the_row_cap_says_when_it_cut(free_db):
    started = time.perf_counter()
    endless = explore.run_readonly(free_db, "SELECT * FROM range(10000000000000)", max_rows=100)
    assert endless.truncated and len(endless.frame) == 100
    assert time.perf_counter() - started < 3  # rows are streamed, not all made first
    whole = explore.run_readonly(free_db, "SELECT * FROM grids", max_rows=7)
    assert not whole.truncated and len(whole.frame) == 7
    cut = explore.run_readonly(free_db, "SELECT * FROM grids", max_rows=6)
    assert cut.truncated and len(cut.frame) == 6


def test_answers_match_the_database(free_db, demo_con):
    result = explore.run_readonly(
        free_db,
        """
        SELECT category, count(*) AS n, avg(satisfaction)::DECIMAL(5, 2) AS mean_sat
        FROM grid_cases GROUP BY ALL ORDER BY category""",
    )
    expected = demo_con.execute("SELECT category, count(*) FROM grid_cases GROUP BY ALL ORDER BY category").fetchall()
    assert list(result.frame[["category", "n"]].itertuples(index=False, name=None)) == expected
    assert result.frame["mean_sat"].dtype == float  # DECIMAL comes back as a number, not an object
    assert result.source == "file" and result.elapsed >= 0


def test_empty_and_duplicate_columns(free_db):
    empty = explore.run_readonly(free_db, "SELECT grid_id, name FROM grids WHERE false")
    assert list(empty.frame.columns) == ["grid_id", "name"] and empty.frame.empty
    dup = explore.run_readonly(free_db, "SELECT 1 AS a, 2 AS a")
    assert list(dup.frame.columns) == ["a", "a_2"]


def test_explain_and_describe_are_allowed(free_db):
    assert not explore.run_readonly(free_db, "EXPLAIN SELECT * FROM grids").frame.empty
    assert len(explore.run_readonly(free_db, "DESCRIBE grids").frame) == 4
    assert len(explore.run_readonly(free_db, "FROM grids").frame) == 7


# ---------------------------------------------------------------------------------------------
# the in-app situation
@pytest.mark.slow
def test_in_app_situation_reads_a_snapshot_and_cannot_write(demo_db_path, tmp_path):
    """The app's connection (analytics.db.connect, read-write) is open; run_readonly on the same path
    works, sees what the app committed, and cannot change anything."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_path, path)
    app = db.connect(path)
    try:
        with pytest.raises(duckdb.ConnectionException):  # why a snapshot is needed at all
            duckdb.connect(str(path), read_only=True, config=explore.LOCKED_CONFIG)
        before = checksums(app)
        result = explore.run_readonly(path, "SELECT count(*) AS n FROM grid_cases")
        assert result.source == "snapshot"
        assert result.frame["n"].iloc[0] == before["grid_cases"][0]
        snapshot = explore.snapshot_files(path)
        assert len(snapshot) == 1
        snapshot_bytes = _sha(snapshot[0])

        for sql in (
            "DELETE FROM grid_cases",
            "WITH x AS (DELETE FROM grid_cases RETURNING 1) SELECT * FROM x",
            "DROP TABLE grids",
            f"ATTACH '{path}' AS again",
            "SET access_mode = 'read_write'",
            f"COPY grid_cases TO '{tmp_path}/leak.csv'",
        ):
            with pytest.raises(explore.QueryRefused):
                explore.run_readonly(path, sql)
        assert checksums(app) == before
        assert explore.snapshot_files(path) == snapshot and _sha(snapshot[0]) == snapshot_bytes
        assert not (tmp_path / "leak.csv").exists()

        # The app keeps working, and what it commits is what the console reads next.
        db.execute(app, "INSERT INTO app_meta VALUES ('console_probe', 'seen')")
        seen = explore.run_readonly(path, "SELECT value FROM app_meta WHERE key = 'console_probe'")
        assert seen.frame["value"].tolist() == ["seen"]
        assert len(explore.snapshot_files(path)) == 1  # the old copy is gone
    finally:
        app.close()


def test_snapshot_is_reused_while_nothing_changes(app_db_open):
    path, _, _ = app_db_open
    explore.run_readonly(path, "SELECT 1")
    first = explore.snapshot_files(path)
    mtime = first[0].stat().st_mtime_ns
    for _ in range(3):
        assert explore.run_readonly(path, "SELECT count(*) FROM grids").source == "snapshot"
    assert explore.snapshot_files(path) == first and first[0].stat().st_mtime_ns == mtime


def test_snapshot_when_the_file_is_held_read_only_with_default_settings(demo_db_path, demo_con):
    """tests' demo_con (and a notebook) hold the file read-only with DuckDB's defaults."""
    result = explore.run_readonly(demo_db_path, "SELECT count(*) AS n FROM grids")
    assert result.source == "snapshot" and result.frame["n"].iloc[0] == 7
    for snapshot in explore.snapshot_files(demo_db_path):
        snapshot.unlink()


def test_concurrent_queries_in_the_app(app_db_open):
    path, _, _ = app_db_open
    results, errors = [], []

    def work():
        try:
            results.append(explore.run_readonly(path, "SELECT count(*) AS n FROM seed_activities").frame["n"][0])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1


def test_another_process_holding_the_file_is_a_clear_refusal(demo_db_path, tmp_path):
    path = tmp_path / "held.duckdb"
    shutil.copy(demo_db_path, path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(path)!r})
        print("open", flush=True)
        sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(explore.QueryRefused) as refused:
            explore.run_readonly(path, "SELECT 1")
        assert refused.value.reason == "busy"
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


@pytest.mark.slow
def test_parser_verdicts():
    assert explore.check_statement("SELECT 1") == "SELECT"
    assert explore.check_statement("  with x as (select 1) select * from x; ") == "SELECT"
    assert explore.check_statement("EXPLAIN SELECT 1") == "EXPLAIN"
    for sql, reason in [
        ("", "empty"),
        ("   ", "empty"),
        ("-- nothing", "empty"),
        ("SELEC 1", "syntax"),
        ("SELECT 1; SELECT 2", "multiple"),
        ("DELETE FROM grids", "statement"),
    ]:
        with pytest.raises(explore.QueryRefused) as refused:
            explore.check_statement(sql)
        assert refused.value.reason == reason


def test_snapshot_falls_back_to_the_engine_when_the_file_moves_during_the_copy(demo_db_path, tmp_path, monkeypatch):
    """A checkpoint that lands while the file is being copied would tear the copy: the fingerprint
    taken after the copy differs, the torn copy is dropped and the engine copies the database instead."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_path, path)
    app = db.connect(path)
    try:
        real_copy, engine_copy = shutil.copyfile, explore._copy_database
        used = []

        def racing_copy(src, dst, *args, **kwargs):
            result = real_copy(src, dst, *args, **kwargs)
            db.execute(app, "INSERT INTO app_meta VALUES ('during_copy', 'x')")
            app.execute("CHECKPOINT")
            return result

        monkeypatch.setattr(explore.shutil, "copyfile", racing_copy)
        monkeypatch.setattr(explore, "_copy_database", lambda *a: (used.append(True), engine_copy(*a)))
        seen = explore.run_readonly(path, "SELECT count(*) AS n FROM app_meta WHERE key = 'during_copy'")
        assert used == [True] and seen.frame["n"].iloc[0] == 1
        assert len(explore.snapshot_files(path)) == 1
        assert not list(tmp_path.glob("*building*"))
    finally:
        app.close()


def test_snapshot_by_the_engine_is_complete(demo_db_path, tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_path, path)
    app = db.connect(path)
    try:
        monkeypatch.setattr(explore, "_copy_file", lambda *a: False)
        tables = (
            explore.run_readonly(
                path, "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main'"
            )
            .frame["n"]
            .iloc[0]
        )
        assert tables == len(checksums(app))
        cases = explore.run_readonly(path, "SELECT count(*) AS n, sum(hash(t)::HUGEINT) AS h FROM grid_cases t").frame
        assert tuple(cases.iloc[0]) == tuple(checksums(app)["grid_cases"])
    finally:
        app.close()
