"""A 街镇-bound scope reads its own town and nothing else, through every public function a page calls.

Two databases of the same demo world (seed and scale): the default one (江川路街道 alone) and a district
one that adds a simulated 古美街道 beside it. For every page function: a 江川 leader in the district
database gets exactly the default database's answer, and so does a district leader who filters to
江川 (Filters.town_codes); a 古美 leader's answer names no 江川 grid, community or partner, and a 江川
leader's names nothing of 古美's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from analytics import cases, compare, db, geo, grids, overview, places, seeds
from analytics.contest import panel, scoring, work
from analytics.core.hierarchy import JIANGCHUAN
from analytics.core.scope import Scope
from analytics.demo import generate as demo
from analytics.explore import catalog, pivot
from analytics.filters import Filters
from tests.conftest import TEST_SCALE

GUMEI = "310112006"
YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))

Call = Callable[[duckdb.DuckDBPyConnection, Filters, Scope | None, str], Any]


def _grid(town: str, jiangchuan_grid: str) -> str:
    return jiangchuan_grid if town == JIANGCHUAN else f"{town}-G1"


def _round(town: str, round_id: str = "R2024") -> str:
    return round_id if town == JIANGCHUAN else f"{town}-{round_id}"


# Every public function the overview, map, seeds, cases, contest and explorer pages call, as
# (con, filters, scope, town) -> result; `town` picks a grid or round of that town where one is asked for.
CALLS: dict[str, Call] = {
    "places.grid_list": lambda c, f, s, t: places.grid_list(c, scope=s),
    "places.community_list": lambda c, f, s, t: places.community_list(c, scope=s),
    "places.partner_list": lambda c, f, s, t: places.partner_list(c, scope=s),
    "places.item_list": lambda c, f, s, t: places.item_list(c, scope=s),
    "places.data_range": lambda c, f, s, t: places.data_range(c, scope=s),
    "overview.headline": lambda c, f, s, t: overview.headline(c, f, scope=s),
    "overview.monthly_trend": lambda c, f, s, t: overview.monthly_trend(c, f, scope=s),
    "compare.headline": lambda c, f, s, t: compare.headline(c, f, scope=s),
    "compare.scores": lambda c, f, s, t: compare.scores(c, f, scope=s),
    "grids.grid_summary": lambda c, f, s, t: grids.grid_summary(c, f, scope=s),
    "grids.community_summary": lambda c, f, s, t: grids.community_summary(c, f, scope=s),
    "grids.grid_trend": lambda c, f, s, t: grids.grid_trend(c, f, _grid(t, "G7"), scope=s),
    "grids.community_ranking": lambda c, f, s, t: grids.community_ranking(c, f, _grid(t, "G7"), scope=s),
    "grids.top_items": lambda c, f, s, t: grids.top_items(c, f, _grid(t, "G7"), scope=s),
    "grids.top_partners": lambda c, f, s, t: grids.top_partners(c, f, _grid(t, "G7"), scope=s),
    "geo.boundaries_for_period": lambda c, f, s, t: geo.boundaries_for_period(c, f.start, f.end, scope=s),
    "geo.boundary_versions": lambda c, f, s, t: geo.boundary_versions(c, scope=s),
    "seeds.uptake": lambda c, f, s, t: seeds.uptake(c, f, ("community_id", "seed_colour"), scope=s),
    "seeds.uptake_by_grid": lambda c, f, s, t: seeds.uptake(c, f, ("grid_id", "month"), scope=s),
    "seeds.daily": lambda c, f, s, t: seeds.daily(c, f, scope=s),
    "seeds.item_ranking": lambda c, f, s, t: seeds.item_ranking(c, f, scope=s),
    "seeds.pairing_matrix": lambda c, f, s, t: seeds.pairing_matrix(c, f, scope=s),
    "seeds.partner_contribution": lambda c, f, s, t: seeds.partner_contribution(c, f, scope=s),
    "seeds.idle_pairings": lambda c, f, s, t: seeds.idle_pairings(c, f, scope=s),
    "seeds.uncovered_communities": lambda c, f, s, t: seeds.uncovered_communities(c, f, scope=s),
    "seeds.community_funnel": lambda c, f, s, t: seeds.community_funnel(c, f, scope=s),
    "cases.resolution": lambda c, f, s, t: cases.resolution(c, f, ("grid_id",), scope=s),
    "cases.resolution_total": lambda c, f, s, t: cases.resolution(c, f, (), scope=s),
    "cases.flows": lambda c, f, s, t: cases.flows(c, f, scope=s),
    "cases.time_to_close": lambda c, f, s, t: cases.time_to_close(c, f, ("category",), scope=s),
    "cases.satisfaction": lambda c, f, s, t: cases.satisfaction(c, f, ("category",), scope=s),
    "cases.open_backlog": lambda c, f, s, t: cases.open_backlog(c, f, ("grid_id",), scope=s),
    "cases.oldest_open": lambda c, f, s, t: cases.oldest_open(c, f, scope=s),
    "cases.urgent_matters": lambda c, f, s, t: cases.urgent_matters(c, f, ("grid_id",), scope=s),
    "cases.community_table": lambda c, f, s, t: cases.community_table(c, f, _grid(t, "G7"), scope=s),
    "cases.community_table_totals": lambda c, f, s, t: cases.community_table_totals(c, f, _grid(t, "G7"), scope=s),
    "cases.targets": lambda c, f, s, t: cases.targets(c, scope=s),
    "cases.scores": lambda c, f, s, t: cases.scores(c, f, scope=s),
    "contest.rounds": lambda c, f, s, t: scoring.rounds(c, scope=s),
    "contest.criteria": lambda c, f, s, t: scoring.criteria(c, _round(t), scope=s),
    "contest.compare_methods": lambda c, f, s, t: scoring.compare_methods(c, _round(t), resamples=0, scope=s),
    "contest.rank_history": lambda c, f, s, t: scoring.rank_history(c, scope=s),
    "contest.missing_scores": lambda c, f, s, t: scoring.missing_scores(c, _round(t), scope=s),
    "contest.judge_matrix": lambda c, f, s, t: panel.judge_matrix(c, _round(t), scope=s),
    "contest.judge_leniency": lambda c, f, s, t: panel.judge_leniency(c, _round(t), scope=s),
    "contest.agreement": lambda c, f, s, t: panel.agreement(c, _round(t), scope=s),
    "contest.criterion_profile": lambda c, f, s, t: panel.criterion_profile(c, _round(t), scope=s),
    "contest.window": lambda c, f, s, t: work.window(c, _round(t), scope=s),
    "contest.stage_and_match": lambda c, f, s, t: work.stage_and_match(c, _round(t), scope=s),
    # app_meta says the district world is one (a row more): the rest must agree
    "explore.tables": lambda c, f, s, t: catalog.tables(c, scope=s).query("table_name != 'app_meta'"),
    "explore.sample": lambda c, f, s, t: catalog.sample(c, "communities", n=1000, scope=s),
    "explore.pivot_cases": lambda c, f, s, t: (
        pivot.pivot(
            c, pivot.PivotSpec(subject="cases", rows=("grid", "community"), measures=("cases",), filters=f), scope=s
        ).frame
    ),
    "explore.pivot_activities": lambda c, f, s, t: (
        pivot.pivot(
            c, pivot.PivotSpec(subject="activities", rows=("partner",), measures=("activities",), filters=f), scope=s
        ).frame
    ),
}


@pytest.fixture(scope="module")
def district_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The demo world of the shared fixture (same seed and scale) with a simulated 古美街道 beside it."""
    path: Path = tmp_path_factory.mktemp("district") / "two_towns.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=TEST_SCALE, district=True, towns=(GUMEI,))
    con.close()
    con = db.connect(path, read_only=True)
    yield con
    con.close()


