"""The defects issue #20 measured, one each, executed: SQLGlot alone carries the statement to Spark and
Spark refuses it or answers differently; analytics.warehouse.dialect.to_spark gives DuckDB's answer.
(The fifth, duckdb_tables() in cases, is gone from the page SQL: test_pages_on_spark runs the cases
page's statements.)"""

from __future__ import annotations

import duckdb
import pytest
import sqlglot

from analytics.core.sql import Sql
from analytics.warehouse.dialect import to_spark
from tests.spark.answers import difference, duckdb_rows, spark_rows

pytestmark = [pytest.mark.spark, pytest.mark.slow]

DURATIONS = "WITH d AS (SELECT * FROM (VALUES (1, 5.0), (1, 1.0), (1, 3.0), (1, 2.0), (1, 4.0), (2, 7.5)) t(g, hours))"


def sqlglot_alone(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def duckdb_answer(sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        return duckdb_rows(con, Sql(sql))


def assert_duckdbs_answer(spark, sql: str) -> None:
    wrong = difference(duckdb_answer(sql), spark_rows(spark, to_spark(sql)), keep_order=True)
    assert wrong is None, wrong


def test_a_one_based_list_index_reads_the_same_duration(spark):
    sql = f"""{DURATIONS}, s AS (SELECT g, list_sort(list(hours)) AS hours FROM d GROUP BY g),
              l AS (SELECT * FROM (VALUES (1, 2), (2, 1)) t(g, pos))
              SELECT l.g, s.hours[l.pos] AS h FROM l JOIN s ON s.g = l.g ORDER BY l.g"""
    assert duckdb_answer(sql) == [(1, 2.0), (2, 7.5)]
    # SQLGlot alone: Spark's 0-based brackets read the next duration, and nothing says so
    assert spark_rows(spark, sqlglot_alone(sql)) == [(1, 3.0), (2, None)]
    assert_duckdbs_answer(spark, sql)


def test_quantile_disc_is_the_exact_discrete_percentile(spark):
    sql = f"""{DURATIONS} SELECT g, quantile_disc(hours, 0.9) AS p90, quantile_disc(hours, 0.5) AS p50,
              quantile_cont(hours, 0.25) AS q1 FROM d GROUP BY g ORDER BY g"""
    with pytest.raises(Exception, match=r"(?i)percentile_disc|WITHIN GROUP|argument"):
        spark_rows(spark, sqlglot_alone(sql))
    assert_duckdbs_answer(spark, sql)


def test_where_true_in_parentheses_keeps_every_row(spark):
    sql = f"{DURATIONS} SELECT count(*) AS n FROM d WHERE (TRUE) AND ((TRUE))"
    assert_duckdbs_answer(spark, sql)


def test_a_decimal_literal_computes_in_double_as_duckdb_does(spark):
    sql = """SELECT 1000.0 * n / p AS per_thousand, m / 3600.0 AS hours, s / 86400.0 AS days
             FROM (VALUES (CAST(1 AS BIGINT), CAST(3 AS BIGINT), CAST(7 AS BIGINT), CAST(100000 AS BIGINT))) t(n, p, m, s)"""
    duck = duckdb_answer(sql)
    # SQLGlot alone: Spark computes in DECIMAL and rounds to its scale, off by far more than 1e-9
    assert difference(duck, spark_rows(spark, sqlglot_alone(sql)), keep_order=True) is not None
    assert_duckdbs_answer(spark, sql)
