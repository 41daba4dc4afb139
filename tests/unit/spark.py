"""Queries as Spark SQL, for the tests that keep every query portable to a second engine."""

from __future__ import annotations

import sqlglot

from analytics.core.sql import Sql


def to_spark(statement: Sql | tuple[str, dict]) -> str:
    """The query with its values written in (`Sql.printable`, what "查看SQL" shows), transpiled from
    DuckDB to Spark; raises when sqlglot cannot read it. Takes an Sql or a (sql, params) pair."""
    printable = Sql(*statement).printable()
    return sqlglot.transpile(printable, read="duckdb", write="spark", error_level=sqlglot.ErrorLevel.RAISE)[0]
