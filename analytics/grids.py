"""The seven area grids (片区网格): how each is doing, and the drill-down into one grid.

Definitions follow docs/design.md and match analytics.overview: a case belongs to the period it was
reported in; rates count closed cases only (open ones are never in a denominator); uptake counts the
activities held in the period; per-1,000 figures divide by the residents of the communities that pass
the filters, so grids of different sizes compare fairly.

A drill-down into one grid uses the shared filters with the grid selection replaced by that grid: the
user picked it on the map, so it is shown even when the sidebar narrowed the grids to others.

Counts and sums come from the daily rollups while they are current (analytics.warehouse.rollups), else from the
raw tables: the same answer either way.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import overview
from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.warehouse import rollups

# Metrics a map or a ranking may be coloured / ordered by: name → higher is better (None: neither).
# Only these names are ever formatted into SQL (ORDER BY / window), never a user's text.
METRICS: dict[str, bool | None] = {
    "in_grid_rate": True,
    "in_community_rate": True,
    "urgent_in_community_rate": True,
    "satisfaction": True,
    "activities_per_1k": True,
    "participants_per_1k": True,
    "cases_per_1k": None,
    "partners_active": True,
}
RATE_METRICS = ("in_grid_rate", "in_community_rate", "urgent_in_community_rate")

SUMMARY_COLUMNS = (
    "grid_id",
    "name",
    "selected",
    "residents",
    "communities",
    "cases",
    "closed",
    "in_grid_rate",
    "in_community_rate",
    "urgent_closed",
    "urgent_in_community_rate",
    "satisfaction",
    "activities",
    "participants",
    "volunteer_hours",
    "activities_per_1k",
    "participants_per_1k",
    "cases_per_1k",
    "partners_active",
)


def _check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {sorted(METRICS)}")
    return metric


def _pipeline(
    filters: Filters, scope: Scope | None, *, per_community: bool, grid_id: str | None, rolled: bool = False
) -> tuple[str, dict]:
    """The shared CTE pipeline: one row per grid (all of them) or per community (those that pass the
    filters, optionally of one grid). `unit` is grid_id or community_id. `rolled`: read the rollups."""
    unit = "community_id" if per_community else "grid_id"
    n_cases = lambda condition=None: rollups.count(rolled, "k.cases", condition)  # noqa: E731
    comm_where, comm_params = filters.where(date_col=None, community_col="c.community_id", scope=scope, prefix="pc")
    act_where, act_params = filters.where(
        date_col="a.day" if rolled else "a.held_on",
        community_col="a.community_id",
        colour_col="i.seed_colour",
        scope=scope,
        prefix="pa",
    )
    case_where, case_params = filters.where(
        date_col="k.day" if rolled else "k.reported_at", community_col="k.community_id", scope=scope, prefix="pk"
    )
    params = {**comm_params, **act_params, **case_params}
    activities, cases = "seed_activities", "grid_cases"
    if rolled:
        activities, act_source = rollups.source("activities", [(filters.start, filters.end)], prefix="pra")
        cases, case_source = rollups.source("cases", [(filters.start, filters.end)], prefix="prk")
        params.update({**act_source, **case_source})
    if per_community:
        units = f"""
            SELECT c.community_id, c.name, c.short_name, c.grid_id, g.name AS grid_name, c.lon, c.lat
            FROM communities c JOIN grids g USING (grid_id)
            WHERE {comm_where} AND ($grid_id IS NULL OR c.grid_id = $grid_id)"""
        params["grid_id"] = grid_id
    else:
        units = "SELECT g.grid_id, g.name FROM grids g"
    sql = f"""
        WITH units AS ({units}
        ),
        places AS (
            SELECT c.{unit}, count(*) AS communities, CAST(sum(c.residents) AS BIGINT) AS residents
            FROM communities c
            WHERE {comm_where}
            GROUP BY ALL
        ),
        uptake AS (
            SELECT c.{unit}, {rollups.count(rolled, "a.activities")} AS activities,
                   CAST(sum(a.participants) AS BIGINT) AS participants,
                   sum(a.volunteer_hours) AS volunteer_hours, count(DISTINCT a.partner_id) AS partners_active
            FROM {activities} a
                JOIN service_items i ON i.item_id = a.item_id
                JOIN communities c ON c.community_id = a.community_id
            WHERE {act_where}
            GROUP BY ALL
        ),
        matters AS (
            SELECT c.{unit}, {n_cases()} AS cases,
                   {n_cases(rollups.closed(rolled))} AS closed,
                   {n_cases(rollups.settled_at(rolled, "grid"))} AS settled_in_grid,
                   {n_cases(rollups.settled_at(rolled, "grid", "community"))} AS settled_in_community,
                   {n_cases("k.urgent AND " + rollups.closed(rolled))} AS urgent_closed,
                   {n_cases("k.urgent AND " + rollups.settled_at(rolled, "grid", "community"))}
                       AS urgent_settled_in_community,
                   {rollups.mean_satisfaction(rolled)} AS satisfaction
            FROM {cases} k JOIN communities c ON c.community_id = k.community_id
            WHERE {case_where}
            GROUP BY ALL
        ),
        joined AS (
            SELECT u.*,
                   coalesce(p.communities, 0) > 0 AS selected,
                   coalesce(p.residents, 0) AS residents,
                   coalesce(p.communities, 0) AS communities,
                   coalesce(m.cases, 0) AS cases,
                   coalesce(m.closed, 0) AS closed,
                   coalesce(m.settled_in_grid, 0) AS settled_in_grid,
                   coalesce(m.settled_in_community, 0) AS settled_in_community,
                   coalesce(m.urgent_closed, 0) AS urgent_closed,
                   coalesce(m.urgent_settled_in_community, 0) AS urgent_settled_in_community,
                   m.satisfaction,
                   coalesce(t.activities, 0) AS activities,
                   coalesce(t.participants, 0) AS participants,
                   coalesce(t.volunteer_hours, 0) AS volunteer_hours,
                   coalesce(t.partners_active, 0) AS partners_active
            FROM units u
                LEFT JOIN places p ON p.{unit} = u.{unit}
                LEFT JOIN uptake t ON t.{unit} = u.{unit}
                LEFT JOIN matters m ON m.{unit} = u.{unit}
        ),
        final AS (
            SELECT *,
                   settled_in_grid / nullif(closed, 0) AS in_grid_rate,
                   settled_in_community / nullif(closed, 0) AS in_community_rate,
                   urgent_settled_in_community / nullif(urgent_closed, 0) AS urgent_in_community_rate,
                   1000.0 * activities / nullif(residents, 0) AS activities_per_1k,
                   1000.0 * participants / nullif(residents, 0) AS participants_per_1k,
                   1000.0 * cases / nullif(residents, 0) AS cases_per_1k
            FROM joined
        )"""
    return sql, params


def grid_summary(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per grid — all of them, also those without activity or outside the grid filter (their
    `selected` is False and their counts are zero) — with the columns of SUMMARY_COLUMNS. Rates are
    shares 0–1 (NaN without closed cases); satisfaction is the mean 1–5 score of surveyed cases."""
    sql, params = _pipeline(filters, scope, per_community=False, grid_id=None, rolled=rollups.use(con))
    columns = ", ".join(SUMMARY_COLUMNS)
    return db.query(con, f"{sql}\nSELECT {columns} FROM final ORDER BY grid_id", params)


