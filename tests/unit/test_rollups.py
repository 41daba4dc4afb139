"""The rollups (analytics.warehouse.rollups, analytics.warehouse.percentiles): they equal the raw aggregates after the demo
build, after an import and after its undo; every public function answers the same from the rollups as
from the raw tables; stale or missing rollups are never read."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import cases, db, grids, overview, places, refresh, seeds
from analytics.access import Scope
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.core import connection
from analytics.core.errors import DataError
from analytics.explore import pivot
from analytics.filters import Filters
from analytics.warehouse import percentiles, rollups, source

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
FILTERS = [
    YEAR,
    YEAR.replace(grid_ids=("G3",)),
    Filters(),  # open-ended: everything
    Filters(dt.date(2023, 3, 10), dt.date(2024, 2, 20)),  # month edges on both sides
    Filters(dt.date(2024, 5, 3), dt.date(2024, 5, 30)),  # inside one month
    Filters(None, dt.date(2023, 7, 4)),
    Filters(dt.date(2023, 7, 4), None),
    YEAR.replace(community_ids=("C07", "C12"), seed_colours=("red", "blue")),
]
SECRETARY = Scope("secretary", "C05")
SCOPES = [None, SECRETARY]


# ---------------------------------------------------------------------------------------------
# the rollup tables against straightforward SQL over the fact tables
def _frame(con, sql: str) -> pd.DataFrame:
    """Rows sorted; counts and sums as floats (BIGINT, HUGEINT and nullable integers alike)."""
    frame = con.execute(sql).df()
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].astype("float64")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


_TOWN_JOIN = "LEFT JOIN (SELECT c.community_id, g.town_code FROM communities c JOIN grids g USING (grid_id)) t USING (community_id)"


def assert_rollups_match_raw(con) -> None:
    expected = {
        "rollup_cases": """
            SELECT reported_at::DATE AS day, community_id, town_code, category,
                   coalesce(resolved_level, 'open') AS level,
                   urgent, count(*) AS cases, count(satisfaction) AS surveyed,
                   coalesce(sum(satisfaction), 0) AS satisfaction_sum, count(*) FILTER (satisfaction >= 4) AS satisfied,
                   count(*) FILTER (satisfaction <= 2) AS unsatisfied,
                   sum(epoch(closed_at) - epoch(reported_at)) / 3600.0 AS hours_to_close,
                   sum(date_diff('minute', reported_at, closed_at)) AS minutes_to_close
            FROM grid_cases TOWN GROUP BY ALL""",
        "rollup_cases_monthly": """
            SELECT date_trunc('month', reported_at)::DATE AS month, community_id, town_code, category,
                   coalesce(resolved_level, 'open') AS level, urgent, count(*) AS cases, count(satisfaction) AS surveyed,
                   coalesce(sum(satisfaction), 0) AS satisfaction_sum, count(*) FILTER (satisfaction >= 4) AS satisfied,
                   count(*) FILTER (satisfaction <= 2) AS unsatisfied,
                   sum(epoch(closed_at) - epoch(reported_at)) / 3600.0 AS hours_to_close,
                   sum(date_diff('minute', reported_at, closed_at)) AS minutes_to_close
            FROM grid_cases TOWN GROUP BY ALL""",
        "rollup_activities": """
            SELECT held_on AS day, community_id, town_code, item_id, partner_id, count(*) AS activities,
                   sum(participants) AS participants, sum(volunteers) AS volunteers,
                   sum(volunteer_hours) AS volunteer_hours
            FROM seed_activities TOWN GROUP BY ALL""",
        "rollup_activities_monthly": """
            SELECT date_trunc('month', held_on)::DATE AS month, community_id, town_code, item_id, partner_id,
                   count(*) AS activities, sum(participants) AS participants, sum(volunteers) AS volunteers,
                   sum(volunteer_hours) AS volunteer_hours
            FROM seed_activities TOWN GROUP BY ALL""",
        "rollup_open_cases": "SELECT case_id, community_id, town_code, category, urgent, reported_at FROM grid_cases"
        " TOWN WHERE closed_at IS NULL",
    }
    # each row's town, looked up here by the community's grid
    expected = {table: sql.replace("TOWN", _TOWN_JOIN) for table, sql in expected.items()}
    for table, sql in expected.items():
        got, want = _frame(con, f"SELECT * FROM {table}"), _frame(con, sql)
        assert list(got.columns) == list(want.columns), table
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9, obj=table)

    # durations: each closed case once, its bucket recomputed here with numpy
    raw = con.execute(f"""SELECT reported_at::DATE AS day, community_id, town_code, category,
                                 resolved_level AS level, urgent, (epoch(closed_at) - epoch(reported_at)) / 3600.0 AS hours
                          FROM grid_cases {_TOWN_JOIN} WHERE closed_at IS NOT NULL""").df()
    raw["bucket"] = np.floor(np.log2(np.maximum(raw["hours"], 1 / 3600)) * rollups.BUCKETS_PER_DOUBLING).astype(int)
    got = _frame(con, "SELECT * FROM rollup_case_hours")
    pd.testing.assert_frame_equal(got, raw.sort_values(list(raw.columns)).reset_index(drop=True), check_dtype=False)
    monthly = (
        raw.assign(month=pd.to_datetime(raw["day"]).dt.to_period("M").dt.start_time)
        .groupby(["month", "community_id", "town_code", "category", "level", "urgent", "bucket"], dropna=False)
        .size()
        .rename("cases")
        .reset_index()
    )
    got = _frame(con, "SELECT * FROM rollup_case_hours_monthly")
    pd.testing.assert_frame_equal(
        got, monthly.sort_values(list(monthly.columns)).reset_index(drop=True), check_dtype=False
    )

    # one row per key, and the state names what it was built from
    for table, keys in {
        "rollup_cases": "day, community_id, category, level, urgent",
        "rollup_activities": "day, community_id, item_id, partner_id",
        "rollup_cases_monthly": "month, community_id, category, level, urgent",
        "rollup_activities_monthly": "month, community_id, item_id, partner_id",
    }.items():
        assert con.execute(f"SELECT count(*) = count(DISTINCT ({keys})) FROM {table}").fetchone()[0], table
    state = con.execute("SELECT data_version, cases, activities, latest FROM rollup_state").fetchone()
    assert state[0] == db.data_version(con)
    assert (
        state[1:3]
        == con.execute("SELECT (SELECT count(*) FROM grid_cases), (SELECT count(*) FROM seed_activities)").fetchone()
    )
    assert (
        state[3]
        == con.execute(
            "SELECT max(greatest(reported_at, coalesce(closed_at, reported_at))) FROM grid_cases"
        ).fetchone()[0]
    )
    assert rollups.ready(con)


def test_rollups_equal_the_raw_aggregates_after_the_demo_build(demo_con):
    assert_rollups_match_raw(demo_con)


# ---------------------------------------------------------------------------------------------
# every public function: the same answer from the rollups as from the raw tables
def same(fn, con, *args, **kwargs):
    """fn's answer with the rollups equals its answer from the raw tables (a raw-only warehouse)."""
    assert source.reader(con).source is source.ROLLUPS or not rollups.ready(con)
    got = fn(con, *args, **kwargs)
    want = fn(source.raw(con), *args, **kwargs)
    if isinstance(got, seeds.Funnel):
        pd.testing.assert_frame_equal(got.points, want.points, rtol=1e-9)
        pd.testing.assert_frame_equal(got.curve, want.curve, rtol=1e-9)
        assert got.pooled_per_1k == pytest.approx(want.pooled_per_1k, rel=1e-9, nan_ok=True)
    elif isinstance(got, pivot.PivotResult):
        pd.testing.assert_frame_equal(got.frame, want.frame, rtol=1e-9)
    elif isinstance(got, pd.DataFrame):
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)  # same columns, dtypes, order and values
    else:
        assert got == want
    return got


