"""Does the stage match the work? Each contest entry beside its community's operational record.

The record covers the months before the round (12 by default: from the same day a year earlier to the
day before the round) and follows the metric definitions of docs/design.md:
- seed activities (and participants) per 1,000 residents: activities held in the window;
- in-grid rate (小事不出网格): closed cases settled at grid level ÷ closed cases, over the cases
  reported in the window (a case belongs to the period it was reported in; open cases are never in
  the denominator);
- satisfaction: the mean 1–5 score of the cases reported in the window that have one.

`stage_work_match` gives Spearman's rank correlation between the stage score and each measure over every
entry of the round (an aggregate, so every scope reads it); `stage_vs_work` rows are limited to the
communities the scope may read in detail. `stage_and_match` gives both answers of the page's tab from
one reading.

Where the answer comes from (the same answer either way; the tests compare them):
- the twelve-month record of every round is stored at each rollup refresh (`store_record`, into
  rollup_contest_work: a round's window is fixed by its date), and read with the stored rankings in one
  query while both are current (`record_current`): a round change on the contest page then reads two
  small tables;
- otherwise (another number of months, stale, or a warehouse that reads the raw tables only) the record
  is summed from the source the warehouse gives (analytics.warehouse.source: the rollups while current,
  else the raw tables), and the stage ranking is read from the stored rankings in the same query while
  they are current (analytics.contest), else scored.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.contest import scoring as contest
from analytics.core import connection as db
from analytics.core.errors import DataError
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import source
from analytics.warehouse.source import Source, count, mean_satisfaction
from words import msg

WORK_MEASURES = ("activities_per_1k", "participants_per_1k", "in_grid_rate", "satisfaction")
MIN_ENTRIES_FOR_MATCH = 5
MATCH_LEVELS = ((0.5, "strong"), (0.2, "weak"), (-0.2, "none"), (-1.01, "opposite"))


def _held_on(con: duckdb.DuckDBPyConnection, round_id: str) -> dt.date:
    held_on = db.scalar(con, "SELECT held_on FROM contest_rounds WHERE round_id = $round_id", {"round_id": round_id})
    if held_on is None:
        raise DataError(msg("err.contest.unknown_round", round=round_id))
    return pd.Timestamp(held_on).date()


def window(
    con: duckdb.DuckDBPyConnection, round_id: str, months: int = 12, *, scope: Scope | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day of the operational record compared with a round."""
    contest.check_round(con, round_id, scope)
    return contest.round_window(_held_on(con, round_id), months)


