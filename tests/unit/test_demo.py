"""The demo world holds the public facts and is deterministic."""

import hashlib
import json

import duckdb
import pytest
import shapely
from shapely.geometry import shape

from analytics import db
from analytics.demo import generate as demo
from analytics.demo import world as W

TABLES = [
    "grids",
    "grid_boundaries",
    "communities",
    "secretaries",
    "partners",
    "pairings",
    "service_items",
    "seed_activities",
    "grid_cases",
    "contest_rounds",
    "contest_criteria",
    "contest_entries",
    "judges",
    "contest_scores",
    "import_batches",
    "app_meta",
]


def checksums(con) -> dict[str, str]:
    out = {}
    for table in TABLES:
        rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def build(seed, scale=0.02):
    con = duckdb.connect(":memory:")
    db.create_schema(con)
    demo.build(con, seed=seed, scale=scale)
    return con


def test_seven_grids_and_the_35_public_communities(demo_con):
    assert db.scalar(demo_con, "SELECT count(*) FROM grids") == 7
    names = db.query(demo_con, "SELECT name FROM communities")["name"].tolist()
    assert sorted(names) == sorted(f"{n}居民区" for n in W.PUBLIC_COMMUNITY_NAMES)
    assert len(W.PUBLIC_COMMUNITY_NAMES) == 35
    per_grid = db.query(demo_con, "SELECT grid_id, count(*) AS n FROM communities GROUP BY ALL")
    assert len(per_grid) == 7 and per_grid["n"].min() >= 1


def test_hebei_one_holds_its_public_figures(demo_con):
    row = db.query(demo_con, "SELECT * FROM communities WHERE name = '鹤北新村第一居民区'").iloc[0]
    assert row["residents"] == 6589 and row["party_members"] == 414
    assert row["short_name"] == "鹤北一居" and row["sample_tier"] == "city"
    partners = set(
        db.query(
            demo_con,
            """SELECT p.name FROM pairings JOIN partners p USING (partner_id)
                                         WHERE community_id = $c""",
            {"c": row["community_id"]},
        )["name"]
    )
    assert {"上海汽轮机厂", "上海第五人民医院"} <= partners
    green = db.query(
        demo_con,
        """
        SELECT DISTINCT p.name FROM seed_activities a JOIN partners p USING (partner_id)
        JOIN service_items i USING (item_id)
        WHERE a.community_id = $c AND i.name = '种树认养'""",
        {"c": row["community_id"]},
    )["name"]
    assert {"闵行区科委", "闵行一幼"} & set(green)


def test_population_and_samples(demo_con):
    total = db.scalar(demo_con, "SELECT sum(residents) FROM communities")
    assert 125_000 <= total <= 135_000
    tiers = db.query(
        demo_con, "SELECT sample_tier, count(*) AS n FROM communities WHERE sample_tier IS NOT NULL GROUP BY ALL"
    )
    assert dict(zip(tiers["sample_tier"], tiers["n"])) == {"city": 1, "jiangchuan": 5}


def test_every_public_item_and_the_first_partners(demo_con):
    items = dict(db.query(demo_con, "SELECT name, seed_colour FROM service_items").values.tolist())
    for name, colour in [
        ("证件照拍摄", "red"),
        ("免费维修", "red"),
        ("养老政策咨询", "red"),
        ("免费理发", "red"),
        ("种树认养", "green"),
        ("环保教育", "green"),
        ("中医把脉", "white"),
        ("针灸", "white"),
        ("拔罐", "white"),
        ("环境整治", "blue"),
        ("加装电梯宣传", "blue"),
        ("适老化改造宣传", "blue"),
    ]:
        assert items[name] == colour
    first = db.scalar(demo_con, "SELECT count(*) FROM partners WHERE joined_on = DATE '2022-11-05'")
    assert first == 10 and db.scalar(demo_con, "SELECT count(*) FROM partners") >= 10


def test_events_refer_to_known_places_and_span_the_action(demo_con):
    assert (
        db.scalar(
            demo_con,
            """SELECT count(*) FROM grid_cases k LEFT JOIN communities c USING (community_id)
                                  WHERE c.grid_id IS NULL""",
        )
        == 0
    )
    assert (
        db.scalar(
            demo_con,
            """SELECT count(*) FROM seed_activities a
                                  LEFT JOIN communities c USING (community_id) LEFT JOIN service_items i USING (item_id)
                                  WHERE c.community_id IS NULL OR i.item_id IS NULL""",
        )
        == 0
    )
    assert (
        db.scalar(
            demo_con,
            """SELECT count(*) FROM seed_activities a LEFT JOIN pairings p USING (partner_id, community_id)
                                  WHERE a.partner_id IS NOT NULL AND p.partner_id IS NULL""",
        )
        == 0
    )
    first, last = db.query(demo_con, "SELECT min(reported_at)::DATE, max(reported_at)::DATE FROM grid_cases").iloc[0]
    assert str(first)[:10] >= "2022-11-05" and str(last)[:10] <= "2024-12-31"
    assert db.scalar(demo_con, "SELECT count(*) FROM grid_cases") == round(demo.CASES_PER_SCALE * 0.1)


