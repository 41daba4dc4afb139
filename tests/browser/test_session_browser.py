"""A signed-in session in a real browser: it survives a reload and a new tab, and signing out ends it
on the server and in the browser (issue #19)."""

import shutil

import pytest

from analytics import access, db
from analytics.access import sessions
from tests.browser.conftest import CHROMIUM, TrackedPage, running_app

pytestmark = pytest.mark.browser

PASSWORD = "secretary-password-1"
SIGNED_IN = "当前用户"
COOKIE_SET = "html[data-jc-session='set']"
COOKIE_CLEARED = "html[data-jc-session='cleared']"


@pytest.fixture(scope="module")
def signed_app(demo_db_path, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("session")
    path = folder / "app.duckdb"
    shutil.copy(demo_db_path, path)
    accounts = folder / "accounts.json"
    access.add_user("sec30", PASSWORD, "secretary", "C30", path=accounts)
    env = {db.ENV_DB_PATH: str(path), access.ENV_ACCOUNTS: str(accounts)}
    with running_app(env, folder / "server.log") as base:
        yield base


def test_a_session_survives_reload_and_new_tab_until_sign_out(browser, signed_app):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    try:
        tab = TrackedPage(context.new_page(), signed_app)
        page = tab.open(wait_for_text="用户名")
        page.get_by_label("用户名").fill("sec30")
        page.get_by_label("密码").fill(PASSWORD)
        with tab.rerun():
            page.get_by_role("button", name="登录").click()
        page.locator(COOKIE_SET).wait_for(state="attached")  # the component has written the cookie
        page.get_by_text(SIGNED_IN).first.wait_for()

        cookie = next(c for c in context.cookies() if c["name"] == sessions.COOKIE)
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert PASSWORD not in cookie["value"] and "sec30" not in cookie["value"]
        assert sessions.COOKIE not in page.url and "v1." not in page.url  # nothing of it in the address

        tab.open(wait_for_text=SIGNED_IN)  # F5
        assert page.get_by_label("密码").count() == 0
        other = TrackedPage(context.new_page(), signed_app)
        other.open("cases", wait_for_text=SIGNED_IN)  # a new tab, another page
        assert other.page.get_by_label("密码").count() == 0

        with tab.rerun():
            page.get_by_role("button", name="退出登录").click()
        page.locator(COOKIE_CLEARED).wait_for(state="attached")
        assert not [c for c in context.cookies() if c["name"] == sessions.COOKIE and c["value"]]
        tab.open(wait_for_text="用户名")  # F5 after signing out: the sign-in form
        assert page.get_by_text(SIGNED_IN).count() == 0
        tab.assert_no_exception()
        tab.assert_offline()
        other.assert_offline()
    finally:
        context.close()


def test_a_stolen_cookie_stops_working_once_its_owner_signs_out(browser, signed_app):
    """The cookie is checked against the store: a copy kept elsewhere dies with the session."""
    first = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    second = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    try:
        tab = TrackedPage(first.new_page(), signed_app)
        page = tab.open(wait_for_text="用户名")
        page.get_by_label("用户名").fill("sec30")
        page.get_by_label("密码").fill(PASSWORD)
        with tab.rerun():
            page.get_by_role("button", name="登录").click()
        page.locator(COOKIE_SET).wait_for(state="attached")
        second.add_cookies([c for c in first.cookies() if c["name"] == sessions.COOKIE])
        copy = TrackedPage(second.new_page(), signed_app)
        copy.open(wait_for_text=SIGNED_IN)
        # the owner's tab has finished every run of its sign-in (the cookie's writer may run it once more)
        tab.idle()
        page.get_by_role("button", name="退出登录").wait_for()
        with tab.rerun():
            page.get_by_role("button", name="退出登录").click()
        page.locator(COOKIE_CLEARED).wait_for(state="attached")
        copy.open(wait_for_text="用户名")
        assert copy.page.get_by_text(SIGNED_IN).count() == 0
    finally:
        first.close()
        second.close()


def test_a_demo_role_chosen_in_the_sidebar_survives_a_reload(tracked):
    page = tracked.open("", wait_for_text="体验身份")
    role = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    with tracked.rerun():
        role.click()
        page.get_by_role("option", name="数据分析员").click()
    page.wait_for_url("**demo_role=analyst**")
    tracked.open(page.url.removeprefix(tracked.base), wait_for_text="体验身份")  # F5
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("数据探索").wait_for()  # the analyst's pages: her role came back from the URL
    assert nav.get_by_text("操作日志").count() == 0  # a leader's (the default role's) page is not there
    tracked.assert_no_exception()
    tracked.assert_offline()
