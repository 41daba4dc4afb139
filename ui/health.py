"""Is this app server able to serve? Answered for the reverse proxy and the cluster's watcher
(serve.py's /readyz): the data it shows can be read and the shared store of accounts and sessions can
be reached. A replica that cannot do either is taken out of the proxy's rotation until it can again;
one that is merely slow is not (each check has its own time limit, and a slow answer is "not ready").
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from analytics import db
from analytics.access import accounts
from ui import data

CHECK_SECONDS = 5.0
# Checks run on their own threads so that a hung database cannot hang the answer; two are enough.
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="readiness")


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, str] = field(default_factory=dict)  # check → "ok" or what went wrong
    seconds: float = 0.0


def _data() -> str:
    if not data.lake_path() and str(db.db_path()) != ":memory:" and not db.db_path().exists():
        return "the database is not built yet (the first page view builds it)"
    communities = db.scalar(data.connection(), "SELECT count(*) FROM communities")
    return "ok" if communities else "no communities in the data"


def _store() -> str:
    accounts.store().has_accounts()
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {"data": _data, "store": _store}


def readiness(checks: dict[str, Callable[[], str]] | None = None, timeout: float = CHECK_SECONDS) -> Readiness:
    """Run every check at once, each within `timeout` seconds; ready when all say ok."""
    started = time.monotonic()
    futures = {name: _pool.submit(check) for name, check in (checks or CHECKS).items()}
    results: dict[str, str] = {}
    for name, future in futures.items():
        left = max(timeout - (time.monotonic() - started), 0.01)
        try:
            results[name] = future.result(timeout=left)
        except concurrent.futures.TimeoutError:
            results[name] = f"no answer within {timeout:g} s"
        except Exception as exc:  # any failure means "not ready"; the reason goes to the proxy's log
            results[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return Readiness(all(v == "ok" for v in results.values()), results, time.monotonic() - started)
