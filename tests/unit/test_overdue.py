"""Deadlines and overdue matters (analytics.overdue) against an independent count on hand-made matters:
closed exactly at the due time is in time, one second after is late, weekends count, the version in force
on the day reported applies, and a change of deadline changes what is overdue."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics import overdue
from analytics.core.errors import AccessDenied, DataError
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from tests.unit import overdue_world as world

JUNE = Filters(dt.date(2024, 6, 1), dt.date(2024, 6, 30))
AT = dt.datetime(2024, 6, 30, 10)  # K07's due time to the second


@pytest.fixture
def con(empty_con):
    world.build(empty_con)
    return empty_con


def change(con) -> None:
    category, urgent, days, day = world.CHANGE
    overdue.set_deadline(con, category, urgent, days, valid_from=day, set_by="test")


def oracle_on_time(*, changed: bool, community: str | None = None) -> tuple[int, int]:
    closed = [m for m in world.MATTERS if m[5] is not None and (community is None or m[1] == community)]
    on_time = sum(m[5] <= world.due(m[2], m[3], m[4], changed=changed) for m in closed)
    return len(closed), on_time


def oracle_open(at: dt.datetime, *, changed: bool) -> dict[str, str]:
    status = {}
    for case_id, _, category, urgent, reported, closed, *_ in world.MATTERS:
        if reported > at or (closed is not None and closed <= at):
            continue
        due = world.due(category, urgent, reported, changed=changed)
        status[case_id] = "overdue" if at > due else "due_soon" if due - at <= dt.timedelta(days=7) else "later"
    return status


@pytest.mark.parametrize("changed", [False, True])
def test_share_closed_within_deadline_equals_an_independent_count(con, changed):
    if changed:
        change(con)
    whole = overdue.closed_within_deadline(con, JUNE).iloc[0]
    closed, on_time = oracle_on_time(changed=changed)
    assert (whole["closed"], whole["on_time"], whole["late"]) == (closed, on_time, closed - on_time)
    assert whole["on_time_rate"] == pytest.approx(on_time / closed)
    by_community = overdue.closed_within_deadline(con, JUNE, by="community_id").set_index("community_id")
    for community in ("C1", "C2"):
        assert tuple(by_community.loc[community, ["closed", "on_time"]]) == oracle_on_time(
            changed=changed, community=community
        )


def on_time(con, day: dt.date, community: str) -> tuple[int, int]:
    """(closed, on time) of the matters reported on `day` in `community`: one or two matters each."""
    row = overdue.closed_within_deadline(con, Filters(day, day, community_ids=(community,))).iloc[0]
    return int(row["closed"]), int(row["on_time"])


def test_the_edges_one_by_one(con):
    # K01 closed exactly at its due time (in time), K02 one second after (late)
    assert on_time(con, dt.date(2024, 6, 1), "C1") == (2, 1)
    # 15 calendar days from a Friday, two weekends counted: K03 at the due time, K04 a second after
    assert on_time(con, dt.date(2024, 6, 7), "C1") == (1, 1)
    assert on_time(con, dt.date(2024, 6, 7), "C2") == (1, 0)
    # K06 took 4 days: in time under the 7 days, late once 3 days apply from the day it was reported
    assert on_time(con, dt.date(2024, 6, 15), "C2") == (1, 1)
    change(con)
    assert on_time(con, dt.date(2024, 6, 15), "C2") == (1, 0)
    # K05 took 5 days, reported the day before the change: the old 7 days still apply to it
    assert on_time(con, dt.date(2024, 6, 14), "C1") == (1, 1)


def test_a_period_without_closed_matters_has_an_unknown_share(con):
    frame = overdue.closed_within_deadline(con, Filters(dt.date(2023, 1, 1), dt.date(2023, 1, 31)))
    assert frame.iloc[0]["closed"] == 0 and math.isnan(frame.iloc[0]["on_time_rate"])


@pytest.mark.parametrize("at", [AT, AT + dt.timedelta(seconds=1), dt.datetime(2024, 6, 25)])
@pytest.mark.parametrize("changed", [False, True])
def test_open_matters_status_equals_an_independent_count(con, at, changed):
    if changed:
        change(con)
    found = overdue.overdue_matters(con, Filters(), None, at, within_days=None).set_index("case_id")
    expected = oracle_open(at, changed=changed)
    assert found["status"].to_dict() == expected
    listed = overdue.overdue_matters(con, Filters(), None, at)
    assert set(listed["case_id"]) == {c for c, s in expected.items() if s != "later"}
    for _, row in found.iterrows():
        if row["status"] == "overdue":
            assert row["days_overdue"] > 0 and math.isnan(row["days_left"])
        else:
            assert row["days_left"] >= 0 and math.isnan(row["days_overdue"])


def test_exactly_at_due_is_not_overdue_one_second_after_is(con):
    at_due = overdue.overdue_matters(con, Filters(), None, AT).set_index("case_id")
    assert at_due.loc["K07", "status"] == "due_soon" and at_due.loc["K07", "days_left"] == 0
    after = overdue.overdue_matters(con, Filters(), None, AT + dt.timedelta(seconds=1)).set_index("case_id")
    assert after.loc["K07", "status"] == "overdue"
    assert after.loc["K07", "days_overdue"] == pytest.approx(1 / 86400)


def test_a_matter_closed_after_the_moment_is_open_at_it(con):
    found = overdue.overdue_matters(con, Filters(), None, AT).set_index("case_id")
    assert found.loc["K08", "status"] == "due_soon"
    assert found.loc["K08", "due_at"] == dt.datetime(2024, 7, 5, 10)
    assert found.loc["K08", "days_left"] == pytest.approx(5.0)


def test_deadlines_change_what_is_overdue(con):
    before = overdue.overdue_matters(con, Filters(), None, AT).set_index("case_id")
    assert before.loc["K09", "status"] == "overdue"
    overdue.set_deadline(con, "service_proxy", True, 60, valid_from="2024-05-01")
    after = overdue.overdue_matters(con, Filters(), None, AT, within_days=None).set_index("case_id")
    assert after.loc["K09", "status"] == "later" and after.loc["K09", "due_at"] == dt.datetime(2024, 7, 31, 10)
    # a version that starts after the report changes nothing for it
    overdue.set_deadline(con, "service_proxy", True, 2, valid_from="2024-06-02")
    assert (
        overdue.overdue_matters(con, Filters(), None, AT, within_days=None).set_index("case_id").loc["K09", "status"]
        == "later"
    )
    assert overdue.remove_deadline(con, "service_proxy", True, valid_from="2024-05-01") == 1
    again = overdue.overdue_matters(con, Filters(), None, AT).set_index("case_id")
    assert again.loc["K09", "status"] == "overdue"


def test_holders_count_per_grid_and_community(con):
    expected = oracle_open(AT + dt.timedelta(seconds=1), changed=False)
    found = overdue.holders(con, Filters(), None, AT + dt.timedelta(seconds=1)).set_index("community_id")
    community = {m[0]: m[1] for m in world.MATTERS}
    for cid in ("C1", "C2"):
        mine = [s for c, s in expected.items() if community[c] == cid]
        assert found.loc[cid, "open"] == len(mine)
        assert found.loc[cid, "overdue"] == mine.count("overdue")
        assert found.loc[cid, "due_soon"] == mine.count("due_soon")
    assert found.loc["C1", "grid_name"] == "一号网格" and found.loc["C2", "community_name"] == "乙居民区"
    total = overdue.holders(con, Filters(), None, AT, by=()).iloc[0]
    assert total["open"] == len(oracle_open(AT, changed=False))


def test_a_secretary_sees_only_her_own_matters(con):
    mine = overdue.overdue_matters(con, Filters(), Scope("secretary", "C2"), AT, within_days=None)
    assert set(mine["community_id"]) == {"C2"} and set(mine["case_id"]) == {"K09", "K10"}
    assert mine["category"].notna().all()
    assert set(overdue.holders(con, Filters(), Scope("secretary", "C2"), AT)["community_id"]) == {"C2"}
    assert overdue.closed_within_deadline(con, JUNE, Scope("secretary", "C2")).iloc[0]["closed"] == 2
    for column in ("reporter_name", "reporter_phone", "description"):
        assert column not in mine.columns


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_masked_roles_read_counts_per_grid_only(con, role):
    """A deadline is its category's: matter by matter, or per community beside the ages of the oldest
    list, it would give back the category those roles never see."""
    who = Scope(role)
    with pytest.raises(AccessDenied):
        overdue.overdue_matters(con, Filters(), who, AT)
    with pytest.raises(AccessDenied):
        overdue.holders(con, Filters(), who, AT)
    by_grid = overdue.holders(con, Filters(), who, AT, by="grid_id")
    assert by_grid["open"].sum() == overdue.holders(con, Filters(), None, AT, by=()).iloc[0]["open"]
    assert "category" not in by_grid.columns
    assert overdue.closed_within_deadline(con, JUNE, who).iloc[0]["closed"] == 7
    assert overdue.overdue_matters(con, Filters(), Scope("leader"), AT)["category"].notna().all()


def test_filters_select_grids(con):
    g1 = overdue.overdue_matters(con, Filters(grid_ids=("G1",)), None, AT, within_days=None)
    assert set(g1["grid_id"]) == {"G1"}


def test_deadline_versions_and_who_may_set_them(con):
    today = overdue.deadlines(con).set_index(["category", "urgent"])
    assert today.loc[("dispute", True), "days"] == 1 and (today["source"] == "default").all()
    change(con)
    assert (
        overdue.deadlines(con, on="2024-06-14").set_index(["category", "urgent"]).loc[("dispute", False), "days"] == 7
    )
    on_15 = overdue.deadlines(con, on="2024-06-15").set_index(["category", "urgent"]).loc[("dispute", False)]
    assert on_15["days"] == 3 and on_15["source"] == "set" and on_15["set_by"] == "test"
    history = overdue.deadlines(con, history=True)
    assert len(history) == len(overdue.DEFAULT_DEADLINES) + 1
    with pytest.raises(AccessDenied):
        overdue.set_deadline(con, "dispute", False, 5, valid_from="2024-07-01", scope=Scope("leader"))
    for bad in (0, 366, 1.5, "x", float("nan"), None):
        with pytest.raises(DataError):
            overdue.set_deadline(con, "dispute", False, bad, valid_from="2024-07-01", scope=Scope("admin"))
    with pytest.raises(DataError):
        overdue.set_deadline(con, "noise", False, 5, valid_from="2024-07-01")
    with pytest.raises(DataError):
        overdue.set_deadline(con, "dispute", False, 5, valid_from="1999-12-31")
    with pytest.raises(DataError):
        overdue.set_deadline(con, "dispute", False, 5, valid_from="yesterday")
    overdue.set_deadline(con, "dispute", False, "4", valid_from="2024-06-15", scope=Scope("admin"))  # replaces
    history = overdue.deadlines(con, history=True)
    assert len(history) == len(overdue.DEFAULT_DEADLINES) + 1 and history["days"].tolist().count(4) == 1


def test_the_demo_world_has_overdue_matters(demo_con):
    found = overdue.holders(demo_con, Filters(), None, None, by=()).iloc[0]
    assert 0 < found["overdue"] < found["open"]
    share = overdue.closed_within_deadline(demo_con, Filters()).iloc[0]["on_time_rate"]
    assert 0.5 < share < 1
