"""Load on the district deployment: the local cluster of deploy/cluster.py (PostgreSQL, N replicas of
serve.py over one lake, nginx, the readiness watcher) driven by bench/ws_load.py's browserless
sessions through nginx, one replica and two side by side in one run.

    python bench/cluster_load.py                                  # demo world (scale 1), 1 and 2 replicas
    python bench/cluster_load.py --db demo.duckdb --replicas 1 2 --sessions 10 20 40 --think 0 15 --seconds 120
    python bench/cluster_load.py --replicas 2 --sessions 40 --think 15 --kill-at 40 --browser

For each replica count: a lake exported from the demo world and refreshed (DuckDB), the cluster
started, every answer cached by three sessions first, then each load level: page p50/p95, page runs
per second, errors, each replica's CPU per page run and peak memory, and how the sessions spread over
the replicas. Sessions keep a route cookie each, as browsers do, so nginx keeps each on its replica.

`--browser`: halfway through each level of the most sessions, headless Chromium opens the overview through nginx and waits
on the app's own signals (script finished, connected, charts drawn): the seconds a real user waits
under that load. `--kill-at S`: one more level with the most sessions and the longest think time on
the largest cluster, where the replica serving the most sessions is killed (kill -9) S seconds in:
the users' errors, and the seconds until the watcher took it out of nginx's list.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ws_load  # noqa: E402

from analytics import db  # noqa: E402
from analytics.lake import derive, export  # noqa: E402

# the browser tests' own readiness signals (script finished and connected; every mounted chart drawn)
from tests.browser.conftest import _PLOTS_DRAWN as PLOTS_DRAWN  # noqa: E402
from tests.browser.conftest import CHROMIUM, IDLE  # noqa: E402


def cluster(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "cluster.py"), *args], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise SystemExit(f"deploy/cluster.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def make_lake(folder: Path, db_file: Path | None) -> Path:
    world = folder / "world.duckdb"
    if db_file:
        shutil.copy(db_file, world)
    else:
        db.connect(world).close()  # the demo world, built on first connect
    lake = folder / "lake"
    export.export(world, lake)
    derive.refresh(lake, engine="duckdb")
    return lake


class BrowserCheck(threading.Thread):
    """At `at` seconds after start, Chromium opens `url` and waits for the app's own readiness signals."""

    def __init__(self, url: str, at: float):
        super().__init__(daemon=True)
        self.url, self.at = url, at
        self.seconds: float | None = None
        self.problem = ""

    def run(self) -> None:
        from playwright.sync_api import sync_playwright

        time.sleep(self.at)  # a scheduled probe of a running load, not a synchronisation
        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
                page = chromium.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(120_000)
                started = time.monotonic()
                page.goto(self.url, wait_until="domcontentloaded")
                page.locator(IDLE).wait_for(state="attached")
                page.wait_for_function(PLOTS_DRAWN, polling=200)
                self.seconds = time.monotonic() - started
                if page.locator("[data-testid='stException']").count():
                    self.problem = "an exception on the page"
                chromium.close()
        except Exception as exc:  # reported beside the numbers, never hidden
            self.problem = f"{type(exc).__name__}: {str(exc)[:160]}"


class DownWatch(threading.Thread):
    """Polls the cluster's upstream list for `port` marked down; `seconds` after `since`."""

    def __init__(self, upstream: Path, port: int):
        super().__init__(daemon=True)
        self.upstream, self.port = upstream, port
        self.since = time.monotonic()
        self.seconds: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and self.seconds is None:
            if f":{self.port} max_fails=1 fail_timeout=5s down" in self.upstream.read_text():
                self.seconds = time.monotonic() - self.since
            self.stop.wait(0.1)


