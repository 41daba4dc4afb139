"""Counts of dispute cases under five are suppressed for every role but leader: a small count in a
small place can identify the households involved."""
import datetime as dt

import pandas as pd

from analytics import cases, db
from analytics.access import Scope
from analytics.filters import Filters

PERIOD = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def seed(con, disputes: int, opinions: int = 12):
    db.execute(con, "INSERT INTO grids VALUES ('G1', '一号网格', 'Grid 1')")
    db.execute(con, "INSERT INTO communities VALUES ('C01', '甲居民区', '甲', 'G1', 100, 250, 10, 1990, NULL, NULL, NULL)")
    rows = [(f"D{i}", "dispute", "street" if i == 0 else "grid") for i in range(disputes)]
    rows += [(f"O{i}", "opinion", "grid") for i in range(opinions)]
    for case_id, category, level in rows:
        db.execute(con, """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                           resolved_level, urgent, satisfaction, batch_id)
                           VALUES ($id, 'C01', $cat, TIMESTAMP '2024-01-05 09:00', TIMESTAMP '2024-01-06 09:00',
                                   $lvl, false, 4, 'b')""", {"id": case_id, "cat": category, "lvl": level})


def by_category(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("category")


def test_a_small_dispute_count_is_hidden_from_non_leaders(empty_con):
    seed(empty_con, disputes=3)
    leader = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("leader")))
    assert leader.loc["dispute", "cases"] == 3
    for scope in (Scope("analyst"), Scope("admin"), Scope("secretary", "C01")):
        shown = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=scope))
        assert pd.isna(shown.loc["dispute", "cases"]) and pd.isna(shown.loc["dispute", "in_grid_rate"])
        assert shown.loc["opinion", "cases"] == 12  # other categories are untouched
        flows = cases.flows(empty_con, PERIOD, scope=scope)
        assert flows.loc[flows["category"] == "dispute", "cases"].isna().all()


def test_small_parts_of_a_larger_dispute_count_are_hidden_with_their_shares(empty_con):
    seed(empty_con, disputes=9)
    shown = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("analyst")))
    assert shown.loc["dispute", "cases"] == 9 and shown.loc["dispute", "grid"] == 8
    assert pd.isna(shown.loc["dispute", "street"]) and pd.isna(shown.loc["dispute", "share_street"])
    leader = by_category(cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("leader")))
    assert leader.loc["dispute", "street"] == 1
