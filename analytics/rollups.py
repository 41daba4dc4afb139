"""Rollups: the fact tables summed per day, so that pages stay instant on ten million records.

    from analytics import rollups
    rollups.refresh(con)      # after the demo build, after every import and every undo

`refresh(con)` rebuilds every rollup table (analytics/schema/60_rollups.sql) from grid_cases and
seed_activities in one transaction and records what it was built from (rollup_state). The analysis
functions read a rollup only while `ready(con)` holds — the data version (analytics.db.data_version)
and the row counts of both fact tables are still those of the last refresh — and otherwise run the same
query over the raw tables. So a forgotten refresh costs speed, never a wrong number, and a database made
before the rollups existed works as it did until its first refresh.

What comes from a rollup is exactly what the raw tables give: counts, sums and rates add up; a mean is
a sum divided by a count; count(DISTINCT partner_id) stays exact because the partner is a key of the
activities rollup. Percentiles (the median and 90th percentile of the time to close) cannot be added
up, and they stay exact: they are computed from grid_cases itself, over the cases the filters select
(the counts beside them still come from the rollups). See bench/README.md for what that costs.

`with rollups.raw():` makes the functions of this thread ignore the rollups (tests and the benchmark
compare both answers).

    python -m analytics.rollups [path]     # rebuild the rollups of a database file
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
import time
from dataclasses import dataclass

from analytics import db

TABLES = ("rollup_cases", "rollup_activities", "rollup_open_cases")

# Each rollup's rows, from the fact tables. Sorted by day (month), so that DuckDB's zone maps skip
# the row groups outside a period.
_BUILDS = {
    "rollup_cases": """
        SELECT CAST(reported_at AS DATE) AS day, community_id, category,
               coalesce(resolved_level, 'open') AS level, urgent,
               count(*) AS cases,
               count(satisfaction) AS surveyed,
               coalesce(sum(satisfaction), 0) AS satisfaction_sum,
               count(*) FILTER (WHERE satisfaction >= 4) AS satisfied,
               count(*) FILTER (WHERE satisfaction <= 2) AS unsatisfied,
               sum((epoch(closed_at) - epoch(reported_at)) / 3600.0) AS hours_to_close,
               sum(date_diff('minute', reported_at, closed_at)) AS minutes_to_close
        FROM grid_cases
        GROUP BY ALL
        ORDER BY day, community_id, category, level, urgent""",
    "rollup_activities": """
        SELECT held_on AS day, community_id, item_id, partner_id,
               count(*) AS activities, sum(participants) AS participants, sum(volunteers) AS volunteers,
               sum(volunteer_hours) AS volunteer_hours
        FROM seed_activities
        GROUP BY ALL
        ORDER BY day, community_id, item_id, partner_id""",
    "rollup_open_cases": """
        SELECT case_id, community_id, category, urgent, reported_at
        FROM grid_cases
        WHERE closed_at IS NULL
        ORDER BY reported_at, case_id""",
}

_STATE_SQL = f"""
    INSERT OR REPLACE INTO rollup_state
    SELECT 1, ({db.DATA_VERSION_SQL}), (SELECT count(*) FROM grid_cases), (SELECT count(*) FROM seed_activities),
           (SELECT max(greatest(reported_at, coalesce(closed_at, reported_at))) FROM grid_cases),
           $refreshed_at, $seconds"""

_READY_SQL = f"""
    SELECT count(*) = 1 FROM rollup_state s
    WHERE s.data_version = ({db.DATA_VERSION_SQL})
      AND s.cases = (SELECT count(*) FROM grid_cases)
      AND s.activities = (SELECT count(*) FROM seed_activities)"""

_forced_raw: contextvars.ContextVar[bool] = contextvars.ContextVar("rollups_forced_raw", default=False)
_refresh_lock = threading.Lock()


@dataclass(frozen=True)
class Refreshed:
    seconds: float
    rows: dict[str, int]        # rollup table → rows after the refresh


def refresh(con, *, transaction: bool = True) -> Refreshed:
    """Rebuild every rollup from the fact tables. With `transaction=True` (the default) the rebuild is one
    transaction of its own: readers see the old rollups or the new ones, never a mix. With
    `transaction=False` it runs in the caller's open transaction on `con` (e.g. inside an import, so that
    the rows and their rollups commit together)."""
    started = time.perf_counter()
    with _refresh_lock:
        cur = con.cursor() if transaction else con
        try:
            if transaction:
                db.execute(cur, "BEGIN TRANSACTION")
            for table, select in _BUILDS.items():
                db.execute(cur, f"DELETE FROM {table}")
                db.execute(cur, f"INSERT INTO {table} {select}")
            seconds = time.perf_counter() - started
            db.execute(cur, _STATE_SQL, {"refreshed_at": dt.datetime.now().replace(microsecond=0),
                                         "seconds": seconds})
            rows = {t: int(db.scalar(cur, f"SELECT count(*) FROM {t}", record=False)) for t in TABLES}
            if transaction:
                db.execute(cur, "COMMIT")
        except BaseException:
            if transaction:
                cur.execute("ROLLBACK")
            raise
        finally:
            if transaction:
                cur.close()
    return Refreshed(time.perf_counter() - started, rows)


def ready(con) -> bool:
    """True while the rollups describe the fact tables as they are now (see the module docstring)."""
    exists = db.scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'"
                            " AND table_name = 'rollup_state'", record=False)
    return bool(exists) and bool(db.scalar(con, _READY_SQL, record=False))


def use(con) -> bool:
    """Whether an analysis function should read the rollups now: they are ready and not switched off."""
    return not _forced_raw.get() and ready(con)


@contextlib.contextmanager
def raw():
    """Inside the block, analysis functions of this thread read the raw fact tables only."""
    token = _forced_raw.set(True)
    try:
        yield
    finally:
        _forced_raw.reset(token)


# ---------------------------------------------------------------------------------------------
# SQL pieces shared by the analysis modules: the same aggregate over raw rows or over a rollup
def count(rolled: bool, column: str, condition: str | None = None) -> str:
    """count(*) (FILTER (WHERE condition)) over raw rows; over a rollup, the sum of its count `column`,
    cast to BIGINT and 0 when nothing matches, exactly as count(*) would be."""
    where = f" FILTER (WHERE {condition})" if condition else ""
    if not rolled:
        return f"count(*){where}"
    return f"coalesce(CAST(sum({column}){where} AS BIGINT), 0)"


def level(rolled: bool, alias: str = "k") -> str:
    """A case's level: resolved_level (NULL while open) on grid_cases, `level` ('open') on rollup_cases.
    Conditions written with `closed()` and `settled_at()` mean the same on both."""
    return f"{alias}.level" if rolled else f"{alias}.resolved_level"


def closed(rolled: bool, alias: str = "k") -> str:
    return f"{alias}.level <> 'open'" if rolled else f"{alias}.resolved_level IS NOT NULL"


def settled_at(rolled: bool, *levels: str, alias: str = "k") -> str:
    column = level(rolled, alias)
    if len(levels) == 1:
        return f"{column} = '{levels[0]}'"
    return f"{column} IN ({', '.join(repr(v) for v in levels)})"


def mean_satisfaction(rolled: bool, alias: str = "k", condition: str | None = None) -> str:
    where = f" FILTER (WHERE {condition})" if condition else ""
    if not rolled:
        return f"avg({alias}.satisfaction){where}"
    return f"sum({alias}.satisfaction_sum){where} / nullif(sum({alias}.surveyed){where}, 0)"


def latest(con):
    """The data's latest moment as recorded at the last refresh (only meaningful while `ready`)."""
    return db.scalar(con, "SELECT latest FROM rollup_state WHERE id = 1", record=False)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analytics.rollups", description="Rebuild the rollups.")
    parser.add_argument("path", nargs="?", help="the database file (default: $JIANGCHUAN_DB or data/jiangchuan.duckdb)")
    args = parser.parse_args(argv)
    con = db.connect(args.path)
    try:
        done = refresh(con)
    finally:
        con.close()
    print(f"rollups rebuilt in {done.seconds:.1f} s: "
          + ", ".join(f"{table} {rows:,} rows" for table, rows in done.rows.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
