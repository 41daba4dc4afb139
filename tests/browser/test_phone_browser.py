"""The secretary's pages on a desk (1440×900) and on a phone (390×844): nothing scrolls sideways, key
numbers sit two per row on the phone (four on the desk), the filters can be reached, and a screenshot of
each is kept under test-artifacts/ (phone-<page>-<width>.png) to be looked at.

One browser context per size for the whole module: each page is opened once per size."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TrackedPage, open_list

pytestmark = pytest.mark.browser

DESK, PHONE = (1440, 900), (390, 844)
# url path → a text that shows the page has drawn its answer
PAGES = {
    "": "常住人口",
    "grid_map": "图例",
    "seeds": "四色种子",
    "cases": "网格事务",
    "contest": "书记擂台",
    "showcase": "亮点",
}
# Pages whose key numbers are a row of st.metric columns (the grid map shows its numbers in a table).
METRIC_ROWS = {"", "seeds", "cases", "contest", "showcase"}

_OVERFLOW = """() => {
    const m = document.querySelector("[data-testid='stMain']");
    const wide = [...document.querySelectorAll("[data-testid='stMain'] [data-testid]")]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 1; })
        .slice(0, 8).map(e => e.dataset.testid);
    return {page: document.scrollingElement.scrollWidth, main: m.scrollWidth, mainVisible: m.clientWidth,
            width: innerWidth, wide};
}"""

# The metrics in columns of the main area, grouped by their row (horizontal block): each metric's box.
_METRIC_ROWS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stHorizontalBlock']")]
    .map(row => [...row.querySelectorAll(":scope > [data-testid='stColumn']")]
        .filter(c => c.querySelector("[data-testid='stMetric']") && c.querySelectorAll(
            "[data-testid='stPlotlyChart'], [data-testid='stVegaLiteChart'], [data-testid='stDeckGlJsonChart'], "
            + "[data-testid='stDataFrame']").length === 0)
        .map(c => { const r = c.querySelector("[data-testid='stMetric']").getBoundingClientRect();
                    return {x: r.x, y: r.y, width: r.width, right: r.right}; }))
    .filter(cells => cells.length >= 2)"""


@pytest.fixture(scope="module", params=[DESK, PHONE], ids=["desk", "phone"])
def viewer(request, browser, app_url):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    yield TrackedPage(context.new_page(), app_url), width, height
    context.close()


def open_as_secretary(tracked: TrackedPage, path: str):
    page = tracked.open(f"{path}?demo_role=secretary", wait_for_text=PAGES[path])
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(state="visible")
    if path in METRIC_ROWS:  # the key numbers drawn (a page may rerun once after its first run)
        page.locator("[data-testid='stMain'] [data-testid='stMetric']").first.wait_for(state="visible")
    tracked.idle()
    return page


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_secretary_page_fits_the_width(viewer, path):
    tracked, width, height = viewer
    page = open_as_secretary(tracked, path)
    sizes = page.evaluate(_OVERFLOW)
    assert sizes["page"] <= sizes["width"] + 1 and sizes["main"] <= sizes["mainVisible"] + 1, (
        f"/{path} scrolls sideways at {width} px: {sizes}"
    )
    assert not sizes["wide"], f"/{path}: elements reach past the right edge at {width} px: {sizes['wide']}"

    rows = page.evaluate(_METRIC_ROWS)
    if path in METRIC_ROWS:
        assert rows, f"/{path} shows no row of key numbers"
    per_row = 2 if width < 640 else None
    for cells in rows:
        tops = sorted({round(c["y"]) for c in cells})
        if per_row:  # two per row, each within half the screen
            first, second = cells[0], cells[1]
            assert abs(first["y"] - second["y"]) <= 2, f"/{path}: the first two numbers are not side by side: {cells}"
            paired = cells[: len(cells) - len(cells) % 2]  # an odd last number has the line to itself
            assert all(c["width"] <= width / 2 for c in paired), f"/{path}: wider than half: {cells}"
            assert all(c["right"] <= width + 1 for c in cells), f"/{path}: past the right edge: {cells}"

            assert len(tops) == (len(cells) + 1) // 2, f"/{path}: not two per row: {cells}"
        else:  # the desk keeps one row per st.columns call
            assert len(tops) == 1, f"/{path}: the numbers wrapped on the desk: {cells}"

    # a full-page screenshot: Streamlit scrolls inside its main block, so the viewport is made as tall
    tall = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(int(tall) + 40, 12_000))})
    try:
        tracked.settled_screenshot(f"phone-{path or 'overview'}-{width}.png", full_page=True)
    finally:
        page.set_viewport_size({"width": width, "height": height})
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_filters_reachable(viewer):
    """On the desk the sidebar is open; on the phone its toggle is labelled and opens the filters, and a
    change there reaches the page."""
    tracked, width, _ = viewer
    page = open_as_secretary(tracked, "")
    toggle = page.locator("[data-testid='stExpandSidebarButton']")
    if width < 640:
        toggle.wait_for(state="visible")
        label = toggle.evaluate("b => getComputedStyle(b, '::after').content")
        assert "筛选" in label, f"the sidebar toggle does not say what it opens: {label}"
        toggle.click()
    period = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="时间范围")
    period.wait_for(state="visible")
    caption = page.locator("[data-testid='stMainBlockContainer'] [data-testid='stCaptionContainer']").first
    before = caption.inner_text()
    open_list(page, period.get_by_role("combobox"))  # once the sliding sidebar holds it wholly on screen
    with tracked.rerun():
        page.get_by_role("option", name="全部").click()
    assert caption.inner_text() != before, "choosing another period did not change the page"
    tracked.assert_no_exception()
    tracked.assert_offline()
