"""The shared store of accounts, sign-in limits and the audit trail (analytics.access.store), and the account
commands run while another process holds the app's DuckDB file or the store itself."""

import json
import os
import stat
import subprocess
import sys
import textwrap

import duckdb
import pytest

from analytics import access, db
from analytics.access import Scope, audit
from analytics.access.store import SQLiteStore, store_path
from tests.conftest import ROOT


def cli(*args, env, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "analytics.access", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path, app_db):
    return {**os.environ, access.ENV_ACCOUNTS: str(tmp_path / "conf" / "accounts.json"), db.ENV_DB_PATH: str(app_db)}


def holder(script: str):
    """A process that runs `script`, prints "ready" and waits for its standard input to close."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(script) + "\nprint('ready', flush=True)\nimport sys\nsys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def release(proc):
    proc.stdin.close()
    proc.wait(timeout=60)


def test_the_store_and_its_folder_are_the_owners_only(tmp_path):
    store = access.store(tmp_path / "new" / "accounts.json")
    store.record("admin1", "sign_in")
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o700
    for part in (tmp_path / "new").glob("accounts.sqlite*"):
        assert stat.S_IMODE(os.stat(part).st_mode) == 0o600, part


def test_an_old_accounts_file_moves_in_once(tmp_path):
    old = tmp_path / "accounts.json"
    access.add_user("wang", "a long enough secret", "analyst", path=tmp_path / "other.json")
    hashed = access.load_accounts(tmp_path / "other.json")["wang"].password_hash
    old.write_text(
        json.dumps(
            {
                "users": {
                    "wang": {"role": "analyst", "community_id": None, "display_name": "王", "password_hash": hashed}
                }
            }
        )
    )
    os.chmod(old, 0o644)  # as an earlier version may have left it
    assert access.verify("wang", "a long enough secret", old).display_name == "王"
    assert not old.exists() and (tmp_path / "accounts.json.imported").exists()
    # the renamed file still holds the password hashes: the owner's only
    assert stat.S_IMODE(os.stat(tmp_path / "accounts.json.imported").st_mode) == 0o600
    assert store_path(old) == tmp_path / "accounts.sqlite"
    assert "1 accounts moved" in access.store(old).recent()[0].detail


def test_an_account_change_and_its_audit_row_commit_together(tmp_path):
    path = tmp_path / "accounts.json"
    access.add_user("li", "long enough password", "analyst", path=path, actor="cli:root")
    access.set_role("li", "leader", path=path, actor="cli:root")
    access.set_password("li", "another long password", path=path, actor="cli:root")
    access.remove_user("li", path=path, actor="cli:root")
    events = [(e.username, e.action, e.detail) for e in reversed(access.store(path).recent())]
    assert events == [
        ("cli:root", "role_change", "added li: analyst"),
        ("cli:root", "role_change", "role set li: analyst → leader"),
        ("cli:root", "password_change", "li"),
        ("cli:root", "role_change", "removed li"),
    ]
    assert access.load_accounts(path) == {}


@pytest.mark.slow
def test_commands_work_and_are_audited_while_the_app_holds_the_database(env, app_db):
    assert (
        cli(
            "add-user", "zhao", "--role", "analyst", "--password-stdin", env=env, stdin="correct horse battery\n"
        ).returncode
        == 0
    )
    app = holder(f"from analytics import db; con = db.connect({str(app_db)!r})")  # the running app
    try:
        changed = cli("set-role", "zhao", "--role", "secretary", "--community", "C30", env=env)
        assert changed.returncode == 0, changed.stderr
        removed = cli("remove-user", "zhao", env=env)
        assert removed.returncode == 0 and "Traceback" not in removed.stderr
    finally:
        release(app)
    store = SQLiteStore(store_path(env[access.ENV_ACCOUNTS]))
    assert [e.detail for e in store.recent()[:2]] == ["removed zhao", "role set zhao: analyst → secretary C30"]
    assert store.account("zhao") is None


def test_a_held_store_is_a_clear_refusal_not_a_traceback(env):
    assert (
        cli(
            "add-user", "zhao", "--role", "analyst", "--password-stdin", env=env, stdin="correct horse battery\n"
        ).returncode
        == 0
    )
    store_file = store_path(env[access.ENV_ACCOUNTS])
    locker = holder(
        f"import sqlite3; con = sqlite3.connect({str(store_file)!r}, isolation_level=None);"
        " con.execute('BEGIN EXCLUSIVE')"
    )
    try:
        refused = cli("set-role", "zhao", "--role", "leader", env={**env, "JIANGCHUAN_STORE_TIMEOUT": "0.5"})
    finally:
        release(locker)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr and "稍后重试" in refused.stderr
    assert access.load_accounts(env[access.ENV_ACCOUNTS])["zhao"].role == "analyst"


def test_unknown_users_and_bad_input_are_messages(env):
    for args in (
        ("set-role", "nobody", "--role", "leader"),
        ("remove-user", "nobody"),
        ("set-role", "x", "--role", "secretary"),
    ):
        out = cli(*args, env=env)
        assert out.returncode != 0 and out.stderr and "Traceback" not in out.stderr, args
        assert any("\u4e00" <= ch <= "\u9fff" for ch in out.stderr), (args, out.stderr)  # said in Chinese too


def test_audit_events_of_an_earlier_version_move_to_the_store(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    con.execute(
        "INSERT INTO audit_log (username, role, action, detail) VALUES ('leader1', 'leader', 'export', 'x.csv'),"
        " ('analyst1', 'analyst', 'sql_query', 'SELECT 1')"
    )
    assert audit.adopt_legacy(con) == 2
    assert audit.adopt_legacy(con) == 0
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    log = audit.recent(scope=Scope("admin"))
    assert list(log["action"]) == ["sql_query", "export"] and log["occurred_at"].notna().all()
    con.close()


def test_an_admin_reads_the_trail_with_personal_data_masked_a_leader_in_full(tmp_path, monkeypatch):
    from analytics.access import Scope, audit

    audit.log("lead1", "sql", "SELECT * FROM grid_cases WHERE reporter_phone = '138-0013-8000'", role="leader")
    leader = audit.recent(scope=Scope("leader")).iloc[0]["detail"]
    admin = audit.recent(scope=Scope("admin")).iloc[0]["detail"]
    assert "138-0013-8000" in leader
    assert "0013" not in admin and admin.startswith("SELECT * FROM grid_cases")


def test_an_earlier_versions_failed_sign_ins_move_without_the_text_typed(tmp_path, accounts_file):
    """Earlier versions logged a failed sign-in under whatever was typed as the name, a password typed
    into the name box included: the store keeps the name only when it is an account."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    con.execute(
        "INSERT INTO audit_log (username, role, action, detail) VALUES"
        " ('Hunter2-secret!', NULL, 'sign_in_failed', 'attempt 1'),"
        " ('analyst1', NULL, 'sign_in_failed', 'attempt 1'), ('Hunter2-secret!', NULL, 'export', 'x.csv')"
    )
    assert audit.adopt_legacy(con) == 3
    con.close()
    log = audit.recent(scope=Scope("leader"))
    failed = log[log["action"] == "sign_in_failed"]
    assert sorted(failed["username"]) == ["?", "analyst1"]
    assert "Hunter2-secret!" in set(log["username"])  # not a failed sign-in: whoever it was, as recorded
