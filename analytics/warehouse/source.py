"""Where an analysis query reads its facts from: one seam, asked once per query.

An analysis function asks its `Warehouse` for "the cases of these periods" (or the activities, the
open cases, the percentiles of the time to close) and gets a SQL fragment (analytics.core.sql.Sql) to
read FROM. The fragment is the same shape whichever way it is answered:

- `ROLLUPS` reads the daily and monthly rollups (analytics.warehouse.rollups) — only while they are current;
- `RAW` reads the fact tables themselves, every row presented in the rollups' columns (a case is a row
  with `day` = the day it was reported, `level` = its resolved level or 'open', `cases` = 1, `surveyed` =
  1 if it has a score, …), so that the query written over it counts exactly what it counts over a rollup.

So each analysis query is written once; which source answers is decided here and nowhere else. Only
the percentiles differ in how they are computed (from the durations' buckets, or by DuckDB's own
`median`/`quantile_disc` over the raw durations), and the source owns that difference too.

A `Warehouse` is a DuckDB connection plus the policy (read the rollups while current, or the raw
tables only) and the freshness answers it has been given: it asks whether the rollups (and each kind
of stored result) are current once, and remembers the answer for its lifetime. The app makes one per
page run (ui/data.py), so every call of a run reads the same way after one check; tests and the
benchmark pass `Warehouse(con, rollups=False)` to get the raw answer. Analysis functions accept either
a plain DuckDB connection (then `reader(con)` makes a warehouse with a fresh check, for that call) or a
warehouse: it passes for a connection wherever a query runs (`cursor()`, `execute()`).

This is also where another engine would plug in: a `Source` that writes the same fragments over
Parquet files or a Spark table (docs/design.md, "Scale").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

import duckdb

from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import percentiles, rollups

Periods = Iterable[tuple]


class Source(Protocol):
    """The fragments a query reads FROM (see the module docstring). `periods` are (start, end) pairs of
    inclusive dates (None = open); rows outside them may remain, so a query keeps its own condition on
    `day`. Bound values are named after `prefix`."""

    name: str
    # the column of its rows that names their community's town (analytics.core.scope compares it
    # instead of joining every row with the town's communities); None when the rows do not carry it
    town_column: str | None

    def cases(self, periods: Periods, *, grain: str = "month", prefix: str = "src") -> Sql:
        """Rows of day, community_id, category, level, urgent, cases, surveyed, satisfaction_sum,
        satisfied, unsatisfied, hours_to_close, minutes_to_close (analytics/schema/60_rollups.sql)."""
        ...

    def activities(self, periods: Periods, *, grain: str = "month", prefix: str = "src") -> Sql:
        """Rows of day, community_id, item_id, partner_id, activities, participants, volunteers,
        volunteer_hours."""
        ...

    def open_cases(self) -> tuple[Sql, Sql]:
        """The cases open at the data's latest moment (case_id, community_id, category, urgent,
        reported_at) and that moment (a scalar subquery)."""
        ...

    def percentiles(
        self,
        filters: Filters,
        scope: Scope | None,
        by: tuple[str, ...],
        *,
        urgent_only: bool = False,
        prefix: str = "pct",
    ) -> Sql:
        """CTEs ending in `prefix`: a row per group of `by` (⊆ analytics.warehouse.percentiles.KEYS) with
        closed, median_hours and p90_hours of the closed cases the filters and scope select."""
        ...


def _periods(column: str, periods: Periods, prefix: str) -> Sql:
    """`column` inside any of the periods (None when a period is open on both ends)."""
    parts = []
    for i, (start, end) in enumerate(periods):
        where = Filters(start, end).where(date_col=column, prefix=f"{prefix}_p{i}")
        if where.text == "TRUE":
            return Sql("TRUE")
        parts.append(Sql.compose("({w})", w=where))
    return Sql.join(parts, " OR ", empty="TRUE")


class _Rollups:
    """The rollups: monthly rows for whole months, daily rows at the periods' edges."""

    name = "rollups"
    town_column: str | None = "town_code"

    def cases(self, periods: Periods, *, grain: str = "month", prefix: str = "src") -> Sql:
        return rollups.source("cases", list(periods), grain=grain, prefix=prefix)

    def activities(self, periods: Periods, *, grain: str = "month", prefix: str = "src") -> Sql:
        return rollups.source("activities", list(periods), grain=grain, prefix=prefix)

    def open_cases(self) -> tuple[Sql, Sql]:
        return Sql("rollup_open_cases"), Sql("(SELECT latest FROM rollup_state WHERE id = 1)")

    def percentiles(
        self,
        filters: Filters,
        scope: Scope | None,
        by: tuple[str, ...],
        *,
        urgent_only: bool = False,
        prefix: str = "pct",
    ) -> Sql:
        return percentiles.ctes(filters, scope, by, urgent_only=urgent_only, prefix=prefix)


