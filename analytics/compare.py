"""What a secretary may set beside her own community's numbers: the subdistrict's figure, her grid's
figure and her place among all communities — aggregates only, never another community's row.

These figures have to look at every community, so they are read with scope=None here and only
aggregates leave the module:

- the subdistrict's figure is exactly what a leader's overview shows for the same period and seed
  colours (overview.headline with no grid or community selected);
- her grid's figure only when the grid holds at least MIN_GRID_COMMUNITIES communities: in a grid of
  two, the grid's total minus her own would be her neighbour's row;
- her rank (1 = best, ties share) and the number of communities ranked, on rates and on uptake per
  1,000 residents. A rank of rates between communities is already on the leaders' pages and her own
  rank says nothing about any other community's value. Counts (residents, matters, partners) are not
  ranked: a community's size is no merit, and a count of matters is neither good nor bad.

Overview figures have no small counts to suppress (analytics.core.suppression guards dispute counts,
which none of these measures are); the figures are the leader's figures, unchanged.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import cases, grids, overview
from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope

COLUMNS = ("metric", "subdistrict", "grid", "rank", "of")
SCORE_COLUMNS = ("metric", "subdistrict", "grid")
MIN_GRID_COMMUNITIES = 3
# overview metric -> the community_summary measure it is ranked on (higher is better for each)
RANKED = {
    "activities": "activities_per_1k",
    "participants": "participants_per_1k",
    "in_grid_rate": "in_grid_rate",
    "in_community_rate": "in_community_rate",
    "satisfaction": "satisfaction",
}


def home_grid(con: duckdb.DuckDBPyConnection, scope: Scope | None) -> tuple[str, str, int] | None:
    """The secretary's grid: (grid_id, grid name, communities in it), or None for any other scope."""
    community = scope.restricted_community if scope else None
    if community is None:
        return None
    found = db.query(
        con,
        """
        SELECT g.grid_id, g.name, (SELECT count(*) FROM communities o WHERE o.grid_id = g.grid_id) AS size
        FROM communities c JOIN grids g USING (grid_id)
        WHERE c.community_id = $community""",
        {"community": community},
    )
    if found.empty:
        return None
    row = found.iloc[0]
    return str(row["grid_id"]), str(row["name"]), int(row["size"])


def headline(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per overview.METRICS metric for a secretary's scope: the subdistrict's current figure,
    her grid's (NaN in a grid too small to hide a neighbour), her rank and the count ranked (NaN where
    the metric is not ranked or she has no value). Any other scope sees everything already: no rows."""
    grid = home_grid(con, scope)
    if grid is None or scope is None:
        return pd.DataFrame(columns=list(COLUMNS))
    grid_id, _, size = grid
    everywhere = filters.replace(grid_ids=None, community_ids=None).in_town_of(scope)
    subdistrict = overview.headline(con, everywhere).set_index("metric")["current"]
    if size >= MIN_GRID_COMMUNITIES:
        in_grid = overview.headline(con, everywhere.replace(grid_ids=(grid_id,))).set_index("metric")["current"]
    else:
        in_grid = pd.Series(float("nan"), index=subdistrict.index)
    places = _ranks(con, everywhere, str(scope.restricted_community))
    rows = []
    for metric in overview.METRICS:
        rank, of = places.get(metric, (float("nan"), float("nan")))
        rows.append((metric, float(subdistrict[metric]), float(in_grid[metric]), rank, of))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _ranks(con: duckdb.DuckDBPyConnection, filters: Filters, community_id: str) -> dict[str, tuple[float, float]]:
    every = grids.community_summary(con, filters)
    mine = every["community_id"] == community_id
    places = {}
    for metric, measure in RANKED.items():
        values = pd.to_numeric(every[measure], errors="coerce")
        if not mine.any() or values[mine].isna().all():
            continue
        ranked = values.rank(ascending=False, method="min")
        places[metric] = (float(ranked[mine].iloc[0]), float(values.notna().sum()))
    return places


def scores(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """The CityScore (cases.scores, no grouping) beside a secretary's own: a row per metric with the
    subdistrict's score (the leader's) and her grid's (NaN in a grid too small to hide a neighbour).
    Any other scope: no rows."""
    grid = home_grid(con, scope)
    if grid is None:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    grid_id, _, size = grid
    everywhere = filters.replace(grid_ids=None, community_ids=None).in_town_of(scope)
    whole = cases.scores(con, everywhere, ()).set_index("metric")["score"]
    if size >= MIN_GRID_COMMUNITIES:
        mine = cases.scores(con, everywhere.replace(grid_ids=(grid_id,)), ("grid_id",))
        in_grid = mine[mine["grid_id"] == grid_id].set_index("metric")["score"].reindex(whole.index)
    else:
        in_grid = pd.Series(float("nan"), index=whole.index)
    frame = pd.DataFrame({"subdistrict": whole.astype(float), "grid": in_grid.astype(float)})
    return frame.rename_axis("metric").reset_index()[list(SCORE_COLUMNS)]
