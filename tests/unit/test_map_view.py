"""The grid map's first view: all seven grids on a laptop, and a part of the area (a secretary's grid)
fitted whole into a phone's width."""

from __future__ import annotations

import json
import math

from shapely.geometry import shape

from analytics.demo import generate as demo
from ui import maps


def _shapes() -> list:
    features = json.loads(demo.BOUNDARY_FILE.read_text("utf-8"))["features"]
    return [shape(f["geometry"]) for f in features]


def _width_px(geometry, zoom: float) -> float:
    """How wide a shape is drawn at this zoom (deck.gl's 512-pixel world)."""
    minx, _, maxx, _ = geometry.bounds
    return (maxx - minx) / 360 * 512 * 2**zoom


def test_all_grids_in_view_keep_the_laptop_fit():
    shapes = _shapes()
    assert maps.fitted_view(shapes, [True] * len(shapes)).zoom == maps._view(shapes).zoom
    assert maps.fitted_view(shapes, [False] * len(shapes)).zoom == maps._view(shapes).zoom


def test_one_grid_is_centred_and_fits_a_phone():
    shapes = _shapes()
    for i, grid in enumerate(shapes):
        chosen = [j == i for j in range(len(shapes))]
        view = maps.fitted_view(shapes, chosen)
        lon_min, lat_min, lon_max, lat_max = grid.bounds
        assert math.isclose(view.longitude, (lon_min + lon_max) / 2)
        assert math.isclose(view.latitude, (lat_min + lat_max) / 2)
        assert _width_px(grid, view.zoom) <= maps.FIT_PART_PX + 1  # whole on a 390 px phone
        assert view.zoom > maps._view(shapes).zoom  # closer than the whole area
