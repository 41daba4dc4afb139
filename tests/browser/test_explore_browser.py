import pytest

from tests.conftest import artifact

pytestmark = pytest.mark.browser


def test_pivot_renders_offline(tracked):
    page = tracked.open("explorer", wait_for_text="按什么分组")
    page.set_viewport_size({"width": 1440, "height": 1300})
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    assert page.get_by_text("模拟数据").count() >= 1
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifact("explore.png")))
    page.get_by_text("查看SQL").first.click()
    page.locator("[data-testid='stCode']").first.wait_for()
    assert "WITH facts AS" in page.locator("[data-testid='stCode']").first.inner_text()

    page.get_by_role("radio", name="数据表浏览").click()
    page.get_by_text("字段说明").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifact("explore_tables.png")))
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_console_in_the_browser(tracked):
    page = tracked.open("explorer", wait_for_text="按什么分组")
    page.get_by_role("radio", name="SQL 控制台").click()
    area = page.locator("textarea")
    area.wait_for()
    area.fill("SELECT g.name AS 网格, count(*) AS 事务件数 FROM grid_cases k JOIN communities c USING (community_id)"
              " JOIN grids g USING (grid_id) GROUP BY ALL ORDER BY 2 DESC")
    area.press("Control+Enter")
    page.wait_for_timeout(1500)  # let the rerun that commits the text finish before pressing run
    page.get_by_role("button", name="运行").click()
    page.get_by_text("用时").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    page.screenshot(path=str(artifact("explore_console.png")))

    area.fill("SELECT * FROM read_csv('/etc/passwd')")
    area.press("Control+Enter")
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="运行").click()
    page.get_by_text("出于安全考虑").first.wait_for(timeout=60_000)
    assert page.get_by_text("root:").count() == 0
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_overview_offers_its_sql(tracked):
    page = tracked.open("", wait_for_text="小事不出网格率")
    page.get_by_text("查看SQL").first.click()
    page.locator("[data-testid='stCode']").first.wait_for()
    assert "date_trunc('month'" in page.locator("[data-testid='stCode']").first.inner_text()
    page.screenshot(path=str(artifact("overview_sql.png")))
    tracked.assert_no_exception()
    tracked.assert_offline()
