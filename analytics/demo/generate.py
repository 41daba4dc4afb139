"""The generated demo world of 江川路街道: deterministic (fixed seed), built from the public facts in
docs/domain.md, and labelled as simulated wherever it is shown.

Events are drawn with vectorised numpy in chunks and handed to DuckDB as Arrow tables, so scale 150
(about ten million grid cases) builds in minutes within a bounded amount of memory.

    python -m analytics.demo --write-boundaries    # refresh data/demo_grid_boundaries.geojson
    python -m analytics.demo --district --db FILE  # the district world: 闵行区's 14 街镇 (13 simulated)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from analytics import refresh
from analytics.core import connection as db
from analytics.demo import world as W
from analytics.demo.district import add_simulated_towns

BOUNDARY_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_grid_boundaries.geojson"
ACTIVITIES_PER_SCALE = 20_000
CASES_PER_SCALE = 64_000
CHUNK_ROWS = 1_000_000
DEMO_BATCH = "demo"


# ---------------------------------------------------------------------------------------------
# geography
def _to_lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    return (round(W.OFFICE_LON + x_km / W.KM_PER_DEG_LON, 6), round(W.OFFICE_LAT + y_km / W.KM_PER_DEG_LAT, 6))


def _km_polygon_to_lonlat(poly: Polygon) -> Polygon:
    return shapely.transform(
        poly,
        lambda xy: np.column_stack(
            [
                np.round(W.OFFICE_LON + xy[:, 0] / W.KM_PER_DEG_LON, 6),
                np.round(W.OFFICE_LAT + xy[:, 1] / W.KM_PER_DEG_LAT, 6),
            ]
        ),
    )


def grid_polygons_km() -> dict[str, Polygon]:
    """Voronoi cells of the seven grid centres, clipped to the outline: they tile it exactly."""
    outline = Polygon(W.OUTLINE_KM)
    centres = {g[0]: Point(g[3]) for g in W.GRIDS}
    cells = shapely.voronoi_polygons(MultiPoint(list(centres.values())), extend_to=outline.buffer(5))
    result = {}
    for grid_id, centre in centres.items():
        cell = next(c for c in cells.geoms if c.contains(centre))
        result[grid_id] = shapely.set_precision(cell.intersection(outline), 1e-6)
    return result


def boundaries_geojson() -> dict[str, Any]:
    """The demo boundaries as a GeoJSON FeatureCollection in WGS-84, the format users upload."""
    features = []
    polys = grid_polygons_km()
    for grid_id, name, name_en, *_ in W.GRIDS:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "grid_id": grid_id,
                    "name": name,
                    "name_en": name_en,
                    "note": "示意边界，非官方 / illustrative, not official",
                },
                "geometry": mapping(_km_polygon_to_lonlat(polys[grid_id])),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "jiangchuan_demo_grids",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }


def _place_points(rng: np.random.Generator, polygon: Polygon, n: int, min_km: float) -> list[tuple[float, float]]:
    """n points inside polygon, kept apart and away from its edge (rejection sampling)."""
    inner = polygon.buffer(-0.25)
    minx, miny, maxx, maxy = inner.bounds
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < n:
        tries += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        spacing = min_km if tries < 5000 else min_km / 2
        if inner.contains(Point(x, y)) and all((x - px) ** 2 + (y - py) ** 2 >= spacing**2 for px, py in points):
            points.append((x, y))
    return points


# ---------------------------------------------------------------------------------------------
# build
# A community while the world is made: its columns as they are filled in, by name.
Community = dict[str, Any]
# Told (fraction done, what is being made) as the build goes.
Progress = Callable[[float, str], object]


def build(
    con: duckdb.DuckDBPyConnection,
    *,
    seed: int = 2023,
    scale: float = 1.0,
    progress: Progress | None = None,
    district: bool = False,
    towns: Sequence[str] | None = None,
) -> None:
    """Fill an empty schema with the demo world. `scale` multiplies event volume only. `district`
    adds 闵行区's other 13 街镇, simulated (analytics.demo.district; `towns`: only these of them)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    report = progress or (lambda fraction, message: None)
    rng = np.random.default_rng(seed)
    con.execute("BEGIN TRANSACTION")
    try:
        report(0.02, "grids")
        communities = _build_places(con, rng)
        report(0.08, "partners")
        pairings = _build_partners(con, rng, communities)
        for item_id, colour, name, name_en, _ in W.SERVICE_ITEMS:
            con.execute("INSERT INTO service_items VALUES (?, ?, ?, ?)", [item_id, colour, name, name_en])
        report(0.10, "seed activities")
        _build_activities(con, rng, communities, pairings, scale, lambda f: report(0.10 + 0.25 * f, "seed activities"))
        report(0.35, "grid cases")
        _build_cases(con, rng, communities, scale, lambda f: report(0.35 + 0.55 * f, "grid cases"))
        report(0.92, "contest")
        # Its own stream, so contest results do not change with the event volume (scale).
        _build_contest(con, np.random.default_rng([seed, 7]), communities)
        if district:
            report(0.93, "district")
            add_simulated_towns(con, seed=seed, codes=towns)
        # on the build's own connection: a fresh cursor would not see the uncommitted rows
        rows = db.scalar(
            con,
            "SELECT (SELECT count(*) FROM seed_activities) + (SELECT count(*) FROM grid_cases)",
            in_transaction=True,
        )
        con.execute(
            "INSERT INTO import_batches VALUES (?, 'demo_world', 'analytics/demo.py', ?, ?, ?, 'demo')",
            [
                DEMO_BATCH,
                hashlib.sha256(f"seed={seed};scale={scale}".encode()).hexdigest(),
                rows,
                dt.datetime(2025, 1, 1),
            ],
        )
        for key, value in {
            "world": "demo",
            "demo_seed": str(seed),
            "demo_scale": str(scale),
            "data_start": W.ACTION_START.isoformat(),
            "data_end": W.DATA_END.isoformat(),
        }.items():
            db.set_meta(con, key, value)
        if district:
            db.set_meta(con, "demo_district", "1")
        report(0.95, "rollups")
        refresh.refresh(con, transaction=False)  # in this transaction: the world and its rollups commit together
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    report(1.0, "done")


