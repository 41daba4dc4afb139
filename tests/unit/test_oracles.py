"""Definitions checked against independent oracles, at their boundaries (issue 18, item 8).

The other tests mostly compare the rolled-up path with the raw path of the same pipeline, so a bug in
the definition itself passes both. Here each expected number is worked out in plain Python from the
definition (README, DESIGN "Metric definitions") on a small hand-made world, never by calling the SQL
under test, and each test sits exactly on a boundary where a plausible one-character slip changes the
answer:

- the trimmed mean's five-judge rule inside the bootstrap (count ≥ 5 trims; a resample in which an
  entry has four totals takes the plain mean);
- small-count suppression: a dispute count of 4 is hidden from a non-leader, 5 is shown;
- the importer: a date-only case closed the day it was reported is accepted; one closed the day
  before is refused, saying so;
- a grid's residents and per-1,000 figures under a community filter count only the selected
  communities, and a grid with none of them is not "selected".

Each test was seen to fail with its named slip applied by hand (the commit that added this module lists
them and the failing lines).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analytics import cases, db, grids, ingest, refresh
from analytics.access import Scope
from analytics.contest import scoring as contest
from analytics.core import suppression
from analytics.explore import pivot
from analytics.filters import Filters
from analytics.warehouse import source

from .ingest_helpers import write_csv

# --- the trimmed mean inside the bootstrap ------------------------------------------------------

TRIM_AT = 5  # DESIGN: drop one highest and one lowest judge "when there are at least five"


def _oracle_trimmed_mean(totals: list[float]) -> float | None:
    """The contest score of one entry by the trimmed-mean method, from the definition."""
    if not totals:
        return None
    if len(totals) >= TRIM_AT:
        kept = sorted(totals)[1:-1]
        return sum(kept) / len(kept)
    return sum(totals) / len(totals)


def _oracle_mean(totals: list[float]) -> float | None:
    return sum(totals) / len(totals) if totals else None


def _oracle_competition_ranks(scores: dict[str, float | None]) -> dict[str, int | None]:
    """1 + the number of strictly better scores (ties share, 1, 2, 2, 4), on scores rounded to 6 places."""
    rounded = {e: (None if s is None else round(s, 6)) for e, s in scores.items()}
    return {
        e: None if s is None else 1 + sum(1 for o in rounded.values() if o is not None and o > s)
        for e, s in rounded.items()
    }


def _oracle_intervals(
    sheets: dict[str, list[float | None]], combine, *, resamples: int, seed: int
) -> dict[str, tuple[int, int]]:
    """The 95% rank interval of every entry when the panel is resampled with replacement, one plain
    loop per resample. The resampled panels are the ones the documented fixed seed draws (numpy's
    default generator, `resamples` rows of `judges` picks), so the answer can be compared exactly."""
    judges = len(next(iter(sheets.values())))
    picks = np.random.default_rng(seed).integers(0, judges, size=(resamples, judges)).tolist()
    ranks: dict[str, list[int]] = {e: [] for e in sheets}
    for panel in picks:
        scores = {e: combine([row[j] for j in panel if row[j] is not None]) for e, row in sheets.items()}
        for e, r in _oracle_competition_ranks(scores).items():
            if r is not None:
                ranks[e].append(r)
    out = {}
    for e, values in ranks.items():
        values.sort()
        n = len(values)
        # the 2.5% and 97.5% order statistics, rounded outward
        out[e] = (values[math.floor(0.025 * (n - 1))], values[math.ceil(0.975 * (n - 1))])
    return out


def _make_round(con, sheets: dict[str, list[float | None]]) -> None:
    """One round, one criterion of weight 1 (a judge's total is the score), judges J1…Jn in order."""
    db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '测试网格', 'test grid')")
    db.execute(con, "INSERT INTO contest_rounds VALUES ('T1', '测试场', DATE '2024-06-01')")
    db.execute(con, "INSERT INTO contest_criteria VALUES ('T1', 'K1', '总分', 1.0, 100.0)")
    for entry, row in sheets.items():
        db.execute(
            con,
            """INSERT INTO communities VALUES ($c, $n, $e, 'G1', 100, 1000, 10, 1990, NULL, NULL, NULL)""",
            {"c": f"C{entry}", "n": f"{entry}居民区", "e": entry},
        )
        db.execute(con, "INSERT INTO contest_entries VALUES ('T1', $e, $c, NULL, NULL)", {"e": entry, "c": f"C{entry}"})
        for j, score in enumerate(row, start=1):
            db.execute(con, "INSERT OR IGNORE INTO judges VALUES ($j, $j, 'expert')", {"j": f"J{j}"})
            if score is not None:
                db.execute(
                    con,
                    "INSERT INTO contest_scores VALUES ('T1', $e, $j, 'K1', $s)",
                    {"e": entry, "j": f"J{j}", "s": float(score)},
                )


