"""Coordinates and grid boundaries.

* WGS-84 ↔ GCJ-02. Chinese web maps (高德, 腾讯) draw their tiles in GCJ-02, the offset "Mars"
  coordinates required of Chinese map services; GPS, 天地图 and our stored geometry are WGS-84 (CGCS2000
  differs from WGS-84 by centimetres). The forward transform is the public algorithm (Krasovsky
  ellipsoid constants, as in the widely used coordtransform / eviltransform code); it has no closed
  inverse, so GCJ-02 → WGS-84 iterates the forward transform to a fixed point (well under 1 m).
* Boundary files. An admin uploads GeoJSON, a zipped Shapefile or a GeoPackage; it is read with
  geopandas/pyogrio, reprojected to WGS-84, checked (polygons, validity, one feature per known grid, all
  grids present) and stored as a new boundary version valid from a chosen date. The previous current
  version then ends on that date (valid_to is exclusive: the first day it no longer applies); old
  versions are kept so that a past period is drawn with the boundaries of its time.

Every refusal is a BoundaryError (a DataError) with its own `reason` and a Chinese message saying what
is wrong and what to do; a refused upload changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from numpy.typing import ArrayLike
from shapely.geometry import mapping, shape

from analytics.core import connection as db
from analytics.core import isolate
from analytics.core.errors import AccessDenied, DataError
from analytics.core.scope import Scope, grid_predicate
from analytics.core.sql import Sql
from words import Day, Message, listing, msg

if TYPE_CHECKING:  # for the annotations only: at run time geopandas is imported where a file is read
    import geopandas as gpd

# ---------------------------------------------------------------------------------------------
# WGS-84 ↔ GCJ-02
_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the public algorithm uses
_EE = 0.00669342162296594323  # its first eccentricity squared


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """True where GCJ-02 does not apply (the public algorithm leaves such points unchanged)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees) at a WGS-84 position."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + common
        + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + common
        + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = d_lon * 180.0 / (_A / sqrt_magic * np.cos(rad_lat) * math.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


# a point as two floats, or arrays of points as two arrays
Coordinates = tuple[float, float] | tuple[np.ndarray, np.ndarray]


def _unwrap(lon: ArrayLike, lat: ArrayLike, result_lon: np.ndarray, result_lat: np.ndarray) -> Coordinates:
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        return float(result_lon), float(result_lat)
    return result_lon, result_lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Coordinates:
    """WGS-84 → GCJ-02 for a point (floats) or arrays of points; (lon, lat) order throughout."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _offset(lon_a, lat_a)
    return _unwrap(lon, lat, lon_a + d_lon, lat_a + d_lat)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tolerance_deg: float = 1e-10, max_iterations: int = 30
) -> Coordinates:
    """GCJ-02 → WGS-84: the WGS-84 point whose forward transform is the given one, found by fixed-point
    iteration (the offset changes slowly, so it converges in a few steps to far below a centimetre)."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iterations):
        d_lon, d_lat = _offset(w_lon, w_lat)
        n_lon, n_lat = g_lon - d_lon, g_lat - d_lat
        step = max(float(np.max(np.abs(n_lon - w_lon), initial=0)), float(np.max(np.abs(n_lat - w_lat), initial=0)))
        w_lon, w_lat = n_lon, n_lat
        if step < tolerance_deg:
            break
    return _unwrap(lon, lat, w_lon, w_lat)


def distance_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Any:
    """Great-circle distance in metres (haversine on a sphere of the WGS-84 semi-major axis)."""
    r = 6378137.0
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(h))


def geometry_to_gcj02(geometry: shapely.Geometry) -> shapely.Geometry:
    """A WGS-84 shapely geometry shifted to GCJ-02 (to line up with 高德 / 腾讯 tiles)."""
    return shapely.transform(geometry, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))


def label_point(geojson: str) -> tuple[float, float]:
    """Where a grid's name sits: the pole of inaccessibility of its largest part (inside the polygon,
    away from its edges, unlike a centroid of an L-shaped grid)."""
    geometry = shape(json.loads(geojson))
    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon)] or [geometry]
    largest = max(parts, key=lambda p: p.area)
    point = shapely.ops.polylabel(largest, tolerance=1e-5) if isinstance(largest, shapely.Polygon) else largest.centroid
    return float(point.x), float(point.y)


