"""The monthly briefing (月度简报) as the page and the command make it, on a demo-world database.

    python bench/briefing_bench.py --db data/jiangchuan.duckdb --month 2024-11   # any demo-world database
    python bench/briefing_bench.py --scale 10 --month 2024-11                  # builds one into a temp folder

Prints, for the subdistrict and for one grid: the time to find the findings (briefing.briefing, run
--repeat times on one read-only connection; the first is DuckDB's cold run, the best is printed beside
it), the findings per section, the time to render every chart image (one Chromium session, the first
time in the process) and to write the PDF and the PPTX from them, the files' sizes and PDF pages; then
the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from analytics import briefing, db  # noqa: E402
from analytics.briefing import charts  # noqa: E402
from analytics.demo import generate as demo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a demo-world database (default: build one at --scale)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--month", default="2024-11")
    parser.add_argument("--grid", default="G3")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-files", action="store_true", help="only the findings, no charts or files")
    args = parser.parse_args()
    if args.db:
        path = Path(args.db)
    else:
        path = Path(tempfile.mkdtemp()) / "briefing-bench.duckdb"
        started = time.perf_counter()
        con = duckdb.connect(str(path))
        db.create_schema(con)
        demo.build(con, scale=args.scale)
        con.close()
        print(f"built scale {args.scale} in {time.perf_counter() - started:.1f} s")
    con = db.connect(path, read_only=True)
    cases = con.execute("SELECT count(*) FROM grid_cases").fetchone()[0]
    activities = con.execute("SELECT count(*) FROM seed_activities").fetchone()[0]
    print(f"{path}: {cases:,} matters, {activities:,} activities; month {args.month}")
    for grid in (None, args.grid):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            b = briefing.briefing(con, args.month, grid_id=grid)
            times.append(time.perf_counter() - started)
        counts = ", ".join(f"{s} {len(b.section(s))}" for s in briefing.SECTIONS)
        print(f"{b.place_name}: findings in {times[0]:.2f} s first, {min(times):.2f} s best ({counts})")
        if args.no_files:
            continue
        started = time.perf_counter()
        images = charts.images(b)
        drawn = time.perf_counter() - started
        for fmt in briefing.FORMATS:
            started = time.perf_counter()
            body = briefing.render(b, fmt, images)
            written = time.perf_counter() - started
            pages = f", {len(PdfReader(io.BytesIO(body)).pages)} pages" if fmt == "pdf" else ""
            print(f"  {fmt}: {len(body) / 1e6:.2f} MB{pages}, written in {written:.2f} s")
        print(f"  {len(images)} chart images in {drawn:.1f} s")
    con.close()
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
