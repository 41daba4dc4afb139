"""Hand-made matters around the deadline edges, and an independent oracle of what is due when."""

from __future__ import annotations

import datetime as dt

import duckdb

from analytics.core import connection as db

T = dt.datetime
# case_id, community, category, urgent, reported_at, closed_at, reporter_name, reporter_phone, description
MATTERS = [
    # a non-urgent dispute has 7 days: closed exactly at its due time, and one second after
    ("K01", "C1", "dispute", False, T(2024, 6, 1, 9), T(2024, 6, 8, 9), "张三", "13800138000", "邻里纠纷"),
    ("K02", "C1", "dispute", False, T(2024, 6, 1, 9), T(2024, 6, 8, 9, 0, 1), "李四", "13900139000", "楼上噪音扰民"),
    # an opinion has 15 calendar days from a Friday, weekends counted: due Saturday 22 June 10:00
    ("K03", "C1", "opinion", False, T(2024, 6, 7, 10), T(2024, 6, 22, 10), None, None, None),
    ("K04", "C2", "opinion", False, T(2024, 6, 7, 10), T(2024, 6, 22, 10, 0, 1), None, None, None),
    # the dispute deadline becomes 3 days from 15 June (set by the test): the day reported decides
    ("K05", "C1", "dispute", False, T(2024, 6, 14, 12), T(2024, 6, 19, 12), None, None, None),
    ("K06", "C2", "dispute", False, T(2024, 6, 15, 8), T(2024, 6, 19, 8), None, None, None),
    # open at the end of June: an urgent dispute (1 day) due exactly at 30 June 10:00
    ("K07", "C1", "dispute", True, T(2024, 6, 29, 10), None, "王五", "021-64300000", "楼道堆物隐患"),
    # an opinion closed after the moment asked about is open at that moment: due 5 July
    ("K08", "C1", "opinion", False, T(2024, 6, 20, 10), T(2024, 7, 10), None, None, None),
    # an urgent proxy service long overdue, in the other community and grid
    ("K09", "C2", "service_proxy", True, T(2024, 6, 1, 10), None, "赵六", "13700137000", "代办低保材料"),
    # not yet overdue and not due this week: a party-building matter of 28 June (15 days)
    ("K10", "C2", "party_building", False, T(2024, 6, 28, 10), None, None, None, None),
]
DEFAULTS = {"dispute": (7, 1), "opinion": (15, 2), "service_proxy": (10, 2), "party_building": (15, 2)}
CHANGE = ("dispute", False, 3, dt.date(2024, 6, 15))


def build(con: duckdb.DuckDBPyConnection) -> None:
    db.execute(
        con,
        "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1'), ('G2', '二号网格', 'Grid 2')",
    )
    for cid, name, grid in (("C1", "甲居民区", "G1"), ("C2", "乙居民区", "G2")):
        db.execute(
            con,
            "INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)"
            " VALUES ($c, $n, $g, 100, 1000, 10)",
            {"c": cid, "n": name, "g": grid},
        )
    for case_id, community, category, urgent, reported, closed, name, phone, text in MATTERS:
        db.execute(
            con,
            "INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level,"
            " urgent, reporter_name, reporter_phone, description, batch_id)"
            " VALUES ($id, $c, $cat, $r, $cl, $lvl, $u, $n, $p, $d, 'test')",
            {
                "id": case_id,
                "c": community,
                "cat": category,
                "r": reported,
                "cl": closed,
                "lvl": None if closed is None else "grid",
                "u": urgent,
                "n": name,
                "p": phone,
                "d": text,
            },
        )


def due(category: str, urgent: bool, reported: dt.datetime, *, changed: bool) -> dt.datetime:
    """The oracle: calendar days after the report, the version in force on the day reported."""
    days = DEFAULTS[category][1 if urgent else 0]
    if changed and (category, urgent) == CHANGE[:2] and reported.date() >= CHANGE[3]:
        days = CHANGE[2]
    return reported + dt.timedelta(days=days)
