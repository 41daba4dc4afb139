"""超期预警's calls as the pages and the notify command make them, on a demo-world database.

    python bench/overdue_bench.py --db data/jiangchuan.duckdb      # any demo-world database
    python bench/overdue_bench.py --scale 10                       # builds one into a temporary folder

Each call runs --repeat times on one read-only connection (the first run is DuckDB's cold one); the
best and the first are printed with the rows returned, then the peak resident memory of this process.
These calls read grid_cases matter by matter (a deadline is to the second of each matter; the daily
rollups do not keep it), so their time grows with the number of matters, unlike the rollup-backed pages.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from analytics import db, overdue  # noqa: E402
from analytics.core.filters import Filters  # noqa: E402
from analytics.core.scope import Scope  # noqa: E402
from analytics.demo import generate as demo  # noqa: E402
from analytics.overdue import notify  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a demo-world database (default: build one at --scale)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.db:
        path = Path(args.db)
    else:
        path = Path(tempfile.mkdtemp()) / "overdue-bench.duckdb"
        started = time.perf_counter()
        con = duckdb.connect(str(path))
        db.create_schema(con)
        demo.build(con, scale=args.scale)
        con.close()
        print(f"built scale {args.scale} in {time.perf_counter() - started:.1f} s")
    con = db.connect(path, read_only=True)
    cases = con.execute("SELECT count(*) FROM grid_cases").fetchone()[0]
    print(f"{path}: {cases:,} matters")
    everyone, secretary = Filters(), Scope("secretary", "C30")
    calls = {
        "holders, total (tiles)": lambda: overdue.holders(con, everyone, None, by=()),
        "holders, by grid and community": lambda: overdue.holders(con, everyone, None),
        "overdue_matters, leader": lambda: overdue.overdue_matters(con, everyone, None),
        "overdue_matters, secretary C30": lambda: overdue.overdue_matters(con, everyone, secretary),
        "closed_within_deadline, total": lambda: overdue.closed_within_deadline(con, everyone),
        "closed_within_deadline, by grid": lambda: overdue.closed_within_deadline(con, everyone, by="grid_id"),
        "notify.holder_lists (every holder)": lambda: notify.holder_lists(con),
    }
    print(f"{'call':<40} {'first s':>8} {'best s':>8} {'rows':>7}")
    for name, call in calls.items():
        times = []
        for _ in range(max(1, args.repeat)):
            started = time.perf_counter()
            result = call()
            times.append(time.perf_counter() - started)
        print(f"{name:<40} {times[0]:>8.3f} {min(times):>8.3f} {len(result):>7,}")
    con.close()
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