def test_the_world_teaches_something(demo_con):
    """Grids differ, and the in-grid rate improves over time: a leader can learn from it."""
    rates = db.query(
        demo_con,
        """
        SELECT c.grid_id, count(*) FILTER (WHERE resolved_level = 'grid') / count(resolved_level) AS rate
        FROM grid_cases JOIN communities c USING (community_id) GROUP BY ALL""",
    )
    assert rates["rate"].max() - rates["rate"].min() > 0.08
    by_year = db.query(
        demo_con,
        """
        SELECT year(reported_at) AS y, count(*) FILTER (WHERE resolved_level = 'grid') / count(resolved_level) AS rate
        FROM grid_cases GROUP BY ALL ORDER BY y""",
    )
    assert by_year["rate"].iloc[-1] > by_year["rate"].iloc[0]


def test_model_round_and_role_names(demo_con):
    model = db.query(demo_con, "SELECT * FROM contest_rounds ORDER BY held_on").iloc[0]
    assert str(model["held_on"])[:10] == "2023-06-14"
    assert (
        db.scalar(demo_con, "SELECT count(*) FROM contest_entries WHERE round_id = $r", {"r": model["round_id"]}) == 3
    )
    assert db.query(
        demo_con,
        "SELECT name FROM contest_criteria WHERE round_id = $r ORDER BY criterion_id",
        {"r": model["round_id"]},
    )["name"].tolist() == ["思想美", "环境美", "邻里美", "文化美", "先锋美"]
    judges = db.query(demo_con, "SELECT display_name FROM judges")["display_name"]
    assert len(judges) == 7 and all(name.startswith("评委") for name in judges)
    secretaries = db.query(demo_con, "SELECT display_name FROM secretaries")["display_name"]
    assert all(name.endswith("居民区书记") for name in secretaries)


def test_polygons_are_valid_and_tile_without_overlap(demo_con):
    polys = [
        shape(json.loads(g))
        for g in db.query(demo_con, "SELECT geometry FROM grid_boundaries ORDER BY grid_id")["geometry"]
    ]
    assert len(polys) == 7 and all(p.is_valid and p.area > 0 for p in polys)
    union = shapely.union_all(polys)
    assert sum(p.area for p in polys) == pytest.approx(union.area, rel=1e-6)  # no overlaps
    for i, a in enumerate(polys):
        for b in polys[i + 1 :]:
            assert a.intersection(b).area < 1e-9
    cx, cy = union.centroid.x, union.centroid.y
    assert abs(cx - W.OFFICE_LON) < 0.02 and abs(cy - W.OFFICE_LAT) < 0.02
    km2 = union.area * W.KM_PER_DEG_LON * W.KM_PER_DEG_LAT
    assert 25 <= km2 <= 32
    communities = db.query(
        demo_con, "SELECT c.lon, c.lat, b.geometry FROM communities c JOIN grid_boundaries b USING (grid_id)"
    )
    for lon, lat, geometry in communities.itertuples(index=False):
        assert shape(json.loads(geometry)).contains(shapely.Point(lon, lat))


def test_shipped_boundary_file_matches_the_generator():
    shipped = json.loads(demo.BOUNDARY_FILE.read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(demo.boundaries_geojson()))


@pytest.mark.slow
def test_same_seed_same_world_other_seed_other_world():
    first, second, other = checksums(build(7)), checksums(build(7)), checksums(build(8))
    assert first == second
    assert first["grid_cases"] != other["grid_cases"] and first["seed_activities"] != other["seed_activities"]


@pytest.mark.slow
def test_scale_multiplies_events_only():
    small, large = build(7, 0.01), build(7, 0.03)
    assert db.scalar(large, "SELECT count(*) FROM grid_cases") == 3 * db.scalar(
        small, "SELECT count(*) FROM grid_cases"
    )
    assert db.scalar(large, "SELECT count(*) FROM communities") == db.scalar(small, "SELECT count(*) FROM communities")


def test_demo_batch_counts_its_rows(demo_con):
    recorded = db.scalar(demo_con, "SELECT rows FROM import_batches WHERE batch_id = 'demo'")
    assert recorded == db.scalar(
        demo_con, "SELECT (SELECT count(*) FROM seed_activities) + (SELECT count(*) FROM grid_cases)"
    )
