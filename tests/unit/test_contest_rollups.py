"""The stored contest rankings (analytics/schema/61_contest_rollups.sql): after the demo build, after an
import of score sheets and after its undo they equal the rankings scored from the contest tables, the
pages read them, and stale ones (the tables changed behind the importer's back, or the scoring code
changed) are never read."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import db, ingest, refresh
from analytics.access import Scope
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.warehouse import source
from tests.unit import test_ingest_contest
from tests.unit.ingest_helpers import CASE_HEADER, write_csv, write_xlsx
from tests.unit.test_ingest_contest import SCORES_R2, _wide

contest_con, real_con = test_ingest_contest.contest_con, test_ingest_contest.real_con  # the fixtures


def _reads_stored(fn, *args, **kwargs) -> tuple[pd.DataFrame, bool]:
    """The answer, and whether the stored rankings were asked (they answer only while current)."""
    with db.capture_sql() as captured:
        out = fn(*args, **kwargs)
    return out, any("rollup_contest_rankings" in sql for sql, _ in captured)


def _poison(con) -> None:
    """Stored scores no judge could give: an answer that shows them was read from the stored rankings."""
    con.execute(
        "UPDATE rollup_contest_rankings SET score_mean = -1, score_trimmed_mean = -1, score_judge_standardised = -1"
    )


def _shows_poison(frame: pd.DataFrame) -> bool:
    return bool((frame["score"] == -1).any())


def assert_stored_equal_scored(con) -> None:
    """Every public ranking answer is the same from the stored rankings as scored now, and is read stored."""
    round_ids = db.query(con, "SELECT DISTINCT round_id FROM contest_criteria ORDER BY 1")["round_id"].tolist()
    assert round_ids
    for round_id in round_ids:
        for method in contest.METHODS:
            for resamples in (contest.BOOTSTRAP_RESAMPLES, 0):
                stored, read = _reads_stored(contest.ranking, con, round_id, method, resamples=resamples)
                assert read, (round_id, method, resamples)
                scored, read = _reads_stored(contest.ranking, source.raw(con), round_id, method, resamples=resamples)
                assert not read
                pd.testing.assert_frame_equal(stored, scored)
        stored, read = _reads_stored(contest.compare_methods, con, round_id)
        scored = contest.compare_methods(source.raw(con), round_id)
        assert read
        pd.testing.assert_frame_equal(stored, scored)
    history, read = _reads_stored(contest.rank_history, con)
    pd.testing.assert_frame_equal(history, contest.rank_history(source.raw(con)))
    assert read or history.empty


@pytest.mark.slow
def test_the_demo_builds_its_rankings_and_they_equal_the_scored_ones(demo_con):
    assert contest.rankings_current(demo_con)
    assert_stored_equal_scored(demo_con)
    for round_id in ("R2024", "R2023B"):
        work = contest_work.stage_vs_work(source.raw(demo_con), round_id)
        pd.testing.assert_frame_equal(contest_work.stage_vs_work(demo_con, round_id), work)
    # the stored rows really are the scores the demo world's judges gave: the top entry by hand
    sheet = db.query(
        demo_con,
        """
        SELECT s.entry_id, s.judge_id, sum(s.score * c.weight) AS total
        FROM contest_scores s JOIN contest_criteria c USING (round_id, criterion_id)
        WHERE s.round_id = 'R2024' GROUP BY ALL""",
    )
    complete = sheet.groupby("entry_id")["total"].mean()
    top = contest.ranking(demo_con, "R2024", "mean").iloc[0]
    assert top["rank"] == 1 and top["rank_low"] == 1
    assert top["score"] == pytest.approx(complete.max(), abs=1.0)  # torn sheets are rescaled, so close, not equal


def test_the_what_if_sliders_at_rest_read_the_stored_ranking(demo_con):
    crit = contest.criteria(demo_con, "R2024")
    percent = tuple(
        sorted((c, round(w / crit["weight"].sum() * 100)) for c, w in zip(crit["criterion_id"], crit["weight"]))
    )
    at_rest, read = _reads_stored(contest.ranking, demo_con, "R2024", "trimmed_mean", weights=percent)
    assert read
    pd.testing.assert_frame_equal(at_rest, contest.ranking(demo_con, "R2024", "trimmed_mean"))
    moved = (("K1", 60), *percent[1:])
    what_if, read = _reads_stored(contest.ranking, demo_con, "R2024", "trimmed_mean", weights=moved)
    assert not read
    assert not what_if["score"].equals(at_rest["score"])
    # another rule for torn sheets, or another seed, is scored, not read
    assert not _reads_stored(contest.ranking, demo_con, "R2024", partial="drop")[1]
    assert not _reads_stored(contest.ranking, demo_con, "R2024", seed=7)[1]


@pytest.mark.slow
def test_an_import_of_score_sheets_and_its_undo_keep_the_rankings_right(contest_con, tmp_path):
    con = contest_con
    assert contest.rankings_current(con)
    assert contest.ranking(con, "R2", "mean")["score"].isna().all()  # entries, no scores yet
    report = ingest.import_file(
        con, write_xlsx(tmp_path / "wide.xlsx", {"评分": _wide(SCORES_R2, checks=False)}), "contest_scores"
    )
    assert report.ok and report.rows_imported == 15
    assert contest.rankings_current(con)
    assert_stored_equal_scored(con)
    ranked = contest.ranking(con, "R2", "trimmed_mean")
    assert ranked["community_id"].tolist() == ["C30", "C22", "C01"]  # 鹤北一居 87.67, 红旗一居 82, 北街 73.67
    assert ranked["score"].round(2).tolist() == [87.67, 82.0, 73.67]

    ingest.undo_batch(con, report.batch_id)
    assert contest.rankings_current(con)
    assert contest.ranking(con, "R2", "mean")["score"].isna().all()
    assert_stored_equal_scored(con)


def test_scores_changed_behind_the_importer_are_scored_not_read(fresh_con):
    con = fresh_con
    before = contest.ranking(con, "R2024", "mean").dropna(subset=["score"])
    entry = before.iloc[-1]["entry_id"]  # the last of the scored entries
    con.execute("UPDATE contest_scores SET score = 100 WHERE round_id = 'R2024' AND entry_id = $e", {"e": entry})
    assert not contest.rankings_current(con)
    _poison(con)
    after = contest.ranking(con, "R2024", "mean")
    assert not _shows_poison(after) and after.iloc[0]["entry_id"] == entry  # the change shows at once
    refresh.refresh(con)
    assert contest.rankings_current(con)
    pd.testing.assert_frame_equal(contest.ranking(con, "R2024", "mean"), after)


def test_rankings_scored_by_other_code_are_not_read(fresh_con, monkeypatch):
    assert contest.rankings_current(fresh_con)
    _poison(fresh_con)
    assert _shows_poison(contest.ranking(fresh_con, "R2024"))  # current: read
    monkeypatch.setattr(contest, "VERSION", contest.VERSION + 1)
    assert not contest.rankings_current(fresh_con)
    assert not _shows_poison(contest.ranking(fresh_con, "R2024"))  # not current: scored
    refresh.refresh(fresh_con)
    assert contest.rankings_current(fresh_con)
    assert not _shows_poison(contest.ranking(fresh_con, "R2024"))


@pytest.mark.parametrize("method", contest.METHODS)
def test_a_method_ranking_taken_from_the_comparison_is_that_ranking(demo_con, method):
    """The contest page reads the announced ranking out of compare_methods instead of asking again."""
    for round_id in ("R2024", "R2023A"):
        compared = contest.compare_methods(demo_con, round_id)
        pd.testing.assert_frame_equal(
            contest.method_ranking(compared, method), contest.ranking(demo_con, round_id, method)
        )
        raw = source.raw(demo_con)
        pd.testing.assert_frame_equal(
            contest.method_ranking(contest.compare_methods(raw, round_id), method),
            contest.ranking(raw, round_id, method),
        )
    with pytest.raises(ValueError):
        contest.method_ranking(compared, "median")


def test_a_database_from_before_the_stored_rankings_is_scored(fresh_con, tmp_path):
    """A file without the stored-ranking tables, opened read-only (no schema update): everything works."""
    con = fresh_con
    expected = {
        "ranking": contest.ranking(con, "R2024"),
        "compare": contest.compare_methods(con, "R2024"),
        "history": contest.rank_history(con),
        "work": contest_work.stage_vs_work(con, "R2024"),
    }
    for table in (
        "rollup_contest_rankings",
        "rollup_contest_state",
        "rollup_contest_work",
        "rollup_contest_work_state",
    ):
        con.execute(f"DROP TABLE {table}")
    path = db.scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    con.close()
    old = db.connect(path, read_only=True)
    try:
        assert not contest.rankings_current(old) and not contest_work.record_current(old)
        pd.testing.assert_frame_equal(contest.ranking(old, "R2024"), expected["ranking"])
        pd.testing.assert_frame_equal(contest.compare_methods(old, "R2024"), expected["compare"])
        pd.testing.assert_frame_equal(contest.rank_history(old), expected["history"])
        pd.testing.assert_frame_equal(contest_work.stage_vs_work(old, "R2024"), expected["work"])
    finally:
        old.close()


# ---------------------------------------------------------------------------------------------------
# the stored stage-vs-work record (analytics/schema/62_contest_work_rollups.sql)
def _reads_record(fn, *args, **kwargs):
    with db.capture_sql() as captured:
        out = fn(*args, **kwargs)
    return out, any("rollup_contest_work" in sql for sql, _ in captured)


def assert_record_equal_computed(con, scopes=(None,)) -> None:
    """stage_vs_work and stage_and_match read the stored record, and it equals the record computed from
    the raw tables, for every round, method and scope."""
    round_ids = contest.rounds(con)["round_id"].tolist()
    assert round_ids
    for round_id in round_ids:
        for method in contest.METHODS:
            for scope in scopes:
                stored, read = _reads_record(contest_work.stage_vs_work, con, round_id, method, scope=scope)
                assert read, (round_id, method, scope)
                computed, read = _reads_record(
                    contest_work.stage_vs_work, source.raw(con), round_id, method, scope=scope
                )
                assert not read
                pd.testing.assert_frame_equal(stored, computed, rtol=1e-9)
        both = contest_work.stage_and_match(con, round_id, scope=scopes[-1])
        want = contest_work.stage_and_match(source.raw(con), round_id, scope=scopes[-1])
        pd.testing.assert_frame_equal(both.frame, want.frame, rtol=1e-9)
        pd.testing.assert_frame_equal(both.match, want.match, rtol=1e-9)


def _poison_record(con) -> None:
    """Stored activity counts no community could have: an answer showing them was read from the store."""
    con.execute("UPDATE rollup_contest_work SET activities = -1")


@pytest.mark.slow
def test_the_demo_stores_every_rounds_record_and_it_equals_the_computed_one(demo_con):
    assert contest_work.record_current(demo_con)
    assert_record_equal_computed(demo_con, scopes=(None, Scope("secretary", "C05")))
    stored = db.query(demo_con, "SELECT round_id, count(*) AS n FROM rollup_contest_work GROUP BY ALL")
    entries = db.query(demo_con, "SELECT round_id, count(*) AS n FROM contest_entries GROUP BY ALL")
    assert dict(zip(stored["round_id"], stored["n"])) == dict(zip(entries["round_id"], entries["n"]))
    # a secretary reads their own entry's row only, from the store
    mine, read = _reads_record(contest_work.stage_vs_work, demo_con, "R2024", scope=Scope("secretary", "C05"))
    assert read and mine["community_id"].tolist() == ["C05"]
    # another window than the stored twelve months is computed
    six, read = _reads_record(contest_work.stage_vs_work, demo_con, "R2024", months=6)
    assert not read and (six["window_start"] == dt.date(2024, 5, 20)).all()


@pytest.mark.slow
def test_an_import_of_ledgers_and_its_undo_keep_the_record_right(contest_con, tmp_path):
    """Round R1 is held on 2025-06-14: its record covers 2024-06-14 … 2025-06-13."""
    con = contest_con
    assert contest_work.record_current(con)
    assert_record_equal_computed(con)
    before = contest_work.stage_vs_work(con, "R1").set_index("community_id")
    assert before.loc["C30", "closed_cases"] == 0 and before.loc["C30", "activities"] == 0
    cases_csv = write_csv(
        tmp_path / "cases.csv",
        [
            CASE_HEADER,
            ["W1", "鹤北一居", "矛盾化解", "2025-03-01 09:30", "2025-03-01 18:00", "网格", "否", "5"],
            ["W2", "鹤北一居", "民意征集", "2025-03-02 09:30", "2025-03-09 10:00", "社区", "否", "3"],
            ["W3", "鹤北一居", "服务代办", "2024-06-13 09:30", "2024-06-13 10:00", "网格", "否", "1"],  # the day before
            ["W4", "北街", "矛盾化解", "2025-06-13 23:00", None, None, "是", None],
        ],
    )  # still open
    acts_csv = write_csv(
        tmp_path / "acts.csv",
        [
            ["活动编号", "活动日期", "居民区", "服务项目", "参与人数", "志愿者人数", "志愿服务时长"],
            ["V1", "2024-06-14", "鹤北一居", "S01", "40", "3", "6"],
            ["V2", "2025-06-14", "鹤北一居", "S01", "99", "1", "1"],
        ],
    )
    batches = []
    for path, table in ((cases_csv, "grid_cases"), (acts_csv, "seed_activities")):
        report = ingest.import_file(con, path, table)
        assert report.ok, report.errors
        batches.append(report.batch_id)
    assert contest_work.record_current(con)
    assert_record_equal_computed(con)
    after = contest_work.stage_vs_work(con, "R1").set_index("community_id")
    assert after.loc["C30", "closed_cases"] == 2 and after.loc["C30", "in_grid_rate"] == 0.5
    assert after.loc["C30", "satisfaction"] == 4.0 and after.loc["C30", "activities"] == 1
    assert after.loc["C01", "closed_cases"] == 0
    for batch in reversed(batches):
        ingest.undo_batch(con, batch)
    assert contest_work.record_current(con)
    assert_record_equal_computed(con)
    pd.testing.assert_frame_equal(contest_work.stage_vs_work(con, "R1").set_index("community_id"), before)


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE contest_rounds SET held_on = DATE '2024-03-01' WHERE round_id = 'R2024'",  # another window
        "INSERT INTO contest_entries (round_id, entry_id, community_id) VALUES ('R2024', 'R2024-E99', 'C02')",  # an entry
        "INSERT INTO seed_activities VALUES ('X1', DATE '2024-03-01', 'C30', 'S01', NULL, 9, 1, 1.0, 'x')",  # a new fact
    ],
)
@pytest.mark.slow
def test_a_record_changed_behind_the_importer_is_computed_not_read(fresh_con, change):
    con = fresh_con
    assert contest_work.record_current(con)
    con.execute(change)
    assert not contest_work.record_current(con)
    _poison_record(con)
    now, read = _reads_record(contest_work.stage_vs_work, con, "R2024")
    assert not read and (now["activities"] >= 0).all()
    pd.testing.assert_frame_equal(now, contest_work.stage_vs_work(source.raw(con), "R2024"), rtol=1e-9)
    refresh.refresh(con)
    assert contest_work.record_current(con)
    pd.testing.assert_frame_equal(contest_work.stage_vs_work(con, "R2024"), now, rtol=1e-9)


def test_a_record_stored_by_other_code_is_not_read(fresh_con, monkeypatch):
    _poison_record(fresh_con)
    assert (contest_work.stage_vs_work(fresh_con, "R2024")["activities"] == -1).all()  # current: read
    monkeypatch.setattr(contest_work, "VERSION", contest_work.VERSION + 1)
    assert not contest_work.record_current(fresh_con)
    assert (contest_work.stage_vs_work(fresh_con, "R2024")["activities"] >= 0).all()  # computed
    refresh.refresh(fresh_con)
    assert contest_work.record_current(fresh_con)
    assert not _reads_record(contest_work.stage_vs_work, fresh_con, "R2024", months=11)[1]


@pytest.mark.slow
def test_a_database_with_the_first_stored_rankings_table_is_brought_up_to_date(fresh_con):
    """The stored rankings once had no entry_no / entries_of_community: opening such a file adds them,
    its old rows are not read, and the next refresh (an import, an undo) fills them."""
    con = fresh_con
    old_columns = [c for c in contest._STORED_COLUMNS if c not in ("entry_no", "entries_of_community")]
    con.execute("DROP TABLE rollup_contest_rankings")
    con.execute(
        "CREATE TABLE rollup_contest_rankings AS SELECT "
        + ", ".join(f"NULL::{'VARCHAR' if c.endswith('_id') else 'DOUBLE'} AS {c}" for c in old_columns)
        + " LIMIT 0"
    )
    con.execute("UPDATE rollup_contest_state SET definition = 'the first version'")
    path = db.scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    con.close()
    reopened = db.connect(path)
    try:
        names = db.query(
            reopened, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'rollup_contest_rankings'"
        )
        assert {"entry_no", "entries_of_community"} <= set(names["column_name"])
        assert not contest.rankings_current(reopened)
        assert not _reads_stored(contest.ranking, reopened, "R2024")[1]
        refresh.refresh(reopened)
        assert contest.rankings_current(reopened)
        assert_stored_equal_scored(reopened)
        assert_record_equal_computed(reopened)
    finally:
        reopened.close()


@pytest.mark.slow
def test_a_community_with_two_entries_reads_them_numbered_from_the_store(fresh_con):
    """Labels 鹤北一居·1号 / ·N号 come from the stored entry numbers exactly as from the entries themselves."""
    con = fresh_con
    first = db.scalar(con, "SELECT entry_id FROM contest_entries WHERE round_id = 'R2024' AND community_id = 'C30'")
    con.execute(
        "INSERT INTO contest_entries (round_id, entry_id, community_id, theme) VALUES ('R2024', 'R2024-E99', 'C30', '第二个')"
    )
    con.execute(
        """INSERT INTO contest_scores (round_id, entry_id, judge_id, criterion_id, score)
                   SELECT round_id, 'R2024-E99', judge_id, criterion_id, score - 3 FROM contest_scores
                   WHERE round_id = 'R2024' AND entry_id = $first""",
        {"first": first},
    )
    assert not contest.rankings_current(con)
    refresh.refresh(con)
    assert_stored_equal_scored(con)
    assert_record_equal_computed(con)
    ranked, read = _reads_stored(contest.ranking, con, "R2024")
    assert read
    twins = ranked[ranked["community_id"] == "C30"].sort_values("entry_no")
    short = twins["short_name"].iloc[0]
    assert twins["label"].tolist() == [f"{short}·{n}号" for n in twins["entry_no"]]
    assert twins["entry_no"].tolist() == [1, 17]
    assert (
        ranked[ranked["community_id"] != "C30"]["label"] == ranked[ranked["community_id"] != "C30"]["short_name"]
    ).all()
