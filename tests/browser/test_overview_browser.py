import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SIGNAL_MS

pytestmark = pytest.mark.browser


def test_overview_renders_offline(tracked):
    page = tracked.open("", wait_for_text="小事不出网格率")
    page.locator("[data-testid='stMetric']").nth(7).wait_for()
    assert page.locator("[data-testid='stMetric']").count() == 8
    assert page.get_by_text("模拟数据").count() >= 1
    tracked.settled_screenshot("overview.png", full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_grid_filter_in_the_real_sidebar(tracked):
    page = tracked.open("", wait_for_text="网格事务")
    before = page.locator("[data-testid='stMetric']").nth(4).inner_text()
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect'] input").click()
    # The pick reaches the server on the click or when the list closes: the run is awaited around both.
    with tracked.rerun():
        page.get_by_role("option", name="鹤庆片区网格").click()
        page.keyboard.press("Escape")
    expect(page.locator("[data-testid='stMetric']").nth(4)).not_to_have_text(before, timeout=SIGNAL_MS)
    tracked.idle()
    tracked.assert_no_exception()
    tracked.assert_offline()
