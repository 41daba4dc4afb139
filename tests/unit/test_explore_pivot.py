"""The pivot builder agrees with straightforward SQL and with hand-made data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import db
from analytics.access import Scope
from analytics.core.errors import DataError
from analytics.explore import console as explore
from analytics.explore import pivot
from analytics.filters import Filters

YEAR_2023 = Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def rows(frame: pd.DataFrame) -> set[tuple]:
    return {tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in frame.itertuples(index=False)}


def test_activities_by_grid_and_colour_match_direct_sql(demo_con):
    spec = pivot.PivotSpec(
        "activities",
        ("grid", "seed_colour"),
        ("activities", "participants", "volunteer_hours", "partners_active"),
        YEAR_2023,
    )
    got = pivot.pivot(demo_con, spec).frame
    expected = demo_con.execute("""
        SELECT g.name, i.seed_colour, count(*), sum(a.participants), sum(a.volunteer_hours),
               count(DISTINCT a.partner_id)
        FROM seed_activities a, service_items i, communities c, grids g
        WHERE a.item_id = i.item_id AND a.community_id = c.community_id AND c.grid_id = g.grid_id
          AND a.held_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
        GROUP BY 1, 2""").fetchall()
    assert list(got.columns) == [
        "grid",
        "seed_colour",
        "activities",
        "participants",
        "volunteer_hours",
        "partners_active",
    ]
    assert rows(got) == {tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in expected}
    # rows come grid by grid (G1 first), colours in the seed plan's order
    first_grid = demo_con.execute("SELECT name FROM grids ORDER BY grid_id LIMIT 1").fetchone()[0]
    assert got["grid"].iloc[0] == first_grid
    colours = got.loc[got["grid"] == first_grid, "seed_colour"].tolist()
    assert colours == [c for c in ("red", "green", "white", "blue") if c in colours]


def test_case_rates_by_category_match_pandas(demo_con):
    spec = pivot.PivotSpec(
        "cases", ("category",), ("cases", "closed", "open", "in_grid_rate", "in_community_rate", "satisfaction")
    )
    got = pivot.pivot(demo_con, spec).frame.set_index("category")
    raw = demo_con.execute("SELECT category, resolved_level, satisfaction FROM grid_cases").df()
    for category, part in raw.groupby("category"):
        closed = part[part["resolved_level"].notna()]
        assert got.loc[category, "cases"] == len(part)
        assert got.loc[category, "closed"] == len(closed)
        assert got.loc[category, "open"] == len(part) - len(closed)
        assert got.loc[category, "in_grid_rate"] == pytest.approx((closed["resolved_level"] == "grid").mean())
        assert got.loc[category, "in_community_rate"] == pytest.approx(
            closed["resolved_level"].isin(["grid", "community"]).mean()
        )
        assert got.loc[category, "satisfaction"] == pytest.approx(part["satisfaction"].astype(float).mean())


def test_per_thousand_residents_by_community(demo_con):
    spec = pivot.PivotSpec(
        "activities", ("community",), ("activities", "activities_per_1k", "participants_per_1k"), YEAR_2023
    )
    got = pivot.pivot(demo_con, spec).frame.set_index("community")
    direct = (
        demo_con.execute("""
        SELECT c.name, count(*) AS n, sum(a.participants) AS p, any_value(c.residents) AS residents
        FROM seed_activities a JOIN communities c USING (community_id)
        WHERE a.held_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
        GROUP BY 1""")
        .df()
        .set_index("name")
    )
    for name, row in direct.iterrows():
        assert got.loc[name, "activities_per_1k"] == pytest.approx(row["n"] * 1000 / row["residents"])
        assert got.loc[name, "participants_per_1k"] == pytest.approx(row["p"] * 1000 / row["residents"])


def test_per_thousand_without_a_place_uses_the_selected_grids(demo_con):
    spec = pivot.PivotSpec("cases", ("month",), ("cases", "cases_per_1k"), Filters(grid_ids=("G2", "G5")))
    got = pivot.pivot(demo_con, spec).frame
    residents = demo_con.execute("SELECT sum(residents) FROM communities WHERE grid_id IN ('G2', 'G5')").fetchone()[0]
    monthly = demo_con.execute("""
        SELECT date_trunc('month', reported_at)::DATE AS month, count(*) AS n
        FROM grid_cases JOIN communities USING (community_id) WHERE grid_id IN ('G2', 'G5')
        GROUP BY 1 ORDER BY 1""").df()
    assert got["month"].tolist() == monthly["month"].tolist()  # months in order
    assert got["cases"].tolist() == monthly["n"].tolist()
    assert got["cases_per_1k"].tolist() == pytest.approx((monthly["n"] * 1000 / residents).tolist())


def test_keep_filters_and_scope(demo_con):
    spec = pivot.PivotSpec(
        "cases", ("resolved_level",), ("cases",), keep=(("category", ("dispute",)), ("urgent", (True,)))
    )
    got = pivot.pivot(demo_con, spec).frame
    expected = demo_con.execute("""
        SELECT coalesce(resolved_level, 'open'), count(*) FROM grid_cases
        WHERE category = 'dispute' AND urgent GROUP BY 1""").fetchall()
    assert rows(got) == set(expected)
    order = ["grid", "community", "street", "district", "open"]
    assert got["resolved_level"].tolist() == [lvl for lvl in order if lvl in set(got["resolved_level"])]

    mine = pivot.pivot(
        demo_con,
        pivot.PivotSpec("activities", ("community",), ("activities", "activities_per_1k")),
        scope=Scope("secretary", "C05"),
    ).frame
    name, residents, count = demo_con.execute("""
        SELECT c.name, c.residents, (SELECT count(*) FROM seed_activities WHERE community_id = 'C05')
        FROM communities c WHERE community_id = 'C05'""").fetchone()
    assert mine["community"].tolist() == [name] and mine["activities"].tolist() == [count]
    assert mine["activities_per_1k"].iloc[0] == pytest.approx(count * 1000 / residents)


def test_hand_made_cases(empty_con):
    db.execute(empty_con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid one')")
    db.execute(
        empty_con,
        "INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)"
        " VALUES ('C01', '甲居民区', 'G1', 100, 2000, 10)",
    )
    db.execute(
        empty_con,
        """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                                 resolved_level, urgent, satisfaction, batch_id) VALUES
        ('K1', 'C01', 'dispute', TIMESTAMP '2024-03-01 09:00', TIMESTAMP '2024-03-02 09:00', 'grid', false, 5, 'b'),
        ('K2', 'C01', 'dispute', TIMESTAMP '2024-03-05 09:00', TIMESTAMP '2024-03-08 09:00', 'grid', true, 3, 'b'),
        ('K3', 'C01', 'opinion', TIMESTAMP '2024-03-09 09:00', TIMESTAMP '2024-03-09 21:00', 'street', true, NULL, 'b'),
        ('K4', 'C01', 'opinion', TIMESTAMP '2024-03-20 09:00', NULL, NULL, true, NULL, 'b'),
        ('K5', 'C01', 'opinion', TIMESTAMP '2024-04-01 09:00', NULL, NULL, false, NULL, 'b')""",
    )
    spec = pivot.PivotSpec(
        "cases",
        (),
        (
            "cases",
            "closed",
            "open",
            "urgent_cases",
            "in_grid_rate",
            "urgent_in_community_rate",
            "days_to_close",
            "satisfaction",
            "cases_per_1k",
        ),
        Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    )
    got = pivot.pivot(empty_con, spec).frame.iloc[0]
    assert (got["cases"], got["closed"], got["open"], got["urgent_cases"]) == (4, 3, 1, 3)
    assert got["in_grid_rate"] == pytest.approx(2 / 3)  # the open matter is not in the denominator
    assert got["urgent_in_community_rate"] == pytest.approx(1 / 2)
    assert got["days_to_close"] == pytest.approx((1 + 3 + 0.5) / 3)
    assert got["satisfaction"] == pytest.approx(4.0)
    assert got["cases_per_1k"] == pytest.approx(4 * 1000 / 2000)

    nothing = pivot.pivot(empty_con, pivot.PivotSpec("activities", ("grid",), ("activities",))).frame
    assert nothing.empty and list(nothing.columns) == ["grid", "activities"]


@pytest.mark.parametrize(
    "spec",
    [
        pivot.PivotSpec("people", ("grid",), ("activities",)),
        pivot.PivotSpec("cases", ("seed_colour",), ("cases",)),
        pivot.PivotSpec("cases", ("grid",), ("activities",)),
        pivot.PivotSpec("cases", ("grid",), ()),
        pivot.PivotSpec("cases", ("grid", "month", "category", "urgent"), ("cases",)),
        pivot.PivotSpec("cases", ("grid", "grid"), ("cases",)),
        pivot.PivotSpec("cases", ("grid; DROP TABLE grids",), ("cases",)),
        pivot.PivotSpec("cases", ("grid",), ("count(*)); DROP TABLE grids; --",)),
        pivot.PivotSpec("cases", ("grid",), ("cases",), keep=(("category", ("'; DROP TABLE grids",)),)),
        pivot.PivotSpec("cases", ("grid",), ("cases",), keep=(("community", ("C01",)),)),
    ],
)
def test_only_allow_listed_names_reach_the_sql(demo_con, spec):
    with pytest.raises(DataError):
        pivot.pivot(demo_con, spec)


def test_the_shown_sql_runs_in_the_console_and_gives_the_same_answer(demo_con, demo_db_path):
    result = pivot.pivot(
        demo_con,
        pivot.PivotSpec(
            "cases",
            ("grid", "category"),
            ("cases", "in_grid_rate", "cases_per_1k"),
            Filters(dt.date(2023, 6, 1), dt.date(2024, 5, 31), grid_ids=("G1", "G3")),
            keep=(("category", ("dispute", "opinion")),),
        ),
    )
    assert "$" not in result.sql_inline and "DATE '2023-06-01'" in result.sql_inline
    console = explore.run_readonly(demo_db_path, result.sql_inline).frame
    pd.testing.assert_frame_equal(console, result.frame, check_dtype=False)
    for snapshot in explore.snapshot_files(demo_db_path):
        snapshot.unlink()
