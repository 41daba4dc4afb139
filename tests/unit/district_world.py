"""A hand-made district of three 街镇 whose every figure is worked out by hand in test_district.py, and
a helper that adds simulated towns to a copy of the demo world (for the page tests)."""

from __future__ import annotations

import duckdb

from analytics import db, refresh

JIANGCHUAN, GUMEI, XINHONG = "310112001", "310112006", "310112008"

# (town, level or None for open, urgent, satisfaction or None, how many)
#   江川 (C1, C2: 4,000 residents): 100 closed — 60 grid (5 urgent), 30 community (4 urgent),
#        10 street (1 urgent) — and 5 open; scores 5, 4, 4, 3
#   古美 (C3: 2,000 residents): 200 closed — 80 grid (6 urgent), 60 community (4 urgent),
#        60 street (10 urgent); scores 2, 3
#   新虹 (C4: 500 residents): 10 closed — 7 grid, 2 community, 1 street; no urgent matter, no score
CASES = (
    ("C1", "grid", True, None, 5),
    ("C2", "grid", False, 5, 1),
    ("C2", "grid", False, 4, 2),
    ("C1", "grid", False, None, 52),
    ("C1", "community", True, None, 4),
    ("C2", "community", False, 3, 1),
    ("C2", "community", False, None, 25),
    ("C1", "street", True, None, 1),
    ("C1", "street", False, None, 9),
    ("C2", None, False, None, 5),
    ("C3", "grid", True, 2, 1),
    ("C3", "grid", True, None, 5),
    ("C3", "grid", False, 3, 1),
    ("C3", "grid", False, None, 73),
    ("C3", "community", True, None, 4),
    ("C3", "community", False, None, 56),
    ("C3", "street", True, None, 10),
    ("C3", "street", False, None, 50),
    ("C4", "grid", False, None, 7),
    ("C4", "community", False, None, 2),
    ("C4", "street", False, None, 1),
)
# activities in 2024: 江川 40, 古美 10, 新虹 10 (and one in 2023 that the period leaves out)
ACTIVITIES = (("C1", 15), ("C2", 25), ("C3", 10), ("C4", 10))


def build(con: duckdb.DuckDBPyConnection) -> None:
    """The three towns into an empty schema (江川路街道 is there already, as in every database)."""
    db.execute(con, "UPDATE towns SET lon = 121.38, lat = 31.01 WHERE town_code = $j", {"j": JIANGCHUAN})
    db.execute(
        con,
        "INSERT INTO towns (town_code, name, name_en, simulated, lon, lat) VALUES"
        " ($g, '古美街道', 'Gumei Subdistrict', TRUE, 121.40, 31.15),"
        " ($x, '新虹街道', 'Xinhong Subdistrict', TRUE, 121.33, 31.20)",
        {"g": GUMEI, "x": XINHONG},
    )
    for grid, town in (("G1", JIANGCHUAN), ("G2", JIANGCHUAN), ("G3", GUMEI), ("G4", XINHONG)):
        db.execute(
            con,
            "INSERT INTO grids (grid_id, name, name_en, town_code) VALUES ($g, $n, $g, $t)",
            {"g": grid, "n": f"{grid}网格", "t": town},
        )
    for cid, grid, residents in (("C1", "G1", 1000), ("C2", "G2", 3000), ("C3", "G3", 2000), ("C4", "G4", 500)):
        db.execute(
            con,
            "INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)"
            " VALUES ($c, $n, $g, 1, $r, 1)",
            {"c": cid, "n": f"{cid}居委", "g": grid, "r": residents},
        )
    db.execute(con, "INSERT INTO service_items VALUES ('S1', 'red', '理发', 'haircut')")
    number = 0
    for community, n in ACTIVITIES:
        for _ in range(n):
            number += 1
            db.execute(
                con,
                "INSERT INTO seed_activities VALUES ($a, DATE '2024-05-01', $c, 'S1', NULL, 3, 1, 2.0, 't')",
                {"a": f"A{number}", "c": community},
            )
    db.execute(con, "INSERT INTO seed_activities VALUES ('A0', DATE '2023-05-01', 'C4', 'S1', NULL, 3, 1, 2.0, 't')")
    number = 0
    for community, level, urgent, score, n in CASES:
        for _ in range(n):
            number += 1
            db.execute(
                con,
                """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level,
                                           urgent, satisfaction, batch_id)
                   VALUES ($id, $c, 'opinion', TIMESTAMP '2024-03-10 09:00',
                           CASE WHEN $lvl IS NULL THEN NULL ELSE TIMESTAMP '2024-03-11 09:00' END, $lvl, $u, $s, 't')""",
                {"id": f"K{number}", "c": community, "lvl": level, "u": urgent, "s": score},
            )
    _contest(con)