# The fact tables in the rollups' columns and types (a count of one row is a BIGINT 1, as a rollup's
# sums are BIGINT), so that the same query gives the same frame, dtypes included.
_RAW_CASES = f"""(SELECT CAST(reported_at AS DATE) AS day, community_id, category,
                   coalesce(resolved_level, 'open') AS level, urgent,
                   CAST(1 AS BIGINT) AS cases,
                   CAST(satisfaction IS NOT NULL AS BIGINT) AS surveyed,
                   CAST(coalesce(satisfaction, 0) AS BIGINT) AS satisfaction_sum,
                   CAST(coalesce(satisfaction >= 4, false) AS BIGINT) AS satisfied,
                   CAST(coalesce(satisfaction <= 2, false) AS BIGINT) AS unsatisfied,
                   {rollups.HOURS_SQL} AS hours_to_close,
                   date_diff('minute', reported_at, closed_at) AS minutes_to_close
            FROM grid_cases
            WHERE {{where}})"""
_RAW_ACTIVITIES = """(SELECT held_on AS day, community_id, item_id, partner_id, CAST(1 AS BIGINT) AS activities,
                   CAST(participants AS BIGINT) AS participants, CAST(volunteers AS BIGINT) AS volunteers,
                   CAST(volunteer_hours AS DOUBLE) AS volunteer_hours
            FROM seed_activities
            WHERE {where})"""
_RAW_DURATIONS = f"""(SELECT CAST(reported_at AS DATE) AS day, community_id, category, resolved_level AS level,
                   urgent, {rollups.HOURS_SQL} AS hours
            FROM grid_cases
            WHERE closed_at IS NOT NULL AND {{where}})"""


class _Raw:
    """The fact tables, one row per case or activity, in the rollups' columns."""

    name = "raw"
    # the facts name their community only (its town is its grid's, which may change by import)
    town_column: str | None = None

    def cases(self, periods: Periods, *, grain: str = "month", prefix: str = "src") -> Sql:
        return Sql.compose(_RAW_CASES, where=_periods("reported_at", periods, prefix))

    def activities(self, periods: Periods, *, grain: str = "month", prefix: str = "src") -> Sql:
        return Sql.compose(_RAW_ACTIVITIES, where=_periods("held_on", periods, prefix))

    def open_cases(self) -> tuple[Sql, Sql]:
        return (
            Sql(
                "(SELECT case_id, community_id, category, urgent, reported_at FROM grid_cases WHERE closed_at IS NULL)"
            ),
            Sql("(SELECT max(greatest(reported_at, coalesce(closed_at, reported_at))) FROM grid_cases)"),
        )

    def percentiles(
        self,
        filters: Filters,
        scope: Scope | None,
        by: tuple[str, ...],
        *,
        urgent_only: bool = False,
        prefix: str = "pct",
    ) -> Sql:
        """DuckDB's own median and discrete 90th percentile over the raw durations (what the buckets
        reproduce exactly; tests/unit/test_rollups.py compares both)."""
        unknown = [b for b in by if b not in percentiles.KEYS]
        if unknown:
            raise ValueError(f"unknown percentile group {unknown}; expected some of {tuple(percentiles.KEYS)}")
        where = filters.where(date_col="r.day", community_col="r.community_id", scope=scope, prefix=f"{prefix}f")
        if urgent_only:
            where = Sql.compose("{w} AND r.urgent", w=where)
        rows = Sql.compose(_RAW_DURATIONS, where=_periods("reported_at", [(filters.start, filters.end)], f"{prefix}s"))
        select = "".join(f"{percentiles.KEYS[k]} AS {k}, " for k in by)
        grid = "LEFT JOIN communities c ON c.community_id = r.community_id" if "grid_id" in by else ""
        return Sql.compose(
            """{p} AS (
            SELECT {select}count(*) AS closed, median(r.hours) AS median_hours,
                   quantile_disc(r.hours, 0.9) AS p90_hours
            FROM {rows} r {grid}
            WHERE {where}
            GROUP BY ALL
        )""",
            p=prefix,
            select=select,
            rows=rows,
            grid=grid,
            where=where,
        )


