import io

import pandas as pd
import pytest

pytestmark = pytest.mark.browser


def charts(page):
    return page.locator("[data-testid='stPlotlyChart']")


def test_seeds_page_renders_offline(tracked):
    page = tracked.open("seeds", wait_for_text="漏斗图")
    charts(page).nth(5).wait_for()
    assert page.get_by_text("模拟数据").count() >= 1
    tracked.settled_screenshot("seeds_top.png")
    # Streamlit scrolls inside its own container, so a full-page shot needs a viewport as tall as the page.
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 100, 8000)})
    tracked.settled_screenshot("seeds.png")
    tracked.assert_no_exception()
    tracked.assert_offline()


def click_centre(page, locator):
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def activities(page) -> int:
    """The 活动场次 tile's count, the tile found by its label (a CI run once read "4.79万" from the first
    tile on the page, which was not this one), read whether it is written 8,123 or 1.32万."""
    tile = page.locator("[data-testid='stMain'] [data-testid='stMetric']").filter(has_text="活动场次").first
    tile.wait_for(state="visible")
    text = tile.locator("[data-testid='stMetricValue']").inner_text().strip()
    return round(float(text[:-1]) * 10_000) if text.endswith("万") else int(text.replace(",", ""))


def test_clicking_a_colour_then_a_community_filters_the_page(tracked):
    page = tracked.open("seeds", wait_for_text="漏斗图")
    charts(page).nth(0).locator("g.point path").first.wait_for()
    tracked.idle()  # a page may rerun once after its first run: read the settled one
    everyone = activities(page)
    red_bar = charts(page).nth(0).locator("g.point path").first
    with tracked.rerun():
        click_centre(page, red_bar)
    page.get_by_text("本页已按 红色种子 筛选").wait_for()
    tracked.idle()
    only_red = activities(page)
    assert only_red < everyone

    # a community in the funnel plot narrows further; the banner names both picks
    # charts below the fold mount only once scrolled to
    page.get_by_text("每个点是一个居民区").scroll_into_view_if_needed()
    dot = charts(page).nth(2).locator("g.scatterlayer g.trace").last.locator("path.point").first
    dot.wait_for(state="visible")
    tracked.idle()
    with tracked.rerun():
        click_centre(page, dot)
    page.get_by_text("本页已按 红色种子 · ").wait_for()
    tracked.idle()
    assert activities(page) < only_red
    page.get_by_text("本页已按").scroll_into_view_if_needed()
    tracked.settled_screenshot("seeds_picked.png")

    with tracked.rerun():
        page.get_by_role("button", name="清除选择").click()
    page.get_by_text("提示：点击图中").wait_for()
    tracked.idle()
    assert activities(page) == everyone
    tracked.assert_no_exception()
    tracked.assert_offline()


def test_downloaded_csv_opens_with_chinese_intact(tracked):
    page = tracked.open("seeds", wait_for_text="漏斗图")
    page.get_by_text("每个点是一个居民区").scroll_into_view_if_needed()
    # the funnel table's button, by its key (Streamlit marks the element "st-key-<key>"): counting buttons
    # depends on which of the page's downloads have mounted yet
    button = page.locator(".st-key-seeds_dl_funnel_csv [data-testid='stDownloadButton'] button")
    button.wait_for(state="visible")
    tracked.idle()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("四色种子_每千名居民活动场次_")
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns[:3]) == ["居民区编号", "居民区", "片区网格"]
    assert frame["居民区"].str.endswith("居民区").all() and len(frame) == 35
    assert set(frame["判断"]) <= {
        "明显偏高（99.8%限外）",
        "偏高（95%限外）",
        "正常波动范围内",
        "偏低（95%限外）",
        "明显偏低（99.8%限外）",
    }
    tracked.assert_no_exception()
    tracked.assert_offline()