# ---------------------------------------------------------------------------------------------
# boundary files
ACCEPTED_SUFFIXES = (".geojson", ".json", ".zip", ".gpkg")
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Property names that may carry a grid's id or name (case-insensitive; Shapefile cuts names at 10).
ID_COLUMNS = ("grid_id", "gridid", "grid_code", "id", "code", "网格编号", "编号", "网格代码")
NAME_COLUMNS = ("name", "grid_name", "gridname", "name_zh", "网格名称", "名称", "网格")
# A boundary more than this far from the grids already known has almost surely a wrong CRS label.
MAX_SHIFT_KM = 30.0
_VALIDITY_REASONS = {  # shapely's reason -> the words for it (words/err_geo.py)
    "Self-intersection": "err.geo.validity.self_intersection",
    "Ring Self-intersection": "err.geo.validity.ring_self_intersection",
    "Too few points": "err.geo.validity.too_few_points",
    "Hole lies outside shell": "err.geo.validity.hole_outside",
    "Nested holes": "err.geo.validity.nested_holes",
    "Interior is disconnected": "err.geo.validity.disconnected",
    "Nested shells": "err.geo.validity.nested_shells",
    "Invalid Coordinate": "err.geo.validity.invalid_coordinate",
    "Ring is not closed": "err.geo.validity.not_closed",
    "Duplicate Rings": "err.geo.validity.duplicate_rings",
}


_GEOMETRY_NAMES = {  # a geometry type -> the words for it (words/err_geo.py)
    "Point": "err.geo.type.point",
    "MultiPoint": "err.geo.type.multipoint",
    "LineString": "err.geo.type.linestring",
    "MultiLineString": "err.geo.type.multilinestring",
    "GeometryCollection": "err.geo.type.collection",
}


class BoundaryError(DataError):
    """A boundary upload was refused; `reason` names the check that failed (for tests and logs)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CheckedBoundaries:
    """A boundary file that passed every check: WGS-84 GeoJSON geometry per grid id."""

    geometries: dict[str, str]
    source_crs: str
    repaired: tuple[str, ...]
    feature_count: int


@dataclass(frozen=True)
class BoundaryUpload:
    """What an accepted upload created."""

    version: int
    valid_from: dt.date
    previous_version: int | None
    grids: int
    source_crs: str
    repaired: tuple[str, ...]
    batch_id: str


def read_boundary_file(data: bytes, file_name: str) -> gpd.GeoDataFrame:
    """The features of an uploaded file as a GeoDataFrame in the file's own CRS (not yet checked)."""
    import geopandas as gpd
    import pyogrio

    suffix = PurePosixPath(file_name.lower()).suffix
    if suffix == ".shp":
        raise BoundaryError("unsupported_type", msg("err.geo.lone_shp", file=file_name))
    if suffix not in ACCEPTED_SUFFIXES:
        kind = suffix or msg("err.geo.no_suffix")
        raise BoundaryError("unsupported_type", msg("err.geo.unsupported", file=file_name, suffix=kind))
    if not data:
        raise BoundaryError("empty", msg("err.geo.empty_file", file=file_name))
    with tempfile.TemporaryDirectory(prefix="boundary-") as tmp:
        # The user's file name never becomes a path: only its suffix is kept.
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        if suffix == ".zip":
            path = _unpack_zip(path, Path(tmp) / "unzipped", file_name)
        try:
            layers = pyogrio.list_layers(path)
            layer = next(
                (name for name, kind in layers if kind and "polygon" in str(kind).lower()),
                layers[0][0] if len(layers) else None,
            )
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, IndexError, ValueError) as exc:
            detail = _short(exc).replace(str(path), file_name)
            raise BoundaryError("not_spatial", msg("err.geo.unreadable", file=file_name, detail=detail)) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise BoundaryError("not_spatial", msg("err.geo.no_geometry", file=file_name))
    return frame


