"""The console's worker: runs ONE query in its own process and exits (see analytics.explore.runner).

Run as a script (`python -I analytics/explore/worker.py CAP_BYTES`), it imports nothing of the project, so a
query can reach nothing of the server's memory, and its whole address space (DuckDB's memory, the
Arrow batches, Python) is capped by RLIMIT_AS before DuckDB is even imported: whatever a query makes,
the kernel refuses the worker more than CAP_BYTES and the server never sees it.

It reads one JSON request line on stdin, answers on stdout with one JSON header line followed (when
the query ran) by the result as an Arrow IPC stream, and exits. The result stops at `max_rows` rows or
`max_bytes` bytes of Arrow data, whichever comes first, and the header says which. A timer interrupts
DuckDB at `timeout_s`; an alarm a little later ends the process whatever it is doing, so a worker
whose server died cannot outlive its limit either.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, BinaryIO

# After the soft interrupt, how long the worker may take to wind down before the alarm ends it.
ALARM_GRACE_S = 3


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rows_within(batch: Any, budget: int) -> int:  # batch: a pyarrow RecordBatch
    """The most leading rows of `batch` whose Arrow data fit in `budget` bytes (binary search)."""
    low, high = 0, batch.num_rows
    while low < high:
        middle = (low + high + 1) // 2
        if batch.slice(0, middle).nbytes <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def _parts(batch: Any, size: int = 4 * 2**20) -> Iterator[Any]:
    """`batch` in messages of about `size` bytes (at least one row each), so that the server can read
    the answer message by message instead of needing one buffer as large as the whole answer."""
    while batch.num_rows:
        take = max(1, _rows_within(batch, size))
        yield batch.slice(0, take)
        batch = batch.slice(take)


def run(request: dict[str, Any], out: BinaryIO) -> None:
    import duckdb
    import pyarrow as pa

    timeout_s = float(request["timeout_s"])
    signal.alarm(int(timeout_s) + 1 + ALARM_GRACE_S)
    if request.get("mode") == "script":
        _script(request, out)
        return
    max_rows, max_bytes = int(request["max_rows"]), int(request["max_bytes"])
    interrupted = threading.Event()
    started = time.perf_counter()
    con = None
    try:
        con = duckdb.connect(request["path"], read_only=request["path"] != ":memory:", config=request["config"])
        statements = con.extract_statements(request["sql"])  # the verdict first: one SELECT or EXPLAIN
        kind = statements[0].type.name if statements else None
        if len(statements) != 1 or kind not in request["allowed"] or request.get("parse_only"):
            verdict = {"verdict": True, "count": len(statements), "type": kind}
            out.write(json.dumps({"ok": True, **verdict}).encode() + b"\n")
            return

        def stop() -> None:
            interrupted.set()
            con.interrupt()

        timer = threading.Timer(timeout_s, stop)
        timer.daemon = True
        timer.start()
        relation = con.sql(request["sql"])
        if relation is None:
            raise duckdb.InvalidInputException("the statement returned no rows")
        reader = relation.to_arrow_reader(int(request.get("batch_rows", 2048)))
        kept, rows, size, cut = [], 0, 0, None
        for batch in reader:
            if batch.num_rows == 0:
                continue
            if rows >= max_rows:
                cut = "rows"
                break
            take = min(batch.num_rows, max_rows - rows)
            if size + batch.slice(0, take).nbytes > max_bytes:
                take, cut = _rows_within(batch.slice(0, take), max_bytes - size), "bytes"
            elif take < batch.num_rows:
                cut = "rows"
            if take:
                piece = batch.slice(0, take)
                kept.append(piece)
                rows, size = rows + take, size + piece.nbytes
            if cut:
                break
        timer.cancel()
        schema = reader.schema
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, schema) as writer:
            for piece in kept:
                for part in _parts(piece):
                    writer.write_batch(part)
        body = sink.getvalue()
        header = {
            "ok": True,
            "rows": rows,
            "bytes": size,
            "cut": cut,
            "elapsed": time.perf_counter() - started,
            "peak_rss": _peak_rss(),
        }
        out.write(json.dumps(header).encode() + b"\n")
        out.write(memoryview(body))
    except BaseException as exc:  # everything becomes an answer the server can word for the analyst
        header = {
            "ok": False,
            "error": type(exc).__name__,
            "message": str(exc)[:4000],
            "interrupted": interrupted.is_set(),
            "elapsed": time.perf_counter() - started,
            "peak_rss": _peak_rss(),
        }
        out.write(json.dumps(header).encode() + b"\n")
    out.flush()


def _script(request: dict[str, Any], out: BinaryIO) -> None:
    """The server's own statements on a file of its own (the masking of a fresh copy for a role):
    read-write, then a checkpoint. In a worker so that their memory is not the server's either."""
    import duckdb

    started = time.perf_counter()
    try:
        con = duckdb.connect(request["path"], config=request["config"])
        for statement in request["statements"]:
            con.execute(statement)
        con.execute("CHECKPOINT")
        con.close()
        header: dict[str, object] = {
            "ok": True,
            "rows": 0,
            "bytes": 0,
            "cut": None,
            "elapsed": time.perf_counter() - started,
            "peak_rss": _peak_rss(),
        }
    except BaseException as exc:
        header = {
            "ok": False,
            "error": type(exc).__name__,
            "message": str(exc)[:4000],
            "interrupted": False,
            "elapsed": time.perf_counter() - started,
            "peak_rss": _peak_rss(),
        }
    out.write(json.dumps(header).encode() + b"\n")


def main() -> None:
    cap = int(sys.argv[1])
    if cap > 0:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answer
    import duckdb  # noqa: F401  - imported while waiting: a pre-started worker answers at once
    import pyarrow  # noqa: F401

    line = sys.stdin.buffer.readline()
    if not line:  # the server closed the pipe: nothing to do
        return
    run(json.loads(line), out)
    out.close()


if __name__ == "__main__":
    main()
    os._exit(0)  # do not wait for DuckDB's threads or a stream still being read
