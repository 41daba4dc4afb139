"""The grid map in a real browser: drawn offline, clickable, and — when an operator configures one — with
a basemap from that server only."""
import http.server
import io
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from typing import ClassVar

import pytest
import shapely
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analytics import db, demo, geo
from tests.browser.conftest import TrackedPage, _free_port
from tests.conftest import ROOT, artifact
from ui import maps

pytestmark = pytest.mark.browser


def wait_for_map(page, timeout_ms: int = 60_000):
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=timeout_ms)
    page.wait_for_timeout(2500)  # deck.gl draws a frame or two after the canvas appears
    return page.locator("[data-testid='stDeckGlJsonChart']").first.bounding_box()


def screen_point(box: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where a WGS-84 point of the demo boundaries is drawn in the chart (deck.gl's 512-pixel world)."""
    shapes = [shapely.geometry.shape(f["geometry"]) for f in json.loads(demo.BOUNDARY_FILE.read_text("utf-8"))["features"]]
    view = maps._view(shapes)
    scale = 512 * 2 ** view.zoom

    def merc_y(value):
        return math.log(math.tan(math.pi / 4 + math.radians(value) / 2))

    x = box["x"] + box["width"] / 2 + (lon - view.longitude) / 360 * scale
    y = box["y"] + box["height"] / 2 - (merc_y(lat) - merc_y(view.latitude)) / (2 * math.pi) * scale
    return x, y


def label_of(grid_id: str) -> tuple[float, float]:
    feature = next(f for f in json.loads(demo.BOUNDARY_FILE.read_text("utf-8"))["features"]
                   if f["properties"]["grid_id"] == grid_id)
    return geo.label_point(json.dumps(feature["geometry"]))


def test_grid_map_renders_offline_and_opens_a_grid_on_click(tracked):
    page = tracked.open("grid_map", wait_for_text="七个网格一览")
    box = wait_for_map(page)
    assert page.get_by_text("图例：小事不出网格率").count() == 1
    assert page.get_by_text("无数据或不在筛选范围内").count() == 1
    assert page.get_by_text("离线地图").count() == 1
    page.screenshot(path=str(artifact("grid_map.png")))

    # hovering a grid shows its numbers; clicking it opens its drill-down below the map
    x, y = screen_point(box, *label_of("G7"))
    y += 25  # just below the label, on the polygon
    page.mouse.move(x, y)
    tooltip = page.get_by_text("小事不出网格率 84.4%")
    for _ in range(3):
        if tooltip.count():
            break
        page.mouse.move(x + 3, y + 3)
        page.wait_for_timeout(700)
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
    heading.wait_for(timeout=60_000)
    assert selected.count() >= 1  # the map itself shows the grid as selected
    assert page.get_by_text("居民区排名：小事不出网格率").count() == 1
    page.wait_for_timeout(1500)
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact("grid_map_detail.png")))
    tracked.assert_no_exception()
    tracked.assert_offline()


# ---------------------------------------------------------------------------------------------
# a configured basemap (GCJ-02), served by a tile server of our own
class _Tiles(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

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

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def basemap_app(demo_db_path, tmp_path_factory):
    tiles = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), _Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    tile_base = f"http://127.0.0.1:{tiles.server_address[1]}"
    path = tmp_path_factory.mktemp("basemap") / "app.duckdb"
    shutil.copy(demo_db_path, path)
    port = _free_port()
    env = {**os.environ, db.ENV_DB_PATH: str(path), maps.ENV_URL: tile_base + "/{z}/{x}/{y}.png",
           maps.ENV_CRS: "gcj02", maps.ENV_NAME: "测试底图"}
    log = open(path.parent / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the basemap app did not start")
        yield base, tile_base
    finally:
        server.terminate()
        server.wait(timeout=15)
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
        for _ in range(20):
            if _Tiles.hits:
                break
            page.wait_for_timeout(500)
        page.wait_for_timeout(2000)
        page.locator("[data-testid='stDeckGlJsonChart']").first.screenshot(path=str(artifact("grid_map_basemap.png")))
        assert _Tiles.hits and all(h.endswith(".png") for h in _Tiles.hits)
        assert {u.split("/")[2] for u in tracked.outside} == {tile_base.split("/")[2]}  # nothing but our tiles
        tracked.assert_no_exception()
    finally:
        context.close()
