import os
import stat
import subprocess
import sys

import duckdb
import pytest

from analytics import access
from analytics.access import Scope, audit
from analytics.core import privacy
from analytics.core.errors import AccessDenied
from tests.conftest import ROOT


def test_scope_validates_roles():
    with pytest.raises(ValueError):
        Scope("mayor")
    with pytest.raises(ValueError):
        Scope("secretary")
    assert Scope("secretary", "C30").restricted_community == "C30"
    assert Scope("leader").restricted_community is None


def test_passwords_are_hashed_and_verified(tmp_path):
    path = tmp_path / "accounts.json"
    access.add_user("wang", "a long enough secret", "secretary", "C30", path=path)
    stored = path.with_suffix(".sqlite")  # the shared store beside where the accounts file was
    text = b"".join(p.read_bytes() for p in tmp_path.glob("accounts.sqlite*"))
    assert b"a long enough secret" not in text and b"$argon2id$" in text
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert access.verify("wang", "a long enough secret", path).scope == Scope("secretary", "C30")
    assert access.verify("wang", "wrong", path) is None
    assert access.verify("nobody", "a long enough secret", path) is None
    assert "argon2" not in repr(access.load_accounts(path)["wang"])


def test_weak_passwords_and_bad_roles_are_refused(tmp_path):
    with pytest.raises(ValueError):
        access.add_user("li", "short", "analyst", path=tmp_path / "a.json")
    with pytest.raises(ValueError):
        access.add_user("li", "long enough password", "secretary", path=tmp_path / "a.json")


def test_cli_adds_a_user_without_echoing_the_password(tmp_path):
    path = tmp_path / "accounts.json"
    env = {**os.environ, access.ENV_ACCOUNTS: str(path), "JIANGCHUAN_DB": str(tmp_path / "none.duckdb")}
    out = subprocess.run(
        [sys.executable, "-m", "analytics.access", "add-user", "zhao", "--role", "analyst", "--password-stdin"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert "correct horse battery" not in out.stdout + out.stderr
    assert access.verify("zhao", "correct horse battery", path).role == "analyst"
    listed = subprocess.run(
        [sys.executable, "-m", "analytics.access", "list-users"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    ).stdout
    assert "zhao\tanalyst" in listed and "argon2" not in listed


def test_audit_log_is_for_leaders_and_admins(empty_con):
    audit.record(empty_con, "sec30", "sign_in_failed", "attempt 1")
    assert audit.recent(empty_con, scope=Scope("admin")).iloc[0]["action"] == "sign_in_failed"
    assert len(audit.recent(empty_con, scope=Scope("leader"))) == 1
    for scope in (Scope("analyst"), Scope("secretary", "C30")):
        with pytest.raises(AccessDenied):
            audit.recent(empty_con, scope=scope)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("请回电13812345678谢谢", "请回电138****5678谢谢"),
        ("身份证310112199001011234", "身份证310112********1234"),
        (
            "身份证31011219900101123X，电话13912345678/13812345678",
            "身份证310112********123X，电话139****5678/138****5678",
        ),
        ("订单号123138123456789不是电话", "订单号123138123456789不是电话"),
        ("没有号码", "没有号码"),
    ],
)
def test_free_text_masking_in_python_and_sql_agree(text, expected):
    assert privacy.mask_text(text) == expected
    sql = privacy.masked_sql("x", "text", Scope("analyst"))
    assert duckdb.connect().execute(f"SELECT {sql} FROM (SELECT $t AS x)", {"t": text}).fetchone()[0] == expected


def test_names_and_phones_masked_for_roles_that_may_not_see_them():
    assert privacy.mask_name("张三") == "张*" and privacy.mask_name("欧阳娜娜") == "欧***"
    assert privacy.mask_phone("13812341234") == "138****1234"
    assert privacy.mask_id_number("310112199001011234") == "310112********1234"
    for role, masked in [("analyst", True), ("admin", True), ("leader", False)]:
        scope = Scope(role)
        row = (
            duckdb.connect()
            .execute(
                f"SELECT {privacy.masked_sql('n', 'name', scope)}, {privacy.masked_sql('p', 'phone', scope)} "
                "FROM (SELECT '张三' AS n, '13812341234' AS p)"
            )
            .fetchone()
        )
        assert row == (("张*", "138****1234") if masked else ("张三", "13812341234"))


def test_a_cli_change_names_the_system_user_who_made_it(tmp_path):
    """Cron and sudo often run without $USER: the audit row still says which system account it was."""
    import pwd

    path = tmp_path / "accounts.json"
    env = {k: v for k, v in os.environ.items() if k not in ("USER", "LOGNAME", "LNAME", "USERNAME")}
    env.update({access.ENV_ACCOUNTS: str(path), "JIANGCHUAN_DB": str(tmp_path / "none.duckdb")})
    subprocess.run(
        [sys.executable, "-m", "analytics.access", "add-user", "zhao", "--role", "analyst", "--password-stdin"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    actors = [event.username for event in access.store(path).recent(limit=10)]
    assert actors == ["cli:" + pwd.getpwuid(os.getuid()).pw_name]