def _read_in_worker(data: bytes, name: str) -> tuple[Any, ...]:
    """read_boundary_file as a worker task: ("ok", frame) or ("refused", reason, message), so that the
    refusal keeps the check that made it."""
    try:
        return ("ok", read_boundary_file(data, name))
    except BoundaryError as exc:
        return ("refused", exc.reason, exc.message)


def read_boundary_file_isolated(data: bytes, file_name: str) -> gpd.GeoDataFrame:
    """read_boundary_file in the parse worker (analytics.core.isolate): GDAL's memory for a hostile
    file (a 50 MB GeoJSON took the server ~900 MB) and any crash stay out of the server's process."""
    try:
        answer = isolate.run(_read_in_worker, data, file_name, file_name=file_name)
    except isolate.Busy:
        raise  # no worker just now: its message says to try again, nothing about the file
    except isolate.WorkerFailed as exc:
        memory_mb = isolate.limits()[0] // 2**20
        raise BoundaryError("too_large", msg("err.geo.worker_limit", file=file_name, mb=memory_mb)) from exc
    if answer[0] == "refused":
        raise BoundaryError(answer[1], answer[2])
    return answer[1]


def _unpack_zip(archive: Path, target: Path, file_name: str) -> Path:
    """The one dataset inside a zip (a Shapefile with its side files, or a GeoPackage / GeoJSON)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [
                m
                for m in zf.infolist()
                if not m.is_dir()
                and not PurePosixPath(m.filename).name.startswith(".")
                and "__MACOSX" not in m.filename
            ]
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise BoundaryError("too_large", msg("err.geo.zip_too_big", file=file_name))
            by_suffix: dict[str, list[zipfile.ZipInfo]] = {}
            for m in members:
                by_suffix.setdefault(PurePosixPath(m.filename).suffix.lower(), []).append(m)
            for suffix in (".shp", ".gpkg", ".geojson", ".json"):
                found = by_suffix.get(suffix, [])
                if len(found) > 1:
                    names = listing(PurePosixPath(m.filename).name for m in found)
                    raise BoundaryError(
                        "ambiguous_zip", msg("err.geo.zip_ambiguous", file=file_name, suffix=suffix, names=names)
                    )
                if found:
                    main = PurePosixPath(found[0].filename)
                    break
            else:
                raise BoundaryError("not_spatial", msg("err.geo.zip_no_dataset", file=file_name))
            target.mkdir()
            # Extract only the dataset's own files, under fixed names (no paths from the archive).
            for m in members:
                path = PurePosixPath(m.filename)
                if path.parent == main.parent and path.stem == main.stem:
                    (target / f"data{path.suffix.lower()}").write_bytes(zf.read(m))
            return target / f"data{main.suffix.lower()}"
    except zipfile.BadZipFile as exc:
        raise BoundaryError("not_spatial", msg("err.geo.bad_zip", file=file_name, detail=_short(exc))) from exc


def _short(exc: Exception) -> str:
    text = str(exc).split(";")[0].strip()
    return text if len(text) <= 160 else text[:157] + "…"


def check_boundaries(
    con: duckdb.DuckDBPyConnection, frame: gpd.GeoDataFrame, file_name: str, *, repair: bool = False
) -> CheckedBoundaries:
    """Reproject to WGS-84, check every feature and match it to a known grid. Raises BoundaryError."""
    grids = db.query(con, "SELECT grid_id, name FROM grids ORDER BY grid_id")
    if grids.empty:
        raise BoundaryError("no_grids", msg("err.geo.no_grids"))
    frame, source_crs = _to_wgs84(frame, file_name)
    if len(frame) == 0:
        raise BoundaryError("empty", msg("err.geo.no_features", file=file_name))
    matched = _match_grids(frame, grids, file_name)
    geometries, repaired = {}, []
    for grid_id, (row_no, geometry) in matched.items():
        label = msg("err.geo.label", grid=grid_id, name=grids.set_index("grid_id").at[grid_id, "name"], row=row_no)
        geometry, was_repaired = _check_polygon(geometry, label, repair=repair)
        if was_repaired:
            repaired.append(grid_id)
        geometries[grid_id] = json.dumps(mapping(shapely.set_precision(geometry, 1e-7)), ensure_ascii=False)
    _check_location(con, [shape(json.loads(g)) for g in geometries.values()], file_name)
    return CheckedBoundaries(geometries, source_crs, tuple(repaired), len(frame))


def _to_wgs84(frame: gpd.GeoDataFrame, file_name: str) -> tuple[gpd.GeoDataFrame, str]:
    import pyproj

    crs = frame.crs
    if crs is None:
        raise BoundaryError("no_crs", msg("err.geo.no_crs", file=file_name))
    name = crs.to_string()
    try:
        if crs.equals(pyproj.CRS.from_epsg(4326)) or crs.equals(pyproj.CRS.from_user_input("OGC:CRS84")):
            return frame, name
        if crs.equals(pyproj.CRS.from_epsg(4490)):
            # CGCS2000 and WGS-84 differ by centimetres: taken as equivalent, coordinates unchanged.
            return frame.set_crs(4326, allow_override=True), name
        return frame.to_crs(4326), name
    except (pyproj.exceptions.CRSError, ValueError) as exc:
        raise BoundaryError("bad_crs", msg("err.geo.bad_crs", file=file_name, crs=name, detail=_short(exc))) from exc


def _match_grids(
    frame: gpd.GeoDataFrame, grids: pd.DataFrame, file_name: str
) -> dict[str, tuple[int, shapely.Geometry]]:
    columns = {str(c).strip().lower(): c for c in frame.columns if c != frame.geometry.name}
    keys = [columns[c] for c in (*ID_COLUMNS, *NAME_COLUMNS) if c in columns]
    if not keys:
        present = listing(map(str, columns.values())) if columns else msg("err.geo.none")
        raise BoundaryError("no_key_column", msg("err.geo.no_key_column", file=file_name, columns=present))
    by_id = dict(zip(grids["grid_id"], grids["grid_id"]))
    by_name = dict(zip(grids["name"], grids["grid_id"]))
    known = listing(f"{g} {n}" for g, n in zip(grids["grid_id"], grids["name"]))
    matched: dict[str, tuple[int, shapely.Geometry]] = {}
    for row_no, (_, row) in enumerate(frame.iterrows(), start=1):
        values = [str(row[k]).strip() for k in keys if pd.notna(row[k]) and str(row[k]).strip()]
        hits: set[str] = {g for v in values if (g := by_id.get(v) or by_name.get(v)) is not None}
        shown = listing(msg("err.geo.quoted", value=v) for v in values) if values else msg("err.geo.blank")
        if not hits:
            raise BoundaryError(
                "unknown_grid", msg("err.geo.unknown_grid", file=file_name, row=row_no, shown=shown, known=known)
            )
        if len(hits) > 1:
            raise BoundaryError(
                "conflicting_grid",
                msg("err.geo.conflicting_grid", file=file_name, row=row_no, shown=shown, grids=listing(sorted(hits))),
            )
        grid_id = hits.pop()
        if grid_id in matched:
            raise BoundaryError(
                "duplicate_grid",
                msg("err.geo.duplicate_grid", file=file_name, grid=grid_id, first=matched[grid_id][0], row=row_no),
            )
        matched[grid_id] = (row_no, row[frame.geometry.name])
    missing = [g for g in grids["grid_id"] if g not in matched]
    if missing:
        names = listing(f"{g} {grids.set_index('grid_id').at[g, 'name']}" for g in missing)
        raise BoundaryError("missing_grid", msg("err.geo.missing_grid", file=file_name, names=names, count=len(grids)))
    return matched


def _check_polygon(
    geometry: shapely.Geometry | None, label: Message | str, *, repair: bool
) -> tuple[shapely.Geometry, bool]:
    if geometry is None or geometry.is_empty:
        raise BoundaryError("empty_geometry", msg("err.geo.empty_geometry", label=label))
    geometry = shapely.force_2d(geometry)
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        kind = msg(_GEOMETRY_NAMES[geometry.geom_type]) if geometry.geom_type in _GEOMETRY_NAMES else geometry.geom_type
        raise BoundaryError("not_polygon", msg("err.geo.not_polygon", label=label, kind=kind))
    if geometry.is_valid:
        return geometry, False
    reason = shapely.is_valid_reason(geometry)
    kind, _, where = reason.partition("[")
    explained = msg(_VALIDITY_REASONS[kind.strip()]) if kind.strip() in _VALIDITY_REASONS else kind.strip()
    place: Message | str = ""
    if where:
        try:
            x, y = (float(v) for v in where.rstrip("]").split()[:2])
            place = msg("err.geo.place", x=x, y=y)
        except ValueError:
            place = ""
    if not repair:
        raise BoundaryError("invalid_geometry", msg("err.geo.invalid", label=label, explained=explained, place=place))
    fixed = shapely.make_valid(geometry)
    polygons = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    fixed = shapely.union_all(polygons) if polygons else None
    if fixed is None or fixed.is_empty or fixed.area < geometry.envelope.area * 1e-6:
        raise BoundaryError(
            "invalid_geometry", msg("err.geo.unrepairable", label=label, explained=explained, place=place)
        )
    return fixed, True


def _check_location(con: duckdb.DuckDBPyConnection, geometries: list, file_name: str) -> None:
    """Refuse boundaries that cannot be Jiangchuan's: coordinates that are no longitude/latitude, or far
    from the communities (a projected file declared as WGS-84, or the wrong projection zone)."""
    minx, miny, maxx, maxy = shapely.union_all(geometries).bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BoundaryError("far_away", msg("err.geo.not_lonlat", file=file_name, x=minx, y=miny))
    anchor = db.query(con, "SELECT avg(lon) AS lon, avg(lat) AS lat FROM communities WHERE lon IS NOT NULL").iloc[0]
    if pd.isna(anchor["lon"]):
        return
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    km = float(distance_m(anchor["lon"], anchor["lat"], cx, cy)) / 1000
    if km > MAX_SHIFT_KM:
        raise BoundaryError("far_away", msg("err.geo.far_away", file=file_name, x=cx, y=cy, km=km))


# ---------------------------------------------------------------------------------------------
# boundary versions in the database
def upload_boundaries(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    valid_from: dt.date,
    *,
    repair: bool = False,
    uploaded_by: str | None = None,
    scope: Scope | None = None,
) -> BoundaryUpload:
    """Check an uploaded boundary file and store it as a new version valid from `valid_from`, all in one
    transaction: the previous current version ends on that date, older versions stay as they are.
    Only administrators may (scope None: whoever holds the database file)."""
    if scope is not None and scope.role != "admin":
        raise AccessDenied(msg("err.geo.admins_only"))
    if isinstance(valid_from, dt.datetime):
        valid_from = valid_from.date()
    frame = read_boundary_file_isolated(data, file_name)
    checked = check_boundaries(con, frame, file_name, repair=repair)
    sha = hashlib.sha256(data).hexdigest()
    latest = db.query(con, "SELECT max(version) AS version, max(valid_from) AS valid_from FROM grid_boundaries").iloc[0]
    previous = None if pd.isna(latest["version"]) else int(latest["version"])
    if previous is not None and valid_from <= pd.Timestamp(latest["valid_from"]).date():
        latest_day = pd.Timestamp(latest["valid_from"]).date()
        raise BoundaryError(
            "bad_date",
            msg("err.geo.bad_date", day=Day(valid_from), version=previous, latest=Day(latest_day)),
        )
    version = (previous or 0) + 1
    batch_id = f"boundary-v{version}-{sha[:10]}"
    now = dt.datetime.now().replace(microsecond=0)
    # One transaction on one cursor. Two admins uploading at once both aim at the same new version;
    # the second then fails on the (grid_id, version) key and rolls back instead of interleaving.
    cur = con.cursor()
    try:
        db.execute(cur, "BEGIN TRANSACTION")
        if previous is not None:
            db.execute(cur, "UPDATE grid_boundaries SET valid_to = $day WHERE valid_to IS NULL", {"day": valid_from})
        for grid_id, geometry in checked.geometries.items():
            db.execute(
                cur,
                "INSERT INTO grid_boundaries VALUES ($grid_id, $version, $day, NULL, $geometry)",
                {"grid_id": grid_id, "version": version, "day": valid_from, "geometry": geometry},
            )
        db.execute(
            cur,
            "INSERT INTO import_batches VALUES ($batch, 'grid_boundaries', $file, $sha, $rows, $now, 'imported')",
            {"batch": batch_id, "file": file_name, "sha": sha, "rows": len(checked.geometries), "now": now},
        )
        db.execute(
            cur,
            """INSERT INTO boundary_uploads VALUES ($version, $batch, $file, $sha, $crs, $day, $now, $repaired,
                                                                 $features, $by)""",
            {
                "version": version,
                "batch": batch_id,
                "file": file_name,
                "sha": sha,
                "crs": checked.source_crs,
                "day": valid_from,
                "now": now,
                "repaired": ",".join(checked.repaired),
                "features": checked.feature_count,
                "by": uploaded_by,
            },
        )
        db.execute(cur, "COMMIT")
    except BaseException:
        try:
            cur.execute("ROLLBACK")
        except Exception:  # the transaction never started: the original error is what matters
            pass
        raise
    finally:
        cur.close()
    return BoundaryUpload(
        version, valid_from, previous, len(checked.geometries), checked.source_crs, checked.repaired, batch_id
    )


def boundary_version_for(
    con: duckdb.DuckDBPyConnection,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    scope: Scope | None = None,
) -> int | None:
    """The boundary version a period is drawn with: the one in force on the period's last day (the
    current version for an open-ended period; the first version for a period before any). None when no
    boundaries are stored."""
    if end is None:
        version = db.scalar(con, "SELECT max(version) FROM grid_boundaries WHERE valid_to IS NULL")
    else:
        version = db.scalar(
            con,
            """SELECT max(version) FROM grid_boundaries
                                    WHERE valid_from <= $day AND (valid_to IS NULL OR valid_to > $day)""",
            {"day": end},
        )
        if version is None:
            version = db.scalar(con, "SELECT min(version) FROM grid_boundaries WHERE valid_from > $day", {"day": end})
    return None if version is None else int(version)


def boundaries(
    con: duckdb.DuckDBPyConnection, version: int | None = None, *, scope: Scope | None = None
) -> pd.DataFrame:
    """The grids' boundaries of one version (default: the current one): grid_id, name, version,
    valid_from, valid_to, geometry (GeoJSON text, WGS-84). Boundaries are public within a town, so
    scope keeps only its town's grids."""
    sql = Sql.compose(
        """
        WITH chosen AS (
            SELECT coalesce($version, (SELECT max(version) FROM grid_boundaries)) AS version
        ),
        final AS (
            SELECT b.grid_id, g.name, b.version, b.valid_from, b.valid_to, b.geometry
            FROM grid_boundaries b JOIN grids g ON g.grid_id = b.grid_id JOIN chosen c ON c.version = b.version
            WHERE {mine}
        )
        SELECT * FROM final ORDER BY grid_id""",
        mine=grid_predicate(scope, "b.grid_id"),
    ).bind(version=version)
    return db.query(con, *sql)


def boundaries_for_period(
    con: duckdb.DuckDBPyConnection,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The boundaries in force for a period (see boundary_version_for)."""
    version = boundary_version_for(con, start, end)
    if version is None:
        return boundaries(con, -1, scope=scope)
    return boundaries(con, version, scope=scope)


def boundary_versions(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """Every stored version: version, valid_from, valid_to, grids, file_name, uploaded_at, source_crs,
    repaired (comma-separated grid ids). Version 1 of the demo world has no upload record. A scope
    bound to a town counts its own grids."""
    sql = Sql.compose(
        """
        WITH versions AS (
            SELECT version, min(valid_from) AS valid_from, max(valid_to) AS valid_to, count(*) AS grids
            FROM grid_boundaries WHERE {mine} GROUP BY ALL
        ),
        final AS (
            SELECT v.version, v.valid_from, v.valid_to, v.grids, u.file_name, u.uploaded_at, u.source_crs, u.repaired
            FROM versions v LEFT JOIN boundary_uploads u ON u.version = v.version
        )
        SELECT * FROM final ORDER BY version""",
        mine=grid_predicate(scope),
    )
    return db.query(con, *sql)
