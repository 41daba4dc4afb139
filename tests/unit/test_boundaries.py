"""Boundary uploads: every refusal has its own reason and message and changes nothing; accepted files
become dated versions, and a period is drawn with the version of its time."""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from analytics import db, geo
from analytics.core import connection
from analytics.demo import generate as demo

JULY = dt.date(2024, 7, 1)


@pytest.fixture(scope="module")
def demo_frame() -> gpd.GeoDataFrame:
    return gpd.read_file(demo.BOUNDARY_FILE)


def snapshot(con) -> tuple:
    """Everything an upload may touch."""
    return (
        db.query(con, "SELECT * FROM grid_boundaries ORDER BY grid_id, version").to_json(date_format="iso"),
        db.query(con, "SELECT * FROM boundary_uploads ORDER BY version").to_json(date_format="iso"),
        db.query(con, "SELECT * FROM import_batches ORDER BY batch_id").to_json(date_format="iso"),
    )


def as_bytes(frame: gpd.GeoDataFrame, tmp_path: Path, kind: str) -> tuple[bytes, str]:
    """The frame written the way a GIS user would send it: (file bytes, file name)."""
    folder = tmp_path / f"out-{kind}-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    if kind == "geojson":
        path = folder / "网格边界.geojson"
        frame.to_file(path, driver="GeoJSON")
        return path.read_bytes(), path.name
    if kind == "gpkg":
        path = folder / "boundaries.gpkg"
        frame.to_file(path, driver="GPKG", layer="grids")
        return path.read_bytes(), path.name
    if kind in ("shp", "shp-no-prj"):
        frame.to_file(folder / "grids.shp", driver="ESRI Shapefile", encoding="utf-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for part in folder.iterdir():
                if kind == "shp-no-prj" and part.suffix == ".prj":
                    continue
                zf.write(part, f"边界/{part.name}")
        return buffer.getvalue(), "网格边界.zip"
    raise ValueError(kind)


def refuse(con, data: bytes, name: str, reason: str, **kwargs) -> str:
    before = snapshot(con)
    with pytest.raises(geo.BoundaryError) as caught:
        geo.upload_boundaries(con, data, name, kwargs.pop("valid_from", JULY), **kwargs)
    assert caught.value.reason == reason, str(caught.value)
    assert snapshot(con) == before
    return str(caught.value)


def stored(con, version: int) -> dict[str, shapely.Geometry]:
    frame = geo.boundaries(con, version)
    return {g: shapely.from_geojson(text) for g, text in zip(frame["grid_id"], frame["geometry"])}


# ---------------------------------------------------------------------------------------------
# accepted files
@pytest.mark.slow
@pytest.mark.parametrize(("epsg", "kind"), [(3857, "geojson"), (4549, "shp"), (4547, "gpkg")])
def test_projected_files_are_reprojected_to_wgs84(fresh_con, demo_frame, tmp_path, epsg, kind):
    data, name = as_bytes(demo_frame.to_crs(epsg), tmp_path, kind)
    result = geo.upload_boundaries(fresh_con, data, name, JULY)
    assert (result.version, result.previous_version, result.grids) == (2, 1, 7)
    assert result.source_crs == f"EPSG:{epsg}"
    original, back = stored(fresh_con, 1), stored(fresh_con, 2)
    for grid_id, geometry in original.items():
        # reprojection there and back moves a vertex by far less than a centimetre (1e-7° ≈ 1 cm)
        assert shapely.hausdorff_distance(geometry, back[grid_id]) < 2e-7, grid_id


def test_cgcs2000_is_taken_as_wgs84_unchanged(fresh_con, demo_frame, tmp_path):
    data, name = as_bytes(demo_frame.set_crs(4490, allow_override=True), tmp_path, "gpkg")
    result = geo.upload_boundaries(fresh_con, data, name, JULY)
    assert result.source_crs == "EPSG:4490"
    original, new = stored(fresh_con, 1), stored(fresh_con, 2)
    assert all(shapely.hausdorff_distance(original[g], new[g]) < 1e-9 for g in original)  # not a shift of any size


def test_grids_matched_by_name_alone(fresh_con, demo_frame, tmp_path):
    frame = demo_frame[["name", "geometry"]].rename(columns={"name": "网格名称"})
    data, name = as_bytes(frame, tmp_path, "geojson")
    assert geo.upload_boundaries(fresh_con, data, name, JULY).grids == 7


def test_valid_upload_becomes_version_2_and_periods_pick_their_version(fresh_con, demo_frame, tmp_path):
    version_before = db.data_version(fresh_con)
    moved = demo_frame.copy()
    moved.geometry = moved.geometry.translate(0.001, 0)
    data, name = as_bytes(moved, tmp_path, "geojson")
    geo.upload_boundaries(fresh_con, data, name, JULY)
    assert db.data_version(fresh_con) != version_before  # caches see the new boundaries at once
    versions = geo.boundary_versions(fresh_con)
    assert versions["version"].tolist() == [1, 2]
    assert versions["valid_to"].iloc[0].date() == JULY and versions["valid_to"].isna().iloc[1]
    assert versions["file_name"].iloc[1] == "网格边界.geojson" and versions["grids"].tolist() == [7, 7]
    pick = lambda end: geo.boundary_version_for(fresh_con, None, end)  # noqa: E731
    assert pick(dt.date(2024, 6, 30)) == 1
    assert pick(JULY) == 2 and pick(dt.date(2024, 12, 31)) == 2 and pick(None) == 2
    assert pick(dt.date(2020, 1, 1)) == 1  # before any boundary: the first version
    old = geo.boundaries_for_period(fresh_con, dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    new = geo.boundaries_for_period(fresh_con, dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    assert set(old["version"]) == {1} and set(new["version"]) == {2} and len(new) == 7
    shift = (
        shapely.from_geojson(new["geometry"].iloc[0]).centroid.x
        - shapely.from_geojson(old["geometry"].iloc[0]).centroid.x
    )
    assert shift == pytest.approx(0.001, abs=1e-6)

    # a third version ends the second and leaves the first alone
    data, name = as_bytes(demo_frame, tmp_path, "geojson")
    assert geo.upload_boundaries(fresh_con, data, name, dt.date(2025, 1, 1)).version == 3
    versions = geo.boundary_versions(fresh_con)
    assert [None if v is None or str(v) == "NaT" else v.date() for v in versions["valid_to"]] == [
        JULY,
        dt.date(2025, 1, 1),
        None,
    ]
    assert pick(dt.date(2024, 8, 1)) == 2 and pick(dt.date(2025, 6, 1)) == 3


def test_repair_is_opt_in_and_reported(fresh_con, demo_frame, tmp_path):
    frame = demo_frame.copy()
    minx, miny, maxx, maxy = frame.geometry.iloc[2].bounds
    frame.loc[2, "geometry"] = shapely.Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy)])  # bow-tie
    data, name = as_bytes(frame, tmp_path, "geojson")
    message = refuse(fresh_con, data, name, "invalid_geometry")
    assert "G3" in message and "自相交" in message and "自动修复" in message
    result = geo.upload_boundaries(fresh_con, data, name, JULY, repair=True)
    assert result.repaired == ("G3",)
    repaired = stored(fresh_con, 2)["G3"]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    assert geo.boundary_versions(fresh_con)["repaired"].iloc[1] == "G3"


