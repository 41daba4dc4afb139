"""Running the parsers of an uploaded file in a worker process with its own memory and time ceilings.

A hostile workbook can make a parser allocate hundreds of gigabytes (calamine then aborts the whole
process natively), expand a zip bomb, or loop for minutes. Every user shares the app's process, so the
parsers run in a child forked from a small forkserver (which has the parser libraries imported, so a
worker starts in a fraction of a second): the child limits its own address space (RLIMIT_AS) and is
killed at its time limit, and whatever goes wrong in it — an exception, MemoryError, an abort or a
segfault, the time limit — comes back as one FileRefused with a Chinese message saying what to do.

Small results come back through a pipe; Arrow tables (the rows of a sheet) are written by the child to
an Arrow IPC file in a private temporary folder and memory-mapped by the parent, so the app's process
holds no second copy of them.

Limits (environment, read at each call): JIANGCHUAN_PARSE_MEMORY_MB (default 1536: address space the
worker may map beyond what it holds at start) and JIANGCHUAN_PARSE_SECONDS (default 60); at most
JIANGCHUAN_PARSE_WORKERS (default 2, read at start) workers run at once, others wait up to that time.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext, ForkServerProcess, set_spawning_popen
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyarrow as pa

from analytics.core.errors import DataError
from words import Message, msg

DEFAULT_MEMORY_MB = 1536
DEFAULT_SECONDS = 60
# Imported by the forkserver before it forks a worker, so a worker starts in a fraction of a second; the
# modules that define tasks add themselves (preload()).
_PRELOAD = [
    "pyarrow",
    "pyarrow.csv",
    "numpy",
    "python_calamine",
    "openpyxl",
]
PARALLEL = 2  # parsers running at once (JIANGCHUAN_PARSE_WORKERS)
_context_lock = threading.Lock()
_context: BaseContext | None = None


def _parallel() -> int:
    raw = os.environ.get("JIANGCHUAN_PARSE_WORKERS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else PARALLEL


_slots = threading.BoundedSemaphore(_parallel())  # read once, at start


class WorkerFailed(DataError):
    """The worker died or ran out of time or memory; the message says which and what to do."""


class Busy(WorkerFailed):
    """No worker could be had just now (all slots taken, no process could start): nothing about the file."""


def limits() -> tuple[int, float]:
    """(address-space ceiling in bytes, seconds) from the environment, with the defaults for a 2-core
    24 GiB server: a legitimate 50 MB ledger parses in well under both."""
    memory_mb = _env_number("JIANGCHUAN_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB)
    seconds = _env_number("JIANGCHUAN_PARSE_SECONDS", DEFAULT_SECONDS)
    return int(memory_mb * 1024 * 1024), float(seconds)


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = default
    return value if value > 0 else default


class _Popen(popen_forkserver.Popen):
    """The forkserver's launch without the main-module fix-up: Streamlit (and AppTest) run the app as
    `__main__`, and a worker must not run the app again before parsing. Otherwise CPython's own
    Popen._launch (3.11–3.13)."""

    def _launch(self, process_obj: BaseProcess) -> None:
        prep_data = {
            k: v
            for k, v in spawn.get_preparation_data(process_obj.name).items()
            if k not in ("init_main_from_path", "init_main_from_name")
        }
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        # CPython's own private names (typeshed leaves them out): the fds handed to the child, and the closer.
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: BaseProcess) -> popen_forkserver.Popen:
        return _Popen(process_obj)


def _ctx() -> BaseContext:
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


def preload(*modules: str) -> None:
    """Have the forkserver import `modules` (a module that defines tasks names itself) before its first
    worker; once it has started, later names only cost the worker their import."""
    with _context_lock:
        _PRELOAD.extend(m for m in modules if m not in _PRELOAD)


def run(task: Callable[..., Any], *args: Any, file_name: str) -> Any:
    """`task`(*args), run in a worker; returns its result with any Arrow tables in it memory-mapped.
    `task` is a module-level function (the worker finds it by its module and name, as pickle does).
    Raises the worker's own DataError (a refusal the parser chose) or WorkerFailed."""
    memory, seconds = limits()
    # Two cores: more parsers at once would only slow each other and stack their memory ceilings.
    if not _slots.acquire(timeout=seconds):
        raise Busy(msg("err.isolate.busy", file=file_name))
    try:
        return _run(task, args, file_name, memory, seconds)
    finally:
        _slots.release()


