"""The grid map in a real browser: drawn offline, clickable, and — when an operator configures one — with
a basemap from that server only."""

import http.server
import io
import json
import math
import shutil
import threading
import time
from typing import ClassVar

import pytest
import shapely
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analytics import db, geo
from analytics.demo import generate as demo
from tests.browser.conftest import TrackedPage, _free_port, running_app
from tests.conftest import artifact
from ui import maps

pytestmark = pytest.mark.browser


def wait_for_map(page, *, colours: int = 6, deadline_s: float = 120):
    """The map's canvas has drawn the grids: its pixels show several colours and two looks in a row
    agree (deck.gl draws a frame or two after the canvas appears; a basemap's tiles arrive later)."""
    chart = page.locator("[data-testid='stDeckGlJsonChart']").first
    canvas = chart.locator("canvas").first
    canvas.wait_for(state="visible")
    previous, ends = None, time.monotonic() + deadline_s
    while time.monotonic() < ends:
        shot = canvas.screenshot()
        few = Image.open(io.BytesIO(shot)).getcolors(colours)  # None: more distinct colours than that
        if shot == previous and few is None:
            return chart.bounding_box()
        previous = shot
    pytest.fail(f"the map's canvas did not settle on a drawing within {deadline_s:.0f} s")


def screen_point(box: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where a WGS-84 point of the demo boundaries is drawn in the chart (deck.gl's 512-pixel world)."""
    shapes = [
        shapely.geometry.shape(f["geometry"]) for f in json.loads(demo.BOUNDARY_FILE.read_text("utf-8"))["features"]
    ]
    view = maps._view(shapes)
    scale = 512 * 2**view.zoom

    def merc_y(value):
        return math.log(math.tan(math.pi / 4 + math.radians(value) / 2))

    x = box["x"] + box["width"] / 2 + (lon - view.longitude) / 360 * scale
    y = box["y"] + box["height"] / 2 - (merc_y(lat) - merc_y(view.latitude)) / (2 * math.pi) * scale
    return x, y


def label_of(grid_id: str) -> tuple[float, float]:
    feature = next(
        f
        for f in json.loads(demo.BOUNDARY_FILE.read_text("utf-8"))["features"]
        if f["properties"]["grid_id"] == grid_id
    )
    return geo.label_point(json.dumps(feature["geometry"]))


def test_grid_map_renders_offline_and_opens_a_grid_on_click(tracked):
    page = tracked.open("grid_map", wait_for_text="七个网格一览")
    box = wait_for_map(page)
    assert page.get_by_text("图例：小事不出网格率").count() == 1
    assert page.get_by_text("无数据或不在筛选范围内").count() == 1
    assert page.get_by_text("离线地图").count() == 1
    tracked.settled_screenshot("grid_map.png")

    # hovering a grid shows its numbers; clicking it opens its drill-down below the map
    x, y = screen_point(box, *label_of("G7"))
    y += 25  # just below the label, on the polygon
    tooltip = page.get_by_text("小事不出网格率 84.4%")
    for nudge in range(4):  # deck.gl picks on pointer moves; a move the busy renderer dropped is made again
        page.mouse.move(x + nudge, y + nudge)
        try:
            tooltip.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    assert tooltip.count() == 1
    # On a busy machine a click can get lost; click again only while the chart shows no selection (its
    # "Clear selection" action appears at once), since a second click on a selected grid deselects it.
    selected = page.get_by_label("Clear selection", exact=False)
    for _ in range(4):
        page.mouse.click(x, y)
        try:
            selected.first.wait_for(state="attached", timeout=8_000)
            break
        except PlaywrightTimeout:
            continue
    heading = page.locator("h4", has_text="鹤庆片区网格")
    heading.wait_for(state="visible")
    tracked.idle()
    assert selected.count() >= 1  # the map itself shows the grid as selected
    assert page.get_by_text("居民区排名：小事不出网格率").count() == 1
    heading.scroll_into_view_if_needed()
    tracked.settled_screenshot("grid_map_detail.png")
    tracked.assert_no_exception()
    tracked.assert_offline()


# ---------------------------------------------------------------------------------------------
# a configured basemap (GCJ-02), served by a tile server of our own
class _Tiles(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []
    served: ClassVar[threading.Event] = threading.Event()

    def do_GET(self):
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (256, 256), (246, 236, 200))
        ImageDraw.Draw(image).rectangle([0, 0, 255, 255], outline=(190, 70, 60), width=3)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(buffer.getvalue())
        type(self).served.set()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def basemap_app(demo_db_path, tmp_path_factory):
    tiles = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), _Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    tile_base = f"http://127.0.0.1:{tiles.server_address[1]}"
    path = tmp_path_factory.mktemp("basemap") / "app.duckdb"
    shutil.copy(demo_db_path, path)
    env = {
        db.ENV_DB_PATH: str(path),
        maps.ENV_URL: tile_base + "/{z}/{x}/{y}.png",
        maps.ENV_CRS: "gcj02",
        maps.ENV_NAME: "测试底图",
    }
    try:
        with running_app(env, path.parent / "server.log") as base:
            yield base, tile_base
    finally:
        tiles.shutdown()


@pytest.mark.slow  # starts a second app server with the basemap configured
def test_configured_basemap_loads_tiles_from_that_server_only(browser, basemap_app):
    base, tile_base = basemap_app
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    try:
        tracked = TrackedPage(context.new_page(), base)
        page = tracked.open("grid_map", wait_for_text="七个网格一览")
        wait_for_map(page)
        assert page.get_by_text("测试底图（已按 GCJ-02 偏移叠加）", exact=False).count() == 1
        assert _Tiles.served.wait(120), "no tile was asked of the configured basemap server"
        wait_for_map(page)  # settled again, now with the tiles drawn under the grids
        page.locator("[data-testid='stDeckGlJsonChart']").first.screenshot(path=str(artifact("grid_map_basemap.png")))
        assert _Tiles.hits and all(h.endswith(".png") for h in _Tiles.hits)
        assert {u.split("/")[2] for u in tracked.outside} == {tile_base.split("/")[2]}  # nothing but our tiles
        tracked.assert_no_exception()
    finally:
        context.close()
