"""analytics.cases on a dozen hand-made matters whose answers are worked out by hand from the docs/design.md
definitions: in-grid = closed at grid ÷ closed; in-community = closed at grid or community ÷ closed;
open matters are never in a denominator; a case belongs to the month it was reported in."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analytics import cases, db
from analytics.access import Scope
from analytics.core.errors import AccessDenied, DataError
from analytics.filters import Filters

T = dt.datetime
PERIOD = Filters(dt.date(2024, 1, 1), dt.date(2024, 2, 29))

# case, community, category, reported, hours to close (None = open), level, urgent, satisfaction
CASES = [
    ("K01", "CA1", "party_building", T(2024, 1, 5, 9), 4, "grid", False, 5),
    ("K02", "CA1", "opinion", T(2024, 1, 10, 10), 48, "community", False, 4),
    ("K03", "CA1", "dispute", T(2024, 1, 15, 8), 12, "community", True, 2),
    ("K04", "CA2", "dispute", T(2024, 1, 20, 8), 240, "street", True, 1),
    ("K05", "CA2", "service_proxy", T(2024, 2, 3, 9), None, None, False, None),
    ("K06", "CA2", "service_proxy", T(2024, 2, 10, 9), None, None, True, None),
    ("K07", "CA1", "opinion", T(2024, 2, 11, 10), 24, "grid", False, None),  # closed, not surveyed
    ("K08", "CB1", "dispute", T(2024, 1, 8, 9), 100, "district", False, 1),
    ("K09", "CB1", "opinion", T(2024, 2, 1, 9), None, None, False, None),
    ("K10", "CB1", "party_building", T(2024, 2, 2, 9), 2, "grid", False, 5),
    ("K11", "CB1", "opinion", T(2023, 12, 31, 23), 1, "grid", False, 5),  # before the period
    ("K12", "CA1", "opinion", T(2024, 1, 2, 8), None, None, False, None),
]
# The data's latest moment: K07 closes at 2024-02-12 10:00. Open cases' ages are measured from it.
AS_OF = T(2024, 2, 12, 10)


@pytest.fixture
def hand_con(empty_con):
    con = empty_con
    db.execute(
        con,
        "INSERT INTO grids (grid_id, name, name_en) VALUES ('GA', '甲片区网格', 'Grid A'), ('GB', '乙片区网格', 'Grid B')",
    )
    db.execute(
        con,
        """INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)
                       VALUES ('CA1', '甲一居民区', 'GA', 400, 1000, 50), ('CA2', '甲二居民区', 'GA', 800, 2000, 90),
                              ('CB1', '乙一居民区', 'GB', 200, 500, 20), ('CB2', '乙二居民区', 'GB', 300, 800, 30)""",
    )
    for case_id, community, category, reported, hours, level, urgent, score in CASES:
        closed = None if hours is None else reported + dt.timedelta(hours=hours)
        db.execute(
            con,
            "INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,"
            " resolved_level, urgent, satisfaction, batch_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'test')",
            [case_id, community, category, reported, closed, level, urgent, score],
        )
    return con


def row(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in keys.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, (keys, frame)
    return frame[mask].iloc[0]


def test_resolution_per_grid_by_hand(hand_con):
    frame = cases.resolution(hand_con, PERIOD)
    assert list(frame["grid_id"]) == ["GA", "GB"]
    a = row(frame, grid_id="GA")
    # GA: K01 K02 K03 K04 K05 K06 K07 K12; closed K01 K02 K03 K04 K07 (grid 2, community 2, street 1)
    assert (a["cases"], a["closed"], a["open"]) == (8, 5, 3)
    assert (a["grid"], a["community"], a["street"], a["district"]) == (2, 2, 1, 0)
    assert a["grid_name"] == "甲片区网格"
    assert a["in_grid_rate"] == pytest.approx(2 / 5)
    assert a["in_community_rate"] == pytest.approx(4 / 5)
    assert a["share_street"] == pytest.approx(1 / 5)
    # urgent: K03 (community), K04 (street), K06 (open) → 1 of 2 closed settled in the community
    assert (a["urgent_cases"], a["urgent_closed"], a["urgent_open"]) == (3, 2, 1)
    assert a["urgent_in_community_rate"] == pytest.approx(1 / 2)
    b = row(frame, grid_id="GB")
    # GB: K08 (district), K09 (open), K10 (grid); K11 lies before the period
    assert (b["cases"], b["closed"], b["open"], b["grid"], b["district"]) == (3, 2, 1, 1, 1)
    assert b["in_grid_rate"] == pytest.approx(1 / 2) and b["in_community_rate"] == pytest.approx(1 / 2)
    assert b["urgent_cases"] == 0 and math.isnan(b["urgent_in_community_rate"])


def test_resolution_total_and_open_never_in_denominator(hand_con):
    total = cases.resolution(hand_con, PERIOD, by=()).iloc[0]
    assert (total["cases"], total["closed"], total["open"]) == (11, 7, 4)
    assert total["in_grid_rate"] == pytest.approx(3 / 7)  # not 3 / 11
    assert total["in_community_rate"] == pytest.approx(5 / 7)
    shares = total[["share_grid", "share_community", "share_street", "share_district"]].sum()
    assert shares == pytest.approx(1.0)


def test_resolution_by_category_month_and_community(hand_con):
    by_category = cases.resolution(hand_con, PERIOD, by="category")
    party = row(by_category, category="party_building")
    assert (party["closed"], party["in_grid_rate"]) == (2, 1.0)
    opinion = row(by_category, category="opinion")  # K02 community, K07 grid, K09 K12 open
    assert (opinion["cases"], opinion["open"]) == (4, 2)
    assert opinion["in_grid_rate"] == pytest.approx(0.5) and opinion["in_community_rate"] == pytest.approx(1.0)
    dispute = row(by_category, category="dispute")  # community, street, district
    assert dispute["in_grid_rate"] == 0 and dispute["in_community_rate"] == pytest.approx(1 / 3)
    service = row(by_category, category="service_proxy")  # both open: nothing closed → unknown, not 0
    assert service["closed"] == 0 and service["open"] == 2
    assert math.isnan(service["in_grid_rate"]) and math.isnan(service["in_community_rate"])

    by_month = cases.resolution(hand_con, PERIOD, by=("month",))
    january = row(by_month, month=pd.Timestamp(2024, 1, 1))  # K01 K02 K03 K04 K08 closed, K12 open
    assert (january["cases"], january["closed"], january["open"]) == (6, 5, 1)
    assert january["in_grid_rate"] == pytest.approx(1 / 5) and january["in_community_rate"] == pytest.approx(3 / 5)
    february = row(by_month, month=pd.Timestamp(2024, 2, 1))
    assert (february["cases"], february["closed"], february["in_grid_rate"]) == (5, 2, 1.0)

    both = cases.resolution(hand_con, PERIOD, by=("community_id", "month"))
    assert list(both.columns[:3]) == ["community_id", "community_name", "month"]
    ca2_feb = row(both, community_id="CA2", month=pd.Timestamp(2024, 2, 1))  # K05 K06, both open
    assert ca2_feb["closed"] == 0 and math.isnan(ca2_feb["in_community_rate"])


def test_resolution_rejects_unknown_groupings(hand_con):
    for bad in (("grid_id; DROP TABLE grids",), ("grid_id", "grid_id"), ("level",)):
        with pytest.raises(ValueError):
            cases.resolution(hand_con, PERIOD, by=bad)


def test_filters_and_scope_apply(hand_con):
    only_b = cases.resolution(hand_con, PERIOD.replace(grid_ids=("GB",)), by=())
    assert only_b.iloc[0]["cases"] == 3
    everything = cases.resolution(hand_con, Filters(), by=())
    assert everything.iloc[0]["cases"] == 12  # K11 counts when no period is set
    secretary = Scope("secretary", "CA2")
    mine = cases.resolution(hand_con, PERIOD, scope=secretary)
    assert list(mine["grid_id"]) == ["GA"] and mine.iloc[0]["cases"] == 3  # K04 K05 K06 only
    flows = cases.flows(hand_con, PERIOD, scope=secretary)
    assert flows["cases"].sum() == 2  # her single dispute is a count under five:
    assert flows.loc[flows["category"] == "dispute", "cases"].isna().all()  # suppressed, not shown as 1
    assert cases.time_to_close(hand_con, PERIOD, by=(), scope=secretary).iloc[0]["closed"] == 1
    assert set(cases.oldest_open(hand_con, PERIOD, scope=secretary)["case_id"]) == {"K05", "K06"}
    table = cases.community_table(hand_con, PERIOD, "GA", scope=secretary)
    assert list(table["community_id"]) == ["CA2"]


def test_flows_for_the_sankey(hand_con):
    flows = cases.flows(hand_con, PERIOD)
    assert flows["cases"].sum() == 11
    assert row(flows, category="service_proxy", level="open")["cases"] == 2
    assert row(flows, category="dispute", level="district")["cases"] == 1
    assert set(flows["level"]) == {"grid", "community", "street", "district", "open"}


def test_time_to_close_by_hand(hand_con):
    frame = cases.time_to_close(hand_con, PERIOD, by="category")
    assert "service_proxy" not in set(frame["category"])  # nothing closed, nothing to time
    party = row(frame, category="party_building")  # 4 h and 2 h
    assert party["median_hours"] == pytest.approx(3) and party["p90_hours"] == pytest.approx(4)
    opinion = row(frame, category="opinion")  # 48 h and 24 h
    assert opinion["median_hours"] == pytest.approx(36) and opinion["p90_hours"] == pytest.approx(48)
    dispute = row(frame, category="dispute")  # 12, 240, 100 h
    assert dispute["median_hours"] == pytest.approx(100) and dispute["p90_hours"] == pytest.approx(240)
    assert dispute["median_days"] == pytest.approx(100 / 24) and dispute["p90_days"] == pytest.approx(10)
    assert dispute["mean_hours"] == pytest.approx((12 + 240 + 100) / 3)
    by_level = cases.time_to_close(hand_con, PERIOD, by=("level",))
    assert "open" not in set(by_level["level"])


def test_open_backlog_and_ages_by_hand(hand_con):
    frame = cases.open_backlog(hand_con, PERIOD)
    a = row(frame, grid_id="GA")  # K05 (9.0 days), K06 (2.0 days, urgent), K12 (41.1 days)
    assert (a["open"], a["urgent_open"]) == (3, 1)
    assert (a["age_0_7"], a["age_8_30"], a["age_31_90"], a["age_over_90"]) == (1, 1, 1, 0)
    assert pd.Timestamp(a["as_of"]) == pd.Timestamp(AS_OF)
    assert a["oldest_age_days"] == pytest.approx((AS_OF - T(2024, 1, 2, 8)).total_seconds() / 86400)
    assert a["median_age_days"] == pytest.approx((AS_OF - T(2024, 2, 3, 9)).total_seconds() / 86400)
    b = row(frame, grid_id="GB")  # K09: 11.0 days
    assert (b["open"], b["age_8_30"]) == (1, 1)

    # Open at an earlier moment: K04 (reported 20 Jan 08:00, closed 30 Jan) was open on 25 Jan; K12 too.
    earlier = cases.oldest_open(hand_con, PERIOD, as_of=T(2024, 1, 25))
    assert list(earlier["case_id"]) == ["K12", "K04"]
    assert earlier.iloc[0]["age_days"] == pytest.approx(22 + 16 / 24)

    oldest = cases.oldest_open(hand_con, PERIOD, limit=2)
    assert list(oldest["case_id"]) == ["K12", "K09"]
    assert not {"reporter_name", "reporter_phone", "description"} & set(oldest.columns)


def test_urgent_matters_alone(hand_con):
    frame = cases.urgent_matters(hand_con, PERIOD)
    assert list(frame["grid_id"]) == ["GA"]  # GB had no urgent matter
    a = frame.iloc[0]  # K03 community 12 h, K04 street 240 h, K06 open
    assert (a["cases"], a["closed"], a["open"], a["community"], a["street"]) == (3, 2, 1, 1, 1)
    assert a["in_community_rate"] == pytest.approx(0.5) and a["in_grid_rate"] == 0
    assert a["median_hours"] == pytest.approx(126) and a["p90_hours"] == pytest.approx(240)


def test_satisfaction_by_hand(hand_con):
    frame = cases.satisfaction(hand_con, PERIOD, by="category")
    dispute = row(frame, category="dispute")  # scores 2, 1, 1
    assert dispute["surveyed"] == 3 and dispute["mean_score"] == pytest.approx(4 / 3)
    assert dispute["unsatisfied_share"] == pytest.approx(1.0) and dispute["satisfied_share"] == 0
    opinion = row(frame, category="opinion")  # K02 scored 4; K07 closed unsurveyed; K09 K12 open
    assert (opinion["closed"], opinion["surveyed"]) == (2, 1)
    assert opinion["response_rate"] == pytest.approx(0.5) and opinion["mean_score"] == pytest.approx(4)
    by_level = cases.satisfaction(hand_con, PERIOD, by=("level",))
    assert row(by_level, level="district")["mean_score"] == pytest.approx(1)
    assert math.isnan(row(by_level, level="open")["mean_score"])
    by_grid = cases.satisfaction(hand_con, PERIOD, by=("grid_id",))
    assert row(by_grid, grid_id="GA")["mean_score"] == pytest.approx((5 + 4 + 2 + 1) / 4)


def test_community_table_lists_every_community_of_the_grid(hand_con):
    table = cases.community_table(hand_con, PERIOD, "GB")
    assert list(table["community_id"]) == ["CB1", "CB2"]
    cb1, cb2 = table.iloc[0], table.iloc[1]
    assert (cb1["cases"], cb1["closed"], cb1["open"]) == (3, 2, 1)
    assert cb1["cases_per_1k"] == pytest.approx(3 * 1000 / 500)
    assert cb1["in_grid_rate"] == pytest.approx(0.5) and cb1["mean_score"] == pytest.approx(3)
    assert cb2["cases"] == 0 and math.isnan(cb2["in_grid_rate"])  # no matters: shown, rate unknown


def test_scores_against_default_targets(hand_con):
    frame = cases.scores(hand_con, PERIOD, by=("grid_id",))
    a_grid = row(frame, grid_id="GA", metric="in_grid_rate")
    assert (a_grid["actual"], a_grid["target"]) == (pytest.approx(0.4), 0.7)
    assert a_grid["score"] == pytest.approx(0.4 / 0.7) and not a_grid["on_target"]
    a_comm = row(frame, grid_id="GA", metric="in_community_rate")
    assert a_comm["score"] == pytest.approx(0.8 / 0.9) and a_comm["base"] == 5
    a_urgent = row(frame, grid_id="GA", metric="urgent_in_community_rate")
    assert a_urgent["score"] == pytest.approx(0.5 / 0.9) and a_urgent["base"] == 2
    overall = row(frame, grid_id="GA", metric="cityscore")  # urgent matters are not in the average
    assert overall["score"] == pytest.approx((0.4 / 0.7 + 0.8 / 0.9) / 2)
    b_urgent = row(frame, grid_id="GB", metric="urgent_in_community_rate")
    assert math.isnan(b_urgent["score"])
    monthly = cases.scores(hand_con, PERIOD, by=("month",))
    feb = row(monthly, month=pd.Timestamp(2024, 2, 1), metric="in_grid_rate")
    assert feb["score"] == pytest.approx(1 / 0.7) and feb["on_target"]


def test_targets_default_then_set_override_and_clear(hand_con):
    first = cases.targets(hand_con)
    assert len(first) == 3 * 3  # subdistrict + two grids, three metrics
    assert set(first["source"]) == {"default"}
    assert row(first, metric="in_grid_rate", grid_id="GA")["target"] == 0.70
    assert first[first["grid_id"].isna() & (first["metric"] == "in_community_rate")]["target"].item() == 0.90

    cases.set_target(hand_con, "in_grid_rate", 0.6)  # subdistrict-wide
    cases.set_target(hand_con, "in_grid_rate", 0.4, grid_id="GA", scope=Scope("admin"))
    cases.set_target(hand_con, "in_grid_rate", 0.45, grid_id="GA")  # replaces, never duplicates
    now = cases.targets(hand_con)
    assert row(now, metric="in_grid_rate", grid_id="GA")[["target", "source"]].tolist() == [0.45, "grid"]
    assert row(now, metric="in_grid_rate", grid_id="GB")[["target", "source"]].tolist() == [0.6, "subdistrict"]
    assert db.scalar(hand_con, "SELECT count(*) FROM case_targets") == 2

    scored = cases.scores(hand_con, PERIOD, by=("grid_id",))
    assert row(scored, grid_id="GA", metric="in_grid_rate")["score"] == pytest.approx(0.4 / 0.45)
    assert row(scored, grid_id="GB", metric="in_grid_rate")["score"] == pytest.approx(0.5 / 0.6)
    whole = cases.scores(hand_con, PERIOD, by=())
    assert row(whole, metric="in_grid_rate")["target"] == 0.6

    cases.clear_target(hand_con, "in_grid_rate", grid_id="GA")
    after = cases.targets(hand_con)
    assert row(after, metric="in_grid_rate", grid_id="GA")[["target", "source"]].tolist() == [0.6, "subdistrict"]


@pytest.mark.parametrize("value", [0, -0.1, 1.5, 70, float("nan"), float("inf"), "七成", None])
def test_target_values_outside_0_1_are_refused(hand_con, value):
    with pytest.raises(DataError, match="目标值"):
        cases.set_target(hand_con, "in_grid_rate", value)
    assert db.scalar(hand_con, "SELECT count(*) FROM case_targets") == 0


def test_target_metric_grid_and_role_are_checked(hand_con):
    with pytest.raises(DataError, match="未知的目标指标"):
        cases.set_target(hand_con, "satisfaction", 0.5)
    with pytest.raises(DataError, match="没有编号为"):
        cases.set_target(hand_con, "in_grid_rate", 0.5, grid_id="GZ")
    for role, community in (("leader", None), ("analyst", None), ("secretary", "CA1")):
        with pytest.raises(AccessDenied):
            cases.set_target(hand_con, "in_grid_rate", 0.5, scope=Scope(role, community))
        with pytest.raises(AccessDenied):
            cases.clear_target(hand_con, "in_grid_rate", scope=Scope(role, community))
    cases.set_target(hand_con, "in_grid_rate", 1.0, scope=Scope("admin"))  # 100% is a valid target
    assert cases.targets(hand_con)["target"].max() == 1.0


def test_targets_read_from_a_database_that_predates_the_table(hand_con):
    db.execute(hand_con, "DROP TABLE case_targets")
    assert set(cases.targets(hand_con)["source"]) == {"default"}
    assert not cases.scores(hand_con, PERIOD, by=("grid_id",)).empty
