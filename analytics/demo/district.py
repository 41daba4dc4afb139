"""The district demo world: 闵行区's other 13 街镇, simulated beside the demo 江川路街道.

Only the towns' names and codes are public (analytics.core.hierarchy). Everything else of a simulated
town is invented and labelled so: `towns.simulated` is TRUE, every grid, community, partner and contest
round is named "<街镇>·模拟…", and the app marks every page 模拟数据 as it does for the demo 江川.

A simulated town is drawn from 江川's own simulated facts, so its numbers behave like a subdistrict's:
each simulated community takes one 江川 community as its model and keeps a deterministic share of that
model's activities and cases (its residents ÷ the model's, times the town's own activity level), moved
to its own place on the map. Its ids are prefixed by the town's code ("310112006-C07"), so no id is
shared between towns, and 江川's own rows are exactly the default world's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from shapely.geometry import box, mapping

from analytics.core.hierarchy import JIANGCHUAN, MINHANG_TOWNS, Town
from analytics.demo import world as W

# Approximate centres (WGS-84) of each town's built-up area, read off public maps to about a kilometre:
# enough to place the simulated towns where a leader expects them, not a survey.
TOWN_CENTRES: dict[str, tuple[float, float]] = {
    "310112001": (W.OFFICE_LON, W.OFFICE_LAT),
    "310112006": (121.398, 31.151),
    "310112008": (121.318, 31.196),
    "310112009": (121.507, 31.086),
    "310112101": (121.376, 31.111),
    "310112102": (121.346, 31.160),
    "310112103": (121.410, 31.062),
    "310112106": (121.286, 31.216),
    "310112107": (121.390, 31.181),
    "310112108": (121.430, 31.125),
    "310112110": (121.455, 31.048),
    "310112112": (121.360, 31.018),
    "310112114": (121.520, 31.058),
    "310112501": (121.343, 31.071),
}
SIMULATED_TOWNS = tuple(town for town in MINHANG_TOWNS if town.code != JIANGCHUAN)
GRIDS_PER_TOWN = (4, 9)
COMMUNITIES_PER_TOWN = (15, 45)
TOWN_SIDE_KM = 6.0  # a simulated town is a square this wide, cut into one strip per grid
PARTNER_KINDS = ("enterprise", "hospital", "school", "agency", "social_org")


def add_simulated_towns(con: duckdb.DuckDBPyConnection, *, seed: int, codes: Sequence[str] | None = None) -> None:
    """Add the simulated towns (all 13, or those of `codes`) to a database already holding the demo
    江川 (in the caller's transaction, before its refresh)."""
    chosen = [t for t in SIMULATED_TOWNS if codes is None or t.code in codes]
    unknown = set(codes or ()) - {t.code for t in SIMULATED_TOWNS}
    if unknown:
        raise ValueError(f"not a simulated town of the district: {sorted(unknown)}")
    lon, lat = TOWN_CENTRES[JIANGCHUAN]
    con.execute("UPDATE towns SET lon = ?, lat = ? WHERE town_code = ?", [lon, lat, JIANGCHUAN])
    models = con.execute("SELECT community_id, residents, lon, lat FROM communities ORDER BY community_id").df()
    jc_partners = [p[0] for p in W.PARTNERS]
    for town in chosen:
        rng = np.random.default_rng([seed, 20, int(town.code)])
        places = _add_places(con, rng, town, models)
        partner_of = _add_partners(con, rng, town, jc_partners)
        _copy_facts(con, town, places, partner_of, salt=f"{seed}:{town.code}", level=float(rng.uniform(0.6, 1.05)))
        _copy_contest(con, town, places)


def _add_places(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, town: Town, models: pd.DataFrame
) -> pd.DataFrame:
    """The town row, its grids (strips of a square around its centre, with boundaries), its communities
    and their secretaries; returns each community with its 江川 model."""
    centre_lon, centre_lat = TOWN_CENTRES[town.code]
    con.execute(
        "INSERT INTO towns (town_code, name, name_en, simulated, lon, lat) VALUES (?, ?, ?, TRUE, ?, ?)",
        [town.code, town.name, town.name_en, centre_lon, centre_lat],
    )
    n_grids = int(rng.integers(GRIDS_PER_TOWN[0], GRIDS_PER_TOWN[1] + 1))
    n_comms = int(rng.integers(COMMUNITIES_PER_TOWN[0], COMMUNITIES_PER_TOWN[1] + 1))
    half, width = TOWN_SIDE_KM / 2, TOWN_SIDE_KM / n_grids

    def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
        return round(centre_lon + x_km / W.KM_PER_DEG_LON, 6), round(centre_lat + y_km / W.KM_PER_DEG_LAT, 6)

    for g in range(1, n_grids + 1):
        grid_id = f"{town.code}-G{g}"
        con.execute(
            "INSERT INTO grids (grid_id, name, name_en, town_code) VALUES (?, ?, ?, ?)",
            [grid_id, f"{town.name}·模拟网格{g}", f"{town.name_en} simulated grid {g}", town.code],
        )
        strip = box(-half + (g - 1) * width, -half, -half + g * width, half)
        corners = [lonlat(x, y) for x, y in strip.exterior.coords]
        geometry = json.dumps(mapping(type(strip)(corners)), ensure_ascii=False)
        con.execute("INSERT INTO grid_boundaries VALUES (?, 1, ?, NULL, ?)", [grid_id, W.ACTION_START, geometry])

    low, high = int(models["residents"].min()), int(models["residents"].max())
    typical = float(np.median(models["residents"]))
    # every grid holds at least two communities; the rest fall where they fall
    grid_of = np.concatenate([np.repeat(np.arange(n_grids), 2), rng.integers(0, n_grids, n_comms - 2 * n_grids)])
    grid_of.sort()
    rows: list[dict[str, Any]] = []
    for j in range(1, n_comms + 1):
        g = int(grid_of[j - 1]) + 1
        residents = int(np.clip(round(typical * rng.lognormal(0, 0.3)), low, high))
        x = rng.uniform(-half + (g - 1) * width + 0.1 * width, -half + g * width - 0.1 * width)
        lon, lat = lonlat(x, rng.uniform(-half * 0.9, half * 0.9))
        model = models.iloc[int(rng.integers(0, len(models)))]
        community_id = f"{town.code}-C{j:02d}"
        name = f"{town.name}·模拟居民区{j:02d}"
        con.execute(
            "INSERT INTO communities VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            [
                community_id,
                name,
                f"模拟{j:02d}居",
                f"{town.code}-G{g}",
                int(round(residents / rng.uniform(2.3, 2.8))),
                residents,
                int(round(residents * rng.uniform(0.035, 0.075))),
                int(rng.integers(1978, 2012)),
                lon,
                lat,
            ],
        )
        since = dt.date(int(rng.integers(2012, 2023)), int(rng.integers(1, 13)), 1)
        con.execute(
            "INSERT INTO secretaries VALUES (?, ?, ?, ?)", [f"{town.code}-S{j:02d}", community_id, f"{name}书记", since]
        )
        rows.append(
            {
                "community_id": community_id,
                "model_id": model["community_id"],
                "share": residents / float(model["residents"]),
                "dlon": lon - float(model["lon"]),
                "dlat": lat - float(model["lat"]),
            }
        )
    return pd.DataFrame(rows)


