"""Many sessions at once without browsers: clients that speak Streamlit's own websocket protocol, so
the browsers' CPU does not pollute the server's figures (bench/load_bench.py drives real browsers).

    python bench/ws_load.py                                   # starts one app on a copy of the demo world
    python bench/ws_load.py --sessions 10 20 40 --think 15 --seconds 120
    python bench/ws_load.py --url http://127.0.0.1:8500 --pids 1234,1235   # a running cluster (nginx)
    python bench/ws_load.py --url … --kill 1234@30            # kill -9 replica 1234 thirty seconds in

Each session connects to /_stcore/stream (through nginx when --url is the proxy, so its own sticky
route), sends a rerun for a page as the demo role it was given (leader, secretary, analyst in turn) and
counts the server's messages until `script_finished`: that is one page run. It goes through the
overview, map, seeds, cases and contest pages in turn, waiting --think seconds between pages (0 = a
burst). A run that does not finish in 120 s, finishes with an exception element, or loses its
connection is an error; a session whose connection dropped reconnects (a new Streamlit session, as a
browser does) and goes on. Printed per load level: page p50/p95 per page and overall, page runs per
second, errors, and each server process's peak memory (VmHWM from /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("", "grid_map", "seeds", "cases", "contest")  # "" is the default page, the overview
PAGE_NAMES = {"": "overview"}
ROLES = ("leader", "secretary", "analyst")
RUN_TIMEOUT_S = 120.0


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[tuple[float, str]] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)
    reconnects: int = 0
    # which replica each connection reached (nginx's X-Jiangchuan-Upstream), and when
    connections: list[tuple[float, str]] = field(default_factory=list)

    def add(self, page: str, seconds: float, at: float) -> None:
        self.times.setdefault(PAGE_NAMES.get(page, page), []).append(seconds)
        self.finished_at.append(at)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (from /proc): the cost of page runs, whatever else
    the machine is doing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def page_run(ws: websockets.ClientConnection, role: str, page: str) -> tuple[float, str | None]:
    """One rerun of `page`; (seconds, error or None)."""
    started = time.monotonic()
    state = ClientState(query_string=f"demo_role={role}", page_name=page)
    await ws.send(BackMsg(rerun_script=state).SerializeToString())
    error = None
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=max(RUN_TIMEOUT_S - (time.monotonic() - started), 0.1))
        message = ForwardMsg()
        message.ParseFromString(raw)
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            if message.delta.new_element.WhichOneof("type") == "exception":
                error = "exception: " + message.delta.new_element.exception.message[:120]
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                error = "compile error"
            return time.monotonic() - started, error


async def session(url: str, number: int, think: float, until: float, results: Results, t0: float) -> None:
    role = ROLES[number % len(ROLES)]
    stream = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    i = number  # sessions start on different pages
    # sessions start spread over the first think time (or at once, for a burst)
    await asyncio.sleep((number * 0.37) % think if think else 0)
    # a browser keeps the route cookie nginx gave it (deploy/nginx/jiangchuan.conf): each session its own
    cookie = {"Cookie": f"jc_route=load-session-{number}"}
    while time.monotonic() < until:
        try:
            async with websockets.connect(
                stream, subprotocols=["streamlit"], max_size=None, open_timeout=30, additional_headers=cookie
            ) as ws:
                upstream = ws.response.headers.get("X-Jiangchuan-Upstream", "") if ws.response else ""
                results.connections.append((time.monotonic() - t0, upstream))
                while time.monotonic() < until:
                    page = PAGES[i % len(PAGES)]
                    i += 1
                    seconds, error = await page_run(ws, role, page)
                    if error:
                        results.errors.append((time.monotonic() - t0, f"{role} {PAGE_NAMES.get(page, page)}: {error}"))
                    else:
                        results.add(page, seconds, time.monotonic() - t0)
                    if think:
                        await asyncio.sleep(think)
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            results.errors.append((time.monotonic() - t0, f"{role}: {type(exc).__name__}"))
            results.reconnects += 1
            await asyncio.sleep(1.0)


async def drive(url: str, sessions: int, think: float, seconds: float, kill: tuple[int, float] | None) -> Results:
    results = Results()
    t0 = time.monotonic()
    until = t0 + seconds
    tasks = [asyncio.create_task(session(url, n, think, until, results, t0)) for n in range(sessions)]
    if kill:
        pid, at = kill
        await asyncio.sleep(at)
        os.kill(pid, signal.SIGKILL)
        print(f"  killed {pid} at {at:.0f} s")
    await asyncio.gather(*tasks)
    return results


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def report(label: str, results: Results, seconds: float, pids: list[int], cpu: float) -> None:
    every = [t for ts in results.times.values() for t in ts]
    print(f"{label}: {len(every)} page runs, {len(every) / seconds:.2f} per second, {len(results.errors)} errors")
    if pids and every:
        print(f"  server CPU per page run: {cpu / len(every) * 1000:.0f} ms")
    if every:
        print(f"  all pages: p50 {statistics.median(every):.2f} s, p95 {_pct(every, 0.95):.2f} s")
    for page, ts in sorted(results.times.items()):
        print(f"  {page:9s} n={len(ts):4d}  p50 {statistics.median(ts):6.2f} s  p95 {_pct(ts, 0.95):6.2f} s")
    reached = Counter(u for _, u in results.connections if u)
    if reached:
        print("  connections per replica: " + ", ".join(f"{u} {n}" for u, n in sorted(reached.items())))
    for at, error in results.errors[:8]:
        print(f"  error at {at:5.1f} s: {error}")
    for pid in pids:
        print(f"  server {pid}: peak {peak_mb(pid):.0f} MB")


def start_app(folder: Path, db_file: Path | None, code: Path = ROOT) -> tuple[subprocess.Popen[bytes], str]:
    """One app server of the checkout `code` on a copy of the demo world (built at scale 1 when no file
    is given), no accounts (the demo roles), on a free port."""
    target = folder / "load.duckdb"
    if not target.exists() and db_file:
        shutil.copy(db_file, target)
    elif not target.exists():
        sys.path.insert(0, str(ROOT))
        from analytics import db

        db.connect(target).close()
    port = _free_port()
    env = {**os.environ, "JIANGCHUAN_DB": str(target), "JIANGCHUAN_ACCOUNTS": str(folder / "accounts.json")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the app did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server or proxy (default: start one app)")
    parser.add_argument("--pids", default="", help="server process ids whose peak memory to print")
    parser.add_argument("--db", type=Path, help="database file for the app this starts (default: demo world)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--think", type=float, nargs="+", default=[0.0, 15.0], help="seconds between pages")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--kill", help="PID@SECONDS: kill -9 that process so many seconds into each run")
    parser.add_argument(
        "--code",
        type=Path,
        nargs="+",
        default=[ROOT],
        help="checkouts to serve one after the other on the same data (e.g. a worktree of main for BEFORE)",
    )
    args = parser.parse_args(argv)
    kill = None
    if args.kill:
        pid, _, at = args.kill.partition("@")
        kill = (int(pid), float(at))
    with tempfile.TemporaryDirectory() as tmp:
        for code in [None] if args.url else args.code:
            process = None
            url, pids = args.url, [int(p) for p in args.pids.split(",") if p]
            if code is not None:
                process, url = start_app(Path(tmp), args.db, code)
                pids = [process.pid]
                print(f"serving {code}")
                asyncio.run(drive(url, 3, 0.0, 30.0, None))  # every answer cached before measuring
            try:
                for think in args.think:
                    for sessions in args.sessions:
                        before = sum(cpu_seconds(pid) for pid in pids)
                        results = asyncio.run(drive(url, sessions, think, args.seconds, kill))
                        cpu = sum(cpu_seconds(pid) for pid in pids) - before
                        mode = "burst" if not think else f"{think:g} s think time"
                        report(f"{sessions} sessions, {mode}", results, args.seconds, pids, cpu)
            finally:
                if process:
                    process.terminate()
                    process.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
