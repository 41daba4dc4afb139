"""Time and peak memory of building the demo world, at city scale by default.

    python bench/demo_build.py            # scale 150: about 9.6 million cases, 3 million activities
    python bench/demo_build.py --scale 10

Each build runs in a fresh child process so that its peak resident memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import duckdb
from analytics import db
from analytics.demo import generate as demo
con = duckdb.connect({path!r})
db.create_schema(con)
started = time.perf_counter()
demo.build(con, scale={scale})
con.execute("CHECKPOINT")
elapsed = time.perf_counter() - started
cases = con.execute("SELECT count(*) FROM grid_cases").fetchone()[0]
activities = con.execute("SELECT count(*) FROM seed_activities").fetchone()[0]
con.close()
print(json.dumps({{"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "cases": cases, "activities": activities}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=150.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.duckdb")
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), path=path, scale=args.scale)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        size_mb = Path(path).stat().st_size / 1e6
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"scale {args.scale:g}: {result['cases']:,} cases, {result['activities']:,} activities")
    print(f"build time {result['seconds']:.1f} s, peak memory {result['peak_mb']:.0f} MB, file {size_mb:.0f} MB")


if __name__ == "__main__":
    main()
