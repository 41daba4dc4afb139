"""The project's DuckDB SQL carried to Spark SQL, and a Spark session that answers it as DuckDB does.

SQLGlot reads every statement the pages run and writes it for Spark, but five things it writes as they
stand and Spark then refuses or — worse — answers differently without an error (issue #20 measured
them). Each is fixed here on the syntax tree, once, so the domain modules keep writing DuckDB SQL:

- `quantile_disc(x, q)` / `quantile_cont(x, q)`: Spark has the standard's ordered-set form only,
  `percentile_disc(q) WITHIN GROUP (ORDER BY x)`.
- `list[i]`: DuckDB counts from 1, Spark's brackets from 0. SQLGlot shifts only an index whose type it
  can infer (a literal), so `hours[pos]` silently read the next duration. Every index becomes Spark's
  1-based `element_at`, and the statement is read with no shift at all, so nothing is shifted twice
  (SQLGlot's own shift also turns `l[-1]` into `l[-2]`).
- `WHERE (TRUE)`: Spark's parser takes a parenthesised boolean literal after WHERE for an alias;
  a boolean literal loses its parentheses.
- `x / 3600.0`, `1000.0 * x`: a literal with a decimal point is a DECIMAL in Spark and a BIGINT times
  it stays one, rounded to Spark's decimal scale on the next division; DuckDB's division answers in
  DOUBLE. Such literals in arithmetic become DOUBLE.

Two more, met by the lake's refresh (analytics.lake.derive) on times that carry seconds (the demo's are
whole minutes, so only a ledger shows them):

- `epoch(ts)`: DuckDB keeps the fraction of a second, Spark's UNIX_TIMESTAMP drops it; it becomes
  UNIX_MICROS(ts) / 1e6 in DOUBLE (read as TIMESTAMP_LTZ, the type UNIX_MICROS takes: both ends of a
  duration move alike, so the rollups' differences are DuckDB's).
- `date_diff('minute', a, b)`: DuckDB counts the minute boundaries crossed (10:00:59 → 10:01:00 is 1),
  Spark's DATEDIFF(MINUTE, …) whole minutes elapsed (0); both ends are cut to the minute first.

`spark_session()` opens the session the batch refresh and the tests run on: its time zone is
DuckDB's, a timestamp without a zone stays one (TIMESTAMP_NTZ, DuckDB's TIMESTAMP), and division by
zero or an index out of range gives NULL as in DuckDB (ANSI mode off).

pyspark is imported here and in analytics/lake only: modules no page imports, so the one-subdistrict
app never needs Java.
"""

from __future__ import annotations

from typing import Any

import duckdb
import sqlglot
from pyspark.sql import SparkSession
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

from analytics.core.sql import Sql

# Few rows per query: Spark's default of 200 shuffle partitions would be 200 tiny tasks per join.
SHUFFLE_PARTITIONS = 4


class _DuckDBAsWritten(DuckDB):
    """DuckDB as it is written, list indices included: SQLGlot's DuckDB reader shifts an index to
    0-based only when it can tell the index is an integer, so after reading, a literal index and a
    column index would count from different bases. Read without the shift, every index is DuckDB's."""

    INDEX_OFFSET = 0


def to_spark(statement: Sql | str) -> str:
    """The statement (an Sql is written with its values in, as "查看SQL" shows it) as Spark SQL; raises
    sqlglot's ParseError when it cannot be read. Several statements separated by `;` stay so."""
    text = statement.printable() if isinstance(statement, Sql) else statement
    trees = sqlglot.parse(text, read=_DuckDBAsWritten, error_level=sqlglot.ErrorLevel.RAISE)
    return ";\n".join(_for_spark(tree).sql(dialect="spark") for tree in trees if tree is not None)


def _for_spark(tree: exp.Expr) -> exp.Expr:
    return tree.transform(_rewrite, copy=True)


def _rewrite(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.PercentileDisc | exp.PercentileCont) and node.expression is not None:
        return _ordered_set(node)
    if isinstance(node, exp.Bracket):
        return _element_at(node)
    if isinstance(node, exp.Paren) and isinstance(node.unnest(), exp.Boolean):
        return node.unnest().copy()
    if _decimal_in_arithmetic(node):
        return exp.cast(node.copy(), exp.DataType.build("DOUBLE"))
    if isinstance(node, exp.TimeToUnix):
        micros = exp.Anonymous(this="UNIX_MICROS", expressions=[exp.cast(node.this.copy(), "TIMESTAMPLTZ")])
        return exp.Div(this=micros, expression=exp.cast(exp.Literal.number(1000000), "DOUBLE"))
    unit = node.args.get("unit") if isinstance(node, exp.DateDiff) else None
    if unit is not None and unit.name.upper() == "MINUTE":
        return _minute_boundaries(node)
    return node


