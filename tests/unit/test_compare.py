"""A secretary's comparison figures: the leader's subdistrict figures, her grid's, her rank — no rows."""

import datetime as dt
import math

import pandas as pd
import pytest

from analytics import cases, compare, grids, overview, seeds
from analytics.access import Scope
from analytics.filters import Filters

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize("community", ["C30", "C05"])
def test_the_subdistrict_figures_are_the_leaders(demo_con, community):
    mine = compare.headline(demo_con, YEAR, scope=Scope("secretary", community)).set_index("metric")
    leader = overview.headline(demo_con, YEAR, scope=Scope("leader")).set_index("metric")["current"]
    pd.testing.assert_series_equal(mine["subdistrict"], leader, check_names=False)


def test_a_grid_selection_or_colour_in_the_sidebar(demo_con):
    chosen = YEAR.replace(grid_ids=("G1",), seed_colours=("green",))
    mine = compare.headline(demo_con, chosen, scope=Scope("secretary", "C30")).set_index("metric")
    leader = overview.headline(demo_con, chosen.replace(grid_ids=None), scope=Scope("leader"))
    assert mine["subdistrict"].tolist() == leader["current"].tolist()


def test_her_grid_is_her_grids_total(demo_con):
    mine = compare.headline(demo_con, YEAR, scope=Scope("secretary", "C05")).set_index("metric")
    g2 = grids.grid_summary(demo_con, YEAR).set_index("grid_id").loc["G2"]
    assert mine.loc["residents", "grid"] == g2["residents"]
    assert mine.loc["cases", "grid"] == g2["cases"]
    assert math.isclose(mine.loc["in_grid_rate", "grid"], g2["in_grid_rate"])


def test_her_rank_against_an_independent_ranking(demo_con):
    every = grids.community_summary(demo_con, YEAR).set_index("community_id")
    mine = compare.headline(demo_con, YEAR, scope=Scope("secretary", "C30")).set_index("metric")
    for metric, measure in compare.RANKED.items():
        values = every[measure].dropna()
        better = int((values > values["C30"]).sum())
        assert mine.loc[metric, "rank"] == better + 1, metric
        assert mine.loc[metric, "of"] == len(values) == 35
    assert math.isnan(mine.loc["residents", "rank"]) and math.isnan(mine.loc["cases", "rank"])


def test_only_aggregates_leave(demo_con):
    mine = compare.headline(demo_con, YEAR, scope=Scope("secretary", "C30"))
    assert list(mine.columns) == list(compare.COLUMNS)
    assert mine["metric"].tolist() == list(overview.METRICS)  # one row per measure, none per community


def test_other_roles_get_nothing_to_compare(demo_con):
    for role in ("leader", "analyst", "admin"):
        assert compare.headline(demo_con, YEAR, scope=Scope(role)).empty
    assert compare.headline(demo_con, YEAR).empty


def test_a_grid_too_small_hides_the_neighbour(demo_con, monkeypatch):
    assert compare.home_grid(demo_con, Scope("secretary", "C30")) == ("G7", "鹤庆片区网格", 5)
    monkeypatch.setattr(compare, "MIN_GRID_COMMUNITIES", 6)  # as if G7 held fewer than it takes
    mine = compare.headline(demo_con, YEAR, scope=Scope("secretary", "C30"))
    assert mine["grid"].isna().all()
    assert mine["subdistrict"].notna().all()


@pytest.mark.parametrize("community,grid", [("C30", "G7"), ("C05", "G2")])
def test_scores_beside_hers_are_the_leaders(demo_con, community, grid):
    mine = compare.scores(demo_con, YEAR, scope=Scope("secretary", community)).set_index("metric")
    leader = cases.scores(demo_con, YEAR, (), scope=Scope("leader")).set_index("metric")["score"]
    pd.testing.assert_series_equal(mine["subdistrict"], leader.astype(float), check_names=False)
    by_grid = cases.scores(demo_con, YEAR, ("grid_id",), scope=Scope("leader"))
    theirs = by_grid[by_grid["grid_id"] == grid].set_index("metric")["score"]
    pd.testing.assert_series_equal(mine["grid"], theirs.astype(float), check_names=False)
    assert compare.scores(demo_con, YEAR, scope=Scope("leader")).empty


def test_the_seeds_page_counts_what_the_overview_counts(demo_con):
    """The seeds page sets the same comparison under its own activity and participant tiles."""
    from_seeds = seeds.uptake(demo_con, YEAR, (), scope=Scope("secretary", "C30")).iloc[0]
    from_overview = overview.headline(demo_con, YEAR, scope=Scope("secretary", "C30")).set_index("metric")
    for metric in ("activities", "participants"):
        assert from_seeds[metric] == from_overview.loc[metric, "current"]
