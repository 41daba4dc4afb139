import re

import pytest

pytestmark = pytest.mark.browser


def test_showcase_page_renders_offline(tracked):
    page = tracked.open("showcase", wait_for_text="亮点")
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.get_by_text("模拟数据").count() >= 1
    tracked.settled_screenshot("showcase.png", full_page=False)
    page.set_viewport_size({"width": 1440, "height": 3600})  # the page scrolls inside its own container
    tracked.settled_screenshot("showcase_full.png", full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_web_page_download_is_built_on_click(tracked):
    page = tracked.open("showcase", wait_for_text="亮点")
    with page.expect_download(timeout=120_000) as waiting:
        page.get_by_role("button", name="离线网页 HTML").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".html")
    body = open(download.path(), encoding="utf-8").read()
    assert "北街居民区" in body and "模拟数据" in body
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", body, re.I)
    tracked.assert_no_exception()
    tracked.assert_offline()
