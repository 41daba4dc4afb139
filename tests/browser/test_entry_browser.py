"""随手录入 on a phone (390×844), in a real browser against a real server: a secretary signs in, adds a
matter and closes it, and the overview's numbers move by exactly that one matter — the matters count by
one, the in-grid rate to one more settled in the grid of one more closed. The form fits the width and
its buttons are thumb-sized. The database holds real (imported) data: the demo world takes no entries."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from analytics import access, db, ingest
from tests.browser.conftest import CHROMIUM, TrackedPage, open_list, running_app
from tests.conftest import artifact

pytestmark = pytest.mark.browser

PASSWORD = "secretary-password-1"
PHONE = {"width": 390, "height": 844}
COOKIE_SET = "html[data-jc-session='set']"
HEADER = "事务编号,居民区,事务类别,上报时间,办结时间,办结层级,是否紧急,满意度\r\n"


def ledger(today: dt.date) -> str:
    """Three of her community's matters from the last days: one settled in the grid, one by the
    community, one open — an in-grid rate of 1/2 before the test's matter."""
    day = today - dt.timedelta(days=3)
    return HEADER + (
        f"E1,鹤北一居,矛盾化解,{day} 09:00,{day} 15:00,网格,否,5\r\n"
        f"E2,鹤北一居,民意征集,{day} 10:00,{day} 16:00,居民区,否,4\r\n"
        f"E3,鹤北一居,服务代办,{day} 11:00,,,否,\r\n"
    )


@pytest.fixture(scope="module")
def entry_app(demo_db_path, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("entry")
    path = folder / "app.duckdb"
    shutil.copy(demo_db_path, path)
    csv = folder / "三件事务.csv"
    csv.write_text(ledger(dt.date.today()), encoding="utf-8")
    con = db.connect(path)
    try:
        ingest.clear_demo(con)
        report = ingest.import_file(con, csv, "grid_cases")
        assert report.ok and report.rows_imported == 3, report.errors
    finally:
        con.close()
    accounts = folder / "accounts.json"
    access.add_user("sec30", PASSWORD, "secretary", "C30", path=accounts)
    env = {db.ENV_DB_PATH: str(path), access.ENV_ACCOUNTS: str(accounts)}
    with running_app(env, folder / "server.log") as base:
        yield base


def metric(page, name: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(name, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def overview(tab: TrackedPage) -> dict[str, str]:
    page = tab.open("", wait_for_text="网格事务")
    page.locator("[data-testid='stMetricValue']").first.wait_for(state="visible")
    return {name: metric(page, name) for name in ("网格事务", "小事不出网格率")}


def pick(tab: TrackedPage, label: str, option: str) -> None:
    """Choose in a Streamlit selectbox as a thumb does: open it, tap the option."""
    page = tab.page
    open_list(page, page.get_by_role("combobox", name=label, exact=True).first)
    page.get_by_role("option", name=option).first.click()


def chosen_in(page, label: str) -> str:
    """What a selectbox shows as chosen (the text around its input, and the input's own value)."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    combo = box.get_by_role("combobox").first
    return (box.text_content() or "") + (combo.input_value() if combo.count() else "")


def fits(page) -> None:
    widths = page.evaluate(
        "() => ({page: document.scrollingElement.scrollWidth, width: innerWidth,"
        " main: document.querySelector(\"[data-testid='stMain']\").scrollWidth,"
        " visible: document.querySelector(\"[data-testid='stMain']\").clientWidth})"
    )
    assert widths["page"] <= widths["width"] + 1 and widths["main"] <= widths["visible"] + 1, widths


def test_a_secretary_adds_and_closes_a_matter_on_her_phone(browser, entry_app):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        tab = TrackedPage(context.new_page(), entry_app)
        page = tab.open(wait_for_text="用户名")
        page.get_by_label("用户名").fill("sec30")
        page.get_by_label("密码").fill(PASSWORD)
        with tab.rerun():
            page.get_by_role("button", name="登录").click()
        page.locator(COOKIE_SET).wait_for(state="attached")

        before = overview(tab)
        assert before == {"网格事务": "3", "小事不出网格率": "50.0%"}, before

        page = tab.open("entry", wait_for_text="录入事务")
        fits(page)
        add = page.get_by_role("button", name="录入事务")
        assert add.bounding_box()["height"] >= 44  # a thumb's target
        pick(tab, "事务类别", "矛盾化解")
        assert page.get_by_role("textbox", name="上报时间").input_value() == "今天"
        with tab.rerun():
            add.click()
        page.get_by_text("已录入事务").first.wait_for(state="visible")
        tab.settled_screenshot("entry-phone-added.png")
        assert "矛盾化解" not in chosen_in(page, "事务类别")  # the form starts again for the next matter

        added = overview(tab)
        assert added == {"网格事务": "4", "小事不出网格率": "50.0%"}, added

        page = tab.open("entry", wait_for_text="录入事务")
        page.get_by_role("tab", name="办结事务").click()
        page.locator("[data-testid='stSelectbox']").filter(has_text="未办结的事务").first.wait_for(state="visible")
        # the newest open matter comes first: the one just added (today), not E3 from three days ago
        assert "矛盾化解" in chosen_in(page, "未办结的事务"), chosen_in(page, "未办结的事务")
        pick(tab, "办结层级", "网格")
        page.locator("[data-testid='stButtonGroup']").get_by_text("5", exact=True).first.click()
        close = page.get_by_role("button", name="办结", exact=True)
        assert close.bounding_box()["height"] >= 44
        with tab.rerun():
            close.click()
        page.get_by_text("已办结").first.wait_for(state="visible")
        fits(page)
        # still on 办结事务 for the next one, which now has only E3 to offer
        assert page.get_by_role("tab", name="办结事务").get_attribute("aria-selected") == "true"
        assert "服务代办" in chosen_in(page, "未办结的事务"), chosen_in(page, "未办结的事务")
        page.screenshot(path=str(artifact("entry-phone-closed.png")))

        closed = overview(tab)
        assert closed == {"网格事务": "4", "小事不出网格率": "66.7%"}, closed  # (1 + 1) of (2 + 1) closed
        tab.assert_no_exception()
        tab.assert_offline()
    finally:
        context.close()
