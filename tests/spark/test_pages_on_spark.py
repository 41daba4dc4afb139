"""Every statement the overview, grid map, seeds, cases and contest pages run — for a leader and for
the demo secretary (C30), through the rollups and from the raw tables — executed on a local Spark over
the same tables, with DuckDB's answer (issue #20, item 5).

The pages run under streamlit's AppTest, so every query a page makes is caught, whichever function
makes it. AppTest runs the script in a thread of its own, where a `capture_sql()` block of the test
would not reach; the test taps analytics.core.connection's one recorder instead (every query() and
scalar() of the app passes it; the bookkeeping questions that `record=False` keeps out of "查看SQL" are
not page SQL and stay out here too)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from analytics.core import connection
from analytics.core.sql import Sql
from analytics.warehouse.dialect import to_spark
from tests.app.helpers import assert_clean, run_page
from tests.spark.answers import difference, duckdb_rows, load_tables, ordered, spark_rows

pytestmark = [pytest.mark.spark, pytest.mark.slow]

PAGES = (
    "app_pages/overview.py",
    "app_pages/grid_map.py",
    "app_pages/seeds.py",
    "app_pages/cases.py",
    "app_pages/contest.py",
)
VIEWERS = {
    "leader": {"auth_demo_role": "leader"},
    "secretary C30": {"auth_demo_role": "secretary", "auth_demo_community": "C30"},
}


def stale(path: Path) -> None:
    """The stored rollups and contest results no longer current: every page then reads the raw tables."""
    con = duckdb.connect(str(path))
    con.execute("UPDATE rollup_state SET definition = 'stale'")
    con.execute("UPDATE rollup_contest_state SET definition = 'stale'")
    con.close()


@pytest.fixture(scope="module")
def statements(demo_db_path, tmp_path_factory) -> Iterator[dict[str, tuple[Sql, set[str]]]]:
    """Distinct statement text → (the statement, where it was seen: source/viewer/page)."""
    seen: dict[str, tuple[Sql, set[str]]] = {}
    original = connection._record

    def tap(sql: str, params: connection.Params) -> None:
        statement = Sql(sql, dict(params) if isinstance(params, dict) else list(params or []))
        seen.setdefault(statement.printable(), (statement, set()))[1].add(where)
        original(sql, params)

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(connection, "_record", tap)
    folder = tmp_path_factory.mktemp("pages-on-spark")
    for source in ("rollups", "raw"):
        path = folder / f"{source}.duckdb"
        shutil.copy(demo_db_path, path)
        if source == "raw":
            stale(path)
        monkeypatch.setenv(connection.ENV_DB_PATH, str(path))
        for viewer, state in VIEWERS.items():
            for page in PAGES:
                where = f"{source} / {viewer} / {Path(page).stem}"
                at = run_page(page, session_state=dict(state), timeout=180)
                assert_clean(at)
    monkeypatch.undo()
    yield seen


def test_every_statement_of_the_pages_gives_duckdbs_answer_on_spark(spark, statements, demo_db_path, tmp_path):
    con = duckdb.connect(str(demo_db_path), read_only=True)
    load_tables(spark, con, tmp_path)
    failures: list[str] = []
    started = time.perf_counter()
    for text, (statement, where) in statements.items():
        try:
            answer = spark_rows(spark, to_spark(statement))
        except Exception as exc:
            failures.append(f"{sorted(where)[0]}: Spark refused it: {str(exc).splitlines()[0]}\n{text}")
            continue
        wrong = difference(duckdb_rows(con, statement), answer, keep_order=ordered(statement))
        if wrong:
            failures.append(f"{sorted(where)[0]}: {wrong}\n{text}")
    con.close()
    seconds = time.perf_counter() - started
    print(f"\n{len(statements)} distinct statements on Spark in {seconds:.0f} s, {len(failures)} differ")
    assert len(statements) > 100, "the pages ran far fewer statements than they do"
    assert not failures, "\n\n".join(failures)
