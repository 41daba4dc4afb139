import pytest

from tests.conftest import artifact

pytestmark = pytest.mark.browser


def test_cases_page_renders_offline(tracked):
    page = tracked.open("cases", wait_for_text="谁达标了")
    page.get_by_text("居民区明细").first.wait_for()
    page.locator(".js-plotly-plot").nth(5).wait_for()
    page.wait_for_timeout(1500)
    # What a leader sees first, then the whole page (Streamlit scrolls inside its own container, so the
    # viewport is made tall enough to hold it all).
    page.screenshot(path=str(artifact("cases.png")))
    page.set_viewport_size({"width": 1440, "height": 5600})
    page.wait_for_timeout(2500)
    page.screenshot(path=str(artifact("cases_full.png")))
    tracked.assert_no_exception()
    tracked.assert_offline()
