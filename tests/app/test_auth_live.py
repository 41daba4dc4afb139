"""Sign-in limits across browser sessions, and account changes made from the command line while the
app runs (holding its DuckDB file) reaching the open sessions at their next run."""

import os
import shutil
import subprocess
import sys

import pytest

from analytics.access import audit
from tests.app.helpers import assert_clean, run_page
from tests.conftest import ROOT


def sign_in(username, password, *, clear_caches=False):
    at = run_page("app_pages/overview.py", clear_caches=clear_caches)
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    at.get("form_submit_button")[0].click()
    at.run()
    return at


def cli(*args):
    out = subprocess.run(
        [sys.executable, "-m", "analytics.access", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=120,
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    return out


def errors(at):
    return " ".join(e.value for e in at.error)


@pytest.mark.slow
def test_guessing_from_new_sessions_is_locked_out(app_db, accounts_file):
    # a new browser session for every guess
    sessions = [sign_in("sec30", f"guess-{i}", clear_caches=i == 0) for i in range(8)]
    checked = ["用户名或密码不正确" in errors(at) for at in sessions]
    assert sum(checked) <= 3 and checked[:3] == [True] * 3
    assert all("登录失败次数过多" in errors(at) and "秒" in errors(at) for at in sessions[3:])
    assert "scope" not in sign_in("sec30", "secretary-password-1").session_state  # even the right one waits
    log = audit.recent()
    assert (log["action"] == "sign_in_failed").sum() == 3 and (log["action"] == "sign_in_locked").sum() == 1
    assert not log["detail"].fillna("").str.contains("guess-").any()


@pytest.mark.slow
def test_a_removed_user_is_signed_out_at_the_next_run(app_db, accounts_file):
    at = sign_in("sec30", "secretary-password-1", clear_caches=True)
    assert_clean(at)
    assert at.session_state["scope"].community_id == "C30"
    cli("remove-user", "sec30")  # another process, while this one holds the database
    at.run()
    assert at.title[0].value == "登录" and not at.metric
    assert any("已被管理员删除" in w.value for w in at.warning)
    assert audit.recent().iloc[0]["detail"] == "removed sec30"


@pytest.mark.slow
def test_a_changed_role_gets_its_new_scope_at_the_next_run(app_db, accounts_file):
    at = sign_in("analyst1", "analyst-password-1", clear_caches=True)
    assert at.session_state["scope"].role == "analyst"
    everyone = next(m for m in at.metric if m.label == "常住人口").value
    cli("set-role", "analyst1", "--role", "secretary", "--community", "C30")
    at.run()
    assert_clean(at)
    assert at.session_state["scope"].role == "secretary"
    assert next(m for m in at.metric if m.label == "常住人口").value == "6,589" != everyone


@pytest.mark.slow
def test_a_changed_password_signs_the_session_out(app_db, accounts_file):
    at = sign_in("leader1", "leader-password-1", clear_caches=True)
    assert at.session_state["scope"].role == "leader"
    subprocess.run(
        [sys.executable, "-m", "analytics.access", "set-password", "leader1", "--password-stdin"],
        input="a brand new password\n",
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    at.run()
    assert at.title[0].value == "登录" and any("密码已更改" in w.value for w in at.warning)
    assert_clean(sign_in("leader1", "a brand new password"))


def test_a_damaged_database_file_is_explained_not_crashed(app_db):
    app_db.write_bytes(b"\x00not a database" * 1000)
    at = run_page("app_pages/overview.py")
    assert not at.exception
    assert at.title[0].value == "数据库暂时无法使用" and "已损坏" in errors(at)


def test_a_database_held_by_another_program_is_explained(app_db, tmp_path, monkeypatch):
    held = tmp_path / "held.duckdb"
    shutil.copy(app_db, held)
    monkeypatch.setenv("JIANGCHUAN_DB", str(held))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(held)!r}); print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        at = run_page("app_pages/overview.py")
        assert not at.exception and "正被另一个程序" in errors(at) and str(proc.pid) in errors(at)
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_files_the_app_makes_are_its_owners_only(app_db, tmp_path):
    previous = os.umask(0o022)  # as a shell starts the server; the app must tighten it itself
    try:
        run_page("app_pages/overview.py")
        made = tmp_path / "made-by-the-app-process.bin"
        made.write_bytes(b"x")  # snapshots, uploads and exports are written by this process the same way
        folder = tmp_path / "folder-made-by-the-app-process"
        folder.mkdir()
    finally:
        os.umask(previous)
    assert (made.stat().st_mode & 0o777, folder.stat().st_mode & 0o777) == (0o600, 0o700)