def _calls(f: Filters):
    """(function, args) for every public function that reads the fact tables."""
    yield overview.headline, (f,)
    yield overview.monthly_trend, (f,)
    yield grids.grid_summary, (f,)
    yield grids.community_summary, (f,)
    for metric in ("in_grid_rate", "cases_per_1k"):
        yield grids.community_ranking, (f, "G2", metric)
    yield grids.grid_trend, (f, "G4")
    yield grids.top_items, (f, "G1")
    yield grids.top_partners, (f, "G1")
    for by in [
        (),
        ("seed_colour",),
        ("month", "seed_colour"),
        ("week",),
        ("grid_id", "community_id"),
        ("item_id", "partner_id"),
    ]:
        yield seeds.uptake, (f, by)
    for fn in (
        seeds.community_funnel,
        seeds.item_ranking,
        seeds.daily,
        seeds.partner_contribution,
        seeds.pairing_matrix,
        seeds.idle_pairings,
        seeds.uncovered_communities,
        cases.flows,
        cases.oldest_open,
    ):
        yield fn, (f,)
    for by in [(), ("grid_id", "category"), ("community_id", "month")]:
        yield cases.resolution, (f, by)
        yield cases.urgent_matters, (f, by[:1])
    for by in [(), ("grid_id", "month")]:
        yield cases.scores, (f, by)
    for by in [(), ("category",), ("level",), ("urgent", "month"), ("grid_id", "category")]:
        yield cases.satisfaction, (f, by)
        yield cases.time_to_close, (f, by)
    for by in [(), ("category", "urgent"), ("community_id",)]:
        yield cases.open_backlog, (f, by)
    yield cases.community_table, (f, "G3")