def community_summary(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, grid_id: str | None = None, scope: Scope | None = None
) -> pd.DataFrame:
    """A row per community that passes the filters (of one grid if given): the grid_summary columns
    plus community_id, short_name, grid_name, lon and lat."""
    sql, params = _pipeline(filters, scope, per_community=True, grid_id=grid_id, rolled=rollups.use(con))
    columns = ", ".join(("community_id", "short_name", "grid_name", "lon", "lat", *SUMMARY_COLUMNS))
    return db.query(con, f"{sql}\nSELECT {columns} FROM final ORDER BY community_id", params)


def community_ranking(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    grid_id: str,
    metric: str = "in_grid_rate",
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The communities of one grid ranked on `metric` (best first; missing values last), with `rank`
    (ties share a rank) and every other column of community_summary."""
    metric = _check_metric(metric)
    direction = "ASC" if METRICS[metric] is False else "DESC"
    sql, params = _pipeline(
        filters.replace(grid_ids=(grid_id,)), scope, per_community=True, grid_id=grid_id, rolled=rollups.use(con)
    )
    columns = ", ".join(("community_id", "short_name", "grid_name", "lon", "lat", *SUMMARY_COLUMNS))
    return db.query(
        con,
        f"""{sql}
        SELECT rank() OVER (ORDER BY {metric} {direction} NULLS LAST) AS rank, {columns}
        FROM final
        ORDER BY rank, community_id""",
        params,
    )


def grid_trend(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, scope: Scope | None = None
) -> pd.DataFrame:
    """One grid's months: month, activities, participants, partners_active, cases, in_grid_rate,
    in_community_rate, satisfaction (the overview's monthly trend, for this grid)."""
    return overview.monthly_trend(con, filters.replace(grid_ids=(grid_id,)), scope=scope)


def top_items(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, limit: int = 5, scope: Scope | None = None
) -> pd.DataFrame:
    """The service items held most often in one grid: item_id, name, seed_colour, activities,
    participants, communities (how many of the grid's communities held it)."""
    rolled = rollups.use(con)
    where, params = filters.replace(grid_ids=(grid_id,)).where(
        date_col="a.day" if rolled else "a.held_on",
        community_col="a.community_id",
        colour_col="i.seed_colour",
        scope=scope,
        prefix="ti",
    )
    source, source_params = (
        rollups.source("activities", [(filters.start, filters.end)], prefix="tir")
        if rolled
        else ("seed_activities", {})
    )
    params.update(source_params)
    return db.query(
        con,
        f"""
        WITH held AS (
            SELECT a.item_id, a.community_id, a.participants{", a.activities" if rolled else ""}
            FROM {source} a JOIN service_items i ON i.item_id = a.item_id
            WHERE {where}
        ),
        final AS (
            SELECT i.item_id, i.name, i.seed_colour, {rollups.count(rolled, "h.activities")} AS activities,
                   CAST(sum(h.participants) AS BIGINT) AS participants, count(DISTINCT h.community_id) AS communities
            FROM held h JOIN service_items i ON i.item_id = h.item_id
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY activities DESC, participants DESC, item_id LIMIT $limit""",
        {**params, "limit": int(limit)},
    )


def top_partners(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, limit: int = 5, scope: Scope | None = None
) -> pd.DataFrame:
    """The partner units that took part in most activities in one grid: partner_id, name, kind,
    activities, participants, communities (how many of the grid's communities they served)."""
    rolled = rollups.use(con)
    where, params = filters.replace(grid_ids=(grid_id,)).where(
        date_col="a.day" if rolled else "a.held_on",
        community_col="a.community_id",
        colour_col="i.seed_colour",
        scope=scope,
        prefix="tp",
    )
    source, source_params = (
        rollups.source("activities", [(filters.start, filters.end)], prefix="tpr")
        if rolled
        else ("seed_activities", {})
    )
    params.update(source_params)
    return db.query(
        con,
        f"""
        WITH held AS (
            SELECT a.partner_id, a.community_id, a.participants{", a.activities" if rolled else ""}
            FROM {source} a JOIN service_items i ON i.item_id = a.item_id
            WHERE {where} AND a.partner_id IS NOT NULL
        ),
        final AS (
            SELECT p.partner_id, p.name, p.kind, {rollups.count(rolled, "h.activities")} AS activities,
                   CAST(sum(h.participants) AS BIGINT) AS participants, count(DISTINCT h.community_id) AS communities
            FROM held h JOIN partners p ON p.partner_id = h.partner_id
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY activities DESC, participants DESC, partner_id LIMIT $limit""",
        {**params, "limit": int(limit)},
    )
