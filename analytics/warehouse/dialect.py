"""DuckDB's SQL carried to Spark SQL, and a Spark session to run it on (the district's batch refresh).

    from analytics.warehouse import dialect
    spark = dialect.spark_session()             # local[2]; or "spark://host:7077", "sc://host:15002"
    spark.sql(dialect.to_spark(statement))

One definition of every query, written for DuckDB; SQLGlot carries it to Spark. pyspark is imported
only inside `spark_session`: the app's pages import this package's other modules and one subdistrict
never needs pyspark or Java installed.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from analytics.core.sql import Sql

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _exact_division(node: exp.Expression) -> exp.Expression:
    """A float literal (3600.0) stays a DOUBLE: Spark reads `3600.0` as a DECIMAL, so `x / 3600.0`
    would give a decimal with a different rounding than DuckDB's double."""
    if isinstance(node, exp.Literal) and not node.is_string and "." in node.this:
        return exp.cast(node.copy(), exp.DataType.build("DOUBLE"))
    return node


def _whole_seconds(node: exp.Expression) -> exp.Expression:
    """epoch(ts): DuckDB keeps the fraction of a second, Spark's UNIX_TIMESTAMP drops it (an hour to
    close would lose up to a second). Microseconds divided as a double keep it."""
    if isinstance(node, exp.TimeToUnix):
        micros = exp.Anonymous(this="UNIX_MICROS", expressions=[exp.cast(node.this.copy(), "TIMESTAMP")])
        return exp.Div(this=micros, expression=exp.cast(exp.Literal.number(1000000), "DOUBLE"))
    return node


def _minute_boundaries(node: exp.Expression) -> exp.Expression:
    """date_diff('minute', a, b): DuckDB counts the minute boundaries crossed (10:00:59 → 10:01:00 is 1),
    Spark's DATEDIFF(MINUTE, …) counts whole minutes elapsed (0). Both ends cut to the minute first."""
    unit = node.args.get("unit") if isinstance(node, exp.DateDiff) else None
    if unit is None or unit.name.upper() != "MINUTE":
        return node

    def seconds(value: exp.Expression) -> exp.Expression:
        cut = exp.Anonymous(this="DATE_TRUNC", expressions=[exp.Literal.string("MINUTE"), value.copy()])
        return exp.Anonymous(this="UNIX_SECONDS", expressions=[exp.cast(cut, "TIMESTAMP")])

    difference = exp.Sub(this=seconds(node.this), expression=seconds(node.expression))
    return exp.IntDiv(this=exp.Paren(this=difference), expression=exp.Literal.number(60))


def to_spark(statement: Sql | str) -> str:
    """The statement in Spark SQL: its values written in (Sql.printable) and the dialect carried by
    SQLGlot, with the transforms Spark needs to give DuckDB's answer."""
    text = statement.printable() if isinstance(statement, Sql) else statement
    tree = sqlglot.parse_one(text, read="duckdb")
    tree = tree.transform(_exact_division).transform(_whole_seconds).transform(_minute_boundaries)
    return tree.sql(dialect="spark")


def spark_session(master: str = "local[2]") -> SparkSession:
    """A Spark session for the batch refresh: local[N], a standalone cluster (spark://…) or Spark Connect
    (sc://…). No UI, the driver on 127.0.0.1 for a local master, few shuffle partitions (the rollups are
    small beside the facts), timestamps read as written (UTC, no time zone shift)."""
    from pyspark.sql import SparkSession  # only the batch refresh needs pyspark (see the module docstring)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("jiangchuan-lake")
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        builder = builder.master(master).config("spark.ui.enabled", "false")
        if master.startswith("local"):
            builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    return (
        builder.config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
