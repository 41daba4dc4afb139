import json

import pandas as pd
import pytest

from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/cases.py"


def metric(at, label: str) -> str:
    return next(m for m in at.metric if m.label == label).value


def table_with(at, column: str):
    """The one table on the page that has `column` (AppTest does not expose st.dataframe's key)."""
    tables = [frame.value for frame in at.dataframe if column in frame.value.columns]
    assert len(tables) == 1, [list(t.columns) for t in tables]
    return tables[0]


def plotly_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def leader_page(demo_db_path, tmp_path_factory):
    # One render shared by the read-only checks (each run_page builds the whole page, ~3 s).
    import shutil

    from analytics import db

    path = tmp_path_factory.mktemp("cases_app") / "app.duckdb"
    shutil.copy(demo_db_path, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(db.ENV_DB_PATH, str(path))
        yield run_page(PAGE)


@pytest.mark.slow
def test_page_shows_title_motto_and_headline(leader_page):
    at = leader_page
    assert_clean(at)
    assert at.title[0].value == "网格事务"
    assert "小事不出网格、急事不出社区" in at.caption[0].value
    assert metric(at, "小事不出网格率").endswith("%")
    assert metric(at, "急事不出社区率").endswith("%")
    in_grid = next(m for m in at.metric if m.label == "小事不出网格率")
    assert "个百分点" in in_grid.delta


def test_cityscore_tiles_for_the_subdistrict_and_every_grid(leader_page):
    at = leader_page
    tiles = {m.label: m.value for m in at.metric if m.label in ("全街道", "北街河东", "鹤庆", "沧源兰坪")}
    assert len(tiles) == 4
    for value in tiles.values():
        assert 0.3 < float(value) < 2.0
    # The demo world makes 鹤庆 strong and 沧源兰坪 weak at settling matters locally.
    assert float(tiles["鹤庆"]) > 1.0 > float(tiles["沧源兰坪"])


def test_charts_heatmap_sankey_and_the_rest(leader_page):
    specs = plotly_specs(leader_page)
    kinds = [trace["type"] for spec in specs for trace in spec["data"]]
    assert "heatmap" in kinds and "sankey" in kinds
    heatmap = next(spec for spec in specs if spec["data"][0]["type"] == "heatmap")["data"][0]
    assert heatmap["y"][0] == "全街道" and len(heatmap["y"]) == 8
    sankey = next(spec for spec in specs if spec["data"][0]["type"] == "sankey")["data"][0]
    labels = " ".join(sankey["node"]["label"])
    for name in ("党建工作", "民意征集", "服务代办", "矛盾化解", "网格", "居民区", "街道", "区级"):
        assert name in labels
    assert len(specs) >= 9  # heatmap, sankey, level mix, 2 × time, backlog, urgent, 3 × satisfaction


def test_downloads_and_targets_editor_read_only_for_a_leader(leader_page):
    at = leader_page
    assert len(at.get("download_button")) >= 12
    assert any(e.label == "目标设置" for e in at.expander)
    assert any("仅管理员可修改目标" in c.value for c in at.caption)
    assert not at.get("form")
    targets = table_with(at, "来源")
    assert set(targets["来源"]) == {"系统默认"}
    assert targets.iloc[0]["网格"] == "全街道" and len(targets) == 8 * 3


@pytest.mark.slow
def test_heatmap_metric_and_community_grid_can_be_changed(app_db):
    at = run_page(PAGE)
    before = table_with(at, "每千人事务数")
    assert "北街居民区" in set(before["居民区"])
    at.selectbox(key="cases_grid").set_value("G7").run()
    assert_clean(at)
    after = table_with(at, "每千人事务数")
    assert "鹤北新村第一居民区" in set(after["居民区"]) and len(after) == 5 + 2
    assert after["居民区"].tolist()[-2:] == ["鹤庆合计", "全街道合计"]
    assert "综合得分" in heatmap_hover(at)
    at.button_group(key="cases_score_metric").set_value("urgent_in_community_rate").run()
    assert_clean(at)
    hover = heatmap_hover(at)
    assert "综合得分" not in hover and "目标 90%" in hover


def heatmap_hover(at) -> str:
    heatmap = next(s for s in plotly_specs(at) if s["data"][0]["type"] == "heatmap")["data"][0]
    return " ".join(str(h) for row in heatmap["customdata"] for h in row)


@pytest.mark.slow
def test_sidebar_grid_filter_narrows_the_page(app_db):
    at = run_page(PAGE, session_state={"filters_grids": ["G7"]})
    assert_clean(at)
    heatmap = next(s for s in plotly_specs(at) if s["data"][0]["type"] == "heatmap")["data"][0]
    assert heatmap["y"] == ["全街道", "鹤庆"]
    assert at.selectbox(key="cases_grid").options == ["鹤庆片区网格"]
    assert "鹤庆" in [m.label for m in at.metric] and "北街河东" not in [m.label for m in at.metric]


@pytest.mark.slow
def test_in_english(app_db):
    # The page script alone: run_page's second run (the switch from the default page) makes AppTest
    # format the sidebar's options outside the session, in Chinese, and fail to find the English value.
    at = run_page(PAGE, session_state={"lang": "en"})
    assert_clean(at)
    assert at.title[0].value == "Grid work"
    assert "Settled in the grid" in [m.label for m in at.metric]


@pytest.mark.slow
def test_admin_sets_a_grid_target_and_the_score_follows(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "admin"})
    assert_clean(at)
    before = float(metric(at, "沧源兰坪"))
    at.selectbox(key="cases_target_place").set_value("G3")
    at.selectbox(key="cases_target_metric").set_value("in_grid_rate")
    at.number_input(key="cases_target_value").set_value(50.0)
    at.button(key="cases_target_save").click().run()
    assert_clean(at)
    targets = table_with(at, "来源")
    g3 = targets[(targets["网格"] == "沧源兰坪片区网格") & (targets["指标"] == "小事不出网格")].iloc[0]
    assert g3["目标"] == pytest.approx(0.5) and g3["来源"] == "网格单独设置"
    others = targets[(targets["网格"] == "鹤庆片区网格") & (targets["指标"] == "小事不出网格")].iloc[0]
    assert others["目标"] == pytest.approx(0.7) and others["来源"] == "系统默认"
    # A lower in-grid target raises 沧源兰坪's overall score at once (the cache was dropped).
    assert float(metric(at, "沧源兰坪")) > before

    at.selectbox(key="cases_target_place").set_value("G3")
    at.selectbox(key="cases_target_metric").set_value("in_grid_rate")
    at.button(key="cases_target_reset").click().run()
    assert_clean(at)
    assert float(metric(at, "沧源兰坪")) == pytest.approx(before)


@pytest.mark.slow
def test_a_secretary_reads_her_community_against_its_grid_and_the_subdistrict(app_db):
    """居民区明细 opens on her grid (the others hold no row of hers) with her row and the two totals."""
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert at.selectbox(key="cases_grid").options == ["鹤庆片区网格"]
    table = table_with(at, "每千人事务数")
    assert table["居民区"].tolist() == ["鹤北新村第一居民区", "鹤庆合计", "全街道合计"]
    leader = run_page(PAGE)
    leader.selectbox(key="cases_grid").set_value("G7").run()
    whole = table_with(leader, "每千人事务数")
    mine = whole[whole["居民区"] == "鹤北新村第一居民区"]
    for leaders, hers in ((whole.iloc[-2:], table.iloc[-2:]), (mine, table.iloc[:1])):
        pd.testing.assert_frame_equal(leaders.reset_index(drop=True), hers.reset_index(drop=True))