def _add_partners(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, town: Town, jc_partners: list[str]
) -> dict[str, str]:
    """The town's simulated partners; returns which of them stands in for each 江川 partner."""
    n = int(rng.integers(8, 21))
    centre_lon, centre_lat = TOWN_CENTRES[town.code]
    for k in range(1, n + 1):
        con.execute(
            "INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?)",
            [
                f"{town.code}-P{k:02d}",
                f"{town.name}·模拟共建单位{k:02d}",
                PARTNER_KINDS[(k - 1) % len(PARTNER_KINDS)],
                round(centre_lon + rng.uniform(-0.025, 0.025), 6),
                round(centre_lat + rng.uniform(-0.022, 0.022), 6),
                W.ACTION_START if k <= n // 2 else dt.date(2023, int(rng.integers(1, 13)), 1),
            ],
        )
    return {pid: f"{town.code}-P{i % n + 1:02d}" for i, pid in enumerate(jc_partners)}


def _copy_facts(
    con: duckdb.DuckDBPyConnection,
    town: Town,
    places: pd.DataFrame,
    partner_of: dict[str, str],
    *,
    salt: str,
    level: float,
) -> None:
    """Each simulated community keeps a deterministic share of its model's pairings, activities and
    cases (a hash of the row, the community and the salt decides), with its own ids and place."""
    partners = pd.DataFrame({"model_pid": list(partner_of), "pid": list(partner_of.values())})
    con.register("sim_places", places)
    con.register("sim_partners", partners)
    try:
        con.execute(
            """INSERT INTO pairings
               SELECT DISTINCT ON (sp.pid, s.community_id) sp.pid, s.community_id, pr.since
               FROM pairings pr JOIN sim_places s ON s.model_id = pr.community_id
                    JOIN sim_partners sp ON sp.model_pid = pr.partner_id
               ORDER BY sp.pid, s.community_id, pr.since"""
        )
        keep = "hash({row_id}, s.community_id, $salt) % 1000000 < least(1.0, s.share * $level) * 1000000"
        con.execute(
            f"""INSERT INTO seed_activities
                SELECT s.community_id || '-' || a.activity_id, a.held_on, s.community_id, a.item_id,
                       sp.pid, a.participants, a.volunteers, a.volunteer_hours, a.batch_id
                FROM seed_activities a JOIN sim_places s ON s.model_id = a.community_id
                     LEFT JOIN sim_partners sp ON sp.model_pid = a.partner_id
                WHERE {keep.format(row_id="a.activity_id")}""",
            {"salt": salt, "level": level},
        )
        con.execute(
            f"""INSERT INTO grid_cases
                SELECT s.community_id || '-' || k.case_id, s.community_id, k.category, k.reported_at, k.closed_at,
                       k.resolved_level, k.urgent, k.satisfaction, round(k.lon + s.dlon, 6), round(k.lat + s.dlat, 6),
                       k.reporter_name, k.reporter_phone, k.description, k.batch_id
                FROM grid_cases k JOIN sim_places s ON s.model_id = k.community_id
                WHERE {keep.format(row_id="k.case_id")}""",
            {"salt": salt, "level": level},
        )
    finally:
        con.unregister("sim_places")
        con.unregister("sim_partners")


