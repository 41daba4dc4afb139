"""Where console queries run: one worker process per query (analytics/explore/worker.py), limited.

The server process never executes an analyst's SQL. Each query gets a fresh worker whose address
space is capped as a whole (RLIMIT_AS: DuckDB's memory and the result alike), which returns at most
`max_bytes` of Arrow data, and which this module kills (SIGKILL, not a polite interrupt) when:

- its time limit has passed (the worker interrupts DuckDB itself at the limit; the kill is the
  backstop a couple of seconds later, for a query that does not answer an interrupt);
- its owner starts another query (one query per owner: the old one is killed, its caller gets
  QueryRefused "cancelled");
- the caller's `on_wait` callback says so or raises (the app's session ended or moved on).

At most `max_concurrent()` workers run at once in this process; an app user beyond that gets a
"busy" refusal at once, while a caller without an owner (a notebook, a test, the statement check of a
saved query, the masking of a role's copy: see analytics.explore) waits for a slot.

A fresh worker costs a process start and the import of duckdb and pyarrow: measured 0.17 s on the
idle 2-core test machine, 0.3–0.6 s under load (bench/hostile_sql.py prints it), so workers are
started per query rather than kept warm; an idle warm worker would cost ~120 MB of memory.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_CONCURRENCY = "JIANGCHUAN_CONSOLE_CONCURRENCY"
ENV_MEMORY = "JIANGCHUAN_CONSOLE_MEMORY_MB"
DEFAULT_CONCURRENCY = 2
# Address space of a worker: DuckDB's own 1 GB limit, plus ~1.1 GB it reserves at start (thread
# stacks, allocator arenas: measured VmSize after connect), plus the result's Arrow batches.
DEFAULT_MEMORY_MB = 2560
KILL_GRACE_S = 2.0  # after the time limit, before the worker is killed outright
POLL_S = 0.2  # how often a waiting caller's on_wait is asked
HEADER_MAX = 64 * 1024
WORKER = Path(__file__).with_name("worker.py")


class WorkerError(Exception):
    """The worker did not answer normally. `kind`: timeout, cancelled, memory, crashed, busy, too_big."""

    def __init__(self, kind: str, detail: str = "", *, peak_rss: int | None = None):
        super().__init__(detail or kind)
        self.kind = kind
        self.peak_rss = peak_rss


@dataclass
class Answer:
    header: dict  # the worker's header: ok, rows, bytes, cut, elapsed / error, message, interrupted
    body: _Chunks  # the Arrow IPC stream, read once (empty for an error)
    peak_rss: int  # the worker's peak resident memory, bytes (from the kernel at reaping)
    started_s: float  # seconds from spawning the worker to its first byte of answer


def max_concurrent() -> int:
    try:
        return max(1, int(os.environ.get(ENV_CONCURRENCY, DEFAULT_CONCURRENCY)))
    except ValueError:
        return DEFAULT_CONCURRENCY


def memory_cap() -> int:
    try:
        return max(512, int(os.environ.get(ENV_MEMORY, DEFAULT_MEMORY_MB))) * 2**20
    except ValueError:
        return DEFAULT_MEMORY_MB * 2**20


class _Job:
    def __init__(self, owner: str | None):
        self.owner = owner
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._reaped = False

    def attach(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._proc = proc
        if self.cancelled.is_set():
            self.kill()

    def kill(self) -> None:
        with self._lock:
            if self._proc is not None and not self._reaped:
                try:
                    os.kill(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def reap(self, block: bool) -> int | None:
        """Wait for the worker and return its peak RSS in bytes (None while it still runs)."""
        with self._lock:
            if self._proc is None or self._reaped:
                return 0
            pid, status, usage = os.wait4(self._proc.pid, 0 if block else os.WNOHANG)
            if pid == 0:
                return None
            self._reaped = True
            self._proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss * 1024


_lock = threading.Condition()
_active: set[_Job] = set()
_by_owner: dict[str, _Job] = {}


def running() -> int:
    """How many workers run now (for tests and the benchmark)."""
    with _lock:
        return len(_active)


def cancel(owner: str) -> bool:
    """Kill the query `owner` is running, if any (its caller gets QueryRefused "cancelled")."""
    with _lock:
        job = _by_owner.pop(owner, None)
        if job is None:
            return False
        job.cancelled.set()
        _active.discard(job)
        _lock.notify_all()
    job.kill()
    return True


def _take_slot(owner: str | None) -> _Job:
    if owner is not None:
        cancel(owner)
    with _lock:
        while len(_active) >= max_concurrent():
            if owner is not None:
                raise WorkerError("busy")
            _lock.wait()
        job = _Job(owner)
        _active.add(job)
        if owner is not None:
            _by_owner[owner] = job
        return job


def _release(job: _Job) -> None:
    with _lock:
        _active.discard(job)
        if job.owner is not None and _by_owner.get(job.owner) is job:
            del _by_owner[job.owner]
        _lock.notify_all()


def run(
    request: dict,
    *,
    timeout_s: float,
    max_bytes: int,
    owner: str | None = None,
    on_wait: Callable[[float], bool | None] | None = None,
) -> Answer:
    """Run `request` (see analytics.explore.worker.run) in a fresh worker; raises WorkerError when it did not
    answer. `on_wait(seconds)` is called while waiting; returning False (or raising) kills the worker."""
    job = _take_slot(owner)
    try:
        return _run(job, dict(request, timeout_s=timeout_s, max_bytes=max_bytes), on_wait)
    finally:
        job.kill()
        job.reap(block=True)
        _release(job)


def _run(job: _Job, request: dict[str, Any], on_wait: Callable[[float], bool | None] | None) -> Answer:
    timeout_s = float(request["timeout_s"])
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", str(WORKER), str(memory_cap())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError as exc:  # no process to be had (memory, process limit): a refusal, not a crash
        raise WorkerError("crashed", f"cannot start a worker: {exc}") from exc
    job.attach(proc)
    assert proc.stdin is not None and proc.stdout is not None  # both are pipes (Popen above)
    try:
        proc.stdin.write(json.dumps(request).encode() + b"\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass  # it died already: reported below from its exit
    limit = int(request["max_bytes"] * 1.1) + HEADER_MAX + 4 * 2**20  # Arrow's framing on top of the data
    chunks, size, first_byte = [], 0, None
    fd = proc.stdout.fileno()
    deadline = started + timeout_s + KILL_GRACE_S
    try:
        while True:
            now = time.perf_counter()
            if job.cancelled.is_set():
                raise WorkerError("cancelled")
            if now >= deadline:
                raise WorkerError("timeout")
            ready, _, _ = select.select([fd], [], [], min(POLL_S, deadline - now))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                first_byte = first_byte or time.perf_counter() - started
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise WorkerError("too_big")
            if on_wait is not None and on_wait(time.perf_counter() - started) is False:
                raise WorkerError("cancelled")
    except WorkerError as error:
        job.kill()
        error.peak_rss = job.reap(block=True)
        raise
    finally:
        proc.stdout.close()
    peak = _reap_soon(job)
    if job.cancelled.is_set():  # killed by cancel() between two looks: its end is not an answer
        raise WorkerError("cancelled", peak_rss=peak)
    body = _Chunks(chunks)
    header = body.readline(HEADER_MAX)
    if not header.endswith(b"\n"):
        code = proc.returncode
        kind = "memory" if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS) else "crashed"
        raise WorkerError(kind, f"worker ended with {code}", peak_rss=peak)
    return Answer(json.loads(header), body, peak or 0, first_byte or 0.0)


class _Chunks:
    """The answer as read from the pipe, read once like a file: each chunk is dropped as soon as it
    has been read, so the answer is never held twice (joined bytes beside their pieces)."""

    def __init__(self, chunks: list[bytes]):
        self._chunks = chunks
        self._chunks.reverse()
        self.closed = False

    def readline(self, limit: int) -> bytes:
        line = bytearray()
        while self._chunks and len(line) < limit:
            chunk = self._chunks.pop()
            end = chunk.find(b"\n")
            if end >= 0:
                line += chunk[: end + 1]
                if end + 1 < len(chunk):
                    self._chunks.append(chunk[end + 1 :])
                break
            line += chunk
        return bytes(line)

    def read(self, size: int = -1) -> bytearray:
        out = bytearray()
        while self._chunks and (size < 0 or len(out) < size):
            chunk = self._chunks.pop()
            want = len(chunk) if size < 0 else size - len(out)
            out += chunk[:want]
            if want < len(chunk):
                self._chunks.append(chunk[want:])
        return out

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True
        self._chunks.clear()


def _reap_soon(job: _Job) -> int | None:
    """The worker closed its output: it is exiting. Give it a moment, then make sure."""
    for _ in range(50):
        peak = job.reap(block=False)
        if peak is not None:
            return peak
        time.sleep(0.02)
    job.kill()
    return job.reap(block=True)
