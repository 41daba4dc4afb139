"""analytics.grids against independent, deliberately plain SQL on the demo world, and against numbers
worked out by hand on a tiny world."""

import datetime as dt
import math

import pandas as pd
import pytest

from analytics import db, grids, overview
from analytics.access import Scope
from analytics.filters import Filters

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _independent_grid_row(con, grid_id: str, f: Filters) -> dict:
    """One grid's numbers, one simple query at a time (no shared pipeline, no FILTER clauses)."""
    members = "SELECT community_id FROM communities WHERE grid_id = $g"
    colour = (
        ""
        if f.seed_colours is None
        else " AND item_id IN (SELECT item_id FROM service_items WHERE list_contains($c, seed_colour))"
    )
    p = {"g": grid_id, "s": f.start, "e": f.end}
    pc = {**p, "c": list(f.seed_colours or [])} if f.seed_colours is not None else p
    residents = db.scalar(
        con, f"SELECT sum(residents) FROM communities WHERE community_id IN ({members})", {"g": grid_id}
    )
    n_comm = db.scalar(con, f"SELECT count(*) FROM communities WHERE community_id IN ({members})", {"g": grid_id})
    cases_where = f"community_id IN ({members}) AND CAST(reported_at AS DATE) BETWEEN $s AND $e"
    count = lambda cond: db.scalar(con, f"SELECT count(*) FROM grid_cases WHERE {cases_where} AND {cond}", p)  # noqa: E731
    cases, closed = count("TRUE"), count("closed_at IS NOT NULL")
    in_grid, in_comm = count("resolved_level = 'grid'"), count("resolved_level IN ('grid', 'community')")
    u_closed, u_comm = (
        count("urgent AND closed_at IS NOT NULL"),
        count("urgent AND resolved_level IN ('grid', 'community')"),
    )
    satisfaction = db.scalar(con, f"SELECT avg(satisfaction) FROM grid_cases WHERE {cases_where}", p)
    act_where = f"community_id IN ({members}) AND held_on BETWEEN $s AND $e{colour}"
    activities = db.scalar(con, f"SELECT count(*) FROM seed_activities WHERE {act_where}", pc)
    participants = db.scalar(con, f"SELECT coalesce(sum(participants), 0) FROM seed_activities WHERE {act_where}", pc)
    partners = db.scalar(con, f"SELECT count(DISTINCT partner_id) FROM seed_activities WHERE {act_where}", pc)
    share = lambda a, b: a / b if b else math.nan  # noqa: E731
    return {
        "residents": residents,
        "communities": n_comm,
        "cases": cases,
        "closed": closed,
        "in_grid_rate": share(in_grid, closed),
        "in_community_rate": share(in_comm, closed),
        "urgent_in_community_rate": share(u_comm, u_closed),
        "satisfaction": satisfaction,
        "activities": activities,
        "participants": participants,
        "partners_active": partners,
        "activities_per_1k": share(1000 * activities, residents),
        "cases_per_1k": share(1000 * cases, residents),
    }


@pytest.mark.parametrize(
    "f", [YEAR, YEAR.replace(seed_colours=("green", "white")), Filters(dt.date(2023, 3, 1), dt.date(2023, 5, 31))]
)
def test_grid_summary_agrees_with_independent_sql(demo_con, f):
    frame = grids.grid_summary(demo_con, f).set_index("grid_id")
    assert list(frame.index) == [f"G{i}" for i in range(1, 8)]
    assert frame["selected"].all()
    for grid_id in frame.index:
        expected = _independent_grid_row(demo_con, grid_id, f)
        for column, value in expected.items():
            got = frame.at[grid_id, column]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert pd.isna(got), (grid_id, column)
            else:
                assert got == pytest.approx(float(value), rel=1e-9), (grid_id, column)


def test_grid_summary_adds_up_to_the_overview(demo_con):
    frame = grids.grid_summary(demo_con, YEAR)
    head = overview.headline(demo_con, YEAR).set_index("metric")["current"]
    for column in ("residents", "activities", "participants", "cases"):
        assert frame[column].sum() == pytest.approx(head[column])
    closed = frame["closed"].sum()
    assert (frame["in_grid_rate"] * frame["closed"]).sum() / closed == pytest.approx(head["in_grid_rate"])


def test_every_grid_appears_even_without_activity(demo_con):
    frame = grids.grid_summary(demo_con, Filters(dt.date(2010, 1, 1), dt.date(2010, 12, 31)))
    assert len(frame) == 7
    assert (frame[["cases", "activities", "participants", "partners_active"]] == 0).all().all()
    assert frame["in_grid_rate"].isna().all() and frame["satisfaction"].isna().all()
    assert (frame["activities_per_1k"] == 0).all()  # residents are there, activities are not
    assert frame["residents"].sum() > 100_000


