"""Hostile console statements (issue 17): each through the console's own path — ui.sql.run_console, the
function the explorer page calls — in the app's situation (the database open read-write in the same
process), one fresh "server" process per statement so that a statement that ruins its server does not
stop the benchmark.

    python -m bench.hostile_sql                        # this checkout's code (AFTER)
    python -m bench.hostile_sql --code /path/to/old    # another checkout's code, e.g. main (BEFORE)
    python -m bench.hostile_sql --only 1,5,12 --scale 0.1

For each statement it prints the outcome and the console's message, the server process's peak resident
memory above what it held before the statement, the worker's peak (the new code's console runs each
query in a worker process), the time the call took, and how many workers were left running after it.
The benchmark kills a server process that passes --server-cap-mb (default 4,000 MB) or runs longer than
--wall-cap seconds (default 60), and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHONE = "13912345678"
WIDE = "SELECT " + ", ".join(f"range AS c{i}" for i in range(3000)) + " FROM range(10000)"

# (role, statement). The role is the console user's; "analyst" reads the masked copy.
STATEMENTS: list[tuple[str, str]] = [
    ("analyst", "SELECT repeat('x', 400000000) AS s"),
    ("analyst", "SELECT repeat('x', 1000000) AS s FROM range(1000)"),
    ("analyst", "SELECT string_agg(repeat('x', 1000), ',') AS s FROM range(1000000)"),
    ("analyst", "SELECT string_agg(description, ' ') AS s FROM grid_cases, range(30)"),
    ("analyst", "SELECT list(range) AS l FROM range(100000000)"),
    ("analyst", "SELECT range(0, 5000000) AS l FROM range(40)"),
    ("analyst", "SELECT list_transform(range(6000), lambda x: range(x)) AS l"),
    ("analyst", "SELECT list({'a': range, 'b': repeat('y', 100)}) AS l FROM range(5000000)"),
    ("analyst", "SELECT array_agg(t) AS a FROM grid_cases t, range(20)"),
    ("analyst", "SELECT * FROM range(10000000000000)"),
    ("analyst", "SELECT unnest(range(0, 100000000)) AS n"),
    ("analyst", "SELECT count(*) FROM range(1000000) a CROSS JOIN range(1000000) b"),
    ("analyst", "SELECT * FROM grid_cases a, grid_cases b"),
    ("analyst", "SELECT count(*) FROM grid_cases a, grid_cases b, grid_cases c"),
    ("analyst", "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t"),
    (
        "analyst",
        "WITH RECURSIVE t(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM t WHERE length(s) < 2000000000)"
        " SELECT max(length(s)) FROM t",
    ),
    ("analyst", "SELECT count(*) FROM generate_series(1, 1000000000000)"),
    ("analyst", "SELECT * FROM generate_series(1, 1000000000000) ORDER BY 1 DESC"),
    ("analyst", "SELECT sum(hash(range)) FROM range(1000000000000)"),
    ("analyst", "EXPLAIN ANALYZE SELECT count(*) FROM range(1000000000000)"),
    ("analyst", "SELECT regexp_replace(repeat('ab', 150000000), '(a|b)', '\\1\\1', 'g') AS s"),
    ("analyst", "SELECT regexp_matches(repeat('a', 100000000), '(a+)+b') AS m"),
    ("analyst", "SELECT md5(repeat('x', 300000000)) AS h"),
    ("analyst", "SELECT " + "(" * 1000 + "1" + ")" * 1000),
    ("analyst", "SELECT " + "(" * 90000 + "1" + ")" * 90000),
    ("analyst", WIDE),
    ("analyst", "SELECT * FROM read_csv('/etc/passwd')"),
    ("analyst", "SELECT * FROM read_text('/proc/self/environ')"),
    ("analyst", "SELECT * FROM 'https://example.com/data.csv'"),
    ("analyst", "ATTACH '/tmp/hostile.duckdb' AS other"),
    ("analyst", "COPY grid_cases TO '/tmp/stolen.csv'"),
    ("analyst", "INSTALL httpfs"),
    ("analyst", "PRAGMA database_list"),
    ("analyst", "SET memory_limit = '64GB'"),
    ("analyst", "SELECT 1; DROP TABLE grid_cases"),
    ("analyst", "WITH gone AS (DELETE FROM grids RETURNING *) SELECT * FROM gone"),
    ("analyst", "SELECT username, detail FROM audit_log"),
    ("analyst", "SELECT name, sql FROM saved_queries"),
    ("analyst", "SELECT file_name FROM import_batches"),
    ("analyst", "SELECT reporter_name, reporter_phone, description FROM grid_cases LIMIT 5"),
    ("admin", "SELECT detail FROM audit_log WHERE detail LIKE '%139%'"),
    ("leader", "SELECT repeat('x', 1000000) AS s FROM range(1000)"),
]


# ---------------------------------------------------------------------------------------------
# the "server": one process, the app's connection open, the console's path called once
def status(key: str, pid: str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0


def live_workers() -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (
                    b"console_worker.py" in (entry / "cmdline").read_bytes()
                    or b"explore/worker.py" in (entry / "cmdline").read_bytes()
                ):
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    count += state != "Z"
            except OSError:
                pass
    return count


def child(index: int, code: Path) -> None:
    sys.path.insert(0, str(code))
    import logging

    logging.disable(logging.WARNING)  # bare-mode Streamlit warns on every call
    import streamlit as st

    from analytics.access import Scope
    from ui import sql as console

    role, statement = STATEMENTS[index]
    scope = Scope(role)
    st.session_state["scope"] = scope
    console.run_console("SELECT 1", scope)  # the app's connection and the role's snapshot exist first
    Path("/proc/self/clear_refs").write_text("5")
    base = status("VmRSS")
    print(json.dumps({"base": base}), flush=True)
    started = time.perf_counter()
    row = {}
    try:
        result = console.run_console(statement, scope)
        row["outcome"] = f"{len(result.frame)} rows" + (" (truncated)" if result.truncated else "")
        row["message"] = getattr(result, "truncated_by", None) or ""
        row["worker"] = getattr(result, "worker_peak_rss", None)
    except Exception as exc:  # the console's refusals, and anything else it let through
        row["outcome"] = f"refused ({getattr(exc, 'reason', type(exc).__name__)})"
        row["message"] = str(exc).splitlines()[0][:90] if str(exc) else type(exc).__name__
        row["worker"] = getattr(exc, "worker_peak_rss", None)
    row["seconds"] = time.perf_counter() - started
    row["server_growth"] = status("VmHWM") - base
    row["workers_left"] = live_workers()
    print(json.dumps(row), flush=True)
    os._exit(0)  # a query still running in a thread of the old code must not hold the exit


# ---------------------------------------------------------------------------------------------
# the benchmark: one server process per statement, watched from outside
def build_database(folder: Path, scale: float) -> Path:
    sys.path.insert(0, str(ROOT))
    import duckdb

    from analytics import db
    from analytics.demo import generate as demo

    path = folder / "hostile.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=scale)
    # bookkeeping worth stealing: a leader's logged query quoting a phone number, a saved query,
    # an import under a person's file name
    con.execute(
        "INSERT INTO audit_log (username, role, action, detail) VALUES ('leader1', 'leader', 'sql_query', $d)",
        {"d": f"SELECT * FROM grid_cases WHERE reporter_phone = '{PHONE}'"},
    )
    con.execute(
        "INSERT INTO saved_queries (name, sql, saved_by, saved_at) VALUES ('领导的查询', $s, 'leader', now())",
        {"s": f"SELECT '{PHONE}'"},
    )
    con.execute("INSERT INTO import_batches VALUES ('b1', 'grid_cases', '张三的台账.xlsx', 'x', 1, now(), 'imported')")
    con.close()
    return path


def run_one(index: int, code: Path, db_path: Path, server_cap: int, wall_cap: float) -> dict:
    env = dict(
        os.environ,
        JIANGCHUAN_DB=str(db_path),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        JIANGCHUAN_ACCOUNTS=str(db_path.parent / "no-accounts.json"),
    )
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(index), "--code", str(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.set_blocking(proc.stdout.fileno(), False)
    base, peak, row, text, killed = None, 0, None, "", None
    started = time.perf_counter()
    while proc.poll() is None:
        try:
            peak = max(peak, status("VmRSS", str(proc.pid)))
        except (FileNotFoundError, ProcessLookupError):
            pass
        text += (proc.stdout.read() or b"").decode()
        if base is None and '"base"' in text:
            base = json.loads(text.splitlines()[0])["base"]
            measured_from = time.perf_counter()
        if base is not None and peak - base > server_cap:
            killed = f"server passed {server_cap >> 20} MB: killed by the benchmark"
        elif base is not None and time.perf_counter() - measured_from > wall_cap:
            killed = f"still running after {wall_cap:g} s: killed by the benchmark"
        if killed:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.05)
    text += (proc.stdout.read() or b"").decode()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    row = next((line for line in lines if "outcome" in line), None)
    if row is None:
        row = {
            "outcome": "server died" if not killed else "server killed",
            "message": killed or f"exit code {proc.returncode}",
            "seconds": time.perf_counter() - (measured_from if base is not None else started),
            "server_growth": (peak - base) if base is not None else None,
            "worker": None,
            "workers_left": live_workers(),
        }
    return row


def startup(db_path: Path, code: Path) -> str:
    """What a query costs before it runs: a trivial query through the console's function on a free copy
    of the database (the new code: a worker's start, imports and open), five times, median."""
    copy = db_path.with_name("startup.duckdb")
    shutil.copy(db_path, copy)
    script = (
        "import sys, time, statistics; sys.path.insert(0, sys.argv[1]); from analytics import explore;"
        "explore.run_readonly(sys.argv[2], 'SELECT 1'); t = []\n"
        "for _ in range(5):\n s = time.perf_counter(); explore.run_readonly(sys.argv[2], 'SELECT 1');"
        " t.append(time.perf_counter() - s)\n"
        "print(f'{statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f})')"
    )
    done = subprocess.run([sys.executable, "-c", script, str(code), str(copy)], capture_output=True, text=True)
    bare = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-c", "import duckdb, pyarrow"], check=True)
        bare.append(time.perf_counter() - started)
    bare.sort()
    return (
        f"`SELECT 1` through explore.run_readonly on a free file: {done.stdout.strip() or done.stderr[-200:]}; "
        f"a bare `python -I -c 'import duckdb, pyarrow'` (a worker's cold start): median {bare[2]:.2f} s "
        f"(min {bare[0]:.2f}, max {bare[-1]:.2f})"
    )


def mb(value) -> str:
    return "—" if value is None else f"{value / 2**20:,.0f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose code serves the console")
    parser.add_argument("--scale", type=float, default=1.0, help="demo world scale (1 = the shipped demo)")
    parser.add_argument("--only", help="comma-separated statement numbers (1-based)")
    parser.add_argument("--server-cap-mb", type=int, default=4000)
    parser.add_argument("--wall-cap", type=float, default=60)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, Path(args.code))
        return 0
    picked = [int(n) - 1 for n in args.only.split(",")] if args.only else range(len(STATEMENTS))
    folder = Path(tempfile.mkdtemp(prefix="hostile-sql-"))
    try:
        db_path = build_database(folder, args.scale)
        print(
            f"code: {args.code}   demo scale {args.scale:g}   {len(list(picked))} statements   "
            f"server cap {args.server_cap_mb} MB, wall cap {args.wall_cap:g} s\n"
        )
        print(startup(db_path, Path(args.code)) + "\n")
        print("| # | role | statement | outcome | message | server +MB | worker MB | s | workers left |")
        print("|---|---|---|---|---|---:|---:|---:|---:|")
        for index in picked:
            role, statement = STATEMENTS[index]
            row = run_one(index, Path(args.code), db_path, args.server_cap_mb * 2**20, args.wall_cap)
            shown = statement if len(statement) <= 70 else statement[:60] + f"… ({len(statement):,} chars)"
            shown, message = shown.replace("|", "\\|"), row["message"].replace("|", "/")
            print(
                f"| {index + 1} | {role} | `{shown}` | {row['outcome']} | {message} | {mb(row['server_growth'])} |"
                f" {mb(row['worker'])} | {row['seconds']:.1f} | {row['workers_left']} |",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