async def drive_and_kill(url: str, sessions: int, think: float, seconds: float, state: dict, at: float):
    """ws_load.drive with the busiest replica killed `at` seconds in."""
    results = ws_load.Results()
    t0 = time.monotonic()
    until = t0 + seconds
    tasks = [asyncio.create_task(ws_load.session(url, n, think, until, results, t0)) for n in range(sessions)]
    await asyncio.sleep(at)
    busiest = Counter(u for _, u in results.connections if u).most_common(1)[0][0]
    victim = next(r for r in state["replicas"] if busiest.endswith(f":{r['port']}"))
    watch = DownWatch(Path(state["folder"]) / "upstream.conf", victim["port"])
    os.kill(victim["pid"], signal.SIGKILL)
    killed_at = time.monotonic() - t0
    watch.start()
    await asyncio.gather(*tasks)
    watch.stop.set()
    return results, victim, killed_at, watch.seconds


def level(url: str, pids: list[int], sessions: int, think: float, seconds: float, browser: bool) -> None:
    check = BrowserCheck(url, seconds / 2) if browser else None
    if check:
        check.start()
    before = {pid: ws_load.cpu_seconds(pid) for pid in pids}
    results = asyncio.run(ws_load.drive(url, sessions, think, seconds, None))
    cpu = sum(ws_load.cpu_seconds(pid) - before[pid] for pid in pids)
    mode = "burst" if not think else f"{think:g} s think time"
    ws_load.report(f"{sessions} sessions, {mode}", results, seconds, pids, cpu)
    if check:
        check.join(timeout=180)
        drawn = f"{check.seconds:.1f} s" if check.seconds is not None else "not drawn"
        print(f"  a browser's overview under this load: drawn in {drawn} {check.problem}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="the world to export to the lake (default: the demo world)")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--think", type=float, nargs="+", default=[0.0, 15.0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--burst-seconds", type=float, default=60.0, help="length of a level without think time")
    parser.add_argument("--kill-at", type=float, help="also kill -9 the busiest replica so many seconds in")
    parser.add_argument("--browser", action="store_true", help="a headless Chromium's overview during each level")
    args = parser.parse_args(argv)
    if args.browser and not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="jc-cluster-load-") as tmp:
        folder = Path(tmp)
        lake = make_lake(folder, args.db)
        print(f"lake {lake} from {args.db or 'the demo world'}", flush=True)
        for replicas in args.replicas:
            state_dir = folder / f"state-{replicas}"
            cluster("start", "--replicas", str(replicas), "--lake", str(lake), "--state", str(state_dir), "--no-spark")
            try:
                state = json.loads((state_dir / "cluster.json").read_text())
                url = state["nginx"]["url"]
                pids = [r["pid"] for r in state["replicas"]]
                print(f"\n## {replicas} replica(s) behind nginx {url}", flush=True)
                asyncio.run(ws_load.drive(url, 3 * replicas, 0.0, 30.0, None))  # every answer cached first
                for think in args.think:
                    for sessions in args.sessions:
                        seconds = args.seconds if think else min(args.seconds, args.burst_seconds)
                        # one browser on the busiest levels only: its own CPU would bend the others
                        browser = args.browser and sessions == max(args.sessions)
                        level(url, pids, sessions, think, seconds, browser)
                if args.kill_at is not None and replicas == max(args.replicas) and replicas > 1:
                    sessions, think = max(args.sessions), max(args.think)
                    before = {pid: ws_load.cpu_seconds(pid) for pid in pids}
                    results, victim, killed_at, down = asyncio.run(
                        drive_and_kill(url, sessions, think, args.seconds, state, args.kill_at)
                    )
                    alive = [p for p in pids if p != victim["pid"]]
                    cpu = sum(ws_load.cpu_seconds(p) - before[p] for p in alive)
                    print(f"\n### replica on port {victim['port']} killed (kill -9) at {killed_at:.0f} s")
                    ws_load.report(f"{sessions} sessions, {think:g} s think time", results, args.seconds, alive, cpu)
                    after = [e for at, e in results.errors if at >= killed_at]
                    print(f"  errors after the kill: {len(after)}; reconnections: {results.reconnects}")
                    taken = f"{down:.1f} s" if down is not None else "not within the run"
                    print(f"  the watcher took it out of nginx's list after {taken}")
            finally:
                cluster("stop", "--state", str(state_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