@pytest.mark.parametrize(
    "f, scope",
    [(f, None) for f in FILTERS] + [(f, SECRETARY) for f in FILTERS[1:4]],
    ids=lambda v: (
        f"{v.start}..{v.end}/{v.grid_ids}/{v.community_ids}" if isinstance(v, Filters) else str(v and v.community_id)
    ),
)
@pytest.mark.slow
def test_every_function_answers_the_same_from_the_rollups(demo_con, f, scope):
    assert rollups.ready(demo_con)
    for fn, args in _calls(f):
        same(fn, demo_con, *args, scope=scope)


@pytest.mark.slow
def test_contest_record_pivot_and_data_range_answer_the_same(demo_con):
    for round_id in contest.rounds(demo_con)["round_id"]:
        for scope in SCOPES:
            same(contest_work.stage_vs_work, demo_con, round_id, scope=scope)
            same(contest_work.stage_work_match, demo_con, round_id, scope=scope)
    same(places.data_range, demo_con)
    keeps = {
        "activities": (("seed_colour", ("red", "green")), ("partner_kind", ("hospital",))),
        "cases": (("category", ("dispute",)), ("urgent", (True,)), ("resolved_level", ("grid", "open"))),
    }
    for subject in pivot.SUBJECTS:
        dims = pivot.dimensions_for(subject)
        measures = tuple(pivot.MEASURES[subject])
        for rows in [(), *((d,) for d in dims), *itertools.islice(itertools.combinations(dims, 2), 0, None, 3)]:
            same(pivot.pivot, demo_con, pivot.PivotSpec(subject, rows, measures, FILTERS[3]))
        for f in FILTERS[:3]:
            same(
                pivot.pivot,
                demo_con,
                pivot.PivotSpec(subject, ("month",), measures, f, keeps[subject]),
                scope=Scope("secretary", "C05"),
            )


def test_an_explicit_moment_still_reads_every_case(demo_con):
    """Open at another moment than the data's latest includes cases closed after it: that needs the raw
    cases, and the answer must not change."""
    moment = dt.datetime(2024, 6, 30, 12)
    for by in [(), ("grid_id",)]:
        same(cases.open_backlog, demo_con, YEAR, by, as_of=moment)
    same(cases.oldest_open, demo_con, YEAR, as_of=moment)


