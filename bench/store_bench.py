"""The shared store (analytics.access.store): what a page run pays to re-read its account, what a refused
sign-in attempt costs, and several processes writing the audit trail at once.

    python bench/store_bench.py                  # 4 writer processes x 500 events
    python bench/store_bench.py --writers 8 --events 1000
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import access
from analytics.access import signin
from analytics.access.store import SQLiteStore


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _writer(args) -> tuple[int, float]:
    path, index, events = args
    store, errors, started = SQLiteStore(path), 0, time.perf_counter()
    for n in range(events):
        try:
            store.record(f"writer{index}", "export", f"event {n}")
        except Exception:  # counted: the measurement is how many fail
            errors += 1
    return errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--events", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="store-bench-"))
    accounts = folder / "accounts.json"
    for n in range(20):
        access.add_user(f"user{n}", "a long enough password", "analyst", path=accounts)
    path = accounts.with_suffix(".sqlite")

    def page_run():  # what ui.auth.gate reads on every run of a signed-in session
        store = access.store(accounts)
        store.has_accounts()
        store.account("user7")

    runs = timed(page_run, 2000)
    print(
        f"page run account re-read: median {statistics.median(runs) * 1e6:.0f} µs, "
        f"p95 {sorted(runs)[int(0.95 * len(runs))] * 1e6:.0f} µs (2000 runs)"
    )
    for t in range(5):
        signin.sign_in("user7", "wrong", "10.0.0.1", store=SQLiteStore(path), now=1e9 + 100 * t)
    refused = timed(lambda: signin.sign_in("user7", "wrong", "10.0.0.1", store=SQLiteStore(path), now=1e9 + 600), 500)
    print(f"refused sign-in attempt (locked account): median {statistics.median(refused) * 1e3:.2f} ms")
    checked = timed(lambda: signin.sign_in("user8", "wrong", None, store=SQLiteStore(path), now=2e9), 3)
    print(f"checked sign-in attempt (argon2id verify included): median {statistics.median(checked) * 1e3:.0f} ms")

    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.writers) as pool:
        results = pool.map(_writer, [(path, i, args.events) for i in range(args.writers)])
    elapsed = time.perf_counter() - started
    written = sum(1 for e in SQLiteStore(path).recent(limit=10**7) if e.action == "export")
    print(
        f"{args.writers} processes x {args.events} audit events at once: {written} written, "
        f"{sum(e for e, _ in results)} errors, {written / max(t for _, t in results):.0f} events/s "
        f"(wall {elapsed:.1f} s with process start)"
    )


if __name__ == "__main__":
    main()