def parts(result: Any) -> Iterator[Any]:
    """A result as the frames and plain values it is made of (dataclasses and tuples opened up)."""
    if isinstance(result, pd.DataFrame):
        yield result.reset_index(drop=True)
    elif isinstance(result, pd.Series):
        yield result.reset_index(drop=True).to_frame()
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        for f in dataclasses.fields(result):
            yield from parts(getattr(result, f.name))
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from parts(item)
    else:
        yield result


def words_in(result: Any) -> set[str]:
    """Every text cell (and column name) of the result: the ids and names it shows."""
    found: set[str] = set()
    for part in parts(result):
        if isinstance(part, pd.DataFrame):
            found.update(str(c) for c in part.columns)
            for column in part.columns:
                found.update(v for v in part[column].tolist() if isinstance(v, str))
        elif isinstance(part, str):
            found.add(part)
    return found


def assert_same(got: Any, expected: Any) -> None:
    got_parts, expected_parts = list(parts(got)), list(parts(expected))
    assert len(got_parts) == len(expected_parts)
    for a, b in zip(got_parts, expected_parts):
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(b, float) and pd.isna(b):
            assert pd.isna(a)
        else:
            assert a == b


def town_words(con: duckdb.DuckDBPyConnection, town: str) -> set[str]:
    """The ids and names of a town's grids, communities and its own partners."""
    frame = db.query(
        con,
        """SELECT g.grid_id, g.name AS grid_name, c.community_id, c.name, c.short_name
           FROM grids g JOIN communities c USING (grid_id) WHERE g.town_code = $t""",
        {"t": town},
    )
    words = {v for column in frame.columns for v in frame[column].dropna().tolist()}
    paired = db.query(
        con,
        """SELECT DISTINCT p.partner_id, p.name FROM partners p JOIN pairings pr USING (partner_id)
           WHERE pr.partner_id NOT IN (
               SELECT partner_id FROM pairings JOIN communities USING (community_id) JOIN grids USING (grid_id)
               WHERE town_code <> $t)""",
        {"t": town},
    )
    return words | set(paired["partner_id"]) | set(paired["name"])


