"""analytics.seeds against independent counts: plain SQL rows grouped in pandas, and hand-made worlds."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from analytics import db, seeds
from analytics.access import Scope
from analytics.filters import Filters

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
NARROW = Filters(dt.date(2024, 3, 1), dt.date(2024, 8, 31), grid_ids=("G2", "G7"), seed_colours=("red", "white"))
SECRETARY = Scope("secretary", "C30")
METRICS = list(seeds.METRICS)

CASES = [
    pytest.param(YEAR, None, id="year"),
    pytest.param(NARROW, None, id="grids+colours"),
    pytest.param(YEAR, SECRETARY, id="secretary"),
    pytest.param(NARROW.replace(community_ids=("C05", "C30", "C33")), Scope("leader"), id="communities"),
]
SINGLE = [(d,) for d in seeds.DIMENSIONS]
COMBOS = [
    ("seed_colour", "month"),
    ("grid_id", "seed_colour"),
    ("community_id", "item_id"),
    ("partner_id", "week", "seed_colour"),
    ("grid_id", "community_id"),
]


def raw_rows(con, filters: Filters | None, scope: Scope | None) -> pd.DataFrame:
    """Every activity row with its colour and grid, filtered the obvious way (no shared helper)."""
    rows = db.query(
        con,
        """
        SELECT a.*, i.seed_colour, c.grid_id
        FROM seed_activities a JOIN service_items i USING (item_id) JOIN communities c USING (community_id)""",
    )
    rows["held_on"] = pd.to_datetime(rows["held_on"])
    if filters is None:
        return rows.iloc[0:0]
    keep = pd.Series(True, index=rows.index)
    if filters.start:
        keep &= rows["held_on"] >= pd.Timestamp(filters.start)
    if filters.end:
        keep &= rows["held_on"] <= pd.Timestamp(filters.end)
    if filters.grid_ids is not None:
        keep &= rows["grid_id"].isin(filters.grid_ids)
    if filters.community_ids is not None:
        keep &= rows["community_id"].isin(filters.community_ids)
    if filters.seed_colours is not None:
        keep &= rows["seed_colour"].isin(filters.seed_colours)
    if scope is not None and scope.restricted_community:
        keep &= rows["community_id"] == scope.restricted_community
    rows = rows[keep].copy()
    rows["month"] = rows["held_on"].dt.to_period("M").dt.start_time
    rows["week"] = rows["held_on"] - pd.to_timedelta(rows["held_on"].dt.day_of_week, unit="D")
    return rows


def visible_communities(con, filters: Filters, scope: Scope | None) -> pd.DataFrame:
    communities = db.query(con, "SELECT community_id, grid_id, residents FROM communities")
    if filters.grid_ids is not None:
        communities = communities[communities["grid_id"].isin(filters.grid_ids)]
    if filters.community_ids is not None:
        communities = communities[communities["community_id"].isin(filters.community_ids)]
    if scope is not None and scope.restricted_community:
        communities = communities[communities["community_id"] == scope.restricted_community]
    return communities


def expected_groups(rows: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    if not by:
        return pd.DataFrame({m: [rows[m].sum()] for m in METRICS[1:]}).assign(activities=len(rows))
    grouped = rows.groupby(list(by), dropna=False)
    out = grouped[["participants", "volunteers", "volunteer_hours"]].sum()
    out["activities"] = grouped.size()
    return out.reset_index()


def keyed(frame: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    frame = frame.copy()
    for column in by:
        if column in ("month", "week"):
            frame[column] = pd.to_datetime(frame[column])
        else:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "∅")
    return frame.set_index(list(by)).sort_index() if by else frame


@pytest.mark.parametrize("by", SINGLE + COMBOS + [()], ids=lambda b: "+".join(b) or "totals")
@pytest.mark.parametrize("filters, scope", CASES)
def test_uptake_agrees_with_direct_counts(demo_con, filters, scope, by):
    got = seeds.uptake(demo_con, filters, by, scope=scope)
    rows = raw_rows(demo_con, filters, scope)
    want = expected_groups(rows, by)

    # totals first (the "Done when"), then every group
    assert got["activities"].sum() == len(rows)
    assert got["participants"].sum() == rows["participants"].sum()
    assert got["volunteers"].sum() == rows["volunteers"].sum()
    assert got["volunteer_hours"].sum() == pytest.approx(rows["volunteer_hours"].sum())
    active = keyed(got[got["activities"] > 0], by)
    want = keyed(want, by)
    assert list(active.index) == list(want.index)
    for metric in METRICS:
        assert np.allclose(active[metric].to_numpy(float), want[metric].to_numpy(float)), metric

    has_time = bool(set(by) & {"month", "week"})
    assert ("activities_prev" in got.columns) == (not has_time)
    if not has_time:
        before = expected_groups(raw_rows(demo_con, filters.previous(), scope), by)
        assert got["activities_prev"].sum() == before["activities"].sum()
        assert got["participants_prev"].sum() == before["participants"].sum()
        with_before = got[got["activities_prev"] > 0]
        change = (with_before["activities"] - with_before["activities_prev"]) / with_before["activities_prev"]
        assert np.allclose(with_before["activities_change"], change)

    places = [d for d in by if d in ("grid_id", "community_id")]
    assert ("activities_per_1k" in got.columns) == bool(places)
    if places:
        residents = visible_communities(demo_con, filters, scope).groupby(places)["residents"].sum()
        for _, row in got.iterrows():
            key = tuple(row[places]) if len(places) > 1 else row[places[0]]
            assert row["residents"] == residents.loc[key]
        assert np.allclose(got["activities_per_1k"], got["activities"] * 1000 / got["residents"])
        assert np.allclose(got["participants_per_1k"], got["participants"] * 1000 / got["residents"])


@pytest.mark.parametrize("filters, scope", CASES)
def test_place_only_grouping_lists_every_community_even_quiet_ones(demo_con, filters, scope):
    one_day = filters.replace(start=dt.date(2024, 6, 3), end=dt.date(2024, 6, 3))
    got = seeds.uptake(demo_con, one_day, ("community_id",), scope=scope)
    communities = visible_communities(demo_con, filters, scope)
    assert sorted(got["community_id"]) == sorted(communities["community_id"])
    assert (got["activities"] == 0).any()
    assert got["activities"].sum() == len(raw_rows(demo_con, one_day, scope))


def test_secretary_sees_only_their_community(demo_con):
    got = seeds.uptake(demo_con, YEAR, ("community_id", "seed_colour"), scope=SECRETARY)
    assert set(got["community_id"]) == {"C30"}
    assert seeds.uptake(demo_con, YEAR, ("grid_id",), scope=SECRETARY)["residents"].tolist() == [
        db.scalar(demo_con, "SELECT residents FROM communities WHERE community_id = 'C30'")
    ]


def test_open_period_has_no_previous_and_names_ride_along(demo_con):
    got = seeds.uptake(demo_con, Filters(), ("item_id", "partner_id"))
    assert "activities_prev" not in got.columns
    assert got["activities"].sum() == db.scalar(demo_con, "SELECT count(*) FROM seed_activities")
    assert {"item_name", "item_name_en", "partner_name"} <= set(got.columns)
    assert got["partner_id"].isna().any()  # activities no partner took part in
    assert got.loc[got["item_id"] == "S01", "item_name"].iloc[0] == "证件照拍摄"


def test_colours_come_in_the_plans_order(demo_con):
    assert seeds.uptake(demo_con, YEAR)["seed_colour"].tolist() == ["red", "green", "white", "blue"]


def test_by_is_checked_against_the_allow_list(demo_con):
    with pytest.raises(ValueError, match="unknown uptake dimension"):
        seeds.uptake(demo_con, YEAR, ("seed_colour", "residents; DROP TABLE grids"))
    with pytest.raises(ValueError):
        seeds.uptake(demo_con, YEAR, ("year",))
    assert seeds.uptake(demo_con, YEAR, "seed_colour").equals(seeds.uptake(demo_con, YEAR, ("seed_colour",)))
    assert list(seeds.uptake(demo_con, YEAR, ("month", "month")).columns[:1]) == ["month"]


def test_every_dimension_pair_runs(demo_con):
    for pair in itertools.combinations(seeds.DIMENSIONS, 2):
        frame = seeds.uptake(demo_con, NARROW, pair)
        assert frame["activities"].sum() == len(raw_rows(demo_con, NARROW, None)), pair


# ---------------------------------------------------------------------------------------------
def test_funnel_points_use_the_pooled_rate_and_their_own_limits(demo_con):
    result = seeds.community_funnel(demo_con, YEAR)
    points = result.points
    assert len(points) == 35
    pooled = points["activities"].sum() / points["residents"].sum()
    assert result.pooled_per_1k == pytest.approx(pooled * 1000)
    assert np.allclose(points["expected"], pooled * points["residents"])
    assert (points["lower_998"] <= points["lower_95"]).all() and (points["upper_95"] <= points["upper_998"]).all()
    high = points["band"].str.startswith("high")
    assert (points.loc[high, "activities_per_1k"] > points.loc[high, "upper_95"]).all()
    within = points["band"] == "within"
    assert (
        points.loc[within, "activities_per_1k"]
        .between(points.loc[within, "lower_95"], points.loc[within, "upper_95"])
        .all()
    )
    curve = result.curve
    assert curve["residents"].is_monotonic_increasing
    assert (curve["upper_95"].diff().dropna() < 0).all()  # the funnel narrows as communities grow


def test_funnel_with_no_communities_is_empty(demo_con):
    result = seeds.community_funnel(demo_con, YEAR.replace(community_ids=("nope",)))
    assert result.points.empty and np.isnan(result.pooled_per_1k)


def test_items_are_ranked_within_their_colour(demo_con):
    items = seeds.item_ranking(demo_con, YEAR)
    assert len(items) == db.scalar(demo_con, "SELECT count(*) FROM service_items")
    assert items["activities"].sum() == len(raw_rows(demo_con, YEAR, None))
    for _colour, group in items.groupby("seed_colour"):
        assert group["rank_in_colour"].min() == 1
        assert group["participants"].is_monotonic_decreasing
        assert group["share_of_colour"].sum() == pytest.approx(1.0)
    only_white = seeds.item_ranking(demo_con, NARROW.replace(seed_colours=("white",)))
    assert set(only_white["seed_colour"]) == {"white"}


def test_daily_counts_cover_every_day(demo_con):
    days = seeds.daily(demo_con, YEAR, scope=SECRETARY)
    assert len(days) == 366 and days["day"].is_monotonic_increasing
    assert days["activities"].sum() == len(raw_rows(demo_con, YEAR, SECRETARY))
    assert (days["activities"] == 0).any()
    assert (days["week"].dt.day_of_week == 0).all() and days["weekday"].between(0, 6).all()


def test_partner_contribution_agrees_with_direct_counts(demo_con):
    partners = seeds.partner_contribution(demo_con, YEAR)
    rows = raw_rows(demo_con, YEAR, None)
    with_partner = rows[rows["partner_id"].notna()]
    assert partners["activities"].sum() == len(with_partner)
    reach = with_partner.groupby("partner_id")["community_id"].nunique()
    assert partners.set_index("partner_id")["communities_reached"].loc[reach.index].tolist() == reach.tolist()
    assert partners["share_of_activities"].sum() == pytest.approx(len(with_partner) / len(rows))
    matrix = seeds.pairing_matrix(demo_con, YEAR)
    idle = matrix[matrix["status"] == "idle"].groupby("partner_id").size()
    assert partners.set_index("partner_id")["idle_pairings"].loc[idle.index].tolist() == idle.tolist()


# ---------------------------------------------------------------------------------------------
# a hand-made world where every gap is known
def small_world(con, *, community_name="北街居民区", partner_name="上海汽轮机厂") -> None:
    for sql in [
        "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1'), ('G2', '二号网格', 'Grid 2')",
        f"""INSERT INTO communities (community_id, name, short_name, grid_id, households, residents, party_members)
            VALUES ('C1', '{community_name.replace("'", "''")}', NULL, 'G1', 400, 1000, 30),
                   ('C2', '河东居民区', '河东', 'G1', 800, 2000, 60),
                   ('C3', '华江新村第一居民区', '华江一居', 'G2', 1200, 3000, 90)""",
        f"""INSERT INTO partners (partner_id, name, kind) VALUES ('P1', '{partner_name.replace("'", "''")}', 'enterprise'),
                                                               ('P2', '上海第五人民医院', 'hospital')""",
        # P1–C1 delivers, P1–C2 stays idle, P2–C3 is signed after the period (not a gap in it)
        """INSERT INTO pairings VALUES ('P1', 'C1', DATE '2024-01-01'), ('P1', 'C2', DATE '2024-01-01'),
                                       ('P2', 'C3', DATE '2025-03-01')""",
        """INSERT INTO service_items VALUES ('S1', 'red', '证件照拍摄', 'ID photos'), ('S2', 'white', '中医把脉', 'TCM'),
                                            ('S3', 'white', '针灸', 'Acupuncture')""",
        """INSERT INTO seed_activities VALUES
            ('A1', DATE '2024-02-05', 'C1', 'S1', 'P1', 30, 4, 8.0, 'b'),
            ('A2', DATE '2024-02-06', 'C1', 'S2', NULL, 20, 2, 4.0, 'b'),
            ('A3', DATE '2024-03-10', 'C1', 'S2', 'P2', 10, 1, 2.0, 'b'),
            ('A4', DATE '2024-03-11', 'C3', 'S1', NULL, 40, 5, 10.0, 'b'),
            ('A5', DATE '2023-12-20', 'C2', 'S1', 'P1', 25, 3, 6.0, 'b')""",
    ]:
        db.execute(con, sql)


SMALL = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_small_world_uptake_and_previous_period(empty_con):
    small_world(empty_con)
    colours = seeds.uptake(empty_con, SMALL).set_index("seed_colour")
    assert colours.loc["red", "activities"] == 2 and colours.loc["white", "participants"] == 30
    communities = seeds.uptake(empty_con, SMALL, ("community_id",)).set_index("community_id")
    assert communities["activities"].to_dict() == {"C1": 3, "C2": 0, "C3": 1}
    assert communities.loc["C1", "activities_per_1k"] == pytest.approx(3.0)
    assert communities.loc["C2", "activities_prev"] == 1 and np.isnan(communities.loc["C1", "activities_change"])
    assert communities.loc["C2", "activities_change"] == pytest.approx(-1.0)
    assert communities.loc["C1", "community_short_name"] == "北街居民区"  # no short name: the full one


def test_small_world_pairings_and_gaps(empty_con):
    small_world(empty_con)
    matrix = seeds.pairing_matrix(empty_con, SMALL).set_index(["partner_id", "community_id"])["status"]
    assert matrix.to_dict() == {("P1", "C1"): "delivered", ("P1", "C2"): "idle", ("P2", "C1"): "unpaired"}
    assert seeds.idle_pairings(empty_con, SMALL)[["partner_id", "community_id"]].values.tolist() == [["P1", "C2"]]
    uncovered = seeds.uncovered_communities(empty_con, SMALL)
    assert uncovered["community_id"].tolist() == ["C2", "C3"]
    assert uncovered.set_index("community_id")["paired_partners"].to_dict() == {"C2": 1, "C3": 0}
    partners = seeds.partner_contribution(empty_con, SMALL).set_index("partner_id")
    assert partners.loc[
        "P1", ["activities", "communities_reached", "paired_communities", "idle_pairings"]
    ].tolist() == [1, 1, 2, 1]
    assert partners.loc["P2", "share_of_activities"] == pytest.approx(1 / 4)
    # A colour filter asks "which pairings delivered nothing of this colour".
    white = seeds.pairing_matrix(empty_con, SMALL.replace(seed_colours=("white",)))
    assert white.set_index("community_id").loc["C1"].set_index("partner_id")["status"].to_dict() == {
        "P1": "idle",
        "P2": "unpaired",
    }
    # A secretary sees their own community's cells only.
    mine = seeds.pairing_matrix(empty_con, SMALL, scope=Scope("secretary", "C2"))
    assert mine["community_id"].unique().tolist() == ["C2"]


def test_small_world_items_and_days(empty_con):
    small_world(empty_con)
    items = seeds.item_ranking(empty_con, SMALL)
    assert items[["item_id", "rank_in_colour", "participants"]].values.tolist() == [
        ["S1", 1, 70],
        ["S2", 1, 30],
        ["S3", 2, 0],
    ]
    days = seeds.daily(empty_con, Filters(dt.date(2024, 2, 4), dt.date(2024, 2, 10)))
    assert days["activities"].tolist() == [0, 1, 1, 0, 0, 0, 0]
    assert days["weekday"].tolist() == [6, 0, 1, 2, 3, 4, 5]
    assert seeds.daily(empty_con, Filters(), scope=Scope("secretary", "C3"))["activities"].tolist() == [1]


def test_empty_database_gives_empty_frames(empty_con):
    assert seeds.uptake(empty_con, SMALL)["activities"].sum() == 0
    assert seeds.uptake(empty_con, SMALL, ()).loc[0, "activities"] == 0
    assert seeds.community_funnel(empty_con, SMALL).points.empty
    assert seeds.daily(empty_con, Filters()).empty
    assert seeds.partner_contribution(empty_con, SMALL).empty
