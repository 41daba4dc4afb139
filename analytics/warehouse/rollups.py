"""Rollups: the fact tables summed per day and per month, so that pages stay instant on ten million
records.

    from analytics.warehouse import rollups
    rollups.refresh(con)      # after the demo build, after every import and every undo

`refresh(con)` rebuilds every rollup table (analytics/schema/60_rollups.sql) from grid_cases and
seed_activities in one transaction and records what it was built from (rollup_state). The analysis
functions read a rollup only while `ready(con)` holds — the data version (analytics.db.data_version),
the row counts of both fact tables and the rollups' VERSION are still those of the last refresh —
and otherwise run the same
query over the raw tables. So a forgotten refresh costs speed, never a wrong number, and a database made
before the rollups existed works as it did until its first refresh.

`source(kind, periods)` is what a query reads instead of a fact table: the monthly rollup for the
whole months of its periods and the daily rollup for the days at their edges (a period from 2024-01-10
to 2024-12-31 reads January 10–31 by day and February–December by month), so a year's answer adds up
a few thousand rows. Its rows carry a `day` (a month's first day for monthly rows): good for periods
and months, not for days or weeks (`grain="day"` then reads the daily rollup alone).

What comes from a rollup is exactly what the raw tables give: counts, sums and rates add up; a mean is
a sum divided by a count; count(DISTINCT partner_id) stays exact because the partner is a key of the
activities rollup. Percentiles (the median and 90th percentile of the time to close) cannot be added
up, and they stay exact: they are computed from grid_cases itself, over the cases the filters select
(the counts beside them still come from the rollups). See bench/README.md for what that costs.

`refresh` also scores and stores the contest rankings (analytics.contest.store_rankings, with their own
freshness check) and each round's operational record (analytics.contest.work.store_record), in the same
transaction.

Which of the two an analysis function reads is decided in one place, analytics.warehouse.source: a
`Warehouse` (a connection and its policy) answers with the rollups while `ready` holds, or with the raw
tables in the same columns; `Warehouse(con, rollups=False)` reads the raw tables only (tests and the
benchmark compare both answers).

    python -m analytics.warehouse.rollups [path]     # rebuild the rollups of a database file
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb

from analytics.core import connection as db
from analytics.core.errors import DataError
from analytics.core.sql import Sql

TABLES = (
    "rollup_cases",
    "rollup_activities",
    "rollup_cases_monthly",
    "rollup_activities_monthly",
    "rollup_open_cases",
    "rollup_case_hours",
    "rollup_case_hours_monthly",
)
KINDS = ("cases", "activities", "case_hours")
# The time to close of a closed case, in hours (as analytics.cases computes it), and its bucket: eight
# per doubling, so a bucket holds the durations within 9% of each other (analytics.warehouse.percentiles).
HOURS_SQL = "(epoch(closed_at) - epoch(reported_at)) / 3600.0"
BUCKETS_PER_DOUBLING = 8
BUCKET_SQL = f"CAST(floor(log2(greatest(hours, 1.0 / 3600)) * {BUCKETS_PER_DOUBLING}) AS SMALLINT)"
# The columns of each kind's rollups after the date: keys, then what adds up.
_KEYS = {
    "cases": ("community_id", "town_code", "category", "level", "urgent"),
    "activities": ("community_id", "town_code", "item_id", "partner_id"),
    "case_hours": ("community_id", "town_code", "category", "level", "urgent", "bucket"),
}
_SUMS = {
    "cases": (
        "cases",
        "surveyed",
        "satisfaction_sum",
        "satisfied",
        "unsatisfied",
        "hours_to_close",
        "minutes_to_close",
    ),
    "activities": ("activities", "participants", "volunteers", "volunteer_hours"),
    "case_hours": ("cases",),
}
# What a daily row of each kind reads as its sums (a row of rollup_case_hours is one case).
_DAILY_SUMS = {**{k: ", ".join(v) for k, v in _SUMS.items()}, "case_hours": "1 AS cases"}


def _monthly(kind: str) -> str:
    """A monthly rollup from its daily one (integer sums stay BIGINT, as in the daily table)."""
    keys = ", ".join(_KEYS[kind])
    sums = ", ".join(
        "count(*) AS cases"
        if kind == "case_hours"
        else f"sum({c})"
        if c in ("hours_to_close", "volunteer_hours")
        else f"CAST(sum({c}) AS BIGINT)"
        for c in _SUMS[kind]
    )
    return f"""
        SELECT CAST(date_trunc('month', day) AS DATE) AS month, {keys}, {sums}
        FROM rollup_{kind}
        GROUP BY ALL
        ORDER BY town_code, month, {keys}"""


# Every rollup row names its community's 街镇 (town_code, NULL for a community the reference lists do
# not know): a page of one town keeps its rows by comparing that column in the scan, where a join with
# the town's communities would cost every row a probe (bench/district_pages.py). The facts with it:
_TOWN_OF = "SELECT tc.community_id, tg.town_code FROM communities tc JOIN grids tg ON tg.grid_id = tc.grid_id"
_CASES = f"(SELECT f.*, t.town_code FROM grid_cases f LEFT JOIN ({_TOWN_OF}) t ON t.community_id = f.community_id)"
_ACTIVITIES = (
    f"(SELECT f.*, t.town_code FROM seed_activities f LEFT JOIN ({_TOWN_OF}) t ON t.community_id = f.community_id)"
)

# Each rollup's rows, from the fact tables. Sorted town by town (a district database reads one town's
# row groups; one town's database has one town) and within a town by day (month), so that DuckDB's zone
# maps skip the row groups outside a period; the durations by bucket first, for the same reason
# (analytics.warehouse.percentiles reads a few buckets of a period).
_BUILDS = {
    "rollup_cases": f"""
        SELECT CAST(reported_at AS DATE) AS day, community_id, town_code, category,
               coalesce(resolved_level, 'open') AS level, urgent,
               count(*) AS cases,
               count(satisfaction) AS surveyed,
               coalesce(sum(satisfaction), 0) AS satisfaction_sum,
               count(*) FILTER (WHERE satisfaction >= 4) AS satisfied,
               count(*) FILTER (WHERE satisfaction <= 2) AS unsatisfied,
               sum((epoch(closed_at) - epoch(reported_at)) / 3600.0) AS hours_to_close,
               sum(date_diff('minute', reported_at, closed_at)) AS minutes_to_close
        FROM {_CASES}
        GROUP BY ALL
        ORDER BY town_code, day, community_id, category, level, urgent""",
    "rollup_activities": f"""
        SELECT held_on AS day, community_id, town_code, item_id, partner_id,
               count(*) AS activities, sum(participants) AS participants, sum(volunteers) AS volunteers,
               sum(volunteer_hours) AS volunteer_hours
        FROM {_ACTIVITIES}
        GROUP BY ALL
        ORDER BY town_code, day, community_id, item_id, partner_id""",
    "rollup_cases_monthly": _monthly("cases"),
    "rollup_activities_monthly": _monthly("activities"),
    "rollup_open_cases": f"""
        SELECT case_id, community_id, town_code, category, urgent, reported_at
        FROM {_CASES}
        WHERE closed_at IS NULL
        ORDER BY town_code, reported_at, case_id""",
    "rollup_case_hours": f"""
        SELECT day, community_id, town_code, category, level, urgent, hours, {BUCKET_SQL} AS bucket
        FROM (SELECT CAST(reported_at AS DATE) AS day, community_id, town_code, category, resolved_level AS level,
                     urgent, {HOURS_SQL} AS hours
              FROM {_CASES}
              WHERE closed_at IS NOT NULL)
        ORDER BY town_code, bucket, day""",
    "rollup_case_hours_monthly": _monthly("case_hours"),
}

# Which definitions the rollups were built with, recorded in rollup_state: bump VERSION with any change
# to _BUILDS (or a new rollup), so that a database built by the old code finds its rollups not ready
# until they are rebuilt. tests/unit/test_versions.py holds the fingerprint of each version's SQL and
# fails when the SQL changes without the bump.
VERSION = 2

_STATE_SQL = f"""
    INSERT OR REPLACE INTO rollup_state
    SELECT 1, $definition, ({db.DATA_VERSION_SQL}), (SELECT count(*) FROM grid_cases), (SELECT count(*) FROM seed_activities),
           (SELECT max(greatest(reported_at, coalesce(closed_at, reported_at))) FROM grid_cases),
           $refreshed_at, $seconds"""

_READY_SQL = f"""
    SELECT s.definition = $definition
           AND s.data_version = ({db.DATA_VERSION_SQL})
           AND s.cases = (SELECT count(*) FROM grid_cases)
           AND s.activities = (SELECT count(*) FROM seed_activities)
    FROM rollup_state s"""


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """Every rollup table rebuilt from the fact tables, on `cur` inside the caller's transaction (the
    named step that calls this, with the stored results beside it, is analytics.refresh)."""
    _reshape(cur)
    for table, select in _BUILDS.items():
        db.execute(cur, f"DELETE FROM {table}")
        db.execute(cur, f"INSERT INTO {table} {select}")


def _reshape(cur: duckdb.DuckDBPyConnection) -> None:
    """Rollup tables of an older shape (before town_code) made anew as the schema defines them: they
    hold nothing but what the rebuild that follows writes again."""
    shaped = db.scalar(
        cur,
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'rollup_cases' AND column_name = 'town_code'",
        in_transaction=True,
        record=False,
    )
    if shaped:
        return
    for table in TABLES:
        db.execute(cur, f"DROP TABLE IF EXISTS {table}")
    db.execute(cur, (db.SCHEMA_DIR / "60_rollups.sql").read_text(encoding="utf-8"))


def record_state(cur: duckdb.DuckDBPyConnection, seconds: float) -> None:
    """What the rollups were just built from (rollup_state), in the same transaction as `rebuild`."""
    db.execute(
        cur,
        _STATE_SQL,
        {"definition": f"v{VERSION}", "seconds": seconds, "refreshed_at": dt.datetime.now().replace(microsecond=0)},
    )


def ready(con: db.Queryable) -> bool:
    """True while the rollups describe the fact tables as they are now (see the module docstring). Asked
    of the database on every call: analytics.warehouse.source.Warehouse remembers the answer for a run."""
    try:
        return bool(db.scalar(con, _READY_SQL, {"definition": f"v{VERSION}"}, record=False))
    except DataError:  # a database file from before the rollups, opened read-only: no rollup_state
        return False


# ---------------------------------------------------------------------------------------------
# what a query reads instead of a fact table
_Range = tuple[dt.date | None, dt.date | None]  # [lo, hi), None = open


def _split(start: dt.date | None, end: dt.date | None) -> tuple[_Range | None, list[_Range]]:
    """A period (inclusive dates, None = open) as its whole months [lo, hi) (None when it holds no whole
    month; an open end stays None) and the ranges of days [lo, hi) left at its edges."""
    end_excl = None if end is None else end + dt.timedelta(days=1)
    lo = start if start is None or start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    hi = end_excl if end_excl is None or end_excl.day == 1 else end_excl.replace(day=1)
    if lo is not None and hi is not None and lo >= hi:
        return None, [(start, end_excl)]
    edges: list[_Range] = []
    # lo (hi) is None only with an open start (end)
    if start is not None and lo is not None and start < lo:
        edges.append((start, lo))
    if end_excl is not None and hi is not None and hi < end_excl:
        edges.append((hi, end_excl))
    return (lo, hi), edges


def _range(column: str, lo: dt.date | None, hi: dt.date | None, name: str) -> Sql:
    parts = []
    if lo is not None:
        parts.append(Sql(f"{column} >= ${name}_lo", {f"{name}_lo": lo}))
    if hi is not None:
        parts.append(Sql(f"{column} < ${name}_hi", {f"{name}_hi": hi}))
    return Sql.join(parts)


def source(
    kind: str, periods: Iterable[tuple[dt.date | None, dt.date | None]], *, grain: str = "month", prefix: str = "src"
) -> Sql:
    """A subquery to read FROM instead of the `kind` fact table ('cases': grid_cases, 'activities':
    seed_activities; 'case_hours': the closed cases' buckets of time to close, with their count in
    `cases`) for the given periods — (start, end) pairs of inclusive dates, None for an open end,
    e.g. [(filters.start, filters.end)] — with the columns `day`, the rollup's keys and its sums (see
    analytics/schema/60_rollups.sql). Monthly rows for whole months, daily rows for the edges; with
    grain="day", daily rows only. Rows outside the periods may remain: keep the period's own condition
    on `day` in the query. Bound values are named after `prefix`."""
    if kind not in KINDS or grain not in ("month", "day"):
        raise ValueError(f"unknown rollup {kind!r} / grain {grain!r}")
    keys = ", ".join(_KEYS[kind])
    columns, daily = f"{keys}, {', '.join(_SUMS[kind])}", f"{keys}, {_DAILY_SUMS[kind]}"
    if grain == "day":
        return Sql(f"(SELECT day, {daily} FROM rollup_{kind})")
    months: list[_Range] = []
    days: list[_Range] = []
    for start, end in periods:
        whole, edges = _split(start, end)
        if whole is not None:
            months.append(whole)
        days.extend(edges)
    branches = []
    if months:
        where = Sql.join(
            (
                Sql.compose("({range})", range=_range("month", lo, hi, f"{prefix}_m{i}"))
                for i, (lo, hi) in enumerate(months)
            ),
            " OR ",
        )
        branches.append(
            Sql.compose(f"SELECT month AS day, {columns} FROM rollup_{kind}_monthly WHERE {{where}}", where=where)
        )
    for i, (lo, hi) in enumerate(days):  # one branch per range, so the zone maps on day skip the rest
        branches.append(
            Sql.compose(
                f"SELECT day, {daily} FROM rollup_{kind} WHERE {{range}}", range=_range("day", lo, hi, f"{prefix}_d{i}")
            )
        )
    return Sql.compose("({union})", union=Sql.join(branches, "\n            UNION ALL "))


def latest(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The data's latest moment as recorded at the last refresh (only meaningful while `ready`)."""
    return db.scalar(con, "SELECT latest FROM rollup_state WHERE id = 1", record=False)