def _contest(con: duckdb.DuckDBPyConnection) -> None:
    """R1 (2024): 江川's C1 (82 on average) and C2 (70), 古美's C3 (90); R0 (2023): 新虹's C4 alone (60).
    Three judges, one criterion of weight 1: every method gives the plain mean."""
    db.execute(
        con,
        "INSERT INTO contest_rounds VALUES ('R0', '2023擂台', DATE '2023-06-01'), ('R1', '2024擂台', DATE '2024-06-01');"
        "INSERT INTO contest_criteria VALUES ('R0', 'K', '成效', 1, 100), ('R1', 'K', '成效', 1, 100);"
        "INSERT INTO judges VALUES ('J1', '评委一', 'expert'), ('J2', '评委二', 'expert'), ('J3', '评委三', 'leader');"
        "INSERT INTO contest_entries (round_id, entry_id, community_id, theme) VALUES"
        " ('R0', 'E4', 'C4', NULL), ('R1', 'E1', 'C1', NULL), ('R1', 'E2', 'C3', NULL), ('R1', 'E3', 'C2', NULL)",
    )
    scores = {
        ("R0", "E4"): (60, 60, 60),
        ("R1", "E1"): (80, 82, 84),
        ("R1", "E2"): (90, 90, 90),
        ("R1", "E3"): (70, 70, 70),
    }
    for (round_id, entry), values in scores.items():
        for judge, score in zip(("J1", "J2", "J3"), values):
            db.execute(
                con,
                "INSERT INTO contest_scores VALUES ($r, $e, $j, 'K', $s)",
                {"r": round_id, "e": entry, "j": judge, "s": score},
            )


def add_towns(con: duckdb.DuckDBPyConnection) -> None:
    """Two simulated towns beside the demo world's 江川路街道 (a grid and two communities each, a year of
    matters and activities before the demo's last day), then the rollups rebuilt: a district database
    for the page tests. 江川 gets its approximate centre so all three are on the map."""
    last = db.scalar(con, "SELECT CAST(max(reported_at) AS DATE) FROM grid_cases")
    db.execute(con, "UPDATE towns SET lon = 121.38, lat = 31.01 WHERE town_code = $j", {"j": JIANGCHUAN})
    db.execute(
        con,
        "INSERT INTO towns (town_code, name, name_en, simulated, lon, lat) VALUES"
        " ($g, '古美街道', 'Gumei Subdistrict', TRUE, 121.40, 31.15),"
        " ($x, '新虹街道', 'Xinhong Subdistrict', TRUE, 121.33, 31.20)",
        {"g": GUMEI, "x": XINHONG},
    )
    item = db.scalar(con, "SELECT min(item_id) FROM service_items")
    for town, grid, residents, in_grid_every in ((GUMEI, "GM1", 9000, 2), (XINHONG, "XH1", 3000, 3)):
        db.execute(
            con,
            "INSERT INTO grids (grid_id, name, name_en, town_code) VALUES ($g, $n, $g, $t)",
            {"g": grid, "n": f"{grid}片区网格", "t": town},
        )
        for part in (1, 2):
            community = f"{grid}C{part}"
            db.execute(
                con,
                "INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)"
                " VALUES ($c, $n, $g, 1, $r, 1)",
                {"c": community, "n": f"{community}居委", "g": grid, "r": residents // 2},
            )
            db.execute(
                con,
                """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level,
                                           urgent, satisfaction, batch_id)
                   SELECT $c || '-' || i, $c, 'opinion', CAST($last AS TIMESTAMP) - to_days(CAST(i AS INTEGER)),
                          CAST($last AS TIMESTAMP) - to_days(CAST(i AS INTEGER)) + INTERVAL 2 HOUR,
                          CASE WHEN i % $every = 0 THEN 'grid' ELSE 'community' END, i % 7 = 0, 3 + i % 3, 'demo'
                   FROM range(1, 300) t(i)""",
                {"c": community, "last": last, "every": in_grid_every},
            )
            db.execute(
                con,
                """INSERT INTO seed_activities
                   SELECT $c || '-A' || i, CAST($last AS DATE) - CAST(i * 3 AS INTEGER), $c, $item, NULL, 20, 2, 4.0, 'demo'
                   FROM range(1, 100) t(i)""",
                {"c": community, "last": last, "item": item},
            )
    refresh.refresh(con)
