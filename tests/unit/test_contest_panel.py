"""Judges (matrix, leniency, agreement), criteria profiles and stage-versus-work."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import db
from analytics.access import Scope
from analytics.contest import panel as contest_panel
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from tests.unit.test_contest import columns, make_panel

SECRETARY = Scope("secretary", "C30")  # 鹤北新村第一居民区 in the demo world


# --- leniency and the matrix ---------------------------------------------------------------------


def test_leniency_by_hand(empty_con):
    make_panel(empty_con, {"A": {"J1": 80, "J2": 84, "J3": 76}, "B": {"J1": 70, "J2": 74, "J3": 66}})
    got = contest_panel.judge_leniency(empty_con, "T1").set_index("judge_id")
    # J2 on A: 84 − (80 + 76)/2 = 6; on B: 74 − (70 + 66)/2 = 6
    assert got["leniency"].to_dict() == pytest.approx({"J1": 0.0, "J2": 6.0, "J3": -6.0})
    assert got["entries_scored"].tolist() == [2, 2, 2]
    assert got["judge_no"].tolist() == [1, 2, 3]


def test_leniency_uses_only_the_entries_a_judge_scored(empty_con):
    make_panel(empty_con, {"A": {"J1": 80, "J2": 90}, "B": {"J1": 70}})
    got = contest_panel.judge_leniency(empty_con, "T1").set_index("judge_id")
    assert got.loc["J2", "leniency"] == pytest.approx(10) and got.loc["J1", "leniency"] == pytest.approx(-10)
    assert got.loc["J2", "entries_scored"] == 1


def test_judge_numbers_follow_the_natural_order_of_ids(empty_con):
    make_panel(empty_con, columns({"A": [1] * 10, "B": [2] * 10}))
    got = contest_panel.judge_leniency(empty_con, "T1")
    assert got["judge_id"].tolist()[:3] == ["J1", "J2", "J3"] and got["judge_id"].tolist()[-1] == "J10"


def test_demo_matrix_shows_the_missing_sheet(demo_con):
    matrix = contest_panel.judge_matrix(demo_con, "R2024")
    assert len(matrix) == 16 * 7
    cell = matrix[(matrix["entry_id"] == "R2024-E05") & (matrix["judge_id"] == "J7")].iloc[0]
    assert math.isnan(cell["total"]) and cell["criteria_scored"] == 0
    torn = matrix[(matrix["entry_id"] == "R2024-E09") & (matrix["judge_id"] == "J3")].iloc[0]
    assert torn["criteria_scored"] == 4 and not math.isnan(torn["total"])
    # the matrix's totals average to the mean method's score
    means = matrix.groupby("entry_id")["total"].mean()
    ranked = contest.ranking(demo_con, "R2024", "mean", resamples=0).set_index("entry_id")["score"]
    assert means.to_dict() == pytest.approx(ranked.to_dict())


def test_demo_leniency_finds_the_lenient_resident_judge(demo_con):
    got = contest_panel.judge_leniency(demo_con, "R2024").set_index("judge_id")
    assert got["leniency"].idxmax() == "J6" and got.loc["J6", "leniency"] > 5
    assert got["leniency"].idxmin() == "J2"
    assert got.loc["J7", "entries_scored"] == 15


def test_a_secretary_sees_only_their_own_rows_of_the_matrix(demo_con):
    matrix = contest_panel.judge_matrix(demo_con, "R2024", scope=SECRETARY)
    assert set(matrix["community_id"]) == {"C30"} and len(matrix) == 7
    # leniency is about judges over every entry, the same for every scope
    assert contest_panel.judge_leniency(demo_con, "R2024", scope=SECRETARY).equals(
        contest_panel.judge_leniency(demo_con, "R2024")
    )


# --- agreement -----------------------------------------------------------------------------------


def test_kendall_w_by_hand(empty_con):
    # ranks (ascending totals): J1 1,2,3; J2 1,3,2; J3 2,1,3 → rank sums 4, 6, 8; S = 8; W = 12·8 / (9·24)
    make_panel(
        empty_con,
        {"A": {"J1": 10, "J2": 10, "J3": 20}, "B": {"J1": 20, "J2": 30, "J3": 10}, "C": {"J1": 30, "J2": 20, "J3": 30}},
    )
    got = contest_panel.agreement(empty_con, "T1")
    assert got.kendall_w == pytest.approx(96 / 216)
    assert got.chi_square == pytest.approx(3 * 2 * 96 / 216) and got.judges == 3 and got.entries == 3
    assert got.level == "weak"


@pytest.mark.parametrize(
    "sheets, w, level",
    [
        ({"A": [1, 1, 1], "B": [2, 2, 2], "C": [3, 3, 3]}, 1.0, "strong"),
        ({"A": [1, 3], "B": [2, 2], "C": [3, 1]}, 0.0, "very_weak"),
    ],
)
def test_kendall_w_extremes(empty_con, sheets, w, level):
    make_panel(empty_con, columns(sheets))
    got = contest_panel.agreement(empty_con, "T1")
    assert got.kendall_w == pytest.approx(w, abs=1e-12) and got.level == level


def test_kendall_w_with_ties_matches_friedman(empty_con):
    table = {
        "A": [80, 70, 90, 85],
        "B": [80, 75, 60, 85],
        "C": [70, 75, 70, 60],
        "D": [60, 60, 70, 60],
        "E": [90, 88, 95, 92],
    }
    make_panel(empty_con, columns(table))
    got = contest_panel.agreement(empty_con, "T1")
    friedman = stats.friedmanchisquare(*table.values())  # tie-corrected
    m, n = 4, 5
    assert got.kendall_w == pytest.approx(friedman.statistic / (m * (n - 1)))
    assert got.p_value == pytest.approx(friedman.pvalue)


def test_agreement_leaves_out_entries_a_judge_missed(empty_con):
    make_panel(empty_con, columns({"A": [1, 1, 1], "B": [2, 2, 2], "C": [3, 3, None], "D": [0, 9, 5]}))
    got = contest_panel.agreement(empty_con, "T1")
    assert got.entries == 3 and got.entries_left_out == 1 and got.judges == 3


def test_too_little_to_judge_agreement(empty_con):
    make_panel(empty_con, {"A": {"J1": 80}, "B": {"J1": 70}})
    got = contest_panel.agreement(empty_con, "T1")
    assert got.level is None and math.isnan(got.kendall_w)


def test_demo_panels_agree(demo_con):
    got = contest_panel.agreement(demo_con, "R2024")
    assert got.judges == 7 and got.entries == 15 and got.entries_left_out == 1
    assert 0 < got.kendall_w <= 1 and got.level in {"strong", "moderate"}


# --- criteria profile ----------------------------------------------------------------------------


def test_criterion_profile_by_hand(empty_con):
    make_panel(
        empty_con,
        {"A": {"J1": [80, 60], "J2": [90, None]}, "B": {"J1": [70, 70], "J2": [60, 80]}},
        criteria=(("K1", 0.5), ("K2", 0.5)),
    )
    got = contest_panel.criterion_profile(empty_con, "T1").set_index(["entry_id", "criterion_id"])
    assert got.loc[("A", "K1"), "entry_mean"] == pytest.approx(85)
    assert got.loc[("A", "K2"), "entry_mean"] == pytest.approx(60) and got.loc[("A", "K2"), "judges"] == 1
    assert got.loc[("B", "K2"), "round_mean"] == pytest.approx((60 + 75) / 2)
    assert got.loc[("A", "K1"), "round_mean"] == pytest.approx((85 + 65) / 2)


def test_a_secretary_sees_their_profile_against_the_same_round_average(demo_con):
    everyone = contest_panel.criterion_profile(demo_con, "R2024")
    own = contest_panel.criterion_profile(demo_con, "R2024", scope=SECRETARY)
    assert set(own["community_id"]) == {"C30"} and len(own) == 5
    assert own.set_index("criterion_id")["round_mean"].to_dict() == pytest.approx(
        everyone.drop_duplicates("criterion_id").set_index("criterion_id")["round_mean"].to_dict()
    )


# --- stage versus work ---------------------------------------------------------------------------


def test_round_window_is_the_twelve_months_before():
    assert contest.round_window(dt.date(2024, 11, 20)) == (dt.date(2023, 11, 20), dt.date(2024, 11, 19))
    assert contest.round_window(dt.date(2024, 2, 29), 12) == (dt.date(2023, 2, 28), dt.date(2024, 2, 28))


def test_stage_vs_work_agrees_with_plain_sql(demo_con):
    got = contest_work.stage_vs_work(demo_con, "R2024").set_index("community_id")
    assert len(got) == 16 and (got["window_start"] == dt.date(2023, 11, 20)).all()
    plain = db.query(
        demo_con,
        """
        SELECT c.community_id,
               (SELECT count(*) FROM seed_activities a WHERE a.community_id = c.community_id
                  AND a.held_on BETWEEN DATE '2023-11-20' AND DATE '2024-11-19') * 1000.0 / c.residents AS per_1k,
               (SELECT count(*) FILTER (WHERE resolved_level = 'grid') / count(resolved_level) FROM grid_cases k
                 WHERE k.community_id = c.community_id
                  AND k.reported_at >= DATE '2023-11-20' AND k.reported_at < DATE '2024-11-20') AS in_grid,
               (SELECT avg(satisfaction) FROM grid_cases k WHERE k.community_id = c.community_id
                  AND k.reported_at >= DATE '2023-11-20' AND k.reported_at < DATE '2024-11-20') AS satisfaction
        FROM communities c
        WHERE c.community_id IN (SELECT community_id FROM contest_entries WHERE round_id = 'R2024')""",
    )
    plain = plain.set_index("community_id")
    for ours, theirs in (
        ("activities_per_1k", "per_1k"),
        ("in_grid_rate", "in_grid"),
        ("satisfaction", "satisfaction"),
    ):
        assert got[ours].to_dict() == pytest.approx(plain[theirs].astype(float).to_dict())
    stage = contest.ranking(demo_con, "R2024", resamples=0).set_index("community_id")
    assert got["rank"].to_dict() == stage["rank"].to_dict()


def test_stage_vs_work_for_a_secretary_is_their_own_row(demo_con):
    own = contest_work.stage_vs_work(demo_con, "R2024", scope=SECRETARY)
    assert own["community_id"].tolist() == ["C30"]
    everyone = contest_work.stage_vs_work(demo_con, "R2024").set_index("community_id")
    assert own.iloc[0]["activities_per_1k"] == pytest.approx(everyone.loc["C30", "activities_per_1k"])


def test_stage_work_match_is_spearman(demo_con):
    frame = contest_work.stage_vs_work(demo_con, "R2024")
    got = contest_work.stage_work_match(demo_con, "R2024").set_index("measure")
    for measure in contest_work.WORK_MEASURES:
        expected = stats.spearmanr(frame["score"], frame[measure]).statistic
        assert got.loc[measure, "rho"] == pytest.approx(expected)
        assert got.loc[measure, "level"] in {"strong", "weak", "none", "opposite"}
    few = contest_work.stage_work_match(demo_con, "R2023A")
    assert few["level"].isna().all() and (few["entries"] == 3).all()


@pytest.mark.parametrize("scope", [None, Scope("leader"), SECRETARY])
def test_stage_and_match_is_both_answers_from_one_reading(demo_con, scope):
    both = contest_work.stage_and_match(demo_con, "R2024", scope=scope)
    pd.testing.assert_frame_equal(both.frame, contest_work.stage_vs_work(demo_con, "R2024", scope=scope))
    pd.testing.assert_frame_equal(both.match, contest_work.stage_work_match(demo_con, "R2024", scope=scope))
    assert len(both.frame) == (1 if scope == SECRETARY else len(contest.ranking(demo_con, "R2024", resamples=0)))


def test_stage_work_levels():
    bounds = dict((name, bound) for bound, name in contest_work.MATCH_LEVELS)
    assert bounds["strong"] == 0.5 and np.isclose(bounds["none"], -0.2)
