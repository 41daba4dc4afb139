"""What each role can read through the public analysis functions. A secretary (of 鹤北一居, C30) reads
her own community in detail, never another community's rows, even when she asks for one by id; an
analyst reads every community with personal fields masked; a leader reads everything."""

import datetime as dt

import pandas as pd
import pytest

from analytics import cases, grids, overview, seeds
from analytics.access import Scope, audit
from analytics.contest import scoring as contest
from analytics.core.errors import AccessDenied
from analytics.explore import catalog, pivot
from analytics.filters import Filters

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
MINE, OTHER = "C30", "C01"
SECRETARY = Scope("secretary", MINE)


def nonzero_communities(frame: pd.DataFrame, count_column: str) -> set[str]:
    return set(frame.loc[frame[count_column].fillna(0) > 0, "community_id"])


@pytest.mark.parametrize(
    "call, count_column",
    [
        (lambda con, f, s: seeds.uptake(con, f, ("community_id",), scope=s), "activities"),
        (lambda con, f, s: cases.resolution(con, f, ("community_id",), scope=s), "cases"),
        (lambda con, f, s: grids.community_summary(con, f, scope=s), "cases"),
        (lambda con, f, s: cases.community_table(con, f, "G1", scope=s), "cases"),
        (lambda con, f, s: cases.community_table(con, f, "G7", scope=s), "cases"),
    ],
)
def test_a_secretary_reads_only_her_own_community(demo_con, call, count_column):
    assert nonzero_communities(call(demo_con, YEAR, SECRETARY), count_column) <= {MINE}
    assert len(nonzero_communities(call(demo_con, YEAR, None), count_column) - {MINE}) >= 4


def test_asking_for_another_community_by_id_gives_nothing(demo_con):
    theirs = YEAR.replace(community_ids=(OTHER,))
    assert overview.headline(demo_con, theirs, scope=SECRETARY).set_index("metric").loc["cases", "current"] == 0
    assert seeds.uptake(demo_con, theirs, (), scope=SECRETARY)["activities"].fillna(0).sum() == 0
    assert cases.resolution(demo_con, theirs, (), scope=SECRETARY)["cases"].fillna(0).sum() == 0
    assert overview.headline(demo_con, theirs, scope=None).set_index("metric").loc["cases", "current"] > 0


def test_headline_numbers_are_her_communitys(demo_con):
    mine = overview.headline(demo_con, YEAR, scope=SECRETARY).set_index("metric")["current"]
    direct = overview.headline(demo_con, YEAR.replace(community_ids=(MINE,))).set_index("metric")["current"]
    pd.testing.assert_series_equal(mine, direct)
    summary = grids.grid_summary(demo_con, YEAR, scope=SECRETARY)
    assert summary["residents"].sum() == 6589


def test_contest_results_are_public(demo_con):
    for_secretary = contest.ranking(demo_con, "R2024", scope=SECRETARY)
    for_leader = contest.ranking(demo_con, "R2024")
    pd.testing.assert_frame_equal(
        for_secretary[["entry_id", "score", "rank"]], for_leader[["entry_id", "score", "rank"]]
    )


def test_analysts_read_every_community_with_personal_data_masked(demo_con):
    sample = catalog.sample(demo_con, "grid_cases", n=50, scope=Scope("analyst"))
    assert sample["reporter_phone"].str.contains(r"\*{4}").all()
    assert not sample["description"].str.contains(r"1[3-9]\d{9}").any()
    # The table browser's sample is masked for every role (nobody needs a phone number to learn a
    # table's shape); leaders read clear values through the console (tests/unit/test_console_masking.py).
    spec = pivot.PivotSpec(subject="cases", rows=("community",), measures=("cases",))
    assert len(pivot.pivot(demo_con, spec, scope=Scope("analyst")).frame) == 35


def test_admin_only_changes(demo_con):
    for role in ("leader", "analyst"):
        with pytest.raises(AccessDenied):
            cases.set_target(demo_con, "in_grid_rate", 0.8, scope=Scope(role))
    with pytest.raises(AccessDenied):
        cases.set_target(demo_con, "in_grid_rate", 0.8, scope=SECRETARY)
    with pytest.raises(AccessDenied):
        audit.recent(demo_con, scope=SECRETARY)