# ---------------------------------------------------------------------------------------------
# an import, its refresh, its undo
def _import_batch(con, batch: str) -> None:
    """What the importer does: new rows with their batch id, and an import_batches row (the data version
    changes). New days, an unknown-so-far month, open and urgent cases, equal durations, no partner."""
    con.execute(
        "INSERT INTO import_batches VALUES ($b, 'grid_cases', 'ledger.xlsx', 'x', 7, TIMESTAMP '2025-02-01 09:00',"
        " 'imported')",
        {"b": batch},
    )
    rows = [
        ("N1", "C05", "dispute", "2025-01-03 09:00", "2025-01-03 21:00", "grid", True, 5),
        ("N2", "C05", "dispute", "2025-01-03 10:00", "2025-01-03 22:00", "grid", False, 3),  # the same 12 hours
        ("N3", "C07", "opinion", "2025-01-15 08:00", None, None, False, None),
        ("N4", "C07", "opinion", "2024-12-31 23:59", "2025-01-20 08:00", "district", True, 1),
        ("N5", "C30", "party_building", "2024-06-01 08:00", "2024-06-01 08:00", "community", False, None),  # 0 hours
    ]
    for case_id, community, category, reported, closed, level, urgent, score in rows:
        con.execute(
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level,
                                               urgent, satisfaction, batch_id)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
            [case_id, community, category, reported, closed, level, urgent, score, batch],
        )
    for activity_id, day, community, item, partner in [
        ("NA1", "2025-01-04", "C05", "S01", None),
        ("NA2", "2025-01-04", "C05", "S01", None),
        ("NA3", "2024-03-09", "C12", "S05", "P02"),
    ]:
        con.execute(
            "INSERT INTO seed_activities VALUES ($1, $2, $3, $4, $5, 30, 4, 7.5, $6)",
            [activity_id, day, community, item, partner, batch],
        )


def _known_item_and_partner(con) -> None:
    items = set(con.execute("SELECT item_id FROM service_items").df()["item_id"])
    partners = set(con.execute("SELECT partner_id FROM partners").df()["partner_id"])
    assert {"S01", "S05"} <= items and "P02" in partners


@pytest.mark.slow
def test_an_import_and_its_undo_keep_the_rollups_right(fresh_con):
    con = fresh_con
    _known_item_and_partner(con)
    new_year = Filters(dt.date(2024, 12, 1), dt.date(2025, 1, 31))
    before = cases.resolution(con, new_year, ())

    _import_batch(con, "b-test")
    # not refreshed yet: the rollups are stale, so nothing reads them, and every answer is already right
    assert not rollups.ready(con) and source.reader(con).source is source.RAW
    after = cases.resolution(con, new_year, ())
    assert after["cases"].iloc[0] == before["cases"].iloc[0] + 4
    pd.testing.assert_frame_equal(cases.resolution(source.raw(con), new_year, ()), after)

    refresh.refresh(con)
    assert_rollups_match_raw(con)
    for fn, args in _calls(new_year):
        same(fn, con, *args, scope=None)
    same(cases.time_to_close, con, Filters(), ("urgent",), scope=SECRETARY)

    # the undo: the batch's rows go, the batch is marked undone (the data version changes again)
    con.execute("DELETE FROM grid_cases WHERE batch_id = 'b-test'")
    con.execute("DELETE FROM seed_activities WHERE batch_id = 'b-test'")
    con.execute("UPDATE import_batches SET status = 'undone' WHERE batch_id = 'b-test'")
    assert not rollups.ready(con)
    pd.testing.assert_frame_equal(cases.resolution(con, new_year, ()), before)
    refresh.refresh(con)
    assert_rollups_match_raw(con)
    pd.testing.assert_frame_equal(cases.resolution(con, new_year, ()), before)
    for fn, args in [
        (overview.headline, (new_year,)),
        (seeds.uptake, (Filters(), ("month",))),
        (cases.time_to_close, (Filters(), ("grid_id", "category"))),
        (cases.open_backlog, (Filters(),)),
    ]:
        same(fn, con, *args, scope=None)


def test_rollups_built_by_other_definitions_are_not_read(fresh_con, monkeypatch):
    """A new version of the code that changes (or adds) a rollup finds the stored ones stale."""
    assert rollups.ready(fresh_con)
    monkeypatch.setattr(rollups, "VERSION", rollups.VERSION + 1)
    assert not rollups.ready(fresh_con)
    refresh.refresh(fresh_con)
    assert rollups.ready(fresh_con)


