"""The 四色种子 page under AppTest: it renders, the sidebar filters, the scope and the page's picks apply,
and a pick can be cleared. AppTest cannot click inside a plotly chart: the browser test clicks for real,
and tests/unit/test_seed_selection.py covers the click-to-pick logic as plain functions."""

import datetime as dt

import pytest

from analytics import seeds
from analytics.access import Scope
from analytics.filters import Filters
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/seeds.py"
LAST12 = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))  # the default preset on the demo world


def activities(at) -> str:
    return next(m for m in at.metric if m.label == "活动场次").value


def expected(con, filters, scope=None) -> str:
    return f"{seeds.uptake(con, filters, (), scope=scope).loc[0, 'activities']:,}"


def test_page_renders_every_section(app_db, demo_con):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "四色种子 · 服务覆盖与合伙人"
    assert [m.label for m in at.metric][:4] == ["活动场次", "服务居民人次", "志愿者人次", "志愿服务时长（小时）"]
    assert activities(at) == expected(demo_con, LAST12)
    subheaders = [s.value for s in at.subheader]
    assert any("漏斗图" in s for s in subheaders) and any("服务项目排行" in s for s in subheaders)
    assert any("活动日历" in s for s in subheaders) and any("合伙人" in s for s in subheaders)
    assert len(at.get("plotly_chart")) == 7
    # every chart and table can be downloaded, as CSV and as Excel
    buttons = at.get("download_button")
    assert len(buttons) == 2 * 9
    assert any("提示：点击图中" in c.value for c in at.caption)


@pytest.mark.slow
def test_time_step_and_layout_toggles(app_db):
    at = run_page(PAGE)
    at.segmented_control(key="seeds_grain").set_value("week").run()
    assert_clean(at)
    assert any("首末两周" in c.value for c in at.caption)
    at.segmented_control(key="seeds_layout").set_value("multiples").run()
    at.segmented_control(key="seeds_metric").set_value("participants").run()
    assert_clean(at)


@pytest.mark.slow
def test_a_picked_colour_filters_the_page_until_cleared(app_db, demo_con):
    at = run_page(PAGE, session_state={"seeds_pick_colour": "red"})
    assert_clean(at)
    assert any("本页已按 红色种子 筛选" in i.value for i in at.info)
    assert activities(at) == expected(demo_con, LAST12.replace(seed_colours=("red",)))
    at.button(key="seeds_clear").click().run()
    assert_clean(at)
    assert not at.info
    assert activities(at) == expected(demo_con, LAST12)


def test_a_picked_community_and_colour_combine(app_db, demo_con):
    at = run_page(PAGE, session_state={"seeds_pick_colour": "white", "seeds_pick_community": "C30"})
    assert_clean(at)
    assert any("白色种子 · 鹤北一居" in i.value for i in at.info)
    assert activities(at) == expected(demo_con, LAST12.replace(seed_colours=("white",), community_ids=("C30",)))


def test_sidebar_grid_filter_applies(app_db, demo_con):
    at = run_page(PAGE, session_state={"filters_grids": ["G7"]})
    assert_clean(at)
    assert activities(at) == expected(demo_con, LAST12.replace(grid_ids=("G7",)))


def test_a_pick_outside_the_sidebar_grids_shows_no_data_and_can_be_cleared(app_db):
    at = run_page(PAGE, session_state={"filters_grids": ["G1"], "seeds_pick_community": "C30"})
    assert_clean(at)
    assert any("没有四色种子活动" in i.value for i in at.info)
    at.button(key="seeds_clear").click().run()
    assert_clean(at)
    assert at.metric


def test_a_secretary_sees_their_own_community(app_db, demo_con):
    mine = Scope("secretary", "C30")
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": mine.community_id})
    assert_clean(at)
    assert activities(at) == expected(demo_con, LAST12, mine)


@pytest.mark.slow
def test_page_in_english(app_db):
    # Switch language after the page has run once in Chinese: AppTest formats the sidebar's selectbox value
    # with the app's format_func outside the script run (where the language reads as the default, Chinese),
    # so a switch_page run that starts in English cannot match its English options.
    at = run_page(PAGE, session_state={"seeds_pick_colour": "blue"})
    at.session_state["lang"] = "en"
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Four-colour seeds · reach and partners"
    assert any("This page is filtered to Blue seed" in i.value for i in at.info)
