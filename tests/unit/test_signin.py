"""Sign-in limits that hold across sessions, processes and restarts (analytics.access.signin): a guesser gets
a handful of tries per account per quarter hour whatever it does with sessions and addresses."""

import multiprocessing
import subprocess
import sys

import pytest

from analytics import access
from analytics.access import signin
from analytics.access.store import SQLiteStore
from tests.conftest import ROOT

QUARTER_HOUR = 15 * 60
T0 = 1_900_000_000.0


@pytest.fixture
def store_file(tmp_path):
    path = tmp_path / "accounts.json"
    access.add_user("sec30", "secretary-password-1", "secretary", "C30", path=path)
    return path.with_suffix(".sqlite")


def attempt(store_file, name, password, address, now):
    # a new store object per attempt: as a new session, a new process or a restarted server would
    return signin.sign_in(name, password, address, store=SQLiteStore(store_file), now=now)


@pytest.mark.slow
def test_a_guesser_gets_a_handful_of_tries_per_account_per_quarter_hour(store_file):
    checked = [
        t
        for t in range(0, 2 * QUARTER_HOUR, 3)  # a guess every 3 s for half an hour,
        if not attempt(
            store_file,
            "sec30",
            f"guess-{t}",
            f"10.0.{t % 250}.{t // 250}",  # each from a new address
            T0 + t,
        ).refused
    ]
    for start in range(0, 2 * QUARTER_HOUR, 30):
        assert len([t for t in checked if start <= t < start + QUARTER_HOUR]) <= 5
    assert len(checked) >= 5  # the owner's own typos are not refused at once


@pytest.mark.slow
def test_one_address_guessing_many_names_is_slowed_too(store_file):
    checked = [
        t for t in range(0, QUARTER_HOUR, 2) if not attempt(store_file, f"name{t}", "guess", "10.9.9.9", T0 + t).refused
    ]
    assert len(checked) <= 16
    assert not attempt(store_file, "name-x", "guess", "10.9.9.9", T0 + QUARTER_HOUR).account


@pytest.mark.slow
def test_a_locked_account_refuses_even_the_right_password_until_the_wait_is_over(store_file):
    for t in range(5):
        result = attempt(store_file, "sec30", "wrong", "10.0.0.1", T0 + 100 * t)
        assert result.account is None and not result.refused
    assert result.retry_after_s == pytest.approx(QUARTER_HOUR)
    locked = attempt(store_file, "sec30", "secretary-password-1", "10.0.0.2", T0 + 500)
    assert locked.refused and locked.account is None and 0 < locked.retry_after_s <= QUARTER_HOUR
    later = attempt(store_file, "sec30", "secretary-password-1", "10.0.0.2", T0 + 400 + QUARTER_HOUR + 1)
    assert later.account is not None and later.account.username == "sec30"
    # a success clears the account's count: the owner's next typo is not one step from a lockout
    assert not attempt(store_file, "sec30", "typo", "10.0.0.2", T0 + 400 + QUARTER_HOUR + 2).refused
    assert not attempt(store_file, "sec30", "typo", "10.0.0.2", T0 + 400 + QUARTER_HOUR + 3).refused


def test_an_administrator_can_lift_a_lockout(store_file):
    for t in range(5):
        attempt(store_file, "sec30", "wrong", None, T0 + 60 * t)
    assert attempt(store_file, "sec30", "secretary-password-1", None, T0 + 300).refused
    signin.unlock("sec30", actor="cli:admin", store=SQLiteStore(store_file))
    assert attempt(store_file, "sec30", "secretary-password-1", None, T0 + 301).account is not None
    assert SQLiteStore(store_file).recent()[1].action == "sign_in_unlocked"


@pytest.mark.slow
def test_failures_and_lockouts_are_audited_without_the_typed_text(store_file):
    attempt(store_file, "my-secret-password", "x", "10.0.0.1", T0)  # a password in the name box
    for t in range(1, 6):
        attempt(store_file, "sec30", "wrong-guess", "10.0.0.1", T0 + 100 * t)
    for t in range(3):
        attempt(store_file, "sec30", "wrong-guess", "10.0.0.1", T0 + 600 + t)  # refused while locked
    events = list(reversed(SQLiteStore(store_file).recent()))
    failed = [e for e in events if e.action == "sign_in_failed"]
    assert [e.username for e in failed] == ["?", "sec30", "sec30", "sec30", "sec30", "sec30"]
    assert "locked for 15 min" in failed[-1].detail
    locked = [e for e in events if e.action == "sign_in_locked"]
    assert len(locked) == 1 and locked[0].username == "sec30"  # the first refusal of the wait, not each
    text = " ".join(f"{e.username} {e.detail}" for e in events)
    assert "my-secret-password" not in text and "wrong-guess" not in text
    raw = b"".join(p.read_bytes() for p in store_file.parent.glob("accounts.sqlite*"))
    assert b"my-secret-password" not in raw


def _guess_in_parallel(args):
    store_file, index = args
    return not signin.sign_in("sec30", f"parallel-{index}", f"10.1.1.{index}", store=SQLiteStore(store_file)).refused


@pytest.mark.slow
def test_parallel_guesses_cannot_slip_past_the_count(store_file):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        checked = pool.map(_guess_in_parallel, [(store_file, i) for i in range(16)])
    assert sum(checked) <= 3  # the free tries; the rest wait, however many processes ask at once


def test_limits_survive_a_restart(store_file):
    for t in range(5):
        assert not attempt(store_file, "sec30", "wrong", None, T0 + 100 * t).refused
    code = (
        f"import sys, time; from analytics.access import signin; from analytics.access.store import SQLiteStore;"
        f"r = signin.sign_in('sec30', 'secretary-password-1', store=SQLiteStore({str(store_file)!r}),"
        f" now={T0 + 460}); sys.exit(3 if r.refused else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120).returncode == 3


@pytest.mark.slow
def test_a_guesser_cannot_tell_which_names_are_accounts(store_file):
    """A name that is no account meets the same answers, waits and lockout as one that is, so that
    trying names reveals nothing about who has an account."""

    def answers(name, address):
        return [
            (result.account, result.refused, round(result.retry_after_s))
            for result in (attempt(store_file, name, f"guess-{t}", address, T0 + t) for t in range(0, 120, 5))
        ]

    assert answers("sec30", "10.1.1.1") == answers("nobody-here", "10.2.2.2")