def test_the_district_world_holds_both_towns_apart(district_con, demo_con):
    towns = db.query(district_con, "SELECT town_code, simulated FROM towns ORDER BY town_code")
    assert towns.values.tolist() == [[JIANGCHUAN, False], [GUMEI, True]]
    assert not town_words(district_con, JIANGCHUAN) & town_words(district_con, GUMEI)
    assert town_words(district_con, JIANGCHUAN) == town_words(demo_con, JIANGCHUAN)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_jiangchuan_leader_reads_the_one_town_answer(district_con, demo_con, name):
    call = CALLS[name]
    expected = call(demo_con, YEAR, Scope("leader"), JIANGCHUAN)
    assert_same(call(district_con, YEAR, Scope("leader", town_code=JIANGCHUAN), JIANGCHUAN), expected)
    # a district-wide leader who picks 江川 in the sidebar sees the same (reference lists and the
    # contest do not take the page filters: the sidebar's own lists narrow with the picker)
    if name.split(".")[0] not in ("places", "geo", "contest", "explore") and name != "cases.targets":
        filtered = YEAR.replace(town_codes=(JIANGCHUAN,))
        assert_same(
            call(district_con, filtered, Scope("leader"), JIANGCHUAN), call(demo_con, filtered, None, JIANGCHUAN)
        )


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_town_leader_reads_nothing_of_another_town(district_con, name):
    call = CALLS[name]
    for mine, theirs in ((GUMEI, JIANGCHUAN), (JIANGCHUAN, GUMEI)):
        for role in ("leader", "analyst"):
            shown = words_in(call(district_con, YEAR, Scope(role, town_code=mine), mine))
            leaked = shown & town_words(district_con, theirs)
            assert not leaked, f"{role} of {mine} sees {sorted(leaked)[:5]}"


def test_a_secretary_in_the_district_compares_with_her_own_town(district_con, demo_con):
    mine = Scope("secretary", "C30", town_code=JIANGCHUAN)
    for name in ("compare.headline", "compare.scores", "overview.headline", "grids.grid_summary"):
        expected = CALLS[name](demo_con, YEAR, Scope("secretary", "C30"), JIANGCHUAN)
        assert_same(CALLS[name](district_con, YEAR, mine, JIANGCHUAN), expected)


def test_the_district_reads_more_than_one_town(district_con, demo_con):
    district = overview.headline(district_con, YEAR, scope=Scope("leader")).set_index("metric")["current"]
    one_town = overview.headline(demo_con, YEAR, scope=Scope("leader")).set_index("metric")["current"]
    assert district["residents"] > one_town["residents"] and district["cases"] > one_town["cases"]
    gumei = YEAR.replace(town_codes=(GUMEI,))
    only_gumei = overview.headline(district_con, gumei, scope=Scope("leader")).set_index("metric")["current"]
    assert only_gumei["cases"] == district["cases"] - one_town["cases"]