# ---------------------------------------------------------------------------------------------
# refused files: each with its own reason and message, nothing changed
@pytest.mark.slow
def test_each_refusal_has_its_own_clear_message(fresh_con, demo_frame, tmp_path):
    messages = {}

    data, name = as_bytes(demo_frame.to_crs(4549), tmp_path, "shp-no-prj")
    messages["no_crs"] = refuse(fresh_con, data, name, "no_crs")
    assert "坐标系" in messages["no_crs"] and ".prj" in messages["no_crs"]

    # projected metres in a GeoJSON that (by the standard) claims longitude/latitude
    metres = demo_frame.to_crs(4549).set_crs(4326, allow_override=True)
    data, name = as_bytes(metres, tmp_path, "geojson")
    messages["far_away"] = refuse(fresh_con, data, name, "far_away")
    assert "坐标系" in messages["far_away"]

    # the wrong projection zone: CM 114°E coordinates labelled as CM 120°E land ~570 km away
    wrong_zone = demo_frame.to_crs(4547).set_crs(4549, allow_override=True)
    data, name = as_bytes(wrong_zone, tmp_path, "gpkg")
    assert "公里" in refuse(fresh_con, data, name, "far_away")

    bow_tie = demo_frame.copy()
    x0, y0, x1, y1 = bow_tie.geometry.iloc[6].bounds
    bow_tie.loc[6, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    data, name = as_bytes(bow_tie, tmp_path, "geojson")
    messages["invalid_geometry"] = refuse(fresh_con, data, name, "invalid_geometry")
    assert "G7 鹤庆片区网格" in messages["invalid_geometry"] and "经度" in messages["invalid_geometry"]

    unknown = demo_frame.copy()
    unknown.loc[6, ["grid_id", "name"]] = ["G8", "浦江片区网格"]
    data, name = as_bytes(unknown, tmp_path, "geojson")
    messages["unknown_grid"] = refuse(fresh_con, data, name, "unknown_grid")
    assert "第 7 个要素" in messages["unknown_grid"] and "「G8」" in messages["unknown_grid"]
    assert "G1 北街河东片区网格" in messages["unknown_grid"]  # tells which grids exist

    data, name = as_bytes(demo_frame.iloc[:6], tmp_path, "geojson")
    messages["missing_grid"] = refuse(fresh_con, data, name, "missing_grid")
    assert "G7 鹤庆片区网格" in messages["missing_grid"]

    twice = gpd.GeoDataFrame(gpd.pd.concat([demo_frame, demo_frame.iloc[[0]]]), crs=demo_frame.crs)
    data, name = as_bytes(twice, tmp_path, "geojson")
    messages["duplicate_grid"] = refuse(fresh_con, data, name, "duplicate_grid")

    crossed = demo_frame.copy()
    crossed.loc[0, "name"] = "鹤庆片区网格"  # id says G1, name says G7
    data, name = as_bytes(crossed, tmp_path, "geojson")
    messages["conflicting_grid"] = refuse(fresh_con, data, name, "conflicting_grid")

    points = demo_frame.copy()
    points.geometry = points.geometry.representative_point()
    data, name = as_bytes(points, tmp_path, "geojson")
    messages["not_polygon"] = refuse(fresh_con, data, name, "not_polygon")

    no_keys = demo_frame[["note", "geometry"]]
    data, name = as_bytes(no_keys, tmp_path, "geojson")
    messages["no_key_column"] = refuse(fresh_con, data, name, "no_key_column")

    # non-spatial files: a spreadsheet export renamed .geojson, plain text, JSON that is not GeoJSON
    messages["not_spatial"] = refuse(
        fresh_con, "grid_id,name\nG1,北街河东片区网格\n".encode(), "边界.geojson", "not_spatial"
    )
    assert "边界.geojson" in messages["not_spatial"] and "/tmp" not in messages["not_spatial"]
    refuse(fresh_con, "这不是地图".encode(), "边界.geojson", "not_spatial")
    refuse(fresh_con, json.dumps({"grids": ["G1"]}).encode(), "边界.json", "not_spatial")
    refuse(fresh_con, b"PK\x03\x04 broken", "边界.zip", "not_spatial")
    messages["unsupported_type"] = refuse(fresh_con, b"grid_id,name\n", "边界.csv", "unsupported_type")
    refuse(fresh_con, b"\x00\x01", "grids.shp", "unsupported_type")
    messages["empty"] = refuse(fresh_con, b"", "边界.geojson", "empty")

    data, name = as_bytes(demo_frame, tmp_path, "geojson")
    messages["bad_date"] = refuse(fresh_con, data, name, "bad_date", valid_from=dt.date(2022, 11, 5))
    assert "v1" in messages["bad_date"]

    assert len(set(messages.values())) == len(messages)  # no two refusals read alike
    assert [m for m in messages.values() if "请" not in m] == []  # each says what to do


def test_zip_with_two_shapefiles_is_refused(fresh_con, demo_frame, tmp_path):
    data, _ = as_bytes(demo_frame, tmp_path, "shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
            out.writestr(info.filename.replace("grids.", "grids_old."), src.read(info))
    assert "grids_old.shp" in refuse(fresh_con, buffer.getvalue(), "两套.zip", "ambiguous_zip")


def test_a_failure_inside_the_transaction_leaves_nothing_behind(fresh_con, demo_frame, tmp_path, monkeypatch):
    data, name = as_bytes(demo_frame, tmp_path, "geojson")
    before = snapshot(fresh_con)
    real_execute = db.execute

    def failing(con, sql, params=None):
        if "boundary_uploads" in sql:
            raise connection.DataError("disk full (simulated)")
        return real_execute(con, sql, params)

    monkeypatch.setattr(connection, "execute", failing)
    with pytest.raises(connection.DataError):
        geo.upload_boundaries(fresh_con, data, name, JULY)
    monkeypatch.undo()
    assert snapshot(fresh_con) == before
    assert geo.upload_boundaries(fresh_con, data, name, JULY).version == 2


def test_no_grids_no_boundaries(empty_con, demo_frame, tmp_path):
    assert geo.boundary_version_for(empty_con, None, None) is None
    assert geo.boundaries_for_period(empty_con, None, dt.date(2024, 1, 1)).empty
    data, name = as_bytes(demo_frame, tmp_path, "geojson")
    refuse(empty_con, data, name, "no_grids")


def test_a_boundary_file_is_read_in_a_capped_worker(fresh_con, monkeypatch):
    """Reading a boundary file happens in the parse worker with its memory ceiling (analytics.ingest.
    isolate), like a ledger's: one polygon of 600,000 vertices is well formed, and the server process
    would read it, but the worker's 64 MB is not enough for it, and the refusal says so and what to do."""
    monkeypatch.setenv("JIANGCHUAN_PARSE_MEMORY_MB", "64")
    ring = ",".join(f"[121.{i % 999999:06d},31.{(i * 7) % 999999:06d}]" for i in range(600_000))
    data = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"grid_id":"G1"},'
        '"geometry":{"type":"Polygon","coordinates":[[' + ring + ",[121.000000,31.000000]]]}}]}"
    ).encode()
    message = refuse(fresh_con, data, "huge.geojson", "too_large")
    assert "huge.geojson" in message and "内存" in message and "Excel" not in message
