"""Many people at once: concurrent browser sessions against one app server on 127.0.0.1.

    python bench/load_bench.py                         # 20 sessions for 120 s on a copy of the demo world
    python bench/load_bench.py --sessions 5 --seconds 30 --db data/jiangchuan.duckdb
    git worktree add /tmp/before b48270f && python bench/load_bench.py --code /tmp/before   # BEFORE

Each session is its own browser context (its own Streamlit session) in one headless Chromium; it opens
the sidebar pages in turn as the demo role it was given (leaders, secretaries, analysts) and times each
navigation from the request to the app's own readiness signal: the script run finished
(`data-test-script-state="notRunning"`) with the page's heading drawn. Errors are navigations that
timed out or drew Streamlit's exception box. The server process's peak resident memory is read from
/proc (VmHWM) when the run ends. Traffic goes to 127.0.0.1 only; the run is bounded in time and stops
by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"
NAV_TIMEOUT_MS = 120_000


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_ARM = """() => { window.__runs = 0; const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(rs => { for (const r of rs) if (r.oldValue === 'running') window.__runs += 1; })
    .observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']}); }"""
_RAN = f"""() => window.__runs > 0 && document.querySelector("{IDLE}") !== null"""


async def _session(browser, base: str, role: str, number: int, until: float, times: list, errors: list):
    """One person: opens the app as `role`, then goes through the sidebar's pages in turn (a click on a
    sidebar link, as people navigate: the same Streamlit session), timing each page until it is drawn."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    page.set_default_timeout(NAV_TIMEOUT_MS)
    try:
        started = time.monotonic()
        await page.goto(f"{base}/?demo_role={role}", wait_until="domcontentloaded")
        await page.locator(IDLE).wait_for(state="attached")
        times.append(time.monotonic() - started)
        links = page.locator("[data-testid='stSidebarNavLink']")
        count, i = await links.count(), number  # sessions start on different pages
        while time.monotonic() < until and count:
            link = links.nth(i % count)
            i += 1
            name = (await link.inner_text()).strip().splitlines()[-1]  # the icon's name comes first
            if await link.get_attribute("aria-current") == "page" or (await link.get_attribute("href")) == page.url:
                continue  # the page already open: its link runs nothing
            started = time.monotonic()
            try:
                await page.evaluate(_ARM)
                await link.click()
                await page.wait_for_function(_RAN, polling=100)
                if await page.locator("[data-testid='stException']").count():
                    errors.append(f"{role} {name}: exception box")
                else:
                    times.append(time.monotonic() - started)
            except PlaywrightTimeout:
                errors.append(f"{role} {name}: no answer in {NAV_TIMEOUT_MS // 1000} s")
    except PlaywrightTimeout:
        errors.append(f"{role}: the first page did not answer in {NAV_TIMEOUT_MS // 1000} s")
    finally:
        await context.close()


async def _drive(base: str, sessions: int, seconds: float) -> tuple[list, list]:
    from playwright.async_api import async_playwright

    roles = ["leader", "secretary", "analyst"]
    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        until = time.monotonic() + seconds
        await asyncio.gather(*(_session(browser, base, roles[n % 3], n, until, times, errors) for n in range(sessions)))
        await browser.close()
    return times, errors


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--db", type=Path, help="database file to copy (default: a fresh demo world at scale 1)")
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="the checkout whose app is served (e.g. a worktree of an earlier commit, for BEFORE)",
    )
    args = parser.parse_args(argv)

    from analytics import db

    work = Path(tempfile.mkdtemp(prefix="load-bench-"))
    path = work / "app.duckdb"
    if args.db:
        shutil.copy(args.db, path)
    else:  # the demo world, built by the served checkout's own code
        subprocess.run(
            [sys.executable, "-c", "import sys; from analytics import db; db.connect(sys.argv[1]).close()", str(path)],
            cwd=args.code,
            check=True,
        )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, db.ENV_DB_PATH: str(path)}
    log = open(work / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=args.code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print("the app did not start; see", work / "server.log")
                    return 1
                time.sleep(0.25)
        idle_rss = _rss_mb(server.pid)
        times, errors = asyncio.run(_drive(base, args.sessions, args.seconds))
        alive = server.poll() is None
        peak = _peak_rss_mb(server.pid) if alive else float("nan")
        end_rss = _rss_mb(server.pid) if alive else float("nan")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    def pct(q: float) -> float:
        return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1] if len(times) >= 2 else float("nan")

    print(f"{args.sessions} sessions × {args.seconds:.0f} s against {base}")
    print(
        f"navigations: {len(times)} answered, {len(errors)} errors; p50 {pct(50):.2f} s, p95 {pct(95):.2f} s, "
        f"max {max(times, default=float('nan')):.2f} s"
    )
    print(f"server: alive={alive}, RSS at start {idle_rss:.0f} MB, at end {end_rss:.0f} MB, peak {peak:.0f} MB")
    for error in sorted(set(errors))[:20]:
        print("  error:", error)
    return 0 if alive else 1


if __name__ == "__main__":
    raise SystemExit(main())