def _build_places(con: duckdb.DuckDBPyConnection, rng: np.random.Generator) -> list[Community]:
    polys = grid_polygons_km()
    for grid_id, name, name_en, *_ in W.GRIDS:
        con.execute("INSERT INTO grids (grid_id, name, name_en) VALUES (?, ?, ?)", [grid_id, name, name_en])
        geometry = json.dumps(mapping(_km_polygon_to_lonlat(polys[grid_id])), ensure_ascii=False)
        con.execute("INSERT INTO grid_boundaries VALUES (?, 1, ?, NULL, ?)", [grid_id, W.ACTION_START, geometry])

    communities: list[Community] = []
    for grid_id, _, _, _, names in W.GRIDS:
        for (x, y), name in zip(_place_points(rng, polys[grid_id], len(names), 0.55), names):
            communities.append({"name": name, "grid_id": grid_id, "x": x, "y": y})
    order = {name: i for i, name in enumerate(W.PUBLIC_COMMUNITY_NAMES)}
    communities.sort(key=lambda c: order[c["name"]])

    # Sizes: 鹤北一居 is public; the rest share the remaining residents of about 130,000.
    others = [c for c in communities if c["name"] != W.HEBEI_ONE]
    raw = rng.lognormal(0, 0.3, len(others))
    sizes = np.round(raw / raw.sum() * (W.TOTAL_RESIDENTS - W.HEBEI_ONE_RESIDENTS)).astype(int)
    for c, size in zip(others, sizes):
        c["residents"] = int(size)
        c["party_members"] = int(round(size * rng.uniform(0.035, 0.075)))
    hebei = next(c for c in communities if c["name"] == W.HEBEI_ONE)
    hebei["residents"], hebei["party_members"] = W.HEBEI_ONE_RESIDENTS, W.HEBEI_ONE_PARTY_MEMBERS

    for i, c in enumerate(communities, start=1):
        c["community_id"] = f"C{i:02d}"
        c["households"] = int(round(c["residents"] / rng.uniform(2.3, 2.8)))
        c["built_year"] = (
            W.NEWER_ESTATES.get(c["name"]) or W.OLD_STREETS.get(c["name"]) or int(rng.integers(1978, 2000))
        )
        c["sample_tier"] = (
            "city" if c["name"] == W.CITY_SAMPLE else "jiangchuan" if c["name"] in W.JIANGCHUAN_SAMPLES else None
        )
        c["lon"], c["lat"] = _to_lonlat(c["x"], c["y"])
        # Hidden traits that make communities differ in ways a leader can find in the data.
        c["activity"] = (
            W.GRID_ACTIVITY[c["grid_id"]]
            * float(rng.lognormal(0, 0.3))
            * (1.6 if c["sample_tier"] == "city" else 1.25 if c["sample_tier"] else 1.0)
        )
        c["competence"] = (
            W.GRID_COMPETENCE[c["grid_id"]] + float(rng.normal(0, 0.25)) + (0.3 if c["sample_tier"] else 0.0)
        )
        c["case_rate"] = float(rng.lognormal(0, 0.2)) * (1.25 if c["built_year"] < 1990 else 1.0)
        con.execute(
            "INSERT INTO communities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                c["community_id"],
                W.full_name(c["name"]),
                W.short_name(c["name"]),
                c["grid_id"],
                c["households"],
                c["residents"],
                c["party_members"],
                c["built_year"],
                c["sample_tier"],
                c["lon"],
                c["lat"],
            ],
        )
        since = dt.date(int(rng.integers(2012, 2023)), int(rng.integers(1, 13)), 1)
        con.execute(
            "INSERT INTO secretaries VALUES (?, ?, ?, ?)",
            [f"S{i:02d}", c["community_id"], f"{W.full_name(c['name'])}书记", since],
        )
    return communities


