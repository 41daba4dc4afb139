"""The contest ranking on small panels computed by hand, and on the demo world."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics import db
from analytics.contest import scoring as contest
from analytics.core.errors import DataError


def make_panel(con, sheets: dict, *, criteria=(("K1", 1.0),), round_id="T1", max_score=100.0):
    """sheets = {entry: {judge: score | [score per criterion, None = missing]}}. Every entry is its own
    community C<entry>; judges J1…; one grid."""
    db.execute(con, "INSERT OR IGNORE INTO grids (grid_id, name, name_en) VALUES ('G1', '测试网格', 'test grid')")
    db.execute(con, "INSERT INTO contest_rounds VALUES ($r, '测试场', DATE '2024-06-01')", {"r": round_id})
    for criterion, weight in criteria:
        db.execute(
            con,
            "INSERT INTO contest_criteria VALUES ($r, $c, $c, $w, $m)",
            {"r": round_id, "c": criterion, "w": weight, "m": max_score},
        )
    for entry, by_judge in sheets.items():
        community = f"C{entry}"
        db.execute(
            con,
            """INSERT OR IGNORE INTO communities VALUES ($c, $n, $s, 'G1', 1000, 2000, 100, 1990,
                           NULL, 121.4, 31.0)""",
            {"c": community, "n": f"{entry}居民区", "s": entry},
        )
        db.execute(
            con,
            "INSERT INTO contest_entries VALUES ($r, $e, $c, NULL, '主题')",
            {"r": round_id, "e": entry, "c": community},
        )
        for judge, value in by_judge.items():
            db.execute(con, "INSERT OR IGNORE INTO judges VALUES ($j, $j, 'expert')", {"j": judge})
            values = value if isinstance(value, list | tuple) else [value]
            for (criterion, _), score in zip(criteria, values):
                if score is not None:
                    db.execute(
                        con,
                        "INSERT INTO contest_scores VALUES ($r, $e, $j, $c, $s)",
                        {"r": round_id, "e": entry, "j": judge, "c": criterion, "s": float(score)},
                    )
    return round_id


def columns(sheets: dict) -> dict:
    """{entry: [scores]} → {entry: {J1: s1, J2: s2, …}}"""
    return {
        entry: {f"J{i}": s for i, s in enumerate(scores, start=1) if s is not None} for entry, scores in sheets.items()
    }


def ranks(frame) -> dict:
    return dict(zip(frame["entry_id"], frame["rank"].astype(int)))


def scores(frame) -> dict:
    return dict(zip(frame["entry_id"], frame["score"]))


# --- mean, ties ----------------------------------------------------------------------------------


def test_mean_and_competition_ranks_with_ties(empty_con):
    make_panel(empty_con, columns({"A": [80, 90, 70], "B": [85, 75, 80], "C": [90, 90, 90], "D": [60, 60, 60]}))
    out = contest.ranking(empty_con, "T1", "mean")
    assert scores(out) == pytest.approx({"A": 80, "B": 80, "C": 90, "D": 60})
    assert ranks(out) == {"C": 1, "A": 2, "B": 2, "D": 4}  # 1, 2, 2, 4: ties share, the next skips
    assert out["entry_id"].tolist()[0] == "C"


def test_floating_point_noise_does_not_split_a_tie(empty_con):
    # 0.1×… sums differ in the last bits; the weighted totals are equal in exact arithmetic
    make_panel(
        empty_con,
        {"A": {"J1": [70.1, 80.2, 90.3]}, "B": {"J1": [90.3, 80.2, 70.1]}},
        criteria=(("K1", 1 / 3), ("K2", 1 / 3), ("K3", 1 / 3)),
    )
    assert ranks(contest.ranking(empty_con, "T1", "mean")) == {"A": 1, "B": 1}


def test_weighted_total_is_the_sum_of_weight_times_score(empty_con):
    make_panel(
        empty_con,
        {"A": {"J1": [90, 50], "J2": [70, 60]}, "B": {"J1": [60, 90], "J2": [65, 85]}},
        criteria=(("K1", 0.6), ("K2", 0.4)),
    )
    out = contest.ranking(empty_con, "T1", "mean")
    a = ((0.6 * 90 + 0.4 * 50) + (0.6 * 70 + 0.4 * 60)) / 2
    b = ((0.6 * 60 + 0.4 * 90) + (0.6 * 65 + 0.4 * 85)) / 2
    assert scores(out) == pytest.approx({"A": a, "B": b})
    assert ranks(out) == {"A": 2, "B": 1}


# --- trimmed mean: four versus five judges -------------------------------------------------------


def test_trimmed_mean_drops_one_highest_and_one_lowest_with_five_judges(empty_con):
    make_panel(empty_con, columns({"A": [50, 80, 82, 84, 100], "B": [81, 81, 81, 81, 81]}))
    trimmed = contest.ranking(empty_con, "T1", "trimmed_mean")
    mean = contest.ranking(empty_con, "T1", "mean")
    assert scores(trimmed) == pytest.approx({"A": (80 + 82 + 84) / 3, "B": 81})
    assert scores(mean) == pytest.approx({"A": (50 + 80 + 82 + 84 + 100) / 5, "B": 81})
    assert ranks(trimmed) == {"A": 1, "B": 2} and ranks(mean) == {"A": 2, "B": 1}


def test_trimmed_mean_is_the_mean_with_four_judges(empty_con):
    make_panel(empty_con, columns({"A": [50, 80, 82, 84], "B": [81, 81, 81, 81]}))
    trimmed = contest.ranking(empty_con, "T1", "trimmed_mean")
    assert scores(trimmed) == pytest.approx({"A": (50 + 80 + 82 + 84) / 4, "B": 81})


def test_trimmed_mean_counts_the_judges_of_each_entry(empty_con):
    # five judges on the panel, but J5 missed B: A is trimmed, B (four totals) is a plain mean
    make_panel(empty_con, columns({"A": [60, 70, 71, 72, 95], "B": [50, 72, 73, 74, None]}))
    out = contest.ranking(empty_con, "T1", "trimmed_mean")
    assert scores(out) == pytest.approx({"A": 71, "B": (50 + 72 + 73 + 74) / 4})
    row = out.set_index("entry_id")
    assert row.loc["B", "judges_scored"] == 4 and row.loc["B", "missing_scores"] == 1
    assert row.loc["A", "missing_scores"] == 0


def test_trimmed_mean_drops_only_one_of_tied_extremes(empty_con):
    make_panel(empty_con, columns({"A": [90, 90, 80, 70, 70]}))
    assert scores(contest.ranking(empty_con, "T1", "trimmed_mean"))["A"] == pytest.approx((90 + 80 + 70) / 3)


# --- missing scores -------------------------------------------------------------------------------


def test_a_missing_criterion_is_rescaled_by_default_never_zero(empty_con):
    make_panel(
        empty_con,
        {
            "A": {"J1": [80, 70], "J2": [90, None], "J3": [60, 80]},
            "B": {"J1": [75, 75], "J2": [75, 75], "J3": [75, 75]},
        },
        criteria=(("K1", 0.6), ("K2", 0.4)),
    )
    out = contest.ranking(empty_con, "T1", "mean").set_index("entry_id")
    # J2's total for A is the weighted average of what J2 scored, on the full scale: 0.6×90 / 0.6 = 90
    expected = ((0.6 * 80 + 0.4 * 70) + 90 + (0.6 * 60 + 0.4 * 80)) / 3
    assert out.loc["A", "score"] == pytest.approx(expected)
    as_zero = ((0.6 * 80 + 0.4 * 70) + 0.6 * 90 + (0.6 * 60 + 0.4 * 80)) / 3
    assert out.loc["A", "score"] != pytest.approx(as_zero)
    assert out.loc["A", "judges_scored"] == 3 and out.loc["A", "missing_scores"] == 1


def test_a_missing_criterion_can_drop_that_judges_total(empty_con):
    make_panel(
        empty_con, {"A": {"J1": [80, 70], "J2": [90, None], "J3": [60, 80]}}, criteria=(("K1", 0.6), ("K2", 0.4))
    )
    out = contest.ranking(empty_con, "T1", "mean", partial="drop").set_index("entry_id")
    assert out.loc["A", "score"] == pytest.approx(((0.6 * 80 + 0.4 * 70) + (0.6 * 60 + 0.4 * 80)) / 2)
    assert out.loc["A", "judges_scored"] == 2


def test_missing_scores_lists_the_empty_cells(empty_con):
    make_panel(
        empty_con, {"A": {"J1": [80, 70], "J2": [90, None]}, "B": {"J1": [70, 70]}}, criteria=(("K1", 0.5), ("K2", 0.5))
    )
    gaps = contest.missing_scores(empty_con, "T1")
    assert gaps[["entry_id", "judge_id", "criteria_missing", "missing_names", "whole_sheet"]].values.tolist() == [
        ["A", "J2", 1, "K2", False],
        ["B", "J2", 2, "K1、K2", True],
    ]


def test_an_entry_nobody_scored_has_no_score_and_no_rank(empty_con):
    make_panel(empty_con, columns({"A": [80, 70], "B": [None, None], "C": [60, 50]}))
    db.execute(empty_con, "INSERT INTO contest_entries VALUES ('T1', 'Z', 'CA', NULL, NULL)")
    for method in contest.METHODS:
        out = contest.ranking(empty_con, "T1", method).set_index("entry_id")
        for unscored in ("B", "Z"):
            assert math.isnan(out.loc[unscored, "score"]) and out.loc[unscored, "rank"] is pd.NA
            assert out.loc[unscored, "rank_low"] is pd.NA and out.loc[unscored, "judges_scored"] == 0
        assert out.loc["A", "rank"] == 1 and out.loc["C", "rank"] == 2
        assert out.index.tolist()[-2:] == ["B", "Z"]


# --- judge_standardised ---------------------------------------------------------------------------


def test_judge_standardised_by_hand(empty_con):
    make_panel(empty_con, {"A": {"J1": 70, "J2": 60}, "B": {"J1": 80, "J2": 65}, "C": {"J1": 90, "J2": 85}})
    j1, j2 = np.array([70, 80, 90.0]), np.array([60, 65, 85.0])
    z = ((j1 - j1.mean()) / j1.std() + (j2 - j2.mean()) / j2.std()) / 2
    centre = (j1.mean() + j2.mean()) / 2
    spread = math.sqrt((j1.var() + j2.var()) / 2)
    out = contest.ranking(empty_con, "T1", "judge_standardised")
    assert scores(out) == pytest.approx(dict(zip("ABC", centre + spread * z)))
    assert ranks(out) == {"C": 1, "B": 2, "A": 3}


def _stretch_panel(stretch: bool) -> dict:
    # three judges prefer A by a little; J4 prefers B by a little, but writes its marks ten times wider
    j4 = {"A": 79, "B": 80, "C": 70, "D": 75}
    if stretch:
        j4 = {e: 10 * s - 700 for e, s in j4.items()}
    return {
        "A": {"J1": 80, "J2": 80, "J3": 80, "J4": j4["A"]},
        "B": {"J1": 79, "J2": 79, "J3": 79, "J4": j4["B"]},
        "C": {"J1": 70, "J2": 71, "J3": 69, "J4": j4["C"]},
        "D": {"J1": 75, "J2": 74, "J3": 76, "J4": j4["D"]},
    }


def test_judge_standardised_neutralises_a_judge_who_stretches_the_scale(empty_con):
    make_panel(empty_con, _stretch_panel(stretch=False), round_id="FAIR")
    make_panel(empty_con, _stretch_panel(stretch=True), round_id="WIDE")
    fair_mean = ranks(contest.ranking(empty_con, "FAIR", "mean", resamples=0))
    wide_mean = ranks(contest.ranking(empty_con, "WIDE", "mean", resamples=0))
    assert fair_mean["A"] < fair_mean["B"] and wide_mean["B"] < wide_mean["A"]  # the stretch flips A and B
    fair_std = ranks(contest.ranking(empty_con, "FAIR", "judge_standardised", resamples=0))
    wide_std = ranks(contest.ranking(empty_con, "WIDE", "judge_standardised", resamples=0))
    assert wide_std == fair_std == fair_mean


def _lenient_panel(leniency: float) -> dict:
    # J4 is generous by `leniency` points and did not score D (a judge who left early)
    true = {"A": 80, "B": 78, "C": 76, "D": 79}
    offsets = {"J1": (0, 1, -1, 0), "J2": (1, -1, 0, 1), "J3": (-1, 0, 1, -1)}
    sheets = {e: {j: true[e] + off[i] for j, off in offsets.items()} for i, e in enumerate(true)}
    for i, e in enumerate("ABC"):
        sheets[e]["J4"] = true[e] + leniency + (0, 1, -1)[i]
    return sheets


def test_judge_standardised_neutralises_a_lenient_judge_who_missed_an_entry(empty_con):
    make_panel(empty_con, _lenient_panel(0), round_id="FAIR")
    make_panel(empty_con, _lenient_panel(20), round_id="KIND")
    fair = ranks(contest.ranking(empty_con, "FAIR", "judge_standardised", resamples=0))
    kind = ranks(contest.ranking(empty_con, "KIND", "judge_standardised", resamples=0))
    assert kind == fair
    # without standardising, D, which the generous judge never saw, falls behind
    kind_mean = ranks(contest.ranking(empty_con, "KIND", "mean", resamples=0))
    fair_mean = ranks(contest.ranking(empty_con, "FAIR", "mean", resamples=0))
    assert fair_mean["D"] < fair_mean["B"] and kind_mean["D"] > kind_mean["B"]


def test_a_judge_with_no_spread_is_left_out_of_standardising(empty_con):
    make_panel(empty_con, {"A": {"J1": 80, "J2": 70}, "B": {"J1": 70, "J2": 70}})
    out = contest.ranking(empty_con, "T1", "judge_standardised", resamples=0)
    assert ranks(out) == {"A": 1, "B": 2}
    assert scores(out) == pytest.approx({"A": 80, "B": 70})  # J1 alone: centre 75, spread 5, z = ±1


# --- weights --------------------------------------------------------------------------------------


def test_weights_override_reranks(empty_con):
    make_panel(empty_con, {"A": {"J1": [90, 64]}, "B": {"J1": [70, 80]}}, criteria=(("K1", 0.5), ("K2", 0.5)))
    assert ranks(contest.ranking(empty_con, "T1", "mean")) == {"A": 1, "B": 2}
    what_if = contest.ranking(empty_con, "T1", "mean", {"K1": 0.0, "K2": 1.0})
    assert ranks(what_if) == {"A": 2, "B": 1}
    assert scores(what_if) == pytest.approx({"A": 64, "B": 80})
    # the override is rescaled to the round's own weight total: 3:1 on a total of 1 is 0.75 / 0.25
    assert scores(contest.ranking(empty_con, "T1", "mean", {"K1": 3, "K2": 1})) == pytest.approx(
        {"A": 0.75 * 90 + 0.25 * 64, "B": 0.75 * 70 + 0.25 * 80}
    )
    # criteria the override does not name keep their weight; pairs work as well as a dict
    assert scores(contest.ranking(empty_con, "T1", "mean", {"K1": 0.5})) == pytest.approx({"A": 77, "B": 75})
    assert scores(contest.ranking(empty_con, "T1", "mean", (("K1", 0), ("K2", 1)))) == scores(what_if)


@pytest.mark.parametrize(
    "weights, words",
    [({"K9": 1}, "K9"), ({"K1": -1}, "不小于 0"), ({"K1": 0, "K2": 0}, "都是 0"), ({"K1": "abc"}, "不是数字")],
)
def test_bad_weights_are_refused_in_chinese(empty_con, weights, words):
    make_panel(empty_con, {"A": {"J1": [90, 60]}}, criteria=(("K1", 0.5), ("K2", 0.5)))
    with pytest.raises(DataError, match=words):
        contest.ranking(empty_con, "T1", "mean", weights)


def test_unknown_round_and_method(empty_con):
    with pytest.raises(DataError, match="没有编号"):
        contest.ranking(empty_con, "NOPE")
    make_panel(empty_con, {"A": {"J1": 1}})
    with pytest.raises(ValueError):
        contest.ranking(empty_con, "T1", "median")


# --- the bootstrap interval -----------------------------------------------------------------------


def test_bootstrap_is_deterministic_and_contains_the_rank(demo_con):
    for method in contest.METHODS:
        first = contest.ranking(demo_con, "R2024", method)
        again = contest.ranking(demo_con, "R2024", method)
        assert first[["rank_low", "rank_high"]].equals(again[["rank_low", "rank_high"]])
        assert (first["rank_low"] <= first["rank"]).all() and (first["rank"] <= first["rank_high"]).all()
        assert (first["rank_low"] >= 1).all() and (first["rank_high"] <= len(first)).all()
        assert (first["rank_high"] - first["rank_low"]).max() > 0  # the panel is not unanimous


def test_bootstrap_over_a_unanimous_panel_is_certain(empty_con):
    make_panel(empty_con, columns({"A": [90, 91, 92, 93, 94], "B": [80, 81, 82, 83, 84], "C": [70, 71, 72, 73, 74]}))
    for method in contest.METHODS:
        out = contest.ranking(empty_con, "T1", method)
        assert (out["rank_low"] == out["rank"]).all() and (out["rank_high"] == out["rank"]).all()


def test_bootstrap_interval_widens_where_judges_disagree(empty_con):
    make_panel(empty_con, columns({"A": [90, 60, 88, 62, 91], "B": [70, 85, 72, 84, 71], "C": [40, 41, 42, 43, 44]}))
    out = contest.ranking(empty_con, "T1", "mean").set_index("entry_id")
    assert out.loc["A", "rank_low"] == 1 and out.loc["A", "rank_high"] == 2
    assert out.loc["C", "rank_low"] == out.loc["C", "rank_high"] == 3


def test_bootstrap_replays_the_sql_scores_on_the_identity_resample(demo_con):
    table = contest.effective_weights(contest.criteria(demo_con, "R2024"), None)
    frame = contest._scores(demo_con, "R2024", table, "rescale")
    matrix = contest._totals_matrix(demo_con, "R2024", table, "rescale", frame["entry_id"].tolist())
    identity = np.arange(matrix.shape[1])[None, :]
    for method, column in (("mean", "mean_score"), ("trimmed_mean", "trimmed_score")):
        replay = contest._resampled_scores(matrix, method, identity)[0]
        assert replay == pytest.approx(frame[column].to_numpy())
    z = contest._resampled_scores(matrix, "judge_standardised", identity)[0]
    assert contest.competition_ranks(z).tolist() == frame["standardised_rank"].astype(float).tolist()


def test_too_few_resamples_are_refused(empty_con):
    make_panel(empty_con, {"A": {"J1": 1}})
    with pytest.raises(ValueError, match="1000"):
        contest.ranking(empty_con, "T1", resamples=100)


def test_competition_ranks():
    got = contest.competition_ranks(np.array([[3.0, 5.0, 5.0, np.nan, 1.0]]))
    assert got[0, :3].tolist() == [3, 1, 1] and np.isnan(got[0, 3]) and got[0, 4] == 4


# --- the demo world --------------------------------------------------------------------------------


def test_demo_round_with_gaps(demo_con):
    out = contest.compare_methods(demo_con, "R2024").set_index("entry_id")
    assert len(out) == 16
    assert out.loc["R2024-E05", "judges_scored"] == 6 and out.loc["R2024-E05", "missing_scores"] == 5
    assert out.loc["R2024-E09", "judges_scored"] == 7 and out.loc["R2024-E09", "missing_scores"] == 1
    assert out["missing_scores"].sum() == 6
    spread = out[[f"rank_{m}" for m in contest.METHODS]].astype(int)
    assert (out["rank_spread"] == spread.max(axis=1) - spread.min(axis=1)).all()
    assert (out["methods_agree"] == (out["rank_spread"] == 0)).all()
    gaps = contest.missing_scores(demo_con, "R2024")
    assert gaps[["entry_id", "judge_id", "whole_sheet"]].values.tolist() == [
        ["R2024-E05", "J7", True],
        ["R2024-E09", "J3", False],
    ]
    assert gaps["missing_names"].tolist()[1] == "文化美"


def test_demo_mean_agrees_with_plain_sql(demo_con):
    plain = db.query(
        demo_con,
        """
        WITH totals AS (
            SELECT s.entry_id, s.judge_id, sum(c.weight * s.score) AS total
            FROM contest_scores s JOIN contest_criteria c USING (round_id, criterion_id)
            WHERE s.round_id = 'R2023B'
            GROUP BY ALL
        )
        SELECT entry_id, avg(total) AS score FROM totals GROUP BY ALL""",
    )
    got = scores(contest.ranking(demo_con, "R2023B", "mean"))
    assert got == pytest.approx(dict(zip(plain["entry_id"], plain["score"])))


def test_rank_history_matches_each_rounds_ranking(demo_con):
    history = contest.rank_history(demo_con)
    assert set(history["round_id"]) == {"R2023A", "R2023B", "R2024"}
    for round_id, group in history.groupby("round_id"):
        one = contest.ranking(demo_con, round_id, resamples=0)
        assert dict(zip(group["community_id"], group["rank"])) == dict(zip(one["community_id"], one["rank"]))
        assert (group["entries_in_round"] == len(one)).all()
    every_round = history[history["rounds_entered"] == 3]["community_id"].nunique()
    assert every_round == 3  # the three of the model round
    assert list(history["held_on"]) == sorted(history["held_on"])
    hebei = history[history["community_id"] == "C30"].set_index("round_id")
    assert pd.isna(hebei.loc["R2023A", "previous_rank"])
    assert hebei.loc["R2024", "previous_rank"] == hebei.loc["R2023B", "rank"]
    assert hebei.loc["R2024", "previous_entries"] == 12


def test_ranking_is_public_to_a_secretary(demo_con):
    from analytics.access import Scope

    everyone = contest.ranking(demo_con, "R2024")
    secretary = contest.ranking(demo_con, "R2024", scope=Scope("secretary", "C30"))
    assert secretary.equals(everyone)
    gaps = contest.missing_scores(demo_con, "R2024", scope=Scope("secretary", "C30"))
    assert gaps.empty  # C30's own entry has no gaps