ROLLUPS: Source = _Rollups()
RAW: Source = _Raw()


class Warehouse:
    """A DuckDB connection and how to read it: the rollups while they are current (`rollups=True`), or
    the raw fact tables only. Freshness answers are asked once and remembered for the warehouse's
    lifetime (one page run in the app); `forget()` after a refresh made in that lifetime."""

    def __init__(self, con: duckdb.DuckDBPyConnection | Warehouse, *, rollups: bool = True) -> None:
        self.con: duckdb.DuckDBPyConnection = con.con if isinstance(con, Warehouse) else con
        self.rollups = rollups
        self._answers: dict[str, bool] = {}

    def __repr__(self) -> str:
        return f"Warehouse({'rollups while current' if self.rollups else 'raw tables only'})"

    # what a query of analytics.core.connection needs of a connection
    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.con.execute(*args, **kwargs)

    def fresh(self, what: str, ask: Callable[[], bool]) -> bool:
        """`ask()` — whether the stored `what` (the rollups, the stored contest rankings, …) describes
        the facts as they are, or another yes/no about the database as it is now (a round the scope's
        town held) — asked once in this warehouse's lifetime."""
        if what not in self._answers:
            self._answers[what] = bool(ask())
        return self._answers[what]

    def reads_stored(self, what: str, ask: Callable[[], bool]) -> bool:
        """Whether a stored result may be read instead of computing it: not when reading raw only,
        else while it is fresh."""
        return self.rollups and self.fresh(what, ask)

    @property
    def source(self) -> Source:
        """The source an analysis query reads now."""
        return ROLLUPS if self.reads_stored("rollups", lambda: rollups.ready(self.con)) else RAW

    def forget(self) -> None:
        """Forget the freshness answers (a refresh just changed them)."""
        self._answers.clear()


def town_col(src: Source, alias: str) -> str | None:
    """`alias`.town column of `src`'s rows, or None when they do not carry their town: what
    Filters.where(town_col=…) takes."""
    return f"{alias}.{src.town_column}" if src.town_column else None


def reader(con: duckdb.DuckDBPyConnection | Warehouse) -> Warehouse:
    """`con` if it is a warehouse already, else one over the connection with a fresh check (the way
    every call outside a page run reads)."""
    return con if isinstance(con, Warehouse) else Warehouse(con)


def raw(con: duckdb.DuckDBPyConnection | Warehouse) -> Warehouse:
    """A warehouse over `con` (a connection or a warehouse) that reads the raw fact tables only."""
    return Warehouse(con, rollups=False)


# ---------------------------------------------------------------------------------------------
# aggregates over any source's rows (a row stands for `cases` or `activities` facts)
def count(column: str, condition: str | None = None) -> str:
    """The number of facts among the rows (that meet `condition`): the sum of their count `column`, a
    BIGINT and 0 when nothing matches, exactly as count(*) over the facts would be."""
    where = f" FILTER (WHERE {condition})" if condition else ""
    return f"coalesce(CAST(sum({column}){where} AS BIGINT), 0)"


def mean_satisfaction(alias: str = "k", condition: str | None = None) -> str:
    """The mean score of the surveyed cases among the rows of a cases source."""
    where = f" FILTER (WHERE {condition})" if condition else ""
    return f"sum({alias}.satisfaction_sum){where} / nullif(sum({alias}.surveyed){where}, 0)"