def test_rollups_of_the_shape_before_town_code_are_made_anew_at_the_refresh(fresh_con):
    """A database whose rollup tables were created before each row named its town: the schema's
    CREATE … IF NOT EXISTS leaves them as they are, so the refresh makes them anew."""
    con = fresh_con
    old_shape = {table: f"SELECT * EXCLUDE (town_code) FROM {table}" for table in rollups.TABLES}
    for table, select in old_shape.items():
        con.execute(f"CREATE TABLE old_{table} AS {select}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE old_{table} RENAME TO {table}")
    assert "town_code" not in con.execute("SELECT * FROM rollup_cases LIMIT 0").df().columns
    refresh.refresh(con)
    assert rollups.ready(con)
    assert_rollups_match_raw(con)


def test_rows_written_without_a_new_batch_make_the_rollups_stale(fresh_con):
    """A direct insert leaves the data version alone, but not the row counts."""
    assert rollups.ready(fresh_con)
    fresh_con.execute(
        "INSERT INTO seed_activities VALUES ('X1', DATE '2024-03-01', 'C01', 'S01', NULL, 9, 1, 1.0, 'x')"
    )
    assert not rollups.ready(fresh_con)
    refresh.refresh(fresh_con)
    assert rollups.ready(fresh_con)


def test_refresh_in_the_callers_transaction_and_a_failed_refresh_changes_nothing(fresh_con, monkeypatch):
    con = fresh_con
    con.execute("BEGIN TRANSACTION")
    _import_batch(con, "b-tx")
    refresh.refresh(con, transaction=False)  # the importer's way: rows and rollups commit together
    con.execute("COMMIT")
    assert_rollups_match_raw(con)

    rows_before = con.execute("SELECT count(*) FROM rollup_cases").fetchone()[0]
    con.execute("DELETE FROM grid_cases WHERE batch_id = 'b-tx'")
    broken = dict(rollups._BUILDS, rollup_open_cases="SELECT no_such_column FROM grid_cases")
    monkeypatch.setattr(rollups, "_BUILDS", broken)
    with pytest.raises(DataError):
        refresh.refresh(con)
    assert con.execute("SELECT count(*) FROM rollup_cases").fetchone()[0] == rows_before  # rolled back
    assert not rollups.ready(con)  # still stale, so still not read