def _build_partners(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, communities: list[Community]
) -> list[tuple[str, str, dt.date, bool]]:
    """Partners and their pairings; returns (partner_id, community_id, since, delivers)."""
    by_name = {c["name"]: c for c in communities}
    for pid, name, kind, joined, (x, y) in W.PARTNERS:
        lon, lat = _to_lonlat(x, y)
        con.execute("INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?)", [pid, name, kind, lon, lat, joined])
    pairs: dict[tuple[str, str], dt.date] = {}
    # The public pairings of 鹤北一居, and the partners of its green-seed tree planting.
    for pid in ("P01", "P02", "P03", "P04"):
        pairs[(pid, by_name[W.HEBEI_ONE]["community_id"])] = W.ACTION_START
    # Every other partner pairs with the two to five communities nearest to it.
    for pid, _, _, joined, (x, y) in W.PARTNERS:
        nearest = sorted(communities, key=lambda c: (c["x"] - x) ** 2 + (c["y"] - y) ** 2)
        for c in nearest[: int(rng.integers(2, 6))]:
            pairs.setdefault((pid, c["community_id"]), joined)
    # Some communities are left with no partner at all: the gaps the partner view should reveal.
    unpaired = {by_name[n]["community_id"] for n in ("红旗新村第五", "兰坪新村第二")}
    pairs = {k: v for k, v in pairs.items() if k[1] not in unpaired}
    result = []
    for (pid, cid), since in sorted(pairs.items()):
        con.execute("INSERT INTO pairings VALUES (?, ?, ?)", [pid, cid, since])
        result.append((pid, cid, since, bool(rng.random() > 0.08)))  # about 8% of pairings stay idle
    return result