def _run(task: Callable[..., Any], args: tuple[Any, ...], file_name: str, memory: int, seconds: float) -> Any:
    ctx = _ctx()
    folder = Path(tempfile.mkdtemp(prefix="jiangchuan_parse_"))
    os.chmod(folder, 0o700)
    receiver, sender = ctx.Pipe(duplex=False)
    # The forkserver's environment is the one it started with: hand over today's limits.
    settings = {k: v for k, v in os.environ.items() if k.startswith("JIANGCHUAN_PARSE_")}
    process = _Process(
        target=_child,
        args=(sender, memory, task, args, str(folder), settings),
        daemon=True,
        name=f"parse-{task.__name__}",
    )
    try:
        try:
            process.start()
        except OSError as exc:  # no process could be started: too many, or no memory for one
            raise Busy(msg("err.isolate.no_process", file=file_name)) from exc
        finally:
            sender.close()
        assert process.pid is not None  # set by a start() that returned
        message, timed_out = None, not _wait(receiver, process.pid, seconds)
        if not timed_out:
            try:
                message = receiver.recv()
            except (EOFError, OSError):  # died without a word: an abort, a segfault, the OOM killer
                message = None
        if message is None:
            if timed_out:
                process.kill()
            process.join(10)
            raise WorkerFailed(_failure_text(file_name, process.exitcode, timed_out, seconds, memory))
        process.join(10)
        status, payload = message
        if status == "ok":
            return _restore(payload)
        if status == "refused":
            raise DataError(payload)
        if status == "memory":
            raise WorkerFailed(_failure_text(file_name, None, False, seconds, memory, out_of_memory=True))
        # The parser's own words (English, internal) stay out of the message.
        raise WorkerFailed(msg("err.isolate.parser_failed", file=file_name))
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
            process.join(10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait(receiver: Connection, pid: int, seconds: float) -> bool:
    """Whether the worker answered (or closed the pipe) in time; notes its peak resident memory on the
    way (stats.worker_peak_kb, the most seen in this thread since it was reset), for the benchmark."""
    deadline = time.monotonic() + seconds
    while True:
        _note_peak(pid)
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if receiver.poll(min(left, 0.05)):
            _note_peak(pid)
            return True


stats = threading.local()


def _note_peak(pid: int) -> None:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    peak = int(line.split()[1])
                    stats.worker_peak_kb = max(getattr(stats, "worker_peak_kb", 0), peak)
                    return
    except (OSError, ValueError):
        return


def _failure_text(
    file_name: str, exitcode: int | None, timed_out: bool, seconds: float, memory: int, out_of_memory: bool = False
) -> Message:
    if timed_out:
        return msg("err.isolate.timeout", file=file_name, seconds=seconds)
    if out_of_memory or exitcode:
        reason = msg("err.isolate.reason.memory" if out_of_memory else "err.isolate.reason.died")
        return msg("err.isolate.stopped", file=file_name, reason=reason, mb=memory // (1024 * 1024))
    return msg("err.isolate.no_answer", file=file_name)


def _child(
    sender: Connection,
    memory: int,
    task: Callable[..., Any],
    args: tuple[Any, ...],
    folder: str,
    settings: dict[str, str],
) -> None:
    for key in [k for k in os.environ if k.startswith("JIANGCHUAN_PARSE_")]:
        del os.environ[key]
    os.environ.update(settings)
    os.environ["RUST_BACKTRACE"] = "0"  # one line in the log for a native abort, not a page of frames
    # The ceiling covers everything the child maps from now on: Arrow's pools, calamine's vectors,
    # Python objects. It is counted from what the child has mapped at start (the parser libraries and
    # their thread pools reserve about a gigabyte of address space that they never touch).
    ceiling = _mapped_bytes() + memory
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        result = task(*args)
        payload = _store(result, Path(folder))
        sender.send(("ok", payload))
    except MemoryError:
        _send(sender, ("memory", None))
    except DataError as exc:
        _send(sender, ("refused", exc.message))  # the catalog message pickles: English stays possible
    except BaseException as exc:  # a parser may raise anything, pyo3 panics included
        if _out_of_memory(exc):
            _send(sender, ("memory", None))
            return
        detail = f"{type(exc).__name__}: {str(exc)[:200]}"
        print(f"parse worker ({task.__name__}): {detail}", file=sys.stderr)  # for the server log, not the user
        _send(sender, ("error", detail))
    finally:
        sender.close()


def _out_of_memory(exc: BaseException) -> bool:
    """Arrow says so in words: an allocation, or a thread it could not start, refused at the ceiling."""
    text = str(exc).lower()
    return "failed to launch worker thread" in text or "failed to allocate" in text or "out of memory" in text


def _mapped_bytes() -> int:
    with open("/proc/self/status", "rb") as handle:
        for line in handle:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _send(sender: Connection, message: tuple[str, str | None]) -> None:
    try:
        sender.send(message)
    except (OSError, MemoryError):
        os._exit(3)


class _TableRef(tuple[str]):
    """A table the child wrote to an Arrow IPC file: (path,)."""


def _store(value: object, folder: Path, counter: list[int] | None = None) -> object:
    counter = counter if counter is not None else [0]
    if isinstance(value, pa.Table):
        counter[0] += 1
        path = folder / f"t{counter[0]}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, value.schema) as writer:
            writer.write_table(value)
        return _TableRef((str(path),))
    if isinstance(value, tuple) and not isinstance(value, _TableRef):
        return tuple(_store(v, folder, counter) for v in value)
    if isinstance(value, list):
        return [_store(v, folder, counter) for v in value]
    if isinstance(value, dict):
        return {k: _store(v, folder, counter) for k, v in value.items()}
    return value


def _restore(value: object) -> Any:
    if isinstance(value, _TableRef):
        path = value[0]
        # Memory-mapped and unlinked at once: the pages stay readable and leave with the last reference.
        table = pa.ipc.open_file(pa.memory_map(path, "r")).read_all()
        os.unlink(path)
        return table
    if isinstance(value, tuple):
        return tuple(_restore(v) for v in value)
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    return value
