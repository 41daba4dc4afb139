import pytest

pytestmark = pytest.mark.browser


def test_cases_page_renders_offline(tracked):
    page = tracked.open("cases", wait_for_text="谁达标了")
    page.get_by_text("居民区明细").first.wait_for()
    page.locator(".js-plotly-plot").nth(8).wait_for()
    tracked.idle()
    metrics = page.locator("[data-testid='stMetric']")
    labels = [metrics.nth(i).inner_text() for i in range(metrics.count())]
    assert any(text.startswith("全街道") for text in labels)
    assert any(text.startswith("鹤庆") for text in labels)
    assert page.locator(".js-plotly-plot .sankey").count() == 1
    assert page.get_by_text("模拟数据").count() >= 1
    # What a leader sees first, then the whole page (Streamlit scrolls inside its own container, so the
    # viewport is made tall enough to hold it all).
    tracked.settled_screenshot("cases.png")
    page.set_viewport_size({"width": 1440, "height": 5600})
    tracked.settled_screenshot("cases_full.png")
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_targets_editor_is_read_only_for_a_leader(tracked):
    page = tracked.open("cases", wait_for_text="居民区明细")
    page.locator("[data-testid='stExpander'] summary", has_text="目标设置").click()
    page.get_by_text("仅管理员可修改目标").first.wait_for()
    assert page.get_by_role("button", name="保存目标").count() == 0
    tracked.assert_no_exception()
    tracked.assert_offline()