def test_a_database_without_rollup_tables_is_read_raw(tmp_path):
    """A file from before the rollups, opened read-only (no schema update): everything still works."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute((db.SCHEMA_DIR / "00_core.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1')")
    con.execute(
        "INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)"
        " VALUES ('C01', '甲居民区', 'G1', 100, 250, 10)"
    )
    con.execute(
        "INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level,"
        " urgent, batch_id) VALUES ('K1', 'C01', 'dispute', TIMESTAMP '2024-03-01 09:00',"
        " TIMESTAMP '2024-03-02 09:00', 'grid', false, 'b')"
    )
    con.close()
    old = db.connect(path, read_only=True)
    try:
        assert not rollups.ready(old)
        row = cases.time_to_close(old, Filters(), ()).iloc[0]
        assert (row["closed"], row["median_hours"], row["p90_hours"]) == (1, 24.0, 24.0)
        assert overview.headline(old, Filters()).set_index("metric").loc["cases", "current"] == 1
    finally:
        old.close()


# ---------------------------------------------------------------------------------------------
# exact percentiles from the buckets
def _durations_world(con, hours_per_group: dict[tuple[str, str], list[float]]) -> None:
    con.execute("INSERT INTO grids (grid_id, name, name_en) VALUES ('GA', '甲', 'A'), ('GB', '乙', 'B')")
    con.execute("""INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)
                   VALUES ('CA', '甲居', 'GA', 1, 10, 1), ('CB', '乙居', 'GB', 1, 10, 1)""")
    con.execute(
        "INSERT INTO import_batches VALUES ('t', 'grid_cases', 't.xlsx', 'x', 0, TIMESTAMP '2024-01-01', 'imported')"
    )
    n = 0
    for (community, category), hours in hours_per_group.items():
        for h in hours:
            n += 1
            reported = dt.datetime(2024, 1 + n % 12, 1 + n % 27, 8) + dt.timedelta(minutes=n)
            closed = None if h is None else reported + dt.timedelta(seconds=round(h * 3600))
            con.execute(
                """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                                                   resolved_level, urgent, batch_id)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, 't')""",
                [f"K{n}", community, category, reported, closed, None if h is None else "grid", n % 3 == 0],
            )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_are_exactly_duckdbs(empty_con, seed):
    rng = np.random.default_rng(seed)
    groups = {
        ("CA", "dispute"): [5.0],  # one case
        ("CA", "opinion"): [2.0, 7.0],  # two: interpolated median
        ("CB", "dispute"): [0.0, 0.0, 3.0, 3.0, 3.0, None],  # ties, zero, an open case
        ("CB", "opinion"): list(np.round(rng.lognormal(3, 1.2, 301), 4)),  # many buckets
        ("CA", "party_building"): list(np.round(rng.lognormal(1, 0.1, 70), 2)),  # 70: 0.9 × 70 is inexact
        ("CB", "service_proxy"): [2.0**k for k in range(-3, 9)],  # on bucket boundaries
    }
    _durations_world(empty_con, groups)
    refresh.refresh(empty_con)
    assert rollups.ready(empty_con)
    periods = [
        Filters(),
        Filters(dt.date(2024, 2, 10), dt.date(2024, 9, 20)),
        Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    ]
    for f in periods:
        for by in [(), ("category",), ("grid_id",), ("grid_id", "category"), ("urgent",), ("month",), ("level",)]:
            got = same(cases.time_to_close, empty_con, f, by)
            if by == ("category",) and f == periods[0]:  # and against numpy's definitions
                for category, values in pd.DataFrame(
                    [(c, h) for (_, c), hs in groups.items() for h in hs if h is not None], columns=["category", "h"]
                ).groupby("category")["h"]:
                    row = got.set_index("category").loc[category]
                    # the stored durations are whole seconds
                    exact = np.round(values.to_numpy() * 3600) / 3600
                    assert row["median_hours"] == pytest.approx(np.median(exact), rel=1e-12)
                    assert row["p90_hours"] == pytest.approx(np.quantile(exact, 0.9, method="inverted_cdf"), rel=1e-12)
        same(cases.urgent_matters, empty_con, f, ("grid_id",))
        same(cases.community_table, empty_con, f, "GB")


def test_the_discrete_90th_percentile_position_matches_duckdb():
    """max(1, n − ⌊n − 0.9n⌋) computed in doubles is DuckDB's position for quantile_disc(x, 0.9)."""
    con = duckdb.connect()
    for n in range(1, 400):
        got = con.execute(f"SELECT quantile_disc(x, 0.9) FROM range({n}) t(x)").fetchone()[0]
        assert got == max(1, n - math.floor(n - n * 0.9)) - 1


def test_period_splits_into_whole_months_and_edge_days():
    d = dt.date
    assert rollups._split(d(2024, 1, 1), d(2024, 12, 31)) == ((d(2024, 1, 1), d(2025, 1, 1)), [])
    assert rollups._split(d(2024, 1, 10), d(2024, 12, 20)) == (
        (d(2024, 2, 1), d(2024, 12, 1)),
        [(d(2024, 1, 10), d(2024, 2, 1)), (d(2024, 12, 1), d(2024, 12, 21))],
    )
    assert rollups._split(d(2024, 3, 3), d(2024, 3, 20)) == (None, [(d(2024, 3, 3), d(2024, 3, 21))])
    assert rollups._split(None, None) == ((None, None), [])
    assert rollups._split(None, d(2024, 5, 5)) == ((None, d(2024, 5, 1)), [(d(2024, 5, 1), d(2024, 5, 6))])
    assert rollups._split(d(2024, 2, 29), None) == ((d(2024, 3, 1), None), [(d(2024, 2, 29), d(2024, 3, 1))])
    with pytest.raises(ValueError):
        rollups.source("people", [(None, None)])


