import pytest

from analytics.access import audit
from tests.app.helpers import assert_clean, run_page


def test_demo_mode_without_accounts(app_db):
    at = run_page("app_pages/overview.py")
    assert_clean(at)
    assert at.selectbox(key="auth_demo_role").value == "leader"
    assert at.session_state["scope"].role == "leader"


def test_demo_mode_as_a_secretary(app_db):
    at = run_page("app_pages/overview.py", session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert at.session_state["scope"].community_id == "C30"
    residents = next(m for m in at.metric if m.label == "常住人口").value
    assert residents == "6,589"  # only her own community's rows


def test_a_demo_role_is_kept_in_the_url_and_back_after_a_reload(app_db):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = run_page("app_pages/overview.py", session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert (at.query_params["demo_role"], at.query_params["demo_community"]) == ("secretary", "C30")
    reloaded = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)  # a new session: F5
    reloaded.query_params.update(at.query_params)
    reloaded.run()
    assert_clean(reloaded)
    assert reloaded.session_state["scope"] == at.session_state["scope"]
    assert reloaded.selectbox(key="auth_demo_community").value == "C30"
    leader = run_page("app_pages/overview.py", session_state={"auth_demo_role": "leader"})
    assert leader.query_params["demo_role"] == "leader" and "demo_community" not in leader.query_params


def test_sign_in_required_when_accounts_exist(app_db, accounts_file):
    at = run_page("app_pages/overview.py")
    assert at.title[0].value == "登录"
    assert not at.metric


def test_failed_sign_in_is_refused_and_recorded(app_db, accounts_file):
    at = run_page("app_pages/overview.py")
    at.text_input(key="auth_username").input("sec30")
    at.text_input(key="auth_password").input("wrong-password")
    at.get("form_submit_button")[0].click()
    at.run()
    assert "用户名或密码不正确。" in [e.value for e in at.error]
    from ui import data  # the app's own connection: DuckDB allows one configuration per file per process

    log = audit.recent(data.connection())
    assert log.iloc[0]["action"] == "sign_in_failed" and log.iloc[0]["username"] == "sec30"
    assert "wrong-password" not in " ".join(str(v) for v in log.astype(str).values.ravel())


@pytest.mark.slow
def test_sign_in_gives_the_account_its_scope(app_db, accounts_file):
    at = run_page("app_pages/overview.py")
    at.text_input(key="auth_username").input("sec30")
    at.text_input(key="auth_password").input("secretary-password-1")
    at.get("form_submit_button")[0].click()
    at.run()
    assert_clean(at)
    assert at.session_state["scope"].role == "secretary" and at.session_state["scope"].community_id == "C30"
    assert len(at.metric) == 8 + 3  # the overview's eight, and her own overdue watch list's three (#22)


def test_a_cache_filled_by_a_leader_is_not_served_to_a_secretary(app_db):
    leader = run_page("app_pages/overview.py")
    everyone = next(m for m in leader.metric if m.label == "常住人口").value
    secretary = run_page(
        "app_pages/overview.py",
        clear_caches=False,
        session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"},
    )
    assert_clean(secretary)
    assert everyone == "13.0万"
    assert next(m for m in secretary.metric if m.label == "常住人口").value == "6,589"


@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        ("secretary", [], ["app_pages/explorer.py", "app_pages/audit.py"]),
        ("analyst", ["app_pages/explorer.py"], ["app_pages/audit.py"]),
        ("admin", ["app_pages/explorer.py", "app_pages/audit.py"], []),
        ("leader", ["app_pages/explorer.py", "app_pages/audit.py"], []),
    ],
)
def test_pages_follow_the_role(app_db, role, allowed, refused):
    state = {"auth_demo_role": role, "auth_demo_community": "C30"}
    for page in allowed:
        at = run_page(page, session_state=state)
        assert_clean(at)
    for page in refused:
        at = run_page(page, session_state=state)  # a bookmark of another role's page: it says so
        assert_clean(at)
        assert "只对" in at.warning[0].value and "您当前的身份是" in at.warning[0].value
        assert not at.dataframe and not at.metric  # none of the page's content


@pytest.mark.slow
def test_only_admins_manage_boundaries(app_db):
    admin = run_page("app_pages/grid_map.py", session_state={"auth_demo_role": "admin"})
    leader = run_page("app_pages/grid_map.py", session_state={"auth_demo_role": "leader"})
    assert "边界管理" in [e.label for e in admin.expander]
    assert "边界管理" not in [e.label for e in leader.expander]


def test_audit_page_lists_failed_sign_ins(app_db):
    from analytics.access import audit as audit_log
    from ui import data

    run_page("app_pages/overview.py")
    audit_log.record(data.connection(), "intruder", "sign_in_failed", "attempt 1")
    at = run_page("app_pages/audit.py", clear_caches=False)
    assert_clean(at)
    assert next(m for m in at.metric if m.label == "近期登录失败").value == "1"


@pytest.mark.slow
def test_an_unprovisioned_oidc_identity_is_named_as_text_and_audited_once(app_db, accounts_file):
    """The identity provider's address for someone without an account: shown as text (no image), and one
    audit row per session however often its pages rerun."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from analytics.access import audit
    from tests.conftest import ROOT

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "c",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.user = {"is_logged_in": True, "email": "![i](http://e.com/a.png)"}
    for _ in range(3):
        at.run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "尚未在本系统开通" in shown and "![i](" not in shown
    log = audit.recent()
    assert (log["action"] == "sign_in_failed").sum() == 1


def test_signing_in_starts_a_stored_session_and_signing_out_ends_it(app_db, accounts_file):
    from analytics.access import sessions

    at = run_page("app_pages/overview.py")
    at.text_input(key="auth_username").input("sec30")
    at.text_input(key="auth_password").input("secretary-password-1")
    at.get("form_submit_button")[0].click()
    at.run()
    assert_clean(at)
    token = at.session_state["auth_token"]
    assert sessions.check(token).username == "sec30"
    at.button(key="auth_sign_out").click().run()
    assert at.title[0].value == "登录"
    assert sessions.check(token) is None


def test_a_session_ended_elsewhere_signs_the_tab_out_with_a_word(app_db, accounts_file):
    from analytics.access import sessions

    at = run_page("app_pages/overview.py")
    at.text_input(key="auth_username").input("sec30")
    at.text_input(key="auth_password").input("secretary-password-1")
    at.get("form_submit_button")[0].click()
    at.run()
    assert sessions.end(at.session_state["auth_token"])  # signed out in another tab, or idle too long
    at.run()
    assert at.title[0].value == "登录"
    assert any("登录已结束" in w.value for w in at.warning)