def _copy_contest(con: duckdb.DuckDBPyConnection, town: Town, places: pd.DataFrame) -> None:
    """The town's own contest rounds: 江川's rounds, held by the simulated communities modelled on the
    entrants (the first such community each), with the same judges, criteria and sheets."""
    stand_in = places.drop_duplicates("model_id")[["model_id", "community_id"]]
    con.register("sim_stand_in", stand_in)
    try:
        con.execute(
            """INSERT INTO contest_rounds
               SELECT $code || '-' || round_id, $name || '·模拟' || name, held_on
               FROM contest_rounds WHERE round_id NOT LIKE '%-%' ORDER BY round_id""",
            {"code": town.code, "name": town.name},
        )
        con.execute(
            """INSERT INTO contest_criteria
               SELECT $code || '-' || round_id, criterion_id, name, weight, max_score
               FROM contest_criteria WHERE round_id NOT LIKE '%-%'""",
            {"code": town.code},
        )
        con.execute(
            """INSERT INTO contest_entries
               SELECT $code || '-' || e.round_id, $code || '-' || e.entry_id, s.community_id,
                      replace(s.community_id, '-C', '-S'), e.theme
               FROM contest_entries e JOIN sim_stand_in s ON s.model_id = e.community_id
               WHERE e.round_id NOT LIKE '%-%'""",
            {"code": town.code},
        )
        con.execute(
            """INSERT INTO contest_scores
               SELECT $code || '-' || sc.round_id, $code || '-' || sc.entry_id, sc.judge_id, sc.criterion_id, sc.score
               FROM contest_scores sc
               WHERE sc.round_id NOT LIKE '%-%'
                 AND ($code || '-' || sc.entry_id) IN (SELECT entry_id FROM contest_entries)""",
            {"code": town.code},
        )
        # a round none of whose entrants has a stand-in here is not held in this town
        for table in ("contest_criteria", "contest_rounds"):
            con.execute(
                f"""DELETE FROM {table}
                    WHERE round_id LIKE $code || '-%'
                      AND round_id NOT IN (SELECT round_id FROM contest_entries WHERE round_id LIKE $code || '-%')""",
                {"code": town.code},
            )
    finally:
        con.unregister("sim_stand_in")