# Five judges. A's one generous judge (J1) lifts its plain mean above B's but is trimmed away; B was not
# scored by J5, so in a resample B has five totals (trimmed) or fewer (plain mean) depending on
# how often J5 was drawn: both sides of the boundary occur inside the bootstrap.
FIVE_JUDGES = {
    "A": [99, 66, 67, 66, 68],
    "B": [70, 69, 71, 70, None],
    "C": [60, 90, 61, 59, 62],
    "D": [64, 64, 65, 63, 96],
}


def test_trimmed_mean_and_its_bootstrap_agree_with_the_definition_at_five_judges(empty_con):
    _make_round(empty_con, FIVE_JUDGES)
    out = contest.ranking(empty_con, "T1", "trimmed_mean").set_index("entry_id")
    present = {e: [s for s in row if s is not None] for e, row in FIVE_JUDGES.items()}
    expected_scores = {e: _oracle_trimmed_mean(t) for e, t in present.items()}
    expected_ranks = _oracle_competition_ranks(expected_scores)
    assert len(present["A"]) == TRIM_AT and len(present["B"]) == TRIM_AT - 1  # the boundary, both sides
    for entry in FIVE_JUDGES:
        assert out.at[entry, "score"] == pytest.approx(expected_scores[entry], abs=1e-9), entry
        assert out.at[entry, "rank"] == expected_ranks[entry], entry

    expected = _oracle_intervals(
        FIVE_JUDGES, _oracle_trimmed_mean, resamples=contest.BOOTSTRAP_RESAMPLES, seed=contest.BOOTSTRAP_SEED
    )
    # the panel is chosen so that the rule matters: plain means in every resample give other intervals
    untrimmed = _oracle_intervals(
        FIVE_JUDGES, _oracle_mean, resamples=contest.BOOTSTRAP_RESAMPLES, seed=contest.BOOTSTRAP_SEED
    )
    assert expected != untrimmed
    for entry, (low, high) in expected.items():
        observed = expected_ranks[entry]
        got = (int(out.at[entry, "rank_low"]), int(out.at[entry, "rank_high"]))
        assert got == (min(low, observed), max(high, observed)), entry


def test_the_bootstrap_trims_a_resample_of_exactly_five_totals_and_not_one_of_four():
    # one entry, five judges: every resample draws five totals, so each one is trimmed
    matrix = np.array([[10.0, 20.0, 30.0, 40.0, 1000.0]])
    picks = np.array([[0, 1, 2, 3, 4], [4, 4, 0, 1, 2], [0, 0, 0, 0, 4]])
    got = contest._resampled_scores(matrix, "trimmed_mean", picks)[:, 0]
    assert got.tolist() == pytest.approx([_oracle_trimmed_mean([matrix[0, j] for j in p]) for p in picks])
    assert got.tolist() == pytest.approx([30.0, (20 + 30 + 1000) / 3, 10.0])
    # judge 5 did not score this entry: a resample that draws it has four totals, a plain mean
    gap = np.array([[10.0, 20.0, 30.0, 1000.0, np.nan]])
    got = contest._resampled_scores(gap, "trimmed_mean", np.array([[0, 1, 2, 3, 4], [0, 1, 2, 3, 3]]))[:, 0]
    assert got.tolist() == pytest.approx([(10 + 20 + 30 + 1000) / 4, (20 + 30 + 1000) / 3])


