"""DuckDB text in, Spark text out: each transform of analytics.warehouse.dialect on its own (no Spark
started; tests/spark/ runs the statements on Spark and compares the answers with DuckDB's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analytics.core.sql import Sql
from analytics.warehouse.dialect import to_spark


def spark(sql: str) -> str:
    return " ".join(to_spark(sql).split())


def test_quantile_disc_becomes_the_ordered_set_form():
    assert spark("SELECT quantile_disc(r.hours, 0.9) AS p90 FROM r") == (
        "SELECT PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY r.hours NULLS LAST) AS p90 FROM r"
    )


def test_quantile_cont_becomes_the_ordered_set_form_and_never_an_approximation():
    out = spark("SELECT quantile_cont(x, 0.25) FROM t")
    assert out == "SELECT PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY x NULLS LAST) FROM t"
    assert "APPROX" not in spark("SELECT quantile_disc(x, 0.5), quantile_cont(x, 0.5) FROM t")


def test_a_list_index_from_a_column_is_read_one_based():
    # SQLGlot alone writes s.hours[l.pos]: Spark's 0-based brackets then read the next duration
    assert spark("SELECT s.hours[l.pos] AS h FROM l JOIN s ON l.b = s.b") == (
        "SELECT ELEMENT_AT(s.hours, CAST(l.pos AS INT)) AS h FROM l JOIN s ON l.b = s.b"
    )


@pytest.mark.parametrize(
    ("duckdb", "expected"),
    [
        ("SELECT l[2] FROM t", "SELECT ELEMENT_AT(l, 2) FROM t"),
        ("SELECT l[-1] FROM t", "SELECT ELEMENT_AT(l, -1) FROM t"),  # SQLGlot alone: l[-2]
        ("SELECT list_sort(list(h))[1] FROM t", "SELECT ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(h)), 1) FROM t"),
        ("SELECT l[i + 1] FROM t", "SELECT ELEMENT_AT(l, CAST(i + 1 AS INT)) FROM t"),
    ],
)
def test_every_list_index_counts_from_one_once(duckdb, expected):
    assert spark(duckdb) == expected


def test_a_struct_field_by_name_is_left_alone():
    assert "ELEMENT_AT" not in spark("SELECT s['a'] FROM t")


@pytest.mark.parametrize(
    ("duckdb", "expected"),
    [
        ("SELECT a FROM t WHERE (TRUE)", "SELECT a FROM t WHERE TRUE"),
        ("SELECT a FROM t WHERE ((TRUE)) AND x", "SELECT a FROM t WHERE TRUE AND x"),
        ("SELECT a FROM t WHERE (FALSE) OR (x)", "SELECT a FROM t WHERE FALSE OR (x)"),
    ],
)
def test_a_parenthesised_boolean_literal_loses_its_parentheses(duckdb, expected):
    assert spark(duckdb) == expected


@pytest.mark.parametrize(
    ("duckdb", "expected"),
    [
        ("SELECT m / 3600.0 FROM t", "SELECT m / CAST(3600.0 AS DOUBLE) FROM t"),
        ("SELECT 1000.0 * n / p FROM t", "SELECT CAST(1000.0 AS DOUBLE) * n / p FROM t"),
        ("SELECT s / 86400.0 + 0.5 FROM t", "SELECT s / CAST(86400.0 AS DOUBLE) + CAST(0.5 AS DOUBLE) FROM t"),
    ],
)
def test_a_decimal_literal_in_arithmetic_is_a_double(duckdb, expected):
    assert spark(duckdb) == expected


@pytest.mark.parametrize(
    "duckdb",
    [
        "SELECT 1000 * n FROM t",  # an integer stays one
        "SELECT round(x, 1) FROM t",
        "SELECT a FROM t WHERE x > 1.5",  # a comparison is exact as it is
        "SELECT CAST(0.5 AS DOUBLE) FROM t",
    ],
)
def test_other_numbers_are_left_as_written(duckdb):
    out = spark(duckdb)
    assert out.count("CAST") == duckdb.count("CAST")


def test_an_sql_fragment_is_written_with_its_values():
    statement = Sql("SELECT x FROM t WHERE d >= $start AND g = $grid", {"start": "2024-01-01", "grid": "G1"})
    assert " ".join(to_spark(statement).split()) == ("SELECT x FROM t WHERE d >= '2024-01-01' AND g = 'G1'")


SPARK_MODULES = ("analytics.warehouse.dialect", "analytics.lake")


def test_no_module_the_app_imports_needs_spark():
    """One subdistrict never needs Java: importing every module of ui/ and analytics/ but the Spark
    ones (dialect, lake) leaves pyspark unloaded."""
    root = Path(__file__).resolve().parents[2]
    names = sorted(
        ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for folder in ("analytics", "ui")
        for path in (root / folder).rglob("*.py")
    )
    wanted = [n for n in names if not n.startswith(SPARK_MODULES) and not n.endswith("__main__")]
    script = f"import importlib, sys\nfor n in {wanted!r}: importlib.import_module(n)\nprint('pyspark' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"
