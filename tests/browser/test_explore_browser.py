import pytest

pytestmark = pytest.mark.browser


def test_pivot_renders_offline(tracked):
    page = tracked.open("explorer", wait_for_text="按什么分组")
    page.set_viewport_size({"width": 1440, "height": 1300})
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    assert page.get_by_text("模拟数据").count() >= 1
    tracked.settled_screenshot("explore.png")
    page.get_by_text("查看SQL").first.click()
    page.locator("[data-testid='stCode']").first.wait_for()
    assert "WITH facts AS" in page.locator("[data-testid='stCode']").first.inner_text()

    with tracked.rerun():
        page.get_by_role("radio", name="数据表浏览").click()
    page.get_by_text("字段说明").first.wait_for()
    tracked.settled_screenshot("explore_tables.png")
    tracked.assert_no_exception()
    tracked.assert_offline()


def run_console(tracked, sql: str) -> None:
    """Type a statement, commit it (Ctrl+Enter reruns the page with the text) and press run."""
    page = tracked.page
    area = page.locator("textarea")
    area.fill(sql)
    with tracked.rerun():
        area.press("Control+Enter")
    with tracked.rerun():
        page.get_by_role("button", name="运行").click()


def test_console_in_the_browser(tracked):
    page = tracked.open("explorer", wait_for_text="按什么分组")
    with tracked.rerun():
        page.get_by_role("radio", name="SQL 控制台").click()
    page.locator("textarea").wait_for(state="visible")
    run_console(
        tracked,
        "SELECT g.name AS 网格, count(*) AS 事务件数 FROM grid_cases k JOIN communities c"
        " USING (community_id) JOIN grids g USING (grid_id) GROUP BY ALL ORDER BY 2 DESC",
    )
    page.get_by_text("用时").first.wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for(state="visible")
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    tracked.settled_screenshot("explore_console.png")

    run_console(tracked, "SELECT * FROM read_csv('/etc/passwd')")
    page.get_by_text("出于安全考虑").first.wait_for()
    assert page.get_by_text("root:").count() == 0
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_overview_offers_its_sql(tracked):
    page = tracked.open("", wait_for_text="小事不出网格率")
    page.get_by_text("查看SQL").first.click()
    page.locator("[data-testid='stCode']").first.wait_for()
    assert "date_trunc('month'" in page.locator("[data-testid='stCode']").first.inner_text()
    tracked.settled_screenshot("overview_sql.png")
    tracked.assert_no_exception()
    tracked.assert_offline()