def stage_vs_work(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    method: str = "trimmed_mean",
    *,
    months: int = 12,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """A row per entry: entry_id, entry_no, community_id, label, score, rank, residents, activities,
    activities_per_1k, participants_per_1k, closed_cases, in_grid_rate, satisfaction, window_start,
    window_end. Sorted by stage rank."""
    contest.check_round(con, round_id, scope)
    out = _stored_stage_vs_work(con, round_id, method, months, scope)
    if out is None:
        start, end = window(con, round_id, months)
        ctes = _record_ctes(round_id, start, end, scope, source.reader(con).source)
        stage_ctes = contest.stored_stage_ctes(con, method)
        if stage_ctes is not None:
            # the stage from the stored rankings and the record in one query
            out = db.query(
                con,
                *Sql.compose(
                    """
                WITH {stage}, {record}, {final}
                SELECT s.*, f.* EXCLUDE (entry_id) FROM stage s JOIN final f USING (entry_id)""",
                    stage=stage_ctes,
                    record=ctes,
                    final=_FINAL_SQL,
                ),
            )
            if out.empty:  # e.g. a round without criteria: scored below, which says why
                out = None
        if out is None:
            record = db.query(
                con, *Sql.compose("WITH {record}, {final} SELECT * FROM final", record=ctes, final=_FINAL_SQL)
            )
            stage = contest.ranking(con, round_id, method, resamples=0)[
                ["entry_id", "entry_no", "community_id", "label", "score", "rank"]
            ]
            out = stage.merge(record, on="entry_id", how="inner")
        out["window_start"], out["window_end"] = start, end
    return _typed(out)


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """The frame with the same types however it was read, sorted by stage rank."""
    out["entry_no"] = out["entry_no"].astype("int64")
    out["rank"] = pd.array(out["rank"], dtype="Float64").round().astype("Int64")
    out["score"] = out["score"].astype(float)
    out["in_grid_rate"] = out["in_grid_rate"].astype(float)
    out["satisfaction"] = out["satisfaction"].astype(float)
    return out.sort_values(["rank", "entry_no"], na_position="last").reset_index(drop=True)


def _record_ctes(round_id: str, start: dt.date, end: dt.date, scope: Scope | None, src: Source) -> Sql:
    """The CTEs `entrants` (the round's entries the scope may read, with their residents) and `record`
    (entry_id, community_id, residents, activities, participants, closed_cases, settled_in_grid,
    satisfaction over the days start…end) read from `src`, with their bound values ($round_id)."""
    period = Filters(start=start, end=end)
    return Sql.compose(
        f"""{{entrants}},
        uptake AS (
            SELECT a.community_id, {count("a.activities")} AS activities,
                   sum(a.participants) AS participants
            FROM {{activities}} a
            WHERE {{act_where}} AND a.community_id IN (SELECT community_id FROM entrants)
            GROUP BY ALL
        ),
        matters AS (
            SELECT k.community_id,
                   {count("k.cases", "k.level <> 'open'")} AS closed_cases,
                   {count("k.cases", "k.level = 'grid'")} AS settled_in_grid,
                   {mean_satisfaction()} AS satisfaction
            FROM {{cases}} k
            WHERE {{case_where}} AND k.community_id IN (SELECT community_id FROM entrants)
            GROUP BY ALL
        ),
        record AS (
            SELECT x.entry_id, x.community_id, x.residents, coalesce(u.activities, 0) AS activities,
                   coalesce(u.participants, 0) AS participants, coalesce(m.closed_cases, 0) AS closed_cases,
                   m.settled_in_grid, m.satisfaction
            FROM entrants x LEFT JOIN uptake u USING (community_id) LEFT JOIN matters m USING (community_id)
        )""",
        entrants=_entrants_cte(scope),
        activities=src.activities([(start, end)], prefix="ar"),
        cases=src.cases([(start, end)], prefix="kr"),
        act_where=period.where(
            date_col="a.day",
            community_col="a.community_id",
            town_col=source.town_col(src, "a"),
            scope=scope,
            prefix="a",
        ),
        case_where=period.where(
            date_col="k.day",
            community_col="k.community_id",
            town_col=source.town_col(src, "k"),
            scope=scope,
            prefix="k",
        ),
    ).bind(round_id=round_id)


def _entrants_cte(scope: Scope | None) -> Sql:
    return Sql.compose(
        """entrants AS (
            SELECT e.entry_id, e.community_id, c.residents
            FROM contest_entries e JOIN communities c USING (community_id)
            WHERE e.round_id = $round_id AND {where}
        )""",
        where=Filters().where(date_col=None, community_col="e.community_id", scope=scope, prefix="c"),
    )


# The record's measures from `record` (rates per 1,000 residents as they are now).
_FINAL_SQL = """final AS (
            SELECT entry_id, residents, activities,
                   1000.0 * activities / nullif(residents, 0) AS activities_per_1k,
                   1000.0 * participants / nullif(residents, 0) AS participants_per_1k,
                   closed_cases, settled_in_grid / nullif(closed_cases, 0) AS in_grid_rate, satisfaction
            FROM record
        )"""


# --- the stored record (analytics/schema/62_contest_work_rollups.sql) --------------------------------

STORED_MONTHS = 12
# What the stored record depends on besides the data: STORED_MONTHS, its SQL over the rollups
# (_record_ctes, _FINAL_SQL: the shape of a window with days at both edges) and how a round's window is
# drawn (analytics.contest.scoring.round_window). Bump VERSION with any change to them, so that a
# database stored by the old code computes the record until it is refreshed; tests/unit/test_versions.py
# holds their fingerprint per version and fails when they change without the bump.
VERSION = 1


def record_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the stored record may be read: the rollups are current (the fact tables are as they
    were when it was stored, in the same refresh), so are the stored contest rankings (the entries and
    the rounds' dates are unchanged), it was stored by this VERSION, and the warehouse reads stored
    results at all. Asked once per warehouse (once per page run in the app)."""
    wh = source.reader(con)
    if wh.source is not source.ROLLUPS or not contest.rankings_current(wh):
        return False

    def ask() -> bool:
        try:
            return bool(
                db.scalar(
                    wh,
                    "SELECT definition = $definition FROM rollup_contest_work_state WHERE id = 1",
                    {"definition": f"v{VERSION}"},
                    record=False,
                )
            )
        except DataError:  # a database file from before the stored record, opened read-only
            return False

    return wh.fresh("contest work", ask)


def _stored_stage_vs_work(
    con: duckdb.DuckDBPyConnection, round_id: str, method: str, months: int, scope: Scope | None
) -> pd.DataFrame | None:
    """stage_vs_work from the stored rankings and the stored record in one query; None when they may
    not be read or hold nothing for the round (it is then computed, which also says why)."""
    if months != STORED_MONTHS or not record_current(con):
        return None
    stage_ctes = contest.stored_stage_ctes(con, method)
    if stage_ctes is None:
        return None
    sql = Sql.compose(
        """
        WITH {stage}, {entrants},
        record AS (
            SELECT x.entry_id, x.community_id, x.residents, w.activities, w.participants, w.closed_cases,
                   w.settled_in_grid, w.satisfaction, w.window_start, w.window_end
            FROM entrants x JOIN rollup_contest_work w ON w.round_id = $round_id AND w.entry_id = x.entry_id
        ),
        {final}
        SELECT s.*, f.* EXCLUDE (entry_id), r.window_start, r.window_end
        FROM stage s JOIN final f USING (entry_id) JOIN record r USING (entry_id)""",
        stage=stage_ctes,
        entrants=_entrants_cte(scope),
        final=_FINAL_SQL,
    ).bind(round_id=round_id)
    out = db.query(con, *sql)
    if out.empty:
        return None
    out["window_start"] = pd.Timestamp(out["window_start"].iloc[0]).date()
    out["window_end"] = pd.Timestamp(out["window_end"].iloc[0]).date()
    return out


def record_select(round_id: str, held_on: dt.date) -> Sql:
    """The stored record of one round (the twelve months before `held_on`) as one SELECT over the
    rollups, in rollup_contest_work's columns: what `store_record` stores, and what the lake's refresh
    (analytics.lake.derive) runs on DuckDB or carries to Spark."""
    start, end = contest.round_window(held_on, STORED_MONTHS)
    return Sql.compose(
        """
        SELECT * FROM (
            WITH {record}
            SELECT $round_id AS round_id, entry_id, community_id, $window_start AS window_start,
                   $window_end AS window_end, activities, participants, closed_cases, settled_in_grid, satisfaction
            FROM record)""",
        record=_record_ctes(round_id, start, end, None, source.ROLLUPS),
    ).bind(window_start=start, window_end=end)


def store_record(cur: duckdb.DuckDBPyConnection) -> int:
    """Compute every round's record (the twelve months before it) from the rollups and store it, with
    the definition it was computed by. `cur` is a cursor inside the caller's open transaction
    (analytics.refresh.refresh, after the rollups were rebuilt on it): the record describes that
    transaction's data and commits with it. Returns the rows stored."""
    db.execute(cur, "DELETE FROM rollup_contest_work")
    held = db.query(cur, "SELECT round_id, held_on FROM contest_rounds ORDER BY round_id", in_transaction=True)
    for round_id, held_on in zip(held["round_id"], held["held_on"]):
        sql = Sql.compose(
            """
            INSERT INTO rollup_contest_work (round_id, entry_id, community_id, window_start, window_end, activities,
                                             participants, closed_cases, settled_in_grid, satisfaction)
            {select}""",
            select=record_select(round_id, pd.Timestamp(held_on).date()),
        )
        db.execute(cur, *sql)
    db.execute(
        cur,
        "INSERT OR REPLACE INTO rollup_contest_work_state SELECT 1, $definition, $refreshed_at",
        {"definition": f"v{VERSION}", "refreshed_at": dt.datetime.now().replace(microsecond=0)},
    )
    return int(db.scalar(cur, "SELECT count(*) FROM rollup_contest_work", in_transaction=True, record=False))


def stage_work_match(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    method: str = "trimmed_mean",
    *,
    months: int = 12,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """A row per work measure: measure, rho (Spearman, stage score vs measure, over every entry), entries,
    level ∈ strong, weak, none, opposite, or None with fewer than five entries."""
    return work_match(stage_vs_work(con, round_id, method, months=months, scope=None))


def work_match(frame: pd.DataFrame) -> pd.DataFrame:
    """stage_work_match of a stage_vs_work frame of every entry."""
    rows = []
    score = frame["score"].to_numpy(dtype=float, na_value=np.nan)
    for measure in WORK_MEASURES:
        values = frame[measure].to_numpy(dtype=float, na_value=np.nan)
        both = ~(np.isnan(score) | np.isnan(values))
        n = int(both.sum())
        rho = _pearson(_ranks(score[both]), _ranks(values[both])) if n >= 3 else float("nan")
        level = None
        if n >= MIN_ENTRIES_FOR_MATCH and rho == rho:
            level = next(name for bound, name in MATCH_LEVELS if rho >= bound)
        rows.append({"measure": measure, "rho": rho, "entries": n, "level": level})
    return pd.DataFrame(rows)


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank (as pandas' rank())."""
    _, position, counts = np.unique(values, return_inverse=True, return_counts=True)
    return (np.cumsum(counts) - (counts - 1) / 2.0)[position]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r (of ranks: Spearman's rho); NaN when either side is constant."""
    x, y = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denominator) if denominator > 0 else float("nan")


@dataclass(frozen=True)
class StageWork:
    frame: pd.DataFrame  # stage_vs_work: the entries the scope may read in detail
    match: pd.DataFrame  # stage_work_match: over every entry
    # the mean over every entry of the stage score and each work measure (a secretary's one dot is read
    # against the round, not against itself); None below MIN_ENTRIES_FOR_MATCH entries, where a mean
    # of the others would come too close to one community's own figure
    means: pd.Series | None = None


def stage_and_match(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    method: str = "trimmed_mean",
    *,
    months: int = 12,
    scope: Scope | None = None,
) -> StageWork:
    """Both answers of the contest page's "stage vs work" tab from one reading of the record: the
    same as stage_vs_work(…, scope=scope) and stage_work_match(…)."""
    contest.check_round(con, round_id, scope)
    every = stage_vs_work(con, round_id, method, months=months, scope=None)
    restricted = scope.restricted_community if scope is not None else None
    rows = every if restricted is None else every[every["community_id"] == restricted].reset_index(drop=True)
    scored = every.dropna(subset=["score"])
    means = scored[["score", *WORK_MEASURES]].mean() if len(scored) >= MIN_ENTRIES_FOR_MATCH else None
    return StageWork(rows, work_match(every), means)
