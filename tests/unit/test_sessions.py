"""Signed-in sessions kept in the shared store (analytics.access.sessions): a token signed with the
store's secret stands for a session the store still holds, and only for as long as it does."""

import pytest

from analytics import access
from analytics.access import sessions
from analytics.access.store import SQLiteStore

T0 = 1_900_000_000.0


@pytest.fixture
def store_file(tmp_path):
    path = tmp_path / "accounts.json"
    access.add_user("sec30", "secretary-password-1", "secretary", "C30", path=path)
    access.add_user("lead", "leader-password-123", "leader", path=path)
    return path.with_suffix(".sqlite")


def fresh(store_file):
    return SQLiteStore(store_file)  # a new store object: a reloaded page, another tab, another app server


def test_a_token_signs_the_account_in_again_from_another_store_object(store_file):
    token = sessions.issue(fresh(store_file).account("sec30"), store=fresh(store_file), now=T0)
    account = sessions.check(token, store=fresh(store_file), now=T0 + 30)
    assert account is not None and (account.username, account.scope.community_id) == ("sec30", "C30")
    assert sessions.check(token, store=fresh(store_file), now=T0 + 60 * 60) is not None


def test_a_forged_or_mangled_token_is_refused(store_file):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    version, session_id, signature = token.split(".")
    other = sessions.issue(store.account("lead"), store=store, now=T0)
    for bad in (
        None,
        "",
        "garbage",
        f"{version}.{session_id}.{'0' * len(signature)}",
        f"{version}.{other.split('.')[1]}.{signature}",  # another session's id under this signature
        f"v0.{session_id}.{signature}",
        token + "x",
    ):
        assert sessions.check(bad, store=store, now=T0 + 1) is None, bad
    # a signature made with another store's secret does not count here
    assert sessions.check(token, store=SQLiteStore(store_file.with_name("other.sqlite")), now=T0 + 1) is None


def test_the_store_keeps_no_working_token(store_file):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    files = list(store_file.parent.glob(store_file.name + "*"))  # the database and its write-ahead log
    assert any(b"sec30" in f.read_bytes() for f in files)  # the session is written where this looks
    assert not any(token.split(".")[1].encode() in f.read_bytes() for f in files)


def test_an_idle_session_expires_and_activity_keeps_it(store_file):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    now = T0
    for _ in range(5):  # a click every 7 hours keeps an 8-hour idle limit away
        now += 7 * 60 * 60
        assert sessions.check(token, store=fresh(store_file), now=now) is not None
    assert sessions.check(token, store=fresh(store_file), now=now + sessions.IDLE_S + 1) is None
    assert sessions.check(token, store=fresh(store_file), now=now + 1) is None  # removed, not just refused


def test_the_idle_limit_is_configurable(store_file, monkeypatch):
    monkeypatch.setenv(sessions.ENV_IDLE, "10")
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    assert sessions.check(token, store=store, now=T0 + 9 * 60) is not None
    assert sessions.check(token, store=store, now=T0 + 9 * 60 + 10 * 60 + 1) is None


def test_no_session_outlives_its_maximum_age(store_file):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    now = T0
    while now + 6 * 60 * 60 < T0 + sessions.MAX_AGE_S:
        now += 6 * 60 * 60
        assert sessions.check(token, store=store, now=now) is not None
    assert sessions.check(token, store=store, now=T0 + sessions.MAX_AGE_S + 1) is None


def test_sign_out_ends_the_session_everywhere(store_file):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    kept = sessions.issue(store.account("sec30"), store=store, now=T0)  # her other browser
    assert sessions.end(token, store=fresh(store_file))
    assert sessions.check(token, store=fresh(store_file), now=T0 + 1) is None
    assert not sessions.end(token, store=store)
    assert sessions.check(kept, store=store, now=T0 + 1) is not None


@pytest.mark.parametrize(
    "change",
    [
        lambda path: access.set_password("sec30", "a-new-password-456", path=path),
        lambda path: access.remove_user("sec30", path=path),
    ],
    ids=["new password", "removed"],
)
def test_an_account_change_ends_its_sessions_and_no_others(store_file, change):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    leader = sessions.issue(store.account("lead"), store=store, now=T0)
    change(store_file)
    assert sessions.check(token, store=fresh(store_file), now=T0 + 1) is None
    assert sessions.check(leader, store=fresh(store_file), now=T0 + 1) is not None


def test_a_new_community_applies_to_the_running_session(store_file):
    store = fresh(store_file)
    token = sessions.issue(store.account("sec30"), store=store, now=T0)
    access.set_role("sec30", "secretary", "C01", path=store_file)
    account = sessions.check(token, store=fresh(store_file), now=T0 + 1)
    assert account is not None and account.scope.community_id == "C01"
