import pytest

from tests.conftest import artifact

pytestmark = pytest.mark.browser


def test_contest_page_renders_offline(tracked):
    page = tracked.open("contest", wait_for_text="三种算法名次一致")
    page.locator("[data-testid='stMetric']").nth(3).wait_for()
    assert page.get_by_text("模拟数据").count() >= 1
    page.locator(".js-plotly-plot").first.wait_for()
    page.screenshot(path=str(artifact("contest.png")), full_page=False)
    page.screenshot(path=str(artifact("contest_full.png")), full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_contest_tabs_render(tracked):
    page = tracked.open("contest", wait_for_text="三种算法名次一致")
    page.set_viewport_size({"width": 1440, "height": 2400})       # the page scrolls inside its own container
    for name, shot in (("排名", "contest_ranking.png"), ("评委", "contest_judges.png"), ("作品对比", "contest_compare.png"),
                       ("权重模拟", "contest_weights.png"), ("台上与台下", "contest_work.png"),
                       ("历次排名", "contest_history.png")):
        page.get_by_role("tab", name=name, exact=True).click()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(artifact(shot)), full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()