# --- small-count suppression -----------------------------------------------------------------

NOT_LEADERS = (Scope("analyst"), Scope("admin"), Scope("secretary", "C01"))
MONTH = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def _oracle_dispute_count_shown(count: int) -> bool:
    """README: "for every role but leader, dispute counts from 1 to 4 are hidden"."""
    return not 1 <= count <= 4


def _seed_cases(con, disputes: int, opinions: int = 20) -> pd.DataFrame:
    """Cases of one community, all closed at grid level on the day after they were reported; returns
    them as a plain frame for the oracle."""
    db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1')")
    db.execute(
        con, "INSERT INTO communities VALUES ('C01', '甲居民区', '甲', 'G1', 100, 250, 10, 1990, NULL, NULL, NULL)"
    )
    rows = [(f"D{i}", "dispute") for i in range(disputes)] + [(f"O{i}", "opinion") for i in range(opinions)]
    for case_id, category in rows:
        db.execute(
            con,
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                           resolved_level, urgent, satisfaction, batch_id)
                           VALUES ($id, 'C01', $cat, TIMESTAMP '2024-01-05 09:00', TIMESTAMP '2024-01-06 09:00',
                                   'grid', false, 4, 'b')""",
            {"id": case_id, "cat": category},
        )
    return pd.DataFrame(rows, columns=["case_id", "category"])


@pytest.mark.parametrize("disputes", [4, 5])
def test_a_dispute_count_of_four_is_hidden_and_five_is_shown(empty_con, disputes):
    ledger = _seed_cases(empty_con, disputes)
    expected = ledger.groupby("category").size()
    shown = _oracle_dispute_count_shown(int(expected["dispute"]))
    assert shown == (disputes == 5)
    leader = cases.resolution(empty_con, MONTH, ("category",), scope=Scope("leader")).set_index("category")
    assert leader.loc["dispute", "cases"] == expected["dispute"]
    for scope in NOT_LEADERS:
        frame = cases.resolution(empty_con, MONTH, ("category",), scope=scope).set_index("category")
        row = frame.loc["dispute"]
        if shown:
            assert row["cases"] == expected["dispute"] and row["grid"] == expected["dispute"], scope
            assert row["in_grid_rate"] == pytest.approx(1.0), scope
        else:
            assert pd.isna(row["cases"]) and pd.isna(row["grid"]) and pd.isna(row["in_grid_rate"]), scope
        spec = pivot.PivotSpec("cases", (), ("cases", "in_grid_rate"), MONTH, keep=(("category", ("dispute",)),))
        alone = pivot.pivot(empty_con, spec, scope=scope).frame.iloc[0]
        if shown:
            assert alone["cases"] == expected["dispute"], scope
        else:
            assert pd.isna(alone["cases"]) and pd.isna(alone["in_grid_rate"]), scope


def _oracle_hidden_on_one_line(counts: list[int], small: int = 5) -> set[int]:
    """Primary and complementary suppression of one line of dispute counts, from the definition: hide
    counts 1…small-1, then, while the line's hidden non-zero cells are fewer than two or sum to less
    than `small`, hide the smallest non-zero count still shown (zeros are no cover)."""
    hidden = {i for i, n in enumerate(counts) if 1 <= n < small}
    while hidden:
        amounts = [counts[i] for i in hidden if counts[i] > 0]
        if not amounts or (len(amounts) >= 2 and sum(amounts) >= small):
            break
        shown = [i for i, n in enumerate(counts) if i not in hidden and n > 0]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: counts[i]))
    return hidden


@pytest.mark.parametrize(
    ("counts", "by_hand"),
    [
        ([2, 3, 7, 9], {0, 1}),  # two hidden cells summing to exactly five: enough, 7 stays shown
        ([1, 3, 7, 9], {0, 1, 2}),  # four is not enough: the next smallest (7) is hidden too
        ([4, 8, 9], {0, 1}),  # one primary cell takes one cover
        ([0, 4, 0, 6], {1, 3}),  # zeros are no cover
        ([5, 6, 40], set()),  # five is not small: nothing hidden
        ([4, 0, 0], {0}),  # nothing to cover with
    ],
)
def test_complementary_suppression_of_one_line_agrees_with_the_definition(counts, by_hand):
    frame = pd.DataFrame({"month": [f"2024-{m:02d}" for m in range(1, len(counts) + 1)], "cases": counts})
    hidden = suppression.hidden_cells(frame, pd.Series(True, index=frame.index), keys=("month",))
    assert _oracle_hidden_on_one_line(counts) == by_hand
    assert set(np.flatnonzero(hidden["cases"].to_numpy()).tolist()) == by_hand


def test_a_hidden_zero_needs_no_cover():
    # m1's basis (4 cases) is small, so its whole row is hidden, its zero settled-in-grid count too; a
    # zero beside a known total gives nothing away, so the grid column of the other months stays shown
    frame = pd.DataFrame({"month": ["m1", "m2", "m3"], "cases": [4, 9, 8], "grid": [0, 6, 7]})
    hidden = suppression.hidden_cells(frame, pd.Series(True, index=frame.index), keys=("month",), basis="cases")
    assert hidden["cases"].tolist() == [True, False, True]  # 4 with its smallest cover, 8
    assert hidden["grid"].tolist() == [True, False, False]


# --- the importer: closed before reported ----------------------------------------------------

HEADER = ["事务编号", "居民区", "事务类别", "上报时间", "办结时间", "办结层级", "是否紧急", "满意度"]


def _oracle_closed_too_early(reported: str, closed: str) -> bool:
    """A closed case's closing time is no earlier than its report; a date alone means that day's start."""
    return dt.datetime.fromisoformat(closed) < dt.datetime.fromisoformat(reported)


@pytest.fixture
def ledger_con(empty_con):
    """A real (not demo) database with one community for a ledger to name."""
    db.execute(empty_con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1')")
    db.execute(
        empty_con,
        "INSERT INTO communities VALUES ('C01', '甲居民区', '甲', 'G1', 100, 250, 10, 1990, NULL, NULL, NULL)",
    )
    assert not db.is_demo(empty_con)
    return empty_con


def test_a_date_only_case_closed_the_day_it_was_reported_is_accepted(ledger_con, tmp_path):
    reported, closed = "2024-03-05", "2024-03-05"
    assert not _oracle_closed_too_early(reported, closed)
    path = write_csv(
        tmp_path / "same_day.csv", [HEADER, ["S1", "甲居民区", "矛盾化解", reported, closed, "网格", "否", "5"]]
    )
    report = ingest.import_file(ledger_con, path, "grid_cases")
    assert report.ok and report.rows_imported == 1, report.errors
    stored = db.query(ledger_con, "SELECT reported_at, closed_at FROM grid_cases WHERE case_id = 'S1'")
    assert stored["reported_at"].iloc[0] == stored["closed_at"].iloc[0] == pd.Timestamp(reported)


def test_a_date_only_case_closed_the_day_before_it_was_reported_is_refused_saying_so(ledger_con, tmp_path):
    reported, closed = "2024-03-05", "2024-03-04"
    assert _oracle_closed_too_early(reported, closed)
    path = write_csv(
        tmp_path / "day_before.csv",
        [
            HEADER,
            ["S1", "甲居民区", "矛盾化解", reported, reported, "网格", "否", "5"],
            ["S2", "甲居民区", "矛盾化解", reported, closed, "网格", "否", "5"],  # row 3 as Excel numbers it
        ],
    )
    report = ingest.import_file(ledger_con, path, "grid_cases")
    assert not report.ok and report.rows_imported == 0
    assert [(row, column, message) for row, column, _, message in report.errors] == [
        (3, "办结时间", "办结时间早于上报时间，请核对")
    ]
    assert db.scalar(ledger_con, "SELECT count(*) FROM grid_cases") == 0


# --- a grid's residents under a community filter ----------------------------------------------

# community_id → (grid_id, residents); cases per community in January 2024
WORLD = {"C1": ("G1", 2000), "C2": ("G1", 6000), "C3": ("G2", 1500), "C4": ("G2", 500)}
CASES = {"C1": 34, "C2": 6, "C3": 9, "C4": 2}
ACTIVITIES = {"C1": 3, "C2": 5, "C3": 4, "C4": 1}


def _seed_world(con) -> None:
    for g in ("G1", "G2"):
        db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ($g, $n, $g)", {"g": g, "n": f"{g}网格"})
    db.execute(con, "INSERT INTO service_items VALUES ('I1', 'red', '红色项目', 'red item')")
    for c, (g, residents) in WORLD.items():
        db.execute(
            con,
            """INSERT INTO communities VALUES ($c, $c, $c, $g, 100, $r, 10, 1990, NULL, NULL, NULL)""",
            {"c": c, "g": g, "r": residents},
        )
        for n in range(CASES[c]):
            db.execute(
                con,
                """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                               resolved_level, urgent, satisfaction, batch_id)
                               VALUES ($id, $c, 'opinion', TIMESTAMP '2024-01-10 09:00',
                                       TIMESTAMP '2024-01-11 09:00', 'grid', false, NULL, 'b')""",
                {"id": f"{c}-K{n}", "c": c},
            )
        for n in range(ACTIVITIES[c]):
            db.execute(
                con,
                """INSERT INTO seed_activities VALUES ($id, DATE '2024-01-15', $c, 'I1', NULL, 10, 1, 2.0, 'b')""",
                {"id": f"{c}-A{n}", "c": c},
            )


def _oracle_grid_rows(communities: tuple[str, ...]) -> pd.DataFrame:
    """Per grid, over the selected communities only: residents, cases, activities and per-1,000 figures
    (README: per-1,000 figures divide by the residents of the communities that pass the filters)."""
    frame = pd.DataFrame(
        [
            {"grid_id": g, "community_id": c, "residents": r, "cases": CASES[c], "activities": ACTIVITIES[c]}
            for c, (g, r) in WORLD.items()
        ]
    )
    picked = frame[frame["community_id"].isin(communities)]
    out = picked.groupby("grid_id")[["residents", "cases", "activities"]].sum()
    out = out.reindex(sorted(frame["grid_id"].unique()), fill_value=0)
    out["selected"] = picked.groupby("grid_id").size().reindex(out.index, fill_value=0) > 0
    out["cases_per_1k"] = [1000 * k / r if r else math.nan for k, r in zip(out["cases"], out["residents"])]
    out["activities_per_1k"] = [1000 * a / r if r else math.nan for a, r in zip(out["activities"], out["residents"])]
    return out


@pytest.mark.parametrize("rolled", [False, True])
def test_grid_residents_and_per_1k_count_only_the_selected_communities(empty_con, rolled):
    _seed_world(empty_con)
    if rolled:
        refresh.refresh(empty_con)
    chosen = ("C1",)
    expected = _oracle_grid_rows(chosen)
    assert expected.at["G1", "cases_per_1k"] == pytest.approx(17.0)  # 34 cases per 2,000 residents
    con = source.Warehouse(empty_con, rollups=rolled)
    assert (con.source is source.ROLLUPS) == rolled
    got = grids.grid_summary(con, MONTH.replace(community_ids=chosen)).set_index("grid_id")
    communities = grids.community_summary(con, MONTH.replace(community_ids=chosen), grid_id="G1")
    for column in ("cases_per_1k", "activities_per_1k"):
        assert got.at["G1", column] == pytest.approx(expected.at["G1", column]), column
        assert pd.isna(got.at["G2", column]) and math.isnan(expected.at["G2", column]), column
    for column in ("residents", "cases", "activities"):
        assert got[column].astype(int).to_dict() == expected[column].to_dict(), column
    assert got["selected"].to_dict() == expected["selected"].to_dict() == {"G1": True, "G2": False}
    assert communities["community_id"].tolist() == ["C1"]
    assert communities["residents"].tolist() == [WORLD["C1"][1]]
    assert communities["cases_per_1k"].iloc[0] == pytest.approx(expected.at["G1", "cases_per_1k"])
