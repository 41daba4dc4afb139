"""WGS-84 ↔ GCJ-02 against published reference points, and the round trip."""

import numpy as np
import pytest
import shapely

from analytics import geo

# Published pairs (WGS-84 lon, lat) → (GCJ-02 lon, lat):
#  - wandergis/coordtransform, test/app.js: wgs84togcj02(116.404, 39.915)
#  - googollee/eviltransform, python tests: Shanghai, Shenzhen, Beijing
REFERENCE = [
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_forward_matches_published_points(wgs, gcj):
    lon, lat = geo.wgs84_to_gcj02(*wgs)
    assert geo.distance_m(lon, lat, *gcj) < 0.01


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_inverse_recovers_the_published_wgs84_point(wgs, gcj):
    lon, lat = geo.gcj02_to_wgs84(*gcj)
    assert geo.distance_m(lon, lat, *wgs) < 0.01


def test_round_trip_within_a_metre_across_china():
    lon, lat = np.meshgrid(np.linspace(74, 135, 40), np.linspace(4, 53, 40))
    lon, lat = lon.ravel(), lat.ravel()
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lon, lat))
    assert np.max(geo.distance_m(lon, lat, *back)) < 1.0
    # and the offset really is there, hundreds of metres in Jiangchuan
    shifted = geo.wgs84_to_gcj02(121.4132, 31.0113)
    assert 300 < geo.distance_m(121.4132, 31.0113, *shifted) < 800


def test_outside_china_is_left_alone():
    assert geo.wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)
    assert geo.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_geometry_shift_moves_every_vertex():
    square = shapely.box(121.40, 31.00, 121.42, 31.02)
    moved = geo.geometry_to_gcj02(square)
    for (x0, y0), (x1, y1) in zip(square.exterior.coords, moved.exterior.coords):
        assert (x1, y1) == pytest.approx(geo.wgs84_to_gcj02(x0, y0))


def test_label_point_lies_inside_an_l_shape():
    l_shape = shapely.Polygon([(0, 0), (3, 0), (3, 1), (1, 1), (1, 3), (0, 3)])
    x, y = geo.label_point(shapely.to_geojson(l_shape))
    assert l_shape.contains(shapely.Point(x, y))
