"""The district view (区级对比): the 街镇 of one district side by side on the same measures.

Every measure is the one the subdistrict's pages use, grouped by town (`grids.town_code`) instead of by
grid; no rate is defined a second time here:
- 小事不出网格 / 急事不出社区 (in-grid, in-community, urgent in-community rates): analytics.cases' own
  `cases` step, counts and rate expressions, grouped by the town of each case's grid;
- actual ÷ target: each rate over the district-wide target in force (analytics.cases.targets, the place
  without a grid), and `cityscore` the mean of the CITYSCORE_METRICS scores, as analytics.cases.scores;
- seed services per 1,000 residents: activities held in the period (read from the warehouse's source,
  counted as analytics.grids counts them) × 1,000 ÷ the town's residents;
- satisfaction: the mean score of the surveyed cases (analytics.warehouse.source.mean_satisfaction);
- contest: of each town's latest round with entries from its communities, the stored ranking
  (analytics.contest.ranking, the default trimmed mean): the entries, their best rank of how many, and
  their mean score.

Fairness where sizes differ: a town of 20,000 residents and one of 400,000 are not held to the same
precision. Each rate is set against the district's pooled rate (the district mean) with 95 % and 99.8 %
control limits for the town's own denominator (analytics.funnel: Wilson limits for shares of closed
cases, Poisson limits for activities per 1,000 residents), so that a small town is marked above or below
only when its difference is more than chance. A score (actual ÷ target) carries its rate's band: the
target is a constant. Satisfaction carries no band: the rollups keep its sum, not its spread.

Who reads what: the pooled figures are always those of every town, whoever asks (as a secretary's
funnel point is set against the whole subdistrict in analytics.seeds); the rows are the towns the scope
may read — every town for a district-wide leader, analyst or admin (Scope.town_code None), the own town
only for one bound to a town, and for a secretary her community's town. Which towns a database holds is
analytics.places.town_list (the sidebar's picker reads the same).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import cases, contest, funnel, places
from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import source
from analytics.warehouse.source import count

# The rates compared with a band: measure → (numerator column, denominator column) of the counts below.
SHARES = {
    "in_grid_rate": ("grid", "closed"),
    "in_community_rate": ("settled_in_community", "closed"),
    "urgent_in_community_rate": ("urgent_settled_locally", "urgent_closed"),
}
PER_1K = "activities_per_1k"
# Every measure a page may compare, colour or chart by: name → higher is better. Only these names are
# used as column names.
MEASURES: dict[str, bool] = {
    "in_grid_rate": True,
    "in_community_rate": True,
    "urgent_in_community_rate": True,
    PER_1K: True,
    "cityscore": True,
    "satisfaction": True,
    "contest_best_rank": False,
    "contest_mean_score": True,
}
# A score's band is its rate's; cityscore has none of its own (a mean of two scores has no one base).
SCORES = {f"{metric}_score": metric for metric in cases.TARGET_METRICS}
BANDED = (*SHARES, PER_1K)
CONTEST_METHOD = "trimmed_mean"


@dataclass(frozen=True)
class District:
    """The towns compared (see the module docstring for every measure).

    towns: a row per town the scope may read, in town_code order — town_code, name, name_en, simulated,
        lon, lat, grids, communities, residents, cases, closed, grid, settled_in_community,
        urgent_closed, urgent_settled_locally, surveyed, in_grid_rate, in_community_rate,
        urgent_in_community_rate, satisfaction, activities, activities_per_1k, <metric>_score for each
        target metric and cityscore, contest_round, contest_round_name, contest_entries,
        contest_round_entries, contest_best_rank, contest_mean_score, and band_<measure> (high_998,
        high_95, within, low_95, low_998; None without a base) for every measure in BANDED.
    district: the same counts, rates and scores pooled over every town (one row; the district mean).
    targets: metric → the target in force for the whole database (share 0–1).
    compared: how many towns the pooled figures come from.
    """

    towns: pd.DataFrame
    district: pd.DataFrame
    targets: dict[str, float]
    compared: int


def _places(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.query(
        con,
        """
        WITH members AS (
            SELECT g.town_code, count(DISTINCT g.grid_id) AS grids, count(c.community_id) AS communities,
                   CAST(coalesce(sum(c.residents), 0) AS BIGINT) AS residents
            FROM grids g LEFT JOIN communities c ON c.grid_id = g.grid_id
            GROUP BY ALL
        ),
        final AS (
            SELECT t.town_code, t.name, t.name_en, t.simulated, t.lon, t.lat, m.grids, m.communities, m.residents
            FROM towns t JOIN members m ON m.town_code = t.town_code
        )
        SELECT * FROM final ORDER BY town_code""",
    )


def _matters(con: duckdb.DuckDBPyConnection, period: Filters, src: source.Source, *, by_town: bool) -> pd.DataFrame:
    """The cases' counts and rates per town (or for the whole district), by analytics.cases' own pieces."""
    key, keys = ("g.town_code, ", "s.town_code, ") if by_town else ("", "")
    # the `cases` step, its counts and its rates are analytics.cases' definitions, used as they are
    steps = Sql.compose(
        f"""
        WITH {{cases}},
        s AS (
            SELECT {key}{cases._counts_sql()},
                   coalesce(CAST(sum(surveyed) AS BIGINT), 0) AS surveyed,
                   {source.mean_satisfaction("k")} AS satisfaction
            FROM cases k JOIN grids g ON g.grid_id = k.grid_id
            GROUP BY ALL
        ),
        final AS (
            SELECT {keys}{cases._RATES_SQL},
                   s.grid + s.community AS settled_in_community, s.urgent_settled_locally,
                   s.surveyed, s.satisfaction
            FROM s
        )
        SELECT * FROM final""",
        cases=cases._cases_cte(period, None, src),
    )
    return db.query(con, *steps)


def _uptake(con: duckdb.DuckDBPyConnection, period: Filters, src: source.Source) -> pd.DataFrame:
    """Activities held in the period per town, counted as analytics.grids counts them."""
    steps = Sql.compose(
        f"""
        WITH final AS (
            SELECT g.town_code, {count("a.activities")} AS activities
            FROM {{activities}} a
                JOIN communities c ON c.community_id = a.community_id
                JOIN grids g ON g.grid_id = c.grid_id
            WHERE {{where}}
            GROUP BY ALL
        )
        SELECT * FROM final""",
        activities=src.activities([(period.start, period.end)], prefix="dar"),
        where=period.where(
            date_col="a.day", community_col="a.community_id", town_col=source.town_col(src, "a"), prefix="da"
        ),
    )
    return db.query(con, *steps)


def _contest(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per town, its latest round with entries from its communities: the round, its entries there and
    in the round, the best rank among them and their mean score (analytics.contest.round_results: the
    stored rankings while current). Only the rounds that are some town's latest are read."""
    entered = db.query(
        con,
        """
        WITH entered AS (
            SELECT g.town_code, e.round_id, e.entry_id, r.held_on, r.name AS round_name
            FROM contest_entries e
                JOIN contest_rounds r ON r.round_id = e.round_id
                JOIN communities c ON c.community_id = e.community_id
                JOIN grids g ON g.grid_id = c.grid_id
        ),
        latest AS (
            SELECT town_code, round_id,
                   row_number() OVER (PARTITION BY town_code ORDER BY held_on DESC, round_id) AS recency
            FROM (SELECT DISTINCT town_code, round_id, held_on FROM entered)
        ),
        final AS (
            SELECT e.town_code, e.round_id, e.round_name, e.entry_id
            FROM latest l JOIN entered e ON e.town_code = l.town_code AND e.round_id = l.round_id
            WHERE l.recency = 1
        )
        SELECT * FROM final ORDER BY town_code, entry_id""",
    )
    results = contest.round_results(con, entered["round_id"].unique(), CONTEST_METHOD)
    sizes = results.groupby("round_id").size().rename("contest_round_entries").reset_index()
    own = entered.merge(results, on=["round_id", "entry_id"], how="left").merge(sizes, on="round_id", how="left")
    out = own.groupby("town_code", as_index=False).agg(
        contest_round=("round_id", "first"),
        contest_round_name=("round_name", "first"),
        contest_entries=("entry_id", "count"),
        contest_round_entries=("contest_round_entries", "first"),
        contest_best_rank=("rank", "min"),
        contest_mean_score=("score", "mean"),
    )
    columns = [
        "town_code",
        "contest_round",
        "contest_round_name",
        "contest_entries",
        "contest_round_entries",
        "contest_best_rank",
        "contest_mean_score",
    ]
    return out[columns]