def test_grid_filter_keeps_all_rows_and_marks_the_chosen(demo_con):
    frame = grids.grid_summary(demo_con, YEAR.replace(grid_ids=("G2", "G7"))).set_index("grid_id")
    assert len(frame) == 7
    assert frame["selected"].to_dict() == {g: g in ("G2", "G7") for g in frame.index}
    assert (frame.loc[["G1", "G3", "G4", "G5", "G6"], ["residents", "cases", "activities"]] == 0).all().all()
    whole = grids.grid_summary(demo_con, YEAR).set_index("grid_id")
    assert frame.loc["G7", "cases"] == whole.loc["G7", "cases"]


def test_secretary_scope_counts_only_her_community(demo_con):
    frame = grids.grid_summary(demo_con, YEAR, scope=Scope("secretary", "C30")).set_index("grid_id")
    c30 = grids.community_summary(demo_con, YEAR).set_index("community_id").loc["C30"]
    assert frame.loc["G7", "cases"] == c30["cases"] and frame.loc["G7", "residents"] == 6589
    assert frame["selected"].sum() == 1 and frame.drop("G7")["cases"].sum() == 0


def _tiny_world(con):
    for g in ("G1", "G2", "G3"):
        db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ($g, $n, $g)", {"g": g, "n": f"{g}网格"})
    for cid, g, residents in (("C1", "G1", 1000), ("C2", "G1", 3000), ("C3", "G2", 2000)):
        db.execute(
            con,
            "INSERT INTO communities VALUES ($c, $c, NULL, $g, 1, $r, 1, NULL, NULL, NULL, NULL)",
            {"c": cid, "g": g, "r": residents},
        )
    db.execute(
        con, "INSERT INTO service_items VALUES ('S1', 'red', '理发', 'haircut'), ('S2', 'green', '种树', 'trees')"
    )
    db.execute(
        con,
        "INSERT INTO partners VALUES ('P1', '医院', 'hospital', NULL, NULL, NULL),"
        " ('P2', '学校', 'school', NULL, NULL, NULL)",
    )
    acts = [
        ("A1", "2024-03-01", "C1", "S1", "P1", 10),
        ("A2", "2024-03-02", "C2", "S1", None, 20),
        ("A3", "2024-04-01", "C2", "S2", "P2", 30),
        ("A4", "2023-12-31", "C1", "S1", "P1", 99),
    ]
    for a in acts:
        db.execute(con, "INSERT INTO seed_activities VALUES ($1, $2, $3, $4, $5, $6, 1, 2.0, 't')", list(a))
    # G1: four closed (grid, grid, community, street; one urgent settled in the community, one urgent at
    # street level) and one open; satisfaction 5, 3 and one missing.
    cases = [
        ("K1", "C1", "2024-03-01 10:00", "grid", False, 5),
        ("K2", "C2", "2024-03-05 10:00", "grid", False, 3),
        ("K3", "C2", "2024-03-06 10:00", "community", True, None),
        ("K4", "C1", "2024-04-01 10:00", "street", True, None),
        ("K5", "C1", "2024-04-02 10:00", None, False, None),
        ("K6", "C3", "2025-01-01 10:00", "grid", False, 4),
    ]
    for cid, comm, at, level, urgent, sat in cases:
        db.execute(
            con,
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level,
                                                   urgent, satisfaction, batch_id)
                           VALUES ($id, $c, 'opinion', $at, CASE WHEN $lvl IS NULL THEN NULL ELSE CAST($at AS TIMESTAMP)
                                   + INTERVAL 1 DAY END, $lvl, $u, $s, 't')""",
            {"id": cid, "c": comm, "at": at, "lvl": level, "u": urgent, "s": sat},
        )


def test_hand_worked_tiny_world(empty_con):
    _tiny_world(empty_con)
    frame = grids.grid_summary(empty_con, YEAR).set_index("grid_id")
    g1 = frame.loc["G1"]
    assert (g1["residents"], g1["communities"], g1["cases"], g1["closed"]) == (4000, 2, 5, 4)
    assert g1["in_grid_rate"] == pytest.approx(2 / 4) and g1["in_community_rate"] == pytest.approx(3 / 4)
    assert g1["urgent_in_community_rate"] == pytest.approx(1 / 2) and g1["satisfaction"] == pytest.approx(4.0)
    assert (g1["activities"], g1["participants"], g1["partners_active"]) == (3, 60, 2)
    assert g1["activities_per_1k"] == pytest.approx(0.75) and g1["cases_per_1k"] == pytest.approx(1.25)
    g2, g3 = frame.loc["G2"], frame.loc["G3"]
    assert g2["selected"] and g2["cases"] == 0 and g2["activities_per_1k"] == 0 and pd.isna(g2["in_grid_rate"])
    assert not g3["selected"] and g3["residents"] == 0 and pd.isna(g3["activities_per_1k"])
    red = grids.grid_summary(empty_con, YEAR.replace(seed_colours=("red",))).set_index("grid_id").loc["G1"]
    assert (red["activities"], red["participants"], red["partners_active"], red["cases"]) == (2, 30, 1, 5)


def test_tiny_world_drill_down(empty_con):
    _tiny_world(empty_con)
    ranking = grids.community_ranking(empty_con, YEAR, "G1", "activities_per_1k")
    # C1: 1 activity / 1000 residents = 1.0; C2: 2 / 3000 = 0.67
    assert ranking["community_id"].tolist() == ["C1", "C2"] and ranking["rank"].tolist() == [1, 2]
    by_rate = grids.community_ranking(empty_con, YEAR, "G1", "in_grid_rate")
    # C1: grid, street (+1 open) → 0.5; C2: grid, community → 0.5: a tie shares rank 1
    assert by_rate["rank"].tolist() == [1, 1]
    items = grids.top_items(empty_con, YEAR, "G1")
    assert items[["item_id", "activities", "participants", "communities"]].values.tolist() == [
        ["S1", 2, 30, 2],
        ["S2", 1, 30, 1],
    ]
    partners = grids.top_partners(empty_con, YEAR, "G1")
    assert sorted(partners["partner_id"]) == ["P1", "P2"] and partners["activities"].tolist() == [1, 1]
    trend = grids.grid_trend(empty_con, YEAR, "G1")
    assert trend["activities"].tolist() == [2, 1] and trend["cases"].tolist() == [3, 2]


def test_community_ranking_orders_the_grid_on_the_metric(demo_con):
    ranking = grids.community_ranking(demo_con, YEAR, "G7", "activities_per_1k")
    assert len(ranking) == 5 and set(ranking["grid_id"]) == {"G7"}
    values = ranking["activities_per_1k"].tolist()
    assert values == sorted(values, reverse=True) and ranking["rank"].tolist() == [1, 2, 3, 4, 5]
    summary = grids.community_summary(demo_con, YEAR, grid_id="G7").set_index("community_id")
    for row in ranking.itertuples():
        assert row.cases == summary.at[row.community_id, "cases"]
    # the communities of a grid add up to the grid
    g7 = grids.grid_summary(demo_con, YEAR).set_index("grid_id").loc["G7"]
    assert summary["cases"].sum() == g7["cases"] and summary["activities"].sum() == g7["activities"]
    with pytest.raises(ValueError):
        grids.community_ranking(demo_con, YEAR, "G7", "residents; DROP TABLE grids")


def test_drill_down_ignores_the_sidebar_grid_choice_but_not_the_scope(demo_con):
    elsewhere = YEAR.replace(grid_ids=("G1",))
    assert len(grids.community_ranking(demo_con, elsewhere, "G7")) == 5
    mine = grids.community_ranking(demo_con, YEAR, "G7", scope=Scope("secretary", "C30"))
    assert mine["community_id"].tolist() == ["C30"]
    assert grids.community_ranking(demo_con, YEAR, "G1", scope=Scope("secretary", "C30")).empty


def test_top_items_and_partners_agree_with_independent_sql(demo_con):
    items = grids.top_items(demo_con, YEAR, "G3", limit=3)
    expected = db.query(
        demo_con,
        """
        SELECT item_id, count(*) AS n FROM seed_activities
        WHERE held_on BETWEEN '2024-01-01' AND '2024-12-31'
          AND community_id IN (SELECT community_id FROM communities WHERE grid_id = 'G3')
        GROUP BY item_id ORDER BY n DESC, item_id""",
    )
    assert len(items) == 3
    assert items["activities"].tolist() == expected["n"].head(3).tolist()
    partners = grids.top_partners(demo_con, YEAR, "G3", limit=10)
    expected = db.query(
        demo_con,
        """
        SELECT partner_id, count(*) AS n FROM seed_activities
        WHERE held_on BETWEEN '2024-01-01' AND '2024-12-31' AND partner_id IS NOT NULL
          AND community_id IN (SELECT community_id FROM communities WHERE grid_id = 'G3')
        GROUP BY partner_id""",
    ).set_index("partner_id")["n"]
    assert dict(zip(partners["partner_id"], partners["activities"])) == expected.to_dict()


def test_grid_trend_adds_up_to_the_grid(demo_con):
    trend = grids.grid_trend(demo_con, YEAR, "G4")
    g4 = grids.grid_summary(demo_con, YEAR).set_index("grid_id").loc["G4"]
    assert len(trend) == 12
    assert trend["activities"].sum() == g4["activities"] and trend["cases"].sum() == g4["cases"]
