"""The console cannot exhaust the server: each query runs in a worker process of its own whose memory is
capped as a whole, whose answer is bounded in bytes, which is killed at its time limit, when its owner
starts another query or when its caller gives up; and only a few run at once. Real processes, real DuckDB.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from analytics import db
from analytics.access import Scope
from analytics.explore import console as explore
from analytics.explore import runner as console_runner

LONG = "SELECT count(*) FROM range(10000000000000) a WHERE a.range % 7 = 3"


def status(key: str) -> int:
    """A size from /proc/self/status (VmRSS, VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def reset_peak() -> None:
    """Let VmHWM start again from the current resident size (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def workers() -> set[int]:
    """This process's console workers that still exist (running or not yet reaped)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and str(console_runner.WORKER).encode() in cmdline:
            found.add(int(entry.name))
    return found


def wait_until(condition, timeout: float = 60) -> None:
    """Poll `condition` (no fixed sleeps as synchronisation): generous for a loaded machine."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


class Background:
    """run_readonly in a thread, its answer or refusal kept."""

    def __init__(self, path, sql, **kwargs):
        self.result = self.error = None
        self.thread = threading.Thread(target=self._run, args=(path, sql), kwargs=kwargs, daemon=True)
        self.thread.start()

    def _run(self, path, sql, **kwargs):
        try:
            self.result = explore.run_readonly(path, sql, **kwargs)
        except Exception as exc:  # kept for the test to look at
            self.error = exc

    def join(self, timeout: float = 60):
        self.thread.join(timeout)
        assert not self.thread.is_alive()
        return self


@pytest.fixture(scope="module")
def free_db(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("limits") / "free.duckdb"
    shutil.copy(demo_db_path, path)
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT repeat('x', 1000000) AS s FROM range(1000)",  # 1 GB of answer in 1 MB values
        "SELECT string_agg(repeat('x', 1000), ',') AS s FROM range(200000)",  # one 200 MB value
        "SELECT list(range) AS l FROM range(30000000)",  # one 240 MB list
    ],
    ids=["many-large-values", "one-huge-string", "one-huge-list"],
)
@pytest.mark.slow
def test_a_large_answer_is_cut_or_refused_with_the_server_memory_bounded(free_db, sql):
    explore.run_readonly(free_db, "SELECT 1")  # imports and caches warmed outside the measured part
    reset_peak()
    before = status("VmRSS")
    try:
        result = explore.run_readonly(free_db, sql, timeout_s=60, max_bytes=20 * 2**20)
    except explore.QueryRefused as refused:
        assert refused.reason == "memory", str(refused)
    else:
        assert result.truncated and result.truncated_by == "bytes"
        assert result.frame.memory_usage(deep=True).sum() < 40 * 2**20
    growth = status("VmHWM") - before
    assert growth < 200 * 2**20, f"the server grew by {growth / 2**20:.0f} MB"
    assert not workers()


def test_the_byte_budget_keeps_whole_rows_and_says_so(free_db):
    result = explore.run_readonly(
        free_db, "SELECT range AS n, repeat('x', 100000) AS s FROM range(1000)", max_bytes=2 * 2**20
    )
    assert result.truncated_by == "bytes" and 0 < len(result.frame) < 1000
    assert result.frame["n"].tolist() == list(range(len(result.frame)))
    assert (result.frame["s"].str.len() == 100000).all()
    whole = explore.run_readonly(free_db, "SELECT * FROM grids", max_bytes=2 * 2**20)
    assert not whole.truncated and whole.truncated_by is None and len(whole.frame) == 7


def test_a_worker_over_its_memory_cap_is_a_clear_refusal(free_db, monkeypatch):
    monkeypatch.setenv(console_runner.ENV_MEMORY, "1400")
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(free_db, "SELECT repeat('x', 600000000) AS s", timeout_s=60)
    assert refused.value.reason == "memory" and "内存" in str(refused.value)
    assert not workers()


@pytest.mark.slow
def test_a_long_query_stops_at_its_limit_and_its_worker_is_gone(free_db):
    started = time.perf_counter()
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(free_db, LONG, timeout_s=1)
    assert refused.value.reason == "timeout" and "1 秒" in str(refused.value)
    assert time.perf_counter() - started < 1 + console_runner.KILL_GRACE_S + 5  # generous: shared machine
    assert not workers()


@pytest.mark.slow
def test_a_worker_that_does_not_answer_is_killed(free_db):
    """A worker frozen mid-query (SIGSTOP: its own interrupt cannot fire) is killed outright."""
    run = Background(free_db, LONG, timeout_s=1)
    wait_until(lambda: workers())
    (pid,) = workers()
    os.kill(pid, signal.SIGSTOP)
    run.join()
    assert isinstance(run.error, explore.QueryRefused) and run.error.reason == "timeout"
    assert "强制中止" in str(run.error)
    assert not Path(f"/proc/{pid}").exists()  # killed and reaped, not a zombie


def test_a_second_query_of_the_same_owner_cancels_the_first(free_db):
    first = Background(free_db, LONG, timeout_s=120, owner="analyst1")
    wait_until(lambda: console_runner.running() == 1 and workers())
    (old,) = workers()
    second = explore.run_readonly(free_db, "SELECT 42 AS answer", owner="analyst1")
    assert second.frame["answer"].tolist() == [42]
    first.join()
    assert isinstance(first.error, explore.QueryRefused) and first.error.reason == "cancelled"
    assert not Path(f"/proc/{old}").exists()
    assert console_runner.running() == 0 and not workers()


def test_beyond_the_global_limit_the_console_is_busy(free_db, monkeypatch):
    monkeypatch.setenv(console_runner.ENV_CONCURRENCY, "2")
    runs = [Background(free_db, LONG, timeout_s=120, owner=f"user{n}") for n in (1, 2)]
    wait_until(lambda: console_runner.running() == 2)
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(free_db, "SELECT 1", owner="user3")
    assert refused.value.reason == "busy" and "正忙" in str(refused.value) and "稍" in str(refused.value)
    for n in (1, 2):
        assert console_runner.cancel(f"user{n}")
    for run in runs:
        assert run.join().error.reason == "cancelled"
    assert explore.run_readonly(free_db, "SELECT 1 AS one", owner="user3").frame["one"].tolist() == [1]
    assert not workers()


def test_callers_without_an_owner_wait_for_a_place(free_db, monkeypatch):
    monkeypatch.setenv(console_runner.ENV_CONCURRENCY, "1")
    runs = [Background(free_db, "SELECT count(*) AS n FROM grid_cases") for _ in range(3)]
    for run in runs:
        run.join()
        assert run.error is None and run.result.frame["n"].iloc[0] > 0


@pytest.mark.slow
def test_a_caller_that_gives_up_kills_the_worker(free_db):
    """The app's wait callback returns False when the session is gone, or raises when Streamlit stops
    the script run (a rerun, another page): either way the worker dies with it."""
    seen = []
    with pytest.raises(explore.QueryRefused) as refused:
        explore.run_readonly(
            free_db, LONG, timeout_s=120, owner="gone", on_wait=lambda s: (seen.append(s), len(seen) < 3)[1]
        )
    assert refused.value.reason == "cancelled" and not workers()

    class Stopped(Exception):
        pass

    def stop(seconds):
        raise Stopped

    with pytest.raises(Stopped):
        explore.run_readonly(free_db, LONG, timeout_s=120, owner="gone", on_wait=stop)
    assert console_runner.running() == 0 and not workers()


def test_the_worker_keeps_the_engine_locked_while_the_app_holds_the_file(demo_db_path, tmp_path):
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_path, path)
    app = db.connect(path)
    try:
        locks = explore.run_readonly(
            path,
            """
            SELECT current_setting('enable_external_access') AS external, current_setting('lock_configuration') AS locked,
                   current_setting('memory_limit') AS memory""",
            scope=Scope("analyst"),
        ).frame.iloc[0]
        assert not locks["external"] and locks["locked"] and locks["memory"].endswith(("GiB", "MiB", "GB", "MB"))
        with pytest.raises(explore.QueryRefused) as refused:
            explore.run_readonly(path, "SELECT * FROM read_text('/etc/passwd')", scope=Scope("analyst"))
        assert refused.value.reason == "external"
    finally:
        app.close()


@pytest.mark.slow
@pytest.mark.parametrize("depth", [90_000, 400_000], ids=["under-the-length-cap", "over-the-length-cap"])
def test_deep_nesting_is_parsed_outside_the_server(free_db, depth):
    """DuckDB's parser needs gigabytes for a million nested parentheses before it refuses them: the
    server parses nothing itself (and refuses over-long text outright)."""
    sql = "SELECT " + "(" * depth + "1" + ")" * depth
    explore.run_readonly(free_db, "SELECT 1")
    reset_peak()
    before = status("VmRSS")
    for check in (lambda: explore.run_readonly(free_db, sql, timeout_s=30), lambda: explore.check_statement(sql)):
        with pytest.raises(explore.QueryRefused) as refused:
            check()
        assert refused.value.reason in {"syntax", "memory"}, str(refused.value)
    growth = status("VmHWM") - before
    assert growth < 200 * 2**20, f"the server grew by {growth / 2**20:.0f} MB"
    assert not workers()
