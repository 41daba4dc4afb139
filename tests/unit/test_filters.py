"""The period and selection of analytics.core.filters.Filters against their definitions, written out
by hand (survivors of a mutation run over core/filters.py, docs/mutation-testing.md)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from analytics.core.filters import Filters
from analytics.core.scope import Scope

D = dt.date(2024, 3, 5)


@pytest.fixture()
def days() -> duckdb.DuckDBPyConnection:
    """One row per moment around D: the day before, D at midnight and just before its end, the day after."""
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE t (moment TIMESTAMP, day DATE, community_id VARCHAR)")
    moments = [
        dt.datetime(2024, 3, 4, 23, 59),
        dt.datetime(2024, 3, 5, 0, 0),
        dt.datetime(2024, 3, 5, 23, 59, 59),
        dt.datetime(2024, 3, 6, 0, 0),
    ]
    for i, moment in enumerate(moments):
        con.execute("INSERT INTO t VALUES (?, ?, ?)", [moment, moment.date(), f"C0{i}"])
    return con


def count(con: duckdb.DuckDBPyConnection, filters: Filters, column: str, scope: Scope | None = None) -> int:
    sql, params = filters.where(date_col=column, scope=scope)
    return con.execute(f"SELECT count(*) FROM t WHERE {sql}", params).fetchone()[0]


@pytest.mark.parametrize("column", ["moment", "day"])
def test_a_one_day_period_holds_its_whole_day_and_nothing_else(days, column):
    assert count(days, Filters(D, D), column) == 2  # 00:00 and 23:59:59 of D
    assert count(days, Filters(D, None), column) == 3
    assert count(days, Filters(None, D), column) == 3


def test_a_scope_keeps_its_own_rows_only(days):
    assert count(days, Filters(), "day", Scope("secretary", "C02")) == 1
    assert count(days, Filters(), "day", Scope("leader")) == 4


def test_moments_become_their_days():
    f = Filters(dt.datetime(2024, 3, 5, 10, 30), dt.datetime(2024, 3, 6, 8, 0))
    assert (f.start, f.end) == (D, dt.date(2024, 3, 6))
    assert type(f.start) is dt.date and type(f.end) is dt.date


def test_a_start_after_the_end_is_refused():
    with pytest.raises(ValueError, match="start is after its end"):
        Filters(dt.date(2024, 3, 6), D)


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    f = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31), grid_ids=("G3",))
    before = f.previous()
    assert before == Filters(dt.date(2024, 1, 30), dt.date(2024, 2, 29), grid_ids=("G3",))
    assert before.days == f.days == 31
    assert Filters(D, D).previous() == Filters(dt.date(2024, 3, 4), dt.date(2024, 3, 4))
    assert Filters(None, D).previous() is None and Filters(D, None).previous() is None
