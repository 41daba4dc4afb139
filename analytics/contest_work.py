"""Does the stage match the work? Each contest entry beside its community's operational record.

The record covers the months before the round (12 by default: from the same day a year earlier to the
day before the round) and follows the metric definitions of ../shared/DESIGN.md:
- seed activities (and participants) per 1,000 residents: activities held in the window;
- in-grid rate (小事不出网格): closed cases settled at grid level ÷ closed cases, over the cases
  reported in the window (a case belongs to the period it was reported in; open cases are never in
  the denominator);
- satisfaction: the mean 1–5 score of the cases reported in the window that have one.

`stage_work_match` gives Spearman's rank correlation between the stage score and each measure over every
entry of the round (an aggregate, so every scope reads it); `stage_vs_work` rows are limited to the
communities the scope may read in detail. The record comes from the daily rollups while they are current
(analytics.rollups), else from the raw tables, and the stage ranking from the stored rankings in the same
query while they are current (analytics.contest), else scored: the same answer either way.
`stage_and_match` gives both answers of the page's tab from one reading.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import contest, db, rollups
from analytics.access import Scope
from analytics.errors import DataError
from analytics.filters import Filters

WORK_MEASURES = ("activities_per_1k", "participants_per_1k", "in_grid_rate", "satisfaction")
MIN_ENTRIES_FOR_MATCH = 5
MATCH_LEVELS = ((0.5, "strong"), (0.2, "weak"), (-0.2, "none"), (-1.01, "opposite"))


def _held_on(con, round_id: str):
    held_on = db.scalar(con, "SELECT held_on FROM contest_rounds WHERE round_id = $round_id", {"round_id": round_id})
    if held_on is None:
        raise DataError(f"没有编号为“{round_id}”的擂台场次。请从列表中选择场次。")
    return pd.Timestamp(held_on).date()


def window(con, round_id: str, months: int = 12, *, scope: Scope | None = None):
    """The first and last day of the operational record compared with a round."""
    return contest.round_window(_held_on(con, round_id), months)


def stage_vs_work(con, round_id: str, method: str = "trimmed_mean", *, months: int = 12,
                  scope: Scope | None = None) -> pd.DataFrame:
    """A row per entry: entry_id, entry_no, community_id, label, score, rank, residents, activities,
    activities_per_1k, participants_per_1k, closed_cases, in_grid_rate, satisfaction, window_start,
    window_end. Sorted by stage rank."""
    start, end = window(con, round_id, months)
    period = Filters(start=start, end=end)
    rolled = rollups.use(con)
    act_where, act_params = period.where(date_col="a.day" if rolled else "a.held_on", community_col="a.community_id",
                                         scope=scope, prefix="a")
    case_where, case_params = period.where(date_col="k.day" if rolled else "k.reported_at",
                                           community_col="k.community_id", scope=scope, prefix="k")
    activities, cases, source_params = "seed_activities", "grid_cases", {}
    if rolled:
        activities, act_source = rollups.source("activities", [(start, end)], prefix="ar")
        cases, case_source = rollups.source("cases", [(start, end)], prefix="kr")
        source_params = {**act_source, **case_source}
    comm_where, comm_params = period.where(date_col=None, community_col="e.community_id", scope=scope,
                                           prefix="c")
    params = {"round_id": round_id, **act_params, **case_params, **comm_params, **source_params}
    record_sql = f"""
        entrants AS (
            SELECT e.entry_id, e.community_id, c.residents
            FROM contest_entries e JOIN communities c USING (community_id)
            WHERE e.round_id = $round_id AND {comm_where}
        ),
        uptake AS (
            SELECT a.community_id, {rollups.count(rolled, "a.activities")} AS activities,
                   sum(a.participants) AS participants
            FROM {activities} a
            WHERE {act_where} AND a.community_id IN (SELECT community_id FROM entrants)
            GROUP BY ALL
        ),
        matters AS (
            SELECT k.community_id,
                   {rollups.count(rolled, "k.cases", rollups.closed(rolled))} AS closed_cases,
                   {rollups.count(rolled, "k.cases", rollups.settled_at(rolled, "grid"))} AS settled_in_grid,
                   {rollups.mean_satisfaction(rolled)} AS satisfaction
            FROM {cases} k
            WHERE {case_where} AND k.community_id IN (SELECT community_id FROM entrants)
            GROUP BY ALL
        ),
        final AS (
            SELECT x.entry_id, x.residents, coalesce(u.activities, 0) AS activities,
                   1000.0 * coalesce(u.activities, 0) / nullif(x.residents, 0) AS activities_per_1k,
                   1000.0 * coalesce(u.participants, 0) / nullif(x.residents, 0) AS participants_per_1k,
                   coalesce(m.closed_cases, 0) AS closed_cases,
                   m.settled_in_grid / nullif(m.closed_cases, 0) AS in_grid_rate,
                   m.satisfaction
            FROM entrants x LEFT JOIN uptake u USING (community_id) LEFT JOIN matters m USING (community_id)
        )"""
    out = None
    stage_ctes = contest.stored_stage_ctes(con, method)
    if stage_ctes is not None:
        # the stage from the stored rankings and the record in one query
        out = db.query(con, f"""
            WITH {stage_ctes}, {record_sql}
            SELECT s.*, f.* EXCLUDE (entry_id) FROM stage s JOIN final f USING (entry_id)""", params)
        if out.empty:       # e.g. a round without criteria: scored below, which says why
            out = None
        if out is not None:
            out["entry_no"] = out["entry_no"].astype("int64")
            out["rank"] = pd.array(out["rank"], dtype="Float64").round().astype("Int64")
    if out is None:
        record = db.query(con, f"WITH {record_sql} SELECT * FROM final", params)
        stage = contest.ranking(con, round_id, method, resamples=0)[["entry_id", "entry_no", "community_id", "label", "score",
                                                              "rank"]]
        out = stage.merge(record, on="entry_id", how="inner")
    out["score"] = out["score"].astype(float)
    out["in_grid_rate"] = out["in_grid_rate"].astype(float)
    out["satisfaction"] = out["satisfaction"].astype(float)
    out["window_start"], out["window_end"] = start, end
    return out.sort_values(["rank", "entry_no"], na_position="last").reset_index(drop=True)


def stage_work_match(con, round_id: str, method: str = "trimmed_mean", *, months: int = 12,
                     scope: Scope | None = None) -> pd.DataFrame:
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
    frame: pd.DataFrame     # stage_vs_work: the entries the scope may read in detail
    match: pd.DataFrame     # stage_work_match: over every entry


def stage_and_match(con, round_id: str, method: str = "trimmed_mean", *, months: int = 12,
                    scope: Scope | None = None) -> StageWork:
    """Both answers of the contest page's "stage vs work" tab from one reading of the record: the
    same as stage_vs_work(…, scope=scope) and stage_work_match(…)."""
    every = stage_vs_work(con, round_id, method, months=months, scope=None)
    restricted = scope.restricted_community if scope is not None else None
    rows = every if restricted is None else every[every["community_id"] == restricted].reset_index(drop=True)
    return StageWork(rows, work_match(every))