def _scored(frame: pd.DataFrame, targets: dict[str, float]) -> pd.DataFrame:
    """Actual ÷ target per metric and the cityscore (analytics.cases.scores' definitions)."""
    out = frame.copy()
    for metric, target in targets.items():
        out[f"{metric}_score"] = out[metric] / target
    out["cityscore"] = out[[f"{m}_score" for m in cases.CITYSCORE_METRICS]].mean(axis=1, skipna=False)
    return out


def _per_1k(activities: pd.Series, residents: pd.Series) -> pd.Series:
    # the funnel's own scale (analytics.funnel.rate_limits: per 1,000 residents)
    return (activities * 1000 / residents.where(residents > 0)).astype(float)


def _banded(rows: pd.DataFrame, pooled: pd.Series) -> pd.DataFrame:
    out = rows.copy()
    for measure, (_, base) in SHARES.items():
        out[f"band_{measure}"] = funnel.share_band(out[measure], float(pooled[measure]), out[base])
    rate = float(pooled["activities"]) / float(pooled["residents"]) if pooled["residents"] else math.nan
    bands = np.full(len(out), None, dtype=object)
    sized = (out["residents"] > 0).to_numpy()
    if sized.any() and not math.isnan(rate):
        expected = rate * out.loc[sized, "residents"].to_numpy(dtype=float)
        bands[sized] = funnel.band(out.loc[sized, "activities"].to_numpy(dtype=float), expected)
    out[f"band_{PER_1K}"] = bands
    return out


