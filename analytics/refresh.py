"""Refreshing what is derived from the facts, as one named step: the rollups and the stored results.

    from analytics import refresh
    refresh.refresh(con)              # after the demo build, after every import and every undo
    python -m analytics.refresh [path]    # the same for a database file (cron, after a restore)
    python -m analytics.refresh --engine duckdb|spark --lake DIR [--master local[2]]   # a lake's (analytics.lake.derive)

One transaction rebuilds every rollup table from grid_cases and seed_activities
(analytics.warehouse.rollups), scores and stores the contest rankings (analytics.contest.scoring) and
each round's operational record (analytics.contest.work), and records what they were built from. Readers
see the old results or the new ones, never a mix. It is the only place where the storage layer and the
domains' stored results meet, so neither has to import the other.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass

import duckdb

from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.core import connection as db
from analytics.core.connection import owner_only
from analytics.core.errors import DataError
from analytics.lake import derive
from analytics.warehouse import rollups, source

_lock = threading.Lock()


@dataclass(frozen=True)
class Refreshed:
    seconds: float
    rows: dict[str, int]  # derived table → rows after the refresh


def refresh(con: duckdb.DuckDBPyConnection | source.Warehouse, *, transaction: bool = True) -> Refreshed:
    """Rebuild every rollup and stored result from the facts. With `transaction=True` (the default) the
    rebuild is one transaction of its own. With `transaction=False` it runs in the caller's open
    transaction on `con` (e.g. inside an import, so that the rows and what is derived from them commit
    together). `con` may be a warehouse (analytics.warehouse.source): it forgets its freshness answers."""
    started = time.perf_counter()
    wh = con if isinstance(con, source.Warehouse) else None
    target = con.con if isinstance(con, source.Warehouse) else con
    with _lock:
        cur = target.cursor() if transaction else target
        try:
            if transaction:
                db.execute(cur, "BEGIN TRANSACTION")
            rollups.rebuild(cur)
            contest.store_rankings(cur)
            contest_work.store_record(cur)
            rollups.record_state(cur, time.perf_counter() - started)
            # Counted on this connection itself: a cursor (as db.scalar opens) would not see the rows of
            # this transaction before it commits.
            rows = {
                t: int(cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
                for t in (*rollups.TABLES, "rollup_contest_rankings", "rollup_contest_work")
            }
            if transaction:
                db.execute(cur, "COMMIT")
        except BaseException:
            if transaction:
                cur.execute("ROLLBACK")
            raise
        finally:
            if transaction:
                cur.close()
            if wh is not None:
                wh.forget()
    return Refreshed(time.perf_counter() - started, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analytics.refresh", description="Rebuild the rollups and stored results of a database."
    )
    parser.add_argument("path", nargs="?", help="the database file (default: $JIANGCHUAN_DB or data/jiangchuan.duckdb)")
    parser.add_argument("--lake", help="a lake folder (python -m analytics.lake export): build its derived/ instead")
    parser.add_argument("--engine", choices=derive.ENGINES, default="duckdb", help="with --lake: who computes")
    parser.add_argument("--master", default="local[2]", help="with --engine spark: local[N], spark://…, sc://…")
    args = parser.parse_args(argv)
    if args.lake is None and (args.engine != "duckdb" or args.master != "local[2]"):
        parser.error("--engine spark and --master need --lake DIR (a database file is refreshed by DuckDB)")
    if args.lake is not None and args.path is not None:
        parser.error("give a database file or --lake DIR, not both")
    try:
        if args.lake is not None:
            built = derive.refresh(args.lake, engine=args.engine, master=args.master)
            print(
                f"{built.engine}: derived tables written to {built.folder} in {built.seconds:.1f} s: "
                + ", ".join(f"{table} {rows:,} rows" for table, rows in built.rows.items())
            )
            return 0
        # the write-ahead log DuckDB creates while the rollups are written holds the residents' data: the
        # owner's only, whatever umask the shell (or cron) gives this command
        with owner_only():
            con = db.connect(args.path)
            try:
                done = refresh(con)
            finally:
                con.close()
    except DataError as exc:  # a missing file, a file held by the running app, a damaged file, a full disk
        print(exc, file=sys.stderr)
        return 1
    print(
        f"rollups rebuilt in {done.seconds:.1f} s: "
        + ", ".join(f"{table} {rows:,} rows" for table, rows in done.rows.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
