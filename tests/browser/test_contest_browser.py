import pytest

pytestmark = pytest.mark.browser


def test_contest_page_renders_offline(tracked):
    page = tracked.open("contest", wait_for_text="三种算法名次一致")
    page.locator("[data-testid='stMetric']").nth(3).wait_for()
    assert page.get_by_text("模拟数据").count() >= 1
    page.locator(".js-plotly-plot").first.wait_for()
    tracked.settled_screenshot("contest.png", full_page=False)
    tracked.settled_screenshot("contest_full.png", full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_contest_tabs_render(tracked):
    page = tracked.open("contest", wait_for_text="三种算法名次一致")
    page.set_viewport_size({"width": 1440, "height": 2400})  # the page scrolls inside its own container
    for name, shot in (
        ("排名", "contest_ranking.png"),
        ("评委", "contest_judges.png"),
        ("作品对比", "contest_compare.png"),
        ("权重模拟", "contest_weights.png"),
        ("台上与台下", "contest_work.png"),
        ("历次排名", "contest_history.png"),
    ):
        tab = page.get_by_role("tab", name=name, exact=True)
        tab.click()
        page.locator("[role='tab'][aria-selected='true']", has_text=name).wait_for()
        page.locator("[role='tabpanel']:not([hidden])").first.wait_for(state="visible")
        tracked.settled_screenshot(shot, full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()
