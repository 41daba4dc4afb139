"""Import benchmark: a one-million-row grid-case CSV loaded by analytics.ingest.import_file and by
DuckDB's own read_csv into the same table, each into a fresh database, side by side.

    python -m bench.import_bench                 # 1,000,000 rows, each load 3 times, medians
    python -m bench.import_bench --rows 200000 --chinese --repeat 1

`--chinese` writes the ledger the way people keep it (Chinese headers, community names and short
forms, 红色/矛盾化解 labels, 2024/3/1 dates) for import_file; DuckDB still gets the coded file, since it
cannot read the other. Each load runs in its own process, so peak memory (max RSS) is its own.
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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import (  # noqa: E402
    db,
    demo,
    ingest,
)

CATEGORIES = ["party_building", "opinion", "service_proxy", "dispute"]
CATEGORY_ZH = ["党建工作", "民意征集", "服务代办", "矛盾化解"]
LEVELS = ["grid", "community", "street", "district"]
LEVEL_ZH = ["网格", "居民区", "街道", "区级"]


def make_base(path: Path) -> None:
    """An empty real-world database with the reference lists of the demo world (communities etc.)."""
    import duckdb

    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=0.0001)
    ingest.clear_demo(con)
    con.close()


def make_csv(path: Path, rows: int, *, chinese: bool, communities: pd.DataFrame, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    ids = np.array([f"K{i:09d}" for i in range(1, rows + 1)])
    comm = rng.integers(0, len(communities), rows)
    cat = rng.integers(0, 4, rows)
    start = np.datetime64("2023-01-01T08:00:00")
    reported = start + rng.integers(0, 2 * 365 * 86400, rows).astype("timedelta64[s]")
    closed = reported + rng.integers(600, 30 * 86400, rows).astype("timedelta64[s]")
    is_open = rng.random(rows) < 0.05
    level = rng.integers(0, 4, rows)
    urgent = rng.random(rows) < 0.05
    satisfaction = rng.integers(1, 6, rows).astype(object)
    satisfaction[rng.random(rows) < 0.3] = ""
    phone = (13_800_000_000 + rng.integers(0, 10**8, rows)).astype(str)
    surnames = np.array(list("王李张刘陈杨黄赵周吴"))
    names = np.char.add(surnames[rng.integers(0, 10, rows)], surnames[rng.integers(0, 10, rows)])
    reported_text = np.datetime_as_string(reported, unit="s")
    closed_text = np.where(is_open, "", np.datetime_as_string(closed, unit="s"))
    frame = pd.DataFrame(
        {
            "case_id": ids,
            "community_id": communities["community_id"].to_numpy()[comm],
            "category": np.array(CATEGORIES)[cat],
            "reported_at": np.char.replace(reported_text.astype(str), "T", " "),
            "closed_at": np.char.replace(closed_text.astype(str), "T", " "),
            "resolved_level": np.where(is_open, "", np.array(LEVELS)[level]),
            "urgent": np.where(urgent, "true", "false"),
            "satisfaction": satisfaction,
            "lon": np.round(121.41 + rng.normal(0, 0.01, rows), 6),
            "lat": np.round(31.01 + rng.normal(0, 0.01, rows), 6),
            "reporter_name": names,
            "reporter_phone": phone,
            "description": np.array(["楼道堆物影响通行", "建议增设充电桩", "代办高龄津贴申请", "噪音扰民投诉"])[cat],
        }
    )
    if chinese:
        short = communities["short_name"].to_numpy()
        full = communities["name"].to_numpy()
        frame["community_id"] = np.where(rng.random(rows) < 0.5, short[comm], full[comm])
        frame["category"] = np.array(CATEGORY_ZH)[cat]
        frame["resolved_level"] = np.where(is_open, "", np.array(LEVEL_ZH)[level])
        frame["urgent"] = np.where(urgent, "是", "否")
        dates = pd.to_datetime(frame["reported_at"])
        frame["reported_at"] = (
            dates.dt.year.astype(str)
            + "/"
            + dates.dt.month.astype(str)
            + "/"
            + dates.dt.day.astype(str)
            + " "
            + dates.dt.strftime("%H:%M")
        )
        frame.columns = [
            "事务编号",
            "居民区",
            "事务类别",
            "上报时间",
            "办结时间",
            "办结层级",
            "是否紧急",
            "满意度",
            "经度",
            "纬度",
            "反映人",
            "联系电话",
            "事务内容",
        ]
    frame.to_csv(path, index=False, encoding="utf-8")


def _load(kind: str, base: Path, csv: Path, work: Path) -> dict:
    target = work / f"{kind}.duckdb"
    shutil.copy(base, target)
    con = db.connect(target)
    started = time.perf_counter()
    if kind == "duckdb":
        con.execute("BEGIN TRANSACTION")
        con.execute(
            f"INSERT INTO grid_cases BY NAME SELECT *, 'bench' AS batch_id FROM read_csv('{csv}', header = true)"
        )
        con.execute("COMMIT")
        rows = con.execute("SELECT count(*) FROM grid_cases").fetchone()[0]
        errors = 0
    else:
        report = ingest.import_file(con, csv, "grid_cases")
        rows, errors = report.rows_imported, len(report.errors)
    elapsed = time.perf_counter() - started
    con.close()
    return {"kind": kind, "seconds": elapsed, "rows": rows, "errors": errors, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec,
    so a child would report its parent's peak (the parent holds the generated frame)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chinese", action="store_true", help="also time a ledger with Chinese headers and names")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each load, interleaved (the machine is shared)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, base, csv, work = args.child
        print(json.dumps(_load(kind, Path(base), Path(csv), Path(work))))
        return
    with tempfile.TemporaryDirectory(prefix="import_bench_") as tmp:
        work = Path(tmp)
        base = work / "base.duckdb"
        make_base(base)
        con = db.connect(base, read_only=True)
        communities = db.query(con, "SELECT community_id, name, short_name FROM communities ORDER BY community_id")
        con.close()
        coded = work / "cases.csv"
        started = time.perf_counter()
        make_csv(coded, args.rows, chinese=False, communities=communities)
        print(
            f"generated {args.rows:,} rows, {coded.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
        )
        runs = [("duckdb", coded), ("import_file", coded)]
        if args.chinese:
            chinese = work / "cases_zh.csv"
            make_csv(chinese, args.rows, chinese=True, communities=communities)
            runs.append(("import_file", chinese))
        timings: dict[tuple[str, str], list[dict]] = {}
        for attempt in range(1, args.repeat + 1):
            for kind, csv in runs:
                out = subprocess.run(
                    [sys.executable, "-m", "bench.import_bench", "--child", kind, str(base), str(csv), str(work)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                result = json.loads(out.stdout.strip().splitlines()[-1])
                timings.setdefault((kind, csv.name), []).append(result)
                print(
                    f"run {attempt}  {kind:12s} {csv.name:14s} {result['rows']:>10,} rows  {result['seconds']:6.2f} s  "
                    f"peak {result['peak_mb']:6.0f} MB  errors {result['errors']}",
                    flush=True,
                )
                os.remove(work / f"{kind}.duckdb")
        print("\nmedians")
        medians = {}
        for (kind, name), results in timings.items():
            seconds = float(np.median([r["seconds"] for r in results]))
            peak = float(np.median([r["peak_mb"] for r in results]))
            medians[(kind, name)] = seconds
            print(f"{kind:12s} {name:14s} {seconds:6.2f} s  peak {peak:6.0f} MB  ({args.rows / seconds:,.0f} rows/s)")
        baseline = medians[("duckdb", "cases.csv")]
        for (kind, name), seconds in medians.items():
            if kind == "import_file":
                print(f"ratio import_file/read_csv ({name}): {seconds / baseline:.2f}x (target: within 3x)")


if __name__ == "__main__":
    main()
