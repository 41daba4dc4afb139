import pytest

from tests.conftest import artifact

pytestmark = pytest.mark.browser


def test_grid_map_renders_offline(tracked):
    page = tracked.open("grid-map", wait_for_text="七个网格一览")
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for()
    page.wait_for_timeout(3000)
    page.screenshot(path=str(artifact("grid_map.png")), full_page=False)
    page.screenshot(path=str(artifact("grid_map_full.png")), full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()
