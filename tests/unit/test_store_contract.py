"""One contract for both shared stores (analytics.access.store): the SQLite file of one app server and
the PostgreSQL database of a district deployment, which is started for real here (tests/postgres.py).
Each store object below stands for another app server: what one writes, the other reads."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import subprocess
import sys

import pytest

from analytics import access
from analytics.access import sessions, signin
from analytics.access.store import (
    Account,
    AuditEvent,
    LimitPolicy,
    PostgresStore,
    SavedQuery,
    SessionRecord,
    SQLiteStore,
    StoreBusy,
    open_store,
)
from tests import postgres

T0 = 1_900_000_000.0


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """Where a store lives: a file, or a database on the test session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "accounts.sqlite")
    return request.getfixturevalue("postgres_dsn")


def replica(location: str):
    """A new store object, as another app server (or the command line) opens it."""
    return open_store(location)


def test_open_store_picks_the_kind_by_its_location(location):
    store = replica(location)
    assert isinstance(store, PostgresStore if location.startswith("postgresql://") else SQLiteStore)


def test_an_account_written_by_one_server_is_read_by_another_with_its_audit_row(location):
    a, b = replica(location), replica(location)
    assert not b.has_accounts()
    a.save_account(
        Account("lead", "leader", None, "领导", "hash1"), actor="admin", action="role_change", detail="add lead"
    )
    a.save_account(Account("sec30", "secretary", "C30"), actor="admin", action="role_change", detail="add sec30")
    a.save_account(Account("gm", "leader", town_code="310112006"), actor="admin", action="role_change", detail="add gm")
    a.save_account(Account("w3", "grid_worker", grid_id="G3"), actor="admin", action="role_change", detail="add w3")
    assert b.account("gm").scope.restricted_town == "310112006"
    assert b.account("w3").scope.restricted_grid == "G3"
    assert b.remove_account("gm", actor="admin", detail="remove gm") and b.remove_account(
        "w3", actor="admin", detail="x"
    )
    assert b.has_accounts()
    assert b.account("sec30") == Account("sec30", "secretary", "C30")
    assert b.account("lead").password_hash == "hash1" and b.account("nobody") is None
    assert list(b.accounts()) == ["lead", "sec30"]
    assert [e.detail for e in b.recent()][-2:] == ["add sec30", "add lead"]
    assert b.remove_account("sec30", actor="admin", detail="remove sec30")
    assert not a.remove_account("sec30", actor="admin", detail="again")
    assert a.account("sec30") is None and [e.detail for e in a.recent(1)] == ["remove sec30"]


def test_audit_rows_keep_time_role_and_order_and_long_detail_is_cut(location):
    a, b = replica(location), replica(location)
    before = dt.datetime.now()
    a.record("lead", "sign_in", "ok", role="leader")
    b.record("sec30", "export", "x" * 5000, role="secretary")
    events = a.recent()
    assert [(e.username, e.role, e.action) for e in events] == [
        ("sec30", "secretary", "export"),
        ("lead", "leader", "sign_in"),
    ]
    assert all(
        isinstance(e.occurred_at, dt.datetime) and e.occurred_at >= before - dt.timedelta(seconds=1) for e in events
    )
    assert len(events[0].detail) == 2000


def test_adopted_events_arrive_once(location):
    store = replica(location)
    old = [AuditEvent(7, dt.datetime(2024, 5, 1, 9, 30), "lead", "leader", "sign_in", "old")]
    assert store.adopt_events(old, "old.duckdb") == 1
    assert replica(location).adopt_events(old, "old.duckdb") == 0
    assert [(e.occurred_at, e.detail) for e in store.recent()] == [(dt.datetime(2024, 5, 1, 9, 30), "old")]


def test_every_server_shares_one_secret(location):
    assert replica(location).secret() == replica(location).secret()
    assert len(replica(location).secret()) == 32


def test_a_session_started_on_one_server_is_checked_ended_and_idled_on_another(location):
    a, b = replica(location), replica(location)
    a.save_account(
        Account("sec30", "secretary", "C30", password_hash="h"), actor="admin", action="role_change", detail=""
    )
    token = sessions.issue(a.account("sec30"), store=a, now=T0)
    assert sessions.check(token, store=b, now=T0 + 120).username == "sec30"
    assert sessions.check(token, store=a, now=T0 + 180).username == "sec30"
    # a new password set through server A ends the session everywhere
    a.save_account(
        Account("sec30", "secretary", "C30", password_hash="h2"), actor="admin", action="set_password", detail=""
    )
    assert sessions.check(token, store=b, now=T0 + 200) is None
    token = sessions.issue(b.account("sec30"), store=b, now=T0)
    assert b.end_sessions("sec30") == 1 and sessions.check(token, store=a, now=T0 + 1) is None


def test_touching_a_session_never_moves_it_back_in_time(location):
    store = replica(location)
    store.save_session(SessionRecord("k", "lead", T0, T0))
    store.touch_session("k", T0 + 100)
    replica(location).touch_session("k", T0 + 50)
    assert store.session("k").last_seen_at == T0 + 100
    assert store.end_session("k") and not store.end_session("k")