def _day_weights(days: np.ndarray, growth: float, month_factor: dict[int, float]) -> np.ndarray:
    months = (np.datetime64(W.ACTION_START) + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(
        int
    ) % 12 + 1
    weekday = (np.datetime64(W.ACTION_START) + days.astype("timedelta64[D]")).astype("datetime64[D]").astype(int) % 7
    weekend = np.isin(weekday, [2, 3])  # 1970-01-01 was a Thursday: 2 = Saturday, 3 = Sunday
    trend = 1 + growth * days / days.max()
    season = np.vectorize(month_factor.get)(months)
    return trend * season * np.where(weekend, 1.25, 1.0)


def _sample_categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a row-stochastic matrix."""
    cum = probs.cumsum(axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return (u > cum).sum(axis=1)


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, CHUNK_ROWS):
        yield start, min(CHUNK_ROWS, total - start)


def _build_activities(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    communities: list[Community],
    pairings: Sequence[tuple[str, str, dt.date, bool]],
    scale: float,
    progress: Callable[[float], object],
) -> None:
    n_days = (W.DATA_END - W.ACTION_START).days + 1
    days = np.arange(n_days)
    day_p = _day_weights(
        days,
        0.8,
        {1: 0.75, 2: 0.55, 3: 1.2, 4: 1.15, 5: 1.05, 6: 1.0, 7: 0.85, 8: 0.8, 9: 1.05, 10: 0.95, 11: 1.1, 12: 1.0},
    )
    day_p /= day_p.sum()
    comm_p = np.array([c["residents"] * c["activity"] for c in communities])
    comm_p /= comm_p.sum()
    colours = ["red", "green", "white", "blue"]
    colour_pref = rng.dirichlet([4, 2.5, 3, 3], len(communities))
    items_by_colour = {k: [it for it in W.SERVICE_ITEMS if it[1] == k] for k in colours}
    base_participants = {it[0]: it[4] for it in W.SERVICE_ITEMS}
    partner_kind = {p[0]: p[2] for p in W.PARTNERS}
    candidates: dict[tuple[int, int], list[tuple[str, dt.date, float]]] = {}
    index_of = {c["community_id"]: i for i, c in enumerate(communities)}
    for pid, cid, since, delivers in pairings:
        if not delivers:
            continue
        for k, colour_name in enumerate(colours):
            affinity = W.KIND_COLOUR_AFFINITY[partner_kind[pid]][colour_name]
            if affinity > 0:
                candidates.setdefault((index_of[cid], k), []).append((pid, since, affinity))

    total = max(1, round(ACTIVITIES_PER_SCALE * scale))
    for start, n in _chunks(total):
        day = np.sort(rng.choice(n_days, size=n, p=day_p))
        month = (np.datetime64(W.ACTION_START) + day.astype("timedelta64[D]")).astype("datetime64[M]").astype(
            int
        ) % 12 + 1
        comm = rng.choice(len(communities), size=n, p=comm_p)
        season = np.ones((n, 4))
        season[:, 1] = np.where(np.isin(month, [3, 4]), 2.2, np.where(np.isin(month, [7, 8, 1, 2]), 0.5, 1.0))
        colour = _sample_categorical(rng, colour_pref[comm] * season)
        item = np.empty(n, dtype=object)
        for k, name in enumerate(colours):
            mask = colour == k
            options = items_by_colour[name]
            pop = np.array([W.ITEM_POPULARITY[it[0]] for it in options])
            item[mask] = rng.choice([it[0] for it in options], size=int(mask.sum()), p=pop / pop.sum())
        partner = np.full(n, None, dtype=object)
        held = np.datetime64(W.ACTION_START) + day.astype("timedelta64[D]")
        involve = rng.random(n) < 0.6
        for (ci, k), cands in candidates.items():
            mask = (comm == ci) & (colour == k) & involve
            if not mask.any():
                continue
            weights = np.array([a for _, _, a in cands])
            chosen = rng.choice(len(cands), size=int(mask.sum()), p=weights / weights.sum())
            paired_since = np.array([np.datetime64(cands[j][1]) for j in chosen])
            ids = np.array([cands[j][0] for j in chosen], dtype=object)
            ids[held[mask] < paired_since] = None
            partner[mask] = ids
        base = np.vectorize(base_participants.get)(item)
        with_partner = np.array([p is not None for p in partner])
        participants = np.maximum(3, np.round(base * rng.lognormal(0, 0.35, n) * np.where(with_partner, 1.3, 1.0)))
        volunteers = 1 + rng.poisson(np.where(colour == 3, 9, 4))
        hours = volunteers * rng.choice([1.5, 2.0, 2.5, 3.0, 4.0], size=n)
        table = pa.table(
            {
                "seq": np.arange(start + 1, start + n + 1),
                "held_on": held.astype("datetime64[D]"),
                "community_id": [communities[i]["community_id"] for i in comm],
                "item_id": item.astype(str),
                "partner_id": partner.tolist(),
                "participants": participants.astype(np.int32),
                "volunteers": volunteers.astype(np.int32),
                "volunteer_hours": hours,
            }
        )
        con.register("demo_chunk", table)
        con.execute(
            """INSERT INTO seed_activities
                       SELECT 'A' || lpad(seq::VARCHAR, 9, '0'), held_on, community_id, item_id, partner_id,
                              participants, volunteers, volunteer_hours, $batch FROM demo_chunk""",
            {"batch": DEMO_BATCH},
        )
        con.unregister("demo_chunk")
        progress((start + n) / total)


def _build_cases(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    communities: list[Community],
    scale: float,
    progress: Callable[[float], object],
) -> None:
    n_days = (W.DATA_END - W.ACTION_START).days + 1
    days = np.arange(n_days)
    day_p = _day_weights(
        days,
        0.35,
        {1: 0.85, 2: 0.7, 3: 1.0, 4: 1.0, 5: 1.05, 6: 1.15, 7: 1.25, 8: 1.2, 9: 1.0, 10: 0.95, 11: 1.0, 12: 0.95},
    )
    day_p /= day_p.sum()
    comm_p = np.array([c["residents"] * c["case_rate"] for c in communities])
    comm_p /= comm_p.sum()
    cat_pref = rng.dirichlet(np.array([0.12, 0.30, 0.38, 0.20]) * 40, len(communities))
    competence = np.array([c["competence"] for c in communities])
    lon = np.array([c["lon"] for c in communities])
    lat = np.array([c["lat"] for c in communities])
    end_ts = np.datetime64(W.DATA_END) + np.timedelta64(1, "D")
    urgent_p = np.array([0.01, 0.03, 0.05, 0.15])
    cat_shift = np.array([0.6, 0.2, -0.3, -0.5])  # party work is settled at home, disputes climb
    median_hours = np.array([18.0, 60.0, 160.0, 400.0])
    cat_duration = np.array([0.8, 1.0, 1.2, 1.4])
    thresholds = np.array([-0.5, -2.0, -3.6])  # latent above t0: grid; above t1: community; ...

    surnames = "".join(W.SURNAMES)
    given = "".join(W.GIVEN_CHARS)
    templates = [t for cat in W.CASE_CATEGORIES for t in W.CASE_TEMPLATES[cat]]
    per_cat = len(W.CASE_TEMPLATES["dispute"])

    total = max(1, round(CASES_PER_SCALE * scale))
    for start, n in _chunks(total):
        day = np.sort(rng.choice(n_days, size=n, p=day_p))
        minutes = rng.integers(8 * 60, 20 * 60, n)
        reported = (np.datetime64(W.ACTION_START) + day.astype("timedelta64[D]")).astype(
            "datetime64[m]"
        ) + minutes.astype("timedelta64[m]")
        month = reported.astype("datetime64[M]").astype(int) % 12 + 1
        comm = rng.choice(len(communities), size=n, p=comm_p)
        summer = np.ones((n, 4))
        summer[:, 3] = np.where(np.isin(month, [6, 7, 8]), 1.4, 1.0)
        cat = _sample_categorical(rng, cat_pref[comm] * summer)
        urgent = rng.random(n) < urgent_p[cat]
        latent = (
            competence[comm]
            + cat_shift[cat]
            + 0.5 * day / n_days
            - np.where(urgent, 1.1, 0.0)
            + rng.logistic(0, 0.8, n)
        )
        level = (latent < thresholds[:, None]).sum(axis=0)  # 0 grid … 3 district
        hours = median_hours[level] * cat_duration[cat] * np.where(urgent, 0.4, 1.0) * rng.lognormal(0, 0.6, n)
        closed = reported + np.round(hours * 60).astype("timedelta64[m]")
        is_open = (closed >= end_ts) | (rng.random(n) < 0.004)
        satisfaction = np.clip(
            np.round(4.4 - 0.45 * level - 0.15 * np.log1p(hours / 24) + 0.3 * competence[comm] + rng.normal(0, 0.7, n)),
            1,
            5,
        )
        no_survey = is_open | (rng.random(n) < 0.25)
        has_location = rng.random(n) > 0.08
        table = pa.table(
            {
                "seq": np.arange(start + 1, start + n + 1),
                "community_id": [communities[i]["community_id"] for i in comm],
                "category": np.array(W.CASE_CATEGORIES)[cat],
                "reported_at": reported.astype("datetime64[s]"),
                "closed_at": pa.array(closed.astype("datetime64[s]"), mask=is_open),
                "level": pa.array(np.array(W.LEVELS)[level], mask=is_open),
                "urgent": urgent,
                "satisfaction": pa.array(satisfaction.astype(np.int8), mask=no_survey),
                "lon": pa.array(np.round(lon[comm] + rng.normal(0, 0.0018, n), 6), mask=~has_location),
                "lat": pa.array(np.round(lat[comm] + rng.normal(0, 0.0015, n), 6), mask=~has_location),
                "surname": rng.integers(0, len(surnames), n),
                "given1": rng.integers(0, len(given), n),
                "given2": rng.integers(-8, len(given), n),  # about one name in five has a single given character
                "phone": rng.integers(0, 10**8, n)
                + np.array([130, 135, 138, 139, 150, 158, 186, 189])[rng.integers(0, 8, n)] * 10**8,
                "template": cat * per_cat + rng.integers(0, per_cat, n),
            }
        )
        con.register("demo_chunk", table)
        con.execute(
            """INSERT INTO grid_cases
            SELECT 'K' || lpad(seq::VARCHAR, 9, '0'), community_id, category, reported_at, closed_at, level,
                   urgent, satisfaction, lon, lat,
                   substr($surnames, surname + 1, 1) || substr($given, given1 + 1, 1)
                       || CASE WHEN given2 >= 0 THEN substr($given, given2 + 1, 1) ELSE '' END,
                   phone::VARCHAR,
                   replace(list_extract($templates, template + 1), '{phone}', phone::VARCHAR),
                   $batch
            FROM demo_chunk""",
            {"surnames": surnames, "given": given, "templates": templates, "batch": DEMO_BATCH},
        )
        con.unregister("demo_chunk")
        progress((start + n) / total)


def _build_contest(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, communities: list[Community]) -> None:
    by_name = {c["name"]: c for c in communities}
    for jid, name, kind, _, _ in W.JUDGES:
        con.execute("INSERT INTO judges VALUES (?, ?, ?)", [jid, name, kind])
    judge = {j[0]: j for j in W.JUDGES}
    # An entry's stage quality follows the community's real work, plus the secretary's own flair.
    flair = {c["community_id"]: float(rng.normal(0, 4)) for c in communities}
    for round_no, (round_id, name, held_on, judges, names) in enumerate(W.ROUNDS):
        con.execute("INSERT INTO contest_rounds VALUES (?, ?, ?)", [round_id, name, held_on])
        for crit_id, crit_name, weight in W.CRITERIA:
            con.execute(
                "INSERT INTO contest_criteria VALUES (?, ?, ?, ?, ?)",
                [round_id, crit_id, crit_name, weight, W.CRITERION_MAX],
            )
        for e, cname in enumerate(names, start=1):
            c = by_name[cname]
            entry_id = f"{round_id}-E{e:02d}"
            sec = f"S{int(c['community_id'][1:]):02d}"
            con.execute(
                "INSERT INTO contest_entries VALUES (?, ?, ?, ?, ?)",
                [round_id, entry_id, c["community_id"], sec, W.THEMES[int(rng.integers(0, len(W.THEMES)))]],
            )
            quality = 74 + 6 * c["competence"] + 4 * np.log(c["activity"]) + flair[c["community_id"]] + 1.5 * round_no
            crit_offsets = rng.normal(0, 3, len(W.CRITERIA))
            for jid in judges:
                # The annual round has gaps a real contest has: one judge left early, one sheet was torn.
                if round_id == "R2024" and jid == "J7" and e == 5:
                    continue
                _, _, _, leniency, noise = judge[jid]
                for k, (crit_id, _, _) in enumerate(W.CRITERIA):
                    if round_id == "R2024" and jid == "J3" and e == 9 and crit_id == "K4":
                        continue
                    score = np.clip(quality + crit_offsets[k] + leniency + rng.normal(0, noise), 40, 100)
                    con.execute(
                        "INSERT INTO contest_scores VALUES (?, ?, ?, ?, ?)",
                        [round_id, entry_id, jid, crit_id, float(np.round(score * 2) / 2)],
                    )


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analytics.demo", description=__doc__)
    parser.add_argument("--write-boundaries", action="store_true", help="write " + str(BOUNDARY_FILE))
    parser.add_argument("--db", help="build the demo world into this new database file")
    parser.add_argument("--district", action="store_true", help="with 闵行区's other 13 街镇, simulated")
    parser.add_argument("--scale", type=float, default=1.0, help="event volume (1 = 64,000 cases per town)")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args(argv)
    if args.write_boundaries:
        BOUNDARY_FILE.write_text(
            json.dumps(boundaries_geojson(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print("wrote", BOUNDARY_FILE)
    if args.db:
        target = Path(args.db)
        if target.exists():
            parser.error(f"{target} exists: the demo world is built into a new file")
        con = duckdb.connect(str(target))
        try:
            db.create_schema(con)
            build(con, seed=args.seed, scale=args.scale, district=args.district)
        finally:
            con.close()
        print("built", target)


if __name__ == "__main__":
    main()
