"""The same statement's answer from DuckDB and from Spark, compared as the issue asks: the same rows
(in order only where the statement orders them), integers equal, floats to 1e-9, strings, dates and
timestamps equal."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from pyspark.sql import SparkSession
from sqlglot import exp

from analytics.core.sql import Sql

TOLERANCE = 1e-9


def load_tables(spark: SparkSession, con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """Every table of the DuckDB database as a Spark temp view under its own name, through Parquet in
    `folder` (when the lake is on main this becomes its reader: one view per table of the lake)."""
    tables = [
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    ]
    for table in tables:
        path = folder / f"{table}.parquet"
        con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{path}' (FORMAT parquet)")
        spark.read.parquet(str(path)).createOrReplaceTempView(table)
    return tables


def duckdb_rows(con: duckdb.DuckDBPyConnection, statement: Sql) -> list[tuple[Any, ...]]:
    cur = con.cursor()
    try:
        if statement.params:
            return cur.execute(statement.text, statement.params).fetchall()
        return cur.execute(statement.text).fetchall()
    finally:
        cur.close()


def spark_rows(spark: SparkSession, text: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in spark.sql(text).collect()]


def ordered(statement: Sql) -> bool:
    """Whether the statement's outermost query has an ORDER BY (then the order of its rows counts)."""
    tree = sqlglot.parse_one(statement.printable(), read="duckdb")
    return isinstance(tree, exp.Query) and tree.args.get("order") is not None


def _number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if _number(a) and _number(b):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return math.isclose(fa, fb, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict | Sequence):
        b_values = list(b.values()) if isinstance(b, dict) else list(b)
        return same_value(list(a.values()), b_values)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    return type(a) is type(b) and a == b


def _key(row: Iterable[Any]) -> tuple[str, ...]:
    """A sort key that puts equal rows of both engines side by side (floats rounded well inside the
    tolerance, so that 0.1 + 0.2 and 0.3 sort together)."""

    def one(value: Any) -> str:
        if value is None:
            return "\0"
        if _number(value):
            f = float(value)
            return "nan" if math.isnan(f) else f"{f:.6e}"
        return repr(value) if isinstance(value, list | tuple | dict) else str(value)

    return tuple(one(v) for v in row)


def difference(duck: list[tuple[Any, ...]], spark: list[tuple[Any, ...]], *, keep_order: bool) -> str | None:
    """None when the answers are the same, else what differs first."""
    if len(duck) != len(spark):
        return f"{len(duck)} rows from DuckDB, {len(spark)} from Spark"
    if duck and len(duck[0]) != len(spark[0]):
        return f"{len(duck[0])} columns from DuckDB, {len(spark[0])} from Spark"
    if not keep_order:
        duck, spark = sorted(duck, key=_key), sorted(spark, key=_key)
    for i, (a, b) in enumerate(zip(duck, spark, strict=True)):
        for j, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same_value(x, y):
                return f"row {i}, column {j}: DuckDB {x!r}, Spark {y!r}"
    return None
