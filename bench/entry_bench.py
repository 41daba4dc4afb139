"""随手录入 benchmark: what one entry from the phone form costs, end to end (the importer's checks, the
row, its batch, the rollups and stored results refreshed in the same transaction, the audit event),
beside the refresh alone — the number that decides whether an incremental rollup path is needed.

    python -m bench.entry_bench                  # the demo world at scale 1 (the subdistrict), 5 of each
    python -m bench.entry_bench --scale 20 --repeat 3

The demo world's facts are kept and the database is marked real (entries refuse the demo world), so the
refresh works on as many facts as a real subdistrict of that size would hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import db, demo, refresh  # noqa: E402
from analytics.core.scope import Scope  # noqa: E402
from analytics.ingest import entry  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["JIANGCHUAN_ACCOUNTS"] = str(Path(folder) / "none.json")  # the audit events go here
        path = Path(folder) / "bench.duckdb"
        raw = duckdb.connect(str(path))
        db.create_schema(raw)
        started = time.perf_counter()
        demo.build(raw, scale=args.scale)
        print(f"demo world at scale {args.scale}: built in {time.perf_counter() - started:.1f} s")
        raw.execute("INSERT OR REPLACE INTO app_meta VALUES ('world', 'real')")
        raw.close()
        con = db.connect(path)
        cases = db.scalar(con, "SELECT count(*) FROM grid_cases")
        activities = db.scalar(con, "SELECT count(*) FROM seed_activities")
        print(f"facts: {cases:,} grid cases, {activities:,} seed activities")
        me = Scope("secretary", "C30")
        timings: dict[str, list[float]] = {"refresh alone": [], "add a matter": [], "close it": []}
        for i in range(args.repeat):
            started = time.perf_counter()
            refresh.refresh(con)
            timings["refresh alone"].append(time.perf_counter() - started)
            now = dt.datetime.now().replace(second=0, microsecond=0)
            started = time.perf_counter()
            added = entry.add_case(
                con,
                community="鹤北一居",
                category="矛盾化解",
                reported=f"今天 0:{i:02d}",
                scope=me,
                username="bench",
                now=now,
            )
            timings["add a matter"].append(time.perf_counter() - started)
            started = time.perf_counter()
            entry.close_case(con, added.record_id, level="网格", closed="今天", satisfaction=5, scope=me, now=now)
            timings["close it"].append(time.perf_counter() - started)
        for name, seconds in timings.items():
            print(
                f"{name:>14}: median {statistics.median(seconds):.3f} s (min {min(seconds):.3f}, max {max(seconds):.3f})"
            )
        con.close()


if __name__ == "__main__":
    main()
