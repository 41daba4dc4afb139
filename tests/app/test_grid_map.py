import datetime as dt
import json

import pytest
import shapely
import shapely.affinity
import shapely.geometry

from analytics import db, geo
from analytics.demo import generate as demo
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/grid_map.py"


def deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer(spec: dict, layer_id: str) -> dict | None:
    return next((x for x in spec["layers"] if x["id"] == layer_id), None)


def legend(at) -> str:
    return at.get("html")[0].proto.body


def test_map_shows_seven_labelled_grids_offline(app_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "七个片区网格 · 地图"
    spec = deck(at)
    grids_layer = layer(spec, "grid_map_grids")
    assert len(grids_layer["data"]["features"]) == 7
    assert {f["properties"]["grid_id"] for f in grids_layer["data"]["features"]} == {f"G{i}" for i in range(1, 8)}
    labels = layer(spec, "grid_map_labels")
    assert len(labels["data"]) == 7 and labels["characterSet"] == "auto"  # Chinese glyphs, generated locally
    assert "Noto Sans CJK SC" in labels["fontFamily"] and not labels["fontFamily"].startswith("@@")
    assert any(d["text"].startswith("鹤庆片区\n") for d in labels["data"])
    # offline: the style is an inline data: URL, and no URL to any other host is in the chart
    assert spec["mapStyle"].startswith("data:application/json,")
    assert "http" not in json.dumps(spec)
    assert "图例：小事不出网格率" in legend(at) and "无数据或不在筛选范围内" in legend(at)
    assert at.dataframe[0].value.shape[0] == 7
    assert "边界版本 v1" in at.caption[1].value and "离线地图" in at.caption[1].value


def test_metric_choice_recolours_map_and_legend(app_db):
    at = run_page(PAGE)
    fills = [f["properties"]["fill"] for f in layer(deck(at), "grid_map_grids")["data"]["features"]]
    at.selectbox(key="grid_map_metric").set_value("activities_per_1k").run()
    assert_clean(at)
    assert "图例：每千人四色种子活动（场）" in legend(at)
    assert [f["properties"]["fill"] for f in layer(deck(at), "grid_map_grids")["data"]["features"]] != fills


def test_layer_switch(app_db):
    at = run_page(PAGE)
    assert layer(deck(at), "grid_map_communities") is not None and layer(deck(at), "grid_map_partners") is None
    at.pills(key="grid_map_layers").set_value(["partners"]).run()
    assert_clean(at)
    spec = deck(at)
    assert layer(spec, "grid_map_partners") is not None
    assert layer(spec, "grid_map_communities") is None and layer(spec, "grid_map_labels") is None
    assert "合伙人单位" in legend(at)


def test_tooltip_template_is_fixed_and_values_are_plain_text(app_db):
    at = run_page(PAGE)
    spec = deck(at)
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    # only our placeholders; Streamlit html-escapes the values it puts into them
    assert tooltip["html"].count("{") == 3 and "{tip_title}" in tooltip["html"] and "{tip_body}" in tooltip["html"]
    # a tip opens towards the map's middle, so one on the east side is not cut at the chart's right edge
    shifts = {f["properties"]["tip_shift"] for f in layer(spec, "grid_map_grids")["data"]["features"]}
    assert shifts == {"0", "calc(-100% - 24px)"}
    g7 = next(f for f in layer(spec, "grid_map_grids")["data"]["features"] if f["properties"]["grid_id"] == "G7")
    assert g7["properties"]["tip_title"] == "鹤庆片区网格"
    assert "小事不出网格率" in g7["properties"]["tip_body"] and "<" not in g7["properties"]["tip_body"]


@pytest.mark.slow
def test_drill_down_and_side_by_side(app_db):
    at = run_page(PAGE)
    assert at.info[0].value.startswith("在地图上点击一个网格")
    at.selectbox(key="grid_map_focus").set_value("G7").run()
    assert_clean(at)
    assert [m.value for m in at.markdown if m.value.startswith("####")] == ["#### 鹤庆片区网格"]
    assert len(at.metric) == 4 and at.metric[0].label == "小事不出网格率"
    assert "居民区排名：小事不出网格率" in [m.value.strip("*") for m in at.markdown]
    focus_line = next(
        f for f in layer(deck(at), "grid_map_grids")["data"]["features"] if f["properties"]["grid_id"] == "G7"
    )
    assert focus_line["properties"]["width"] == 5
    at.selectbox(key="grid_map_compare").set_value("G3").run()
    assert_clean(at)
    assert [m.value for m in at.markdown if m.value.startswith("####")] == [
        "#### 鹤庆片区网格",
        "#### 沧源兰坪片区网格",
    ]
    assert len(at.metric) == 8
    # the stronger grid shows the higher in-grid rate (G7 settles locally, G3 escalates in the demo world)
    assert float(at.metric[0].value.rstrip("%")) > float(at.metric[4].value.rstrip("%"))


def test_grid_filter_greys_out_the_others(app_db):
    at = run_page(PAGE, session_state={"filters_grids": ["G1", "G2"]})
    assert_clean(at)
    features = layer(deck(at), "grid_map_grids")["data"]["features"]
    assert len(features) == 7  # the map still shows every grid
    grey = [f["properties"]["grid_id"] for f in features if f["properties"]["fill"][:3] == [0xB0, 0xBE, 0xC5]]
    assert grey == ["G3", "G4", "G5", "G6", "G7"]
    assert at.dataframe[0].value.shape[0] == 2


def test_english(app_db):
    # Set after the page switch: with "lang" preset, AppTest (streamlit 1.67) replays the Chinese label of the
    # sidebar's period choice into the English run that follows switch_page and fails on it.
    at = run_page(PAGE)
    at.session_state["lang"] = "en"
    at.run()
    assert_clean(at)
    assert at.title[0].value == "The seven area grids · map"
    assert "Legend: Settled in the grid" in legend(at).replace("：", ": ")


def test_map_uses_the_boundary_version_of_the_period(app_db):
    con = db.connect(app_db)
    moved = json.loads(demo.BOUNDARY_FILE.read_text(encoding="utf-8"))
    for feature in moved["features"]:
        shifted = shapely.affinity.translate(shapely.geometry.shape(feature["geometry"]), 0.001, 0)
        feature["geometry"] = shapely.geometry.mapping(shifted)
    geo.upload_boundaries(con, json.dumps(moved, ensure_ascii=False).encode(), "新边界.geojson", dt.date(2024, 7, 1))
    con.close()
    at = run_page(PAGE)  # last 12 months of the demo data end on 2024-12-31: version 2
    assert_clean(at)
    assert "边界版本 v2（2024年7月1日起生效）" in at.caption[1].value
    at = run_page(PAGE, session_state={"filters_preset": "all"})
    assert "v2" in at.caption[1].value


@pytest.mark.parametrize("crs", ["gcj02", "wgs84"])
def test_configured_basemap(app_db, monkeypatch, crs):
    monkeypatch.setenv("JIANGCHUAN_BASEMAP_URL", "http://tiles.intranet.example/{s}/{z}/{x}/{y}.png")
    monkeypatch.setenv("JIANGCHUAN_BASEMAP_SUBDOMAINS", "12")
    monkeypatch.setenv("JIANGCHUAN_BASEMAP_CRS", crs)
    monkeypatch.setenv("JIANGCHUAN_BASEMAP_NAME", "内网底图")
    at = run_page(PAGE)
    assert_clean(at)
    spec = deck(at)
    from urllib.parse import unquote

    style = json.loads(unquote(spec["mapStyle"].split(",", 1)[1]))
    assert style["sources"]["basemap"]["tiles"] == [
        "http://tiles.intranet.example/1/{z}/{x}/{y}.png",
        "http://tiles.intranet.example/2/{z}/{x}/{y}.png",
    ]
    assert "内网底图" in at.caption[1].value
    g1 = next(f for f in layer(spec, "grid_map_grids")["data"]["features"] if f["properties"]["grid_id"] == "G1")
    drawn = shapely.geometry.shape(g1["geometry"])
    stored = shapely.geometry.shape(
        json.loads(demo.BOUNDARY_FILE.read_text(encoding="utf-8"))["features"][0]["geometry"]
    )
    offset_m = geo.distance_m(stored.centroid.x, stored.centroid.y, drawn.centroid.x, drawn.centroid.y)
    if crs == "gcj02":
        assert 300 < offset_m < 800 and "GCJ-02" in at.caption[1].value
    else:
        assert offset_m < 0.5
    # the basemap can be switched off like any layer
    at.pills(key="grid_map_layers").set_value(["labels"]).run()
    assert "sources%22%3A%7B%7D" in deck(at)["mapStyle"]


def test_boundary_management_lists_versions(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "admin"})
    expander = at.expander[0]
    assert expander.label == "边界管理"
    versions = at.dataframe[1].value
    assert versions.iloc[0].tolist()[:4] == ["v1", "2022年11月5日", "当前", "演示数据（示意边界）"]
    assert at.date_input(key="grid_map_valid_from") is not None and at.checkbox(key="grid_map_repair").value is False


MARKDOWN_ZIP = "[x](http://e.com)![i](http://e.com/a.png)<b>x</b>.zip"


def test_a_markdown_boundary_file_name_shows_as_text(app_db):
    """A refused boundary file is named in the error box as text: no link, no image fetched."""
    at = run_page(PAGE, session_state={"auth_demo_role": "admin"})
    at.file_uploader(key="grid_map_file").set_value((MARKDOWN_ZIP, b"not a shapefile", "application/octet-stream"))
    next(b for b in at.button if "grid_map_upload" in (b.form_id or "")).click().run()
    assert not at.exception, [(e.message, e.stack_trace) for e in at.exception]
    shown = [e.value for e in at.error]
    assert any("zip" in s for s in shown)
    assert not any("[x](" in s or "![i]" in s or "<b>" in s for s in shown)