def _visible(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, scope: Scope | None) -> pd.DataFrame:
    """The rows `scope` may read: every town, or the one it is bound to (a secretary: her community's,
    also when her scope was made without its town, as in a notebook)."""
    if scope is None:
        return frame
    town = scope.restricted_town
    if town is None and scope.restricted_community is not None:
        town = places.community_town(con, scope.restricted_community)
    if town is None:
        return frame
    return frame[frame["town_code"] == str(town)].reset_index(drop=True)


def comparison(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> District:
    """The towns side by side over the period of `filters` (its grid, community and town selections do
    not narrow a comparison of towns), with the district's pooled figures and each town's bands."""
    period = Filters(filters.start, filters.end)
    src = source.reader(con).source
    targets_frame = cases.targets(con)
    whole = targets_frame[targets_frame["grid_id"].isna()]
    targets = {str(m): float(v) for m, v in zip(whole["metric"], whole["target"])}

    places = _places(con)
    matters = _matters(con, period, src, by_town=True)
    uptake = _uptake(con, period, src)
    rows = places.merge(matters, on="town_code", how="left").merge(uptake, on="town_code", how="left")
    counts = [c for c in matters.columns if c not in ("town_code", *SHARES, "satisfaction")] + ["activities"]
    counts = [c for c in counts if not c.startswith("share_")]
    rows[counts] = rows[counts].fillna(0).astype("int64")
    rows[PER_1K] = _per_1k(rows["activities"], rows["residents"])

    district = _matters(con, period, src, by_town=False)
    for column in ("grids", "communities", "residents"):
        district[column] = int(places[column].sum())
    district["activities"] = int(rows["activities"].sum())
    district[PER_1K] = _per_1k(district["activities"], district["residents"])
    district = _scored(district, targets)

    rows = _banded(_scored(rows, targets), district.iloc[0])
    rows = rows.merge(_contest(con), on="town_code", how="left")
    return District(_visible(rows, con, scope), district, targets, len(places))


def funnel_curve(result: District, measure: str, steps: int = 80) -> pd.DataFrame:
    """The funnel of `measure` (one of BANDED) over the span of the towns' sizes, to draw: size (closed
    cases for a share, residents for activities per 1,000), centre, lower_95, upper_95, lower_998,
    upper_998, in the measure's own units."""
    if measure not in BANDED:
        raise ValueError(f"measure must be one of {BANDED}, not {measure!r}")
    base = "residents" if measure == PER_1K else SHARES[measure][1]
    sizes_seen = result.towns[base].astype(float)
    sizes_seen = sizes_seen[sizes_seen > 0]
    pooled = result.district.iloc[0]
    if sizes_seen.empty or pd.isna(pooled[measure]):
        return pd.DataFrame(columns=["size", "centre", "lower_95", "upper_95", "lower_998", "upper_998"])
    sizes = np.geomspace(max(float(sizes_seen.min()) * 0.6, 1.0), float(sizes_seen.max()) * 1.15, steps)
    out: dict[str, object] = {"size": sizes, "centre": np.full(steps, float(pooled[measure]))}
    if measure == PER_1K:
        limits = funnel.rate_limits(float(pooled["activities"]) / float(pooled["residents"]), sizes)
        for name in ("lower_95", "upper_95", "lower_998", "upper_998"):
            out[name] = limits[name].to_numpy()
    else:
        for name, coverage in funnel.COVERAGES.items():
            out[f"lower_{name}"], out[f"upper_{name}"] = funnel.share_limits(float(pooled[measure]), sizes, coverage)
    return pd.DataFrame(out)
