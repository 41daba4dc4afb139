"""Counts of dispute cases under five are suppressed for every role but leader: a small count in a
small place can identify the households involved."""

import datetime as dt

import pandas as pd

from analytics import cases, db
from analytics.access import Scope
from analytics.filters import Filters

PERIOD = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def seed(con, disputes: int, opinions: int = 12):
    db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1')")
    db.execute(
        con, "INSERT INTO communities VALUES ('C01', '甲居民区', '甲', 'G1', 100, 250, 10, 1990, NULL, NULL, NULL)"
    )
    rows = [(f"D{i}", "dispute", "street" if i == 0 else "grid") for i in range(disputes)]
    rows += [(f"O{i}", "opinion", "grid") for i in range(opinions)]
    for case_id, category, level in rows:
        db.execute(
            con,
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                           resolved_level, urgent, satisfaction, batch_id)
                           VALUES ($id, 'C01', $cat, TIMESTAMP '2024-01-05 09:00', TIMESTAMP '2024-01-06 09:00',
                                   $lvl, false, 4, 'b')""",
            {"id": case_id, "cat": category, "lvl": level},
        )


def by_category(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("category")


def test_a_small_dispute_count_is_hidden_from_non_leaders(empty_con):
    seed(empty_con, disputes=3)
    leader = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("leader")))
    assert leader.loc["dispute", "cases"] == 3
    for scope in (Scope("analyst"), Scope("admin"), Scope("secretary", "C01")):
        shown = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=scope))
        assert pd.isna(shown.loc["dispute", "cases"]) and pd.isna(shown.loc["dispute", "in_grid_rate"])
        # With one other category, total minus it would give the disputes back: it is hidden too
        # (complementary suppression, tests/unit/test_differencing.py).
        assert pd.isna(shown.loc["opinion", "cases"])
        flows = cases.flows(empty_con, PERIOD, scope=scope)
        assert flows.loc[flows["category"] == "dispute", "cases"].isna().all()


def test_small_parts_of_a_larger_dispute_count_are_hidden_with_their_shares(empty_con):
    seed(empty_con, disputes=9)
    seed_more(empty_con)
    shown = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("analyst")))
    assert shown.loc["dispute", "cases"] == 9
    assert pd.isna(shown.loc["dispute", "street"]) and pd.isna(shown.loc["dispute", "share_street"])
    # …and the grid count beside it, else closed minus the other levels gives the 1 back
    assert pd.isna(shown.loc["dispute", "grid"]) and pd.isna(shown.loc["dispute", "in_grid_rate"])
    leader = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("leader")))
    assert leader.loc["dispute", "street"] == 1
    assert shown.loc["service_proxy", "cases"] == leader.loc["service_proxy", "cases"] == 30  # far from it: shown


def seed_more(con) -> None:
    """Two more categories, settled at every level, so that a hidden cell has company to hide with."""
    levels = ["grid"] * 10 + ["community"] * 6 + ["street"] * 5
    for n, level in enumerate(levels):
        db.execute(
            con,
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                           resolved_level, urgent, satisfaction, batch_id)
                           VALUES ($id, 'C01', 'party_building', TIMESTAMP '2024-01-07 09:00',
                                   TIMESTAMP '2024-01-08 09:00', $lvl, false, 5, 'b')""",
            {"id": f"P{n}", "lvl": level},
        )
    for n in range(30):
        db.execute(
            con,
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                           resolved_level, urgent, satisfaction, batch_id)
                           VALUES ($id, 'C01', 'service_proxy', TIMESTAMP '2024-01-09 09:00',
                                   TIMESTAMP '2024-01-10 09:00', $lvl, false, 4, 'b')""",
            {"id": f"S{n}", "lvl": ["grid", "community", "street"][n % 3]},
        )
