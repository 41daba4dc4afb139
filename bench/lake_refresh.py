"""The lake's refresh (analytics.lake.derive) by DuckDB and by Spark on the same lake: 1 街镇 and N 街镇,
wall time, peak memory (the driver process, and Spark's JVM read from /proc), partitions, side by side.

    python bench/lake_refresh.py                      # scale 1: 1 town and 14 towns, both engines
    python bench/lake_refresh.py --scale 0.2 --towns 1,4
    python bench/lake_refresh.py --district FILE      # a district world database instead of the stand-in

The N-town lake is a stand-in until the district demo world exists (python -m analytics.demo --district):
the demo world (江川路街道) copied N times under the first N public codes of 闵行区's 街镇, every key of
a copy prefixed so the copies are N distinct towns of the same size. The output says so.
Each engine runs in a fresh process (its peak memory is its own); the two results are compared (every
derived table, floats to 1e-9) and the agreement printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from analytics import demo, lake
from analytics.core import connection as db
from analytics.core.hierarchy import JIANGCHUAN, MINHANG_TOWNS
from analytics.lake import derive, export
from tests.lake_compare import differences

# Columns that carry a key, rewritten per copy (prefix || value); tables in foreign-key order.
_KEYED = {
    "grids": ("grid_id", "name"),
    "grid_boundaries": ("grid_id",),
    "communities": ("community_id", "name", "grid_id"),
    "secretaries": ("secretary_id", "community_id"),
    "pairings": ("community_id",),
    "seed_activities": ("activity_id", "community_id"),
    "grid_cases": ("case_id", "community_id"),
    "contest_entries": ("entry_id", "community_id", "secretary_id"),
    "contest_scores": ("entry_id",),
}
_ONCE_FIRST = ("partners", "service_items", "judges", "contest_rounds", "contest_criteria")


def stand_in(one: Path, target: Path, towns: int) -> None:
    """A database of `towns` copies of the one-town world `one`, each under its own 街镇 code."""
    con = duckdb.connect(str(target))
    db.create_schema(con)
    con.execute(f"ATTACH '{one}' AS src (READ_ONLY)")
    codes = [JIANGCHUAN, *(t.code for t in MINHANG_TOWNS if t.code != JIANGCHUAN)][:towns]
    con.execute("DELETE FROM towns")
    for code in codes:
        town = next(t for t in MINHANG_TOWNS if t.code == code)
        con.execute(
            "INSERT INTO towns (town_code, name, name_en, simulated) VALUES ($1, $2, $3, $4)",
            [code, town.name, town.name_en, code != JIANGCHUAN],
        )
    for table in _ONCE_FIRST:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM src.{table}")
    for table, keyed in _KEYED.items():
        for k, code in enumerate(codes):
            prefix = "" if k == 0 else f"T{k:02d}-"
            replace = ", ".join(f"$prefix || {c} AS {c}" for c in keyed)
            town = ", $code AS town_code" if table == "grids" else ""
            select = f"SELECT * REPLACE ({replace}{town}) FROM src.{table}"
            values = {"prefix": prefix, **({"code": code} if table == "grids" else {})}
            con.execute(f"INSERT INTO {table} BY NAME {select}", values)
    done = set(_KEYED) | set(_ONCE_FIRST) | {"towns"}
    for table in export.tables(con):
        if table not in done:  # copied once, over the rows a new schema starts with
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM src.{table}")
    con.execute("DETACH src")
    con.close()


def jvm_peak_mb() -> float:
    """Peak resident memory (VmHWM) of this process's java children (Spark's JVM), in MB."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != os.getpid() or b"java" not in (entry / "cmdline").read_bytes():
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


def own_peak_mb() -> float:
    """This process's peak resident memory (VmHWM): ru_maxrss would report the parent's, which a fork
    inherits and an exec keeps."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(engine: str, folder: str, master: str) -> None:
    """The child: one refresh, then its measurements as one JSON line."""
    started = time.perf_counter()
    built = derive.refresh(folder, engine=engine, master=master)
    seconds = time.perf_counter() - started
    out = {
        "seconds": seconds,
        "driver_mb": own_peak_mb(),
        "jvm_mb": jvm_peak_mb() if engine == "spark" else 0.0,
        "rows": sum(built.rows.values()),
    }
    print("RESULT " + json.dumps(out), flush=True)


def measure(engine: str, folder: Path, master: str) -> dict[str, float]:
    child = subprocess.run(
        [sys.executable, __file__, "--run", engine, str(folder), "--master", master],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in child.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{engine} failed:\n{child.stderr[-3000:]}")
    return json.loads(line.removeprefix("RESULT "))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--towns", default="1,14", help="comma-separated town counts for the stand-in")
    parser.add_argument("--district", help="a district world database (instead of the stand-in)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--run", nargs=2, metavar=("ENGINE", "LAKE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run[0], args.run[1], args.master)
        return
    work = Path(tempfile.mkdtemp(prefix="lake-bench-"))
    try:
        worlds: list[tuple[str, Path]] = []
        if args.district:
            worlds.append(("district world", Path(args.district)))
        else:
            one = work / "one.duckdb"
            con = duckdb.connect(str(one))
            db.create_schema(con)
            demo.build(con, seed=2023, scale=args.scale)
            con.close()
            for n in (int(x) for x in args.towns.split(",")):
                target = one if n == 1 else work / f"towns{n}.duckdb"
                if n != 1:
                    stand_in(one, target, n)
                label = "1 town (demo world)" if n == 1 else f"{n} towns (STAND-IN: the demo world x{n})"
                worlds.append((label, target))
        print(f"scale {args.scale}, master {args.master}, {os.cpu_count()} cores; each engine in its own process\n")
        header = (
            "| world | fact rows | fact partitions | engine | wall s | driver MB | JVM MB | Spark/DuckDB time | agree |"
        )
        print(header)
        print("|" + "---|" * 9)
        for label, path in worlds:
            folder = work / "lake"
            shutil.rmtree(folder, ignore_errors=True)
            manifest = export.export(path, folder)
            shutil.copytree(folder, work / "lake-spark")
            facts = sum(manifest.tables[t] for t in lake.FACTS)
            parts = sum(len(p) for p in manifest.partitions.values())
            by_duckdb = measure("duckdb", folder, args.master)
            by_spark = measure("spark", work / "lake-spark", args.master)
            agree = differences(lake.derived_dir(folder, "v1"), lake.derived_dir(work / "lake-spark", "v1"))
            ratio = by_spark["seconds"] / by_duckdb["seconds"]
            for engine, m in (("duckdb", by_duckdb), ("spark", by_spark)):
                print(
                    f"| {label} | {facts:,} | {parts} | {engine} | {m['seconds']:.1f} | {m['driver_mb']:.0f} | "
                    f"{m['jvm_mb']:.0f} | {ratio:.1f}x | {'yes' if not agree else agree[0][:60]} |",
                    flush=True,
                )
            shutil.rmtree(work / "lake-spark")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
