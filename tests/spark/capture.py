"""What the Spark page tests share: catching every statement the app runs, and running each on Spark
beside DuckDB.

Statements are caught at analytics.core.connection's one recorder (every query() and scalar() of the
app passes it; the bookkeeping questions that `record=False` keeps out of "查看SQL" are not page SQL and
stay out here too). AppTest runs a page in a thread of its own, where a `capture_sql()` block of the
test would not reach; the recorder is module state, so it sees every thread."""

from __future__ import annotations

import time
from pathlib import Path
from types import TracebackType

import duckdb
import pytest
from pyspark.sql import SparkSession

from analytics.core import connection
from analytics.core.sql import Sql
from analytics.warehouse.dialect import to_spark
from tests.spark.answers import difference, duckdb_rows, ordered, spark_rows

# distinct statement text (values written in) → (the statement, where it was seen)
Seen = dict[str, tuple[Sql, set[str]]]


def stale(path: Path) -> None:
    """The stored rollups and contest results no longer current: every page then reads the raw tables."""
    con = duckdb.connect(str(path))
    con.execute("UPDATE rollup_state SET definition = 'stale'")
    con.execute("UPDATE rollup_contest_state SET definition = 'stale'")
    con.close()


class Recorder:
    """While open, every statement the app's connection module runs lands in `seen`, labelled with
    `where` as it was when the statement ran."""

    def __init__(self) -> None:
        self.seen: Seen = {}
        self.where = ""
        self._patch = pytest.MonkeyPatch()

    def __enter__(self) -> Recorder:
        original = connection._record

        def tap(sql: str, params: connection.Params) -> None:
            statement = Sql(sql, dict(params) if isinstance(params, dict) else list(params or []))
            self.seen.setdefault(statement.printable(), (statement, set()))[1].add(self.where)
            original(sql, params)

        self._patch.setattr(connection, "_record", tap)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._patch.undo()


def differing(spark: SparkSession, con: duckdb.DuckDBPyConnection, seen: Seen, what: str) -> list[str]:
    """Each statement of `seen` on Spark (through analytics.warehouse.dialect.to_spark) and on DuckDB
    (`con`, over the same tables Spark holds as views): what Spark refused or answered otherwise."""
    failures: list[str] = []
    started = time.perf_counter()
    for text, (statement, where) in seen.items():
        try:
            answer = spark_rows(spark, to_spark(statement))
        except Exception as exc:
            failures.append(f"{sorted(where)[0]}: Spark refused it: {str(exc).splitlines()[0]}\n{text}")
            continue
        wrong = difference(duckdb_rows(con, statement), answer, keep_order=ordered(statement))
        if wrong:
            failures.append(f"{sorted(where)[0]}: {wrong}\n{text}")
    seconds = time.perf_counter() - started
    print(f"\n{what}: {len(seen)} distinct statements on Spark in {seconds:.0f} s, {len(failures)} differ")
    return failures