# ---------------------------------------------------------------------------------------------
# the SQL stays honest (tests/spark runs every page's statements on Spark)
@pytest.mark.slow
def test_rolled_up_sql_interpolates_no_quantile(demo_con):
    with db.capture_sql() as captured:
        for fn, args in itertools.islice(_calls(FILTERS[3]), 0, None, 2):
            fn(demo_con, *args)
    assert captured and not any("quantile_cont" in sql for sql, _ in captured)
    sql, _ = percentiles.ctes(YEAR, Scope("secretary", "C05"), ("grid_id", "month"), urgent_only=True)
    assert "WITH" not in sql.split("(")[0]


def test_the_rollups_are_what_the_functions_read(demo_con):
    with db.capture_sql() as captured:
        overview.monthly_trend(demo_con, YEAR)
        cases.time_to_close(demo_con, YEAR, ("category",))
    assert len(captured) == 2  # the freshness check is not shown as the SQL behind a chart
    assert "rollup_activities_monthly" in captured[0][0] and "grid_cases" not in captured[0][0]
    assert "rollup_case_hours" in captured[1][0] and "grid_cases" not in captured[1][0]
    with db.capture_sql() as raw:
        overview.monthly_trend(source.raw(demo_con), YEAR)
    assert "rollup" not in raw[0][0] and "seed_activities" in raw[0][0]


# ---------------------------------------------------------------------------------------------
# the connection's limits
def test_memory_limit_and_threads_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(db.ENV_MEMORY_LIMIT, "512MB")
    monkeypatch.setenv(db.ENV_THREADS, "1")
    con = db.connect(":memory:")
    try:
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in ("488.2 MiB", "512.0 MB")
    finally:
        con.close()
    monkeypatch.setenv(db.ENV_MEMORY_LIMIT, "lots")
    with pytest.raises(DataError, match="JIANGCHUAN_DUCKDB_MEMORY"):
        db.connect(":memory:")


def test_the_table_browser_explains_every_rollup_column(demo_con):
    from analytics.explore import catalog

    listing = catalog.tables(demo_con).set_index("table_name")
    for table in (
        *rollups.TABLES,
        "rollup_state",
        "rollup_contest_rankings",
        "rollup_contest_state",
        "rollup_contest_work",
        "rollup_contest_work_state",
    ):
        assert listing.loc[table, "meaning_zh"] != "—"
        notes = catalog.columns(demo_con, table)
        assert (notes["meaning_zh"] != "—").all(), table


def test_one_check_per_warehouse(fresh_con, monkeypatch):
    """A warehouse (one run of a page, ui/data.py) asks the database whether the rollups are current
    once; a refresh through it asks again; a plain connection asks on every call."""
    con = fresh_con
    asked = []
    real_scalar = db.scalar

    def counting(c, sql, *args, **kwargs):
        if sql == rollups._READY_SQL:
            asked.append(sql)
        return real_scalar(c, sql, *args, **kwargs)

    monkeypatch.setattr(connection, "scalar", counting)
    f = YEAR.replace(grid_ids=("G3",))
    wh = source.Warehouse(con)
    first = [overview.headline(wh, f), seeds.uptake(wh, f, ("seed_colour",)), cases.resolution(wh, f, ())]
    assert len(asked) == 1
    _import_batch(con, "b-run")  # rows written in the run, then their rollups
    refresh.refresh(wh)
    assert wh.source is source.ROLLUPS and len(asked) == 2  # the refresh forgot the answer
    con.execute("INSERT INTO seed_activities VALUES ('X9', DATE '2024-03-01', 'C01', 'S01', NULL, 9, 1, 1.0, 'x')")
    assert wh.source is source.ROLLUPS  # remembered for the rest of the run …
    assert not rollups.ready(con) and len(asked) == 3  # … while a new question asks again
    overview.headline(con, f)
    assert len(asked) == 4  # a plain connection: a fresh check per call
    overview.headline(source.raw(con), f)
    assert len(asked) == 4  # the raw tables need no freshness check
    assert all(len(frame) for frame in first)