def _minute_boundaries(node: exp.Expr) -> exp.Expr:
    """date_diff('minute', a, b) as DuckDB counts it: the seconds between a and b cut to the minute, / 60."""

    def seconds(value: exp.Expr) -> exp.Expr:
        cut = exp.Anonymous(this="DATE_TRUNC", expressions=[exp.Literal.string("MINUTE"), value.copy()])
        return exp.Anonymous(this="UNIX_SECONDS", expressions=[exp.cast(cut, "TIMESTAMPLTZ")])

    difference = exp.Sub(this=seconds(node.this), expression=seconds(node.expression))
    return exp.IntDiv(this=exp.Paren(this=difference), expression=exp.Literal.number(60))


def _ordered_set(node: exp.PercentileDisc | exp.PercentileCont) -> exp.Expr:
    """quantile_disc(x, q) → percentile_disc(q) WITHIN GROUP (ORDER BY x)."""
    value, fraction = node.this, node.expression
    # By name: SQLGlot's Spark writer would turn its own PercentileDisc into percentile_approx.
    name = "percentile_disc" if isinstance(node, exp.PercentileDisc) else "percentile_cont"
    return exp.WithinGroup(
        this=exp.Anonymous(this=name, expressions=[fraction.copy()]),
        expression=exp.Order(expressions=[exp.Ordered(this=value.copy(), nulls_first=False)]),
    )


def _element_at(node: exp.Bracket) -> exp.Expr:
    """`list[i]` (1-based) → element_at(list, i), Spark's 1-based access (NULL out of range with ANSI
    off, as DuckDB's). A string key (a struct's field, a map's key) and a slice are left to SQLGlot."""
    if len(node.expressions) != 1:
        return node
    index = node.expressions[0]
    if isinstance(index, exp.Slice) or (isinstance(index, exp.Literal) and index.is_string):
        return node
    if not (isinstance(index, exp.Literal) or (isinstance(index, exp.Neg) and isinstance(index.this, exp.Literal))):
        index = exp.cast(index.copy(), exp.DataType.build("INT"))  # Spark's element_at takes an INT only
    return exp.Anonymous(this="element_at", expressions=[node.this.copy(), index.copy()])


def _decimal_in_arithmetic(node: exp.Expr) -> bool:
    """A number written with a decimal point (3600.0, 0.5, 1e3) as an operand of + - * /."""
    if not (isinstance(node, exp.Literal) and node.is_number):
        return False
    if not any(mark in node.this for mark in ".eE"):
        return False
    parent = node.parent
    return isinstance(parent, exp.Div | exp.Mul | exp.Add | exp.Sub)


def duckdb_time_zone() -> str:
    """The time zone a new DuckDB connection of this machine works in (its TimeZone setting)."""
    with duckdb.connect() as con:
        row = con.execute("SELECT current_setting('TimeZone')").fetchone()
    return str(row[0]) if row else "UTC"


def spark_session(master: str = "local[2]", **conf: Any) -> SparkSession:
    """A Spark session for `master`: local[N], spark://host:port (a standalone cluster) or sc://host:port
    (Spark Connect, which needs pyspark's connect extras — grpcio, grpcio-status, googleapis-common-protos,
    zstandard — not in requirements-district.txt; pyspark then raises PACKAGE_NOT_INSTALLED).
    Configured so that Spark answers the project's SQL as DuckDB does; `conf` adds or overrides Spark
    settings. An existing session of the process is reused (Spark allows one per JVM)."""
    settings: dict[str, Any] = {
        "spark.sql.session.timeZone": duckdb_time_zone(),
        # DuckDB's TIMESTAMP has no zone; Spark's default TIMESTAMP is zoned (LTZ) and would move
        # literals and Parquet values by the session zone when they meet.
        "spark.sql.timestampType": "TIMESTAMP_NTZ",
        # ANSI mode raises on x / 0 and on an index out of range, where DuckDB answers NULL.
        "spark.sql.ansi.enabled": "false",
        "spark.sql.shuffle.partitions": str(SHUFFLE_PARTITIONS),
        "spark.default.parallelism": str(SHUFFLE_PARTITIONS),
        # Small plans on small data: adaptive re-planning costs more than it saves here.
        "spark.sql.adaptive.enabled": "false",
    }
    builder = SparkSession.builder.appName("jiangchuan")
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        builder = builder.master(master)
        settings |= {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"}
        if master.startswith("local"):
            # Nothing outside this machine talks to a local driver; a cluster's executors must reach
            # theirs, so there the driver keeps Spark's own address (or the caller's in `conf`).
            settings |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    for key, value in (settings | conf).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