def test_sign_in_limits_count_failures_from_every_server(location):
    policy = {"account:x": LimitPolicy(free=2, lock_after=5)}
    a, b = replica(location), replica(location)
    assert a.reserve_attempt(policy, T0).failures == {"account:x": 1}
    assert b.reserve_attempt(policy, T0 + 1).failures == {"account:x": 2}
    refused = a.reserve_attempt(policy, T0 + 2)
    assert refused.refused_key == "account:x" and refused.first_refusal and refused.retry_after_s == pytest.approx(14.0)
    assert not b.reserve_attempt(policy, T0 + 3).first_refusal
    b.release(undo=["account:x"])
    assert a.reserve_attempt(policy, T0 + 20).failures == {"account:x": 2}
    a.release(reset=["account:x"])
    assert b.reserve_attempt(policy, T0 + 21).failures == {"account:x": 1}
    # failures are forgotten after an hour without one
    assert a.reserve_attempt(policy, T0 + 21 + 3601).failures == {"account:x": 1}


def _guess(location: str, start, results) -> None:
    store = open_store(location)
    start.wait()
    reservation = store.reserve_attempt({"account:y": LimitPolicy(free=100, lock_after=1000)}, T0)
    results.put(reservation.failures["account:y"])


@pytest.mark.slow
def test_parallel_guesses_from_many_processes_are_each_counted(location):
    """The read-then-write of a sign-in limit is one transaction per key: eight processes guessing at
    the same moment see eight different counts, none lost."""
    replica(location).secret()  # the schema exists before the race starts
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_guess, args=(location, start, results)) for _ in range(8)]
    for w in workers:
        w.start()
    start.set()
    counts = sorted(results.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    assert counts == list(range(1, 9))


def test_the_sign_in_flow_runs_on_either_store(location):
    access.add_user("lead", "leader-password-123", "leader", path=location)
    assert signin.sign_in("lead", "wrong-password-0", "10.0.0.7", store=replica(location)).account is None
    assert signin.sign_in("lead", "leader-password-123", "10.0.0.7", store=replica(location)).account.username == "lead"
    assert [e.action for e in replica(location).recent(2)] == ["sign_in", "sign_in_failed"]


def test_an_unreachable_database_is_a_clear_refusal_without_the_password(postgres_server):
    port = postgres._free_port()
    store = PostgresStore(f"postgresql://postgres:s3cret-pass@127.0.0.1:{port}/postgres")
    with pytest.raises(StoreBusy) as refused:
        store.account("lead")
    assert "连接不上账户与日志库" in str(refused.value) and "s3cret-pass" not in str(refused.value)
    assert "s3cret-pass" not in repr(store)


@pytest.mark.slow
def test_the_account_command_writes_to_the_store_the_environment_names(location, tmp_path):
    """An administrator on any server runs the same command; JIANGCHUAN_STORE names the shared store."""
    env = {**os.environ, "JIANGCHUAN_STORE": location, "JIANGCHUAN_ACCOUNTS": str(tmp_path / "none.json")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics.access",
            "add-user",
            "sec30",
            "--role",
            "secretary",
            "--community",
            "C30",
            "--password-stdin",
        ],
        input="secretary-password-1\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert replica(location).account("sec30").community_id == "C30"
    assert replica(location).recent(1)[0].username.startswith("cli:")


def test_saved_queries_are_shared_and_keep_their_owners(location):
    a, b = replica(location), replica(location)
    t0 = dt.datetime(2026, 3, 1, 9, 30, 15, 123456)
    mine = SavedQuery("各网格事务", "FROM grid_cases", "按网格", "analyst", t0, "analyst1")
    assert a.save_query(mine)
    assert b.save_query(SavedQuery("领导的", "SELECT 1", None, "leader", t0 + dt.timedelta(minutes=1), "leader1"))
    assert [q.name for q in b.saved_queries()] == ["领导的", "各网格事务"]  # newest first
    assert b.saved_queries(owner="analyst1") == [mine]  # every field as saved, on the other server
    # another account cannot take a name over; its owner replaces it; the holder (owner None) any
    assert not b.save_query(SavedQuery("各网格事务", "SELECT 2", None, "leader", t0, "leader1"))
    assert a.saved_queries(owner="analyst1")[0].sql == "FROM grid_cases"
    assert b.save_query(SavedQuery("各网格事务", "SELECT 3", None, "analyst", t0, "analyst1"))
    assert a.saved_queries(owner="analyst1")[0].sql == "SELECT 3"
    assert not a.delete_query("各网格事务", owner="leader1")
    assert b.delete_query("各网格事务", owner="analyst1") and a.saved_queries(owner="analyst1") == []
    assert a.save_query(SavedQuery("领导的", "SELECT 4", None, None, t0, None))
    assert b.saved_queries(owner="leader1")[0].sql == "SELECT 4"  # the holder's change keeps the owner
    # adopting keeps what the store holds under a name and adds the rest, once
    old = [SavedQuery("领导的", "SELECT 0", None, None, t0, None), SavedQuery("旧的", "SELECT 5", None, None, t0, None)]
    assert a.adopt_queries(old) == 1 and b.adopt_queries(old) == 0
    assert {q.name: q.sql for q in b.saved_queries()} == {"领导的": "SELECT 4", "旧的": "SELECT 5"}
    assert b.delete_query("旧的") and [q.name for q in a.saved_queries()] == ["领导的"]
