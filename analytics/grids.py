"""The seven area grids (片区网格): how each is doing, and the drill-down into one grid.

Definitions follow docs/design.md and match analytics.overview: a case belongs to the period it was
reported in; rates count closed cases only (open ones are never in a denominator); uptake counts the
activities held in the period; per-1,000 figures divide by the residents of the communities that pass
the filters, so grids of different sizes compare fairly.

A drill-down into one grid uses the shared filters with the grid selection replaced by that grid: the
user picked it on the map, so it is shown even when the sidebar narrowed the grids to others.

Counts and sums come from the source the warehouse gives (analytics.warehouse.source): the rollups
while they are current, else the raw tables in the same columns; the same answer either way.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import overview
from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import source
from analytics.warehouse.source import Source, count, mean_satisfaction

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


def _pipeline(filters: Filters, scope: Scope | None, src: Source, *, per_community: bool, grid_id: str | None) -> Sql:
    """The shared CTE pipeline: one row per grid (all of them) or per community (those that pass the
    filters, optionally of one grid), read from `src`. `unit` is grid_id or community_id."""
    unit = "community_id" if per_community else "grid_id"
    period = [(filters.start, filters.end)]
    pieces = {
        "places": filters.where(date_col=None, community_col="c.community_id", scope=scope, prefix="pc"),
        "uptake": filters.where(
            date_col="a.day",
            community_col="a.community_id",
            colour_col="i.seed_colour",
            town_col=source.town_col(src, "a"),
            scope=scope,
            prefix="pa",
        ),
        "matters": filters.where(
            date_col="k.day",
            community_col="k.community_id",
            town_col=source.town_col(src, "k"),
            scope=scope,
            prefix="pk",
        ),
        "activities": src.activities(period, prefix="pra"),
        "cases": src.cases(period, prefix="prk"),
        "towns": filters.towns_where("g.grid_id", town_col="g.town_code", scope=scope, prefix="pt"),
    }
    closed, local = "k.level <> 'open'", "k.level IN ('grid', 'community')"
    if per_community:
        units = """
            SELECT c.community_id, c.name, c.short_name, c.grid_id, g.name AS grid_name, c.lon, c.lat
            FROM communities c JOIN grids g USING (grid_id)
            WHERE {places} AND ($grid_id IS NULL OR c.grid_id = $grid_id)"""
    else:
        units = "SELECT g.grid_id, g.name FROM grids g WHERE {towns}"
    sql = f"""
        WITH units AS ({units}
        ),
        places AS (
            SELECT c.{unit}, count(*) AS communities, CAST(sum(c.residents) AS BIGINT) AS residents
            FROM communities c
            WHERE {{places}}
            GROUP BY ALL
        ),
        uptake AS (
            SELECT c.{unit}, {count("a.activities")} AS activities,
                   CAST(sum(a.participants) AS BIGINT) AS participants,
                   sum(a.volunteer_hours) AS volunteer_hours, count(DISTINCT a.partner_id) AS partners_active
            FROM {{activities}} a
                JOIN service_items i ON i.item_id = a.item_id
                JOIN communities c ON c.community_id = a.community_id
            WHERE {{uptake}}
            GROUP BY ALL
        ),
        matters AS (
            SELECT c.{unit}, {count("k.cases")} AS cases,
                   {count("k.cases", closed)} AS closed,
                   {count("k.cases", "k.level = 'grid'")} AS settled_in_grid,
                   {count("k.cases", local)} AS settled_in_community,
                   {count("k.cases", "k.urgent AND " + closed)} AS urgent_closed,
                   {count("k.cases", "k.urgent AND " + local)} AS urgent_settled_in_community,
                   {mean_satisfaction()} AS satisfaction
            FROM {{cases}} k JOIN communities c ON c.community_id = k.community_id
            WHERE {{matters}}
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
    pipeline = Sql.compose(sql, **pieces)
    return pipeline.bind(grid_id=grid_id) if per_community else pipeline


def grid_summary(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per grid — all of them, also those without activity or outside the grid filter (their
    `selected` is False and their counts are zero) — with the columns of SUMMARY_COLUMNS. Rates are
    shares 0–1 (NaN without closed cases); satisfaction is the mean 1–5 score of surveyed cases."""
    pipeline = _pipeline(filters, scope, source.reader(con).source, per_community=False, grid_id=None)
    columns = ", ".join(SUMMARY_COLUMNS)
    return db.query(con, *Sql.compose(f"{{pipeline}}\nSELECT {columns} FROM final ORDER BY grid_id", pipeline=pipeline))


def community_summary(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, grid_id: str | None = None, scope: Scope | None = None
) -> pd.DataFrame:
    """A row per community that passes the filters (of one grid if given): the grid_summary columns
    plus community_id, short_name, grid_name, lon and lat."""
    pipeline = _pipeline(filters, scope, source.reader(con).source, per_community=True, grid_id=grid_id)
    columns = ", ".join(("community_id", "short_name", "grid_name", "lon", "lat", *SUMMARY_COLUMNS))
    return db.query(
        con, *Sql.compose(f"{{pipeline}}\nSELECT {columns} FROM final ORDER BY community_id", pipeline=pipeline)
    )


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
    pipeline = _pipeline(
        filters.replace(grid_ids=(grid_id,)), scope, source.reader(con).source, per_community=True, grid_id=grid_id
    )
    columns = ", ".join(("community_id", "short_name", "grid_name", "lon", "lat", *SUMMARY_COLUMNS))
    sql = Sql.compose(
        f"""{{pipeline}}
        SELECT rank() OVER (ORDER BY {metric} {direction} NULLS LAST) AS rank, {columns}
        FROM final
        ORDER BY rank, community_id""",
        pipeline=pipeline,
    )
    return db.query(con, *sql)


def grid_trend(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, scope: Scope | None = None
) -> pd.DataFrame:
    """One grid's months: month, activities, participants, partners_active, cases, in_grid_rate,
    in_community_rate, satisfaction (the overview's monthly trend, for this grid)."""
    return overview.monthly_trend(con, filters.replace(grid_ids=(grid_id,)), scope=scope)


def _top(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    grid_id: str,
    limit: int,
    scope: Scope | None,
    *,
    key: str,
    names: str,
) -> pd.DataFrame:
    """The `key`s (item_id or partner_id) of most activities in one grid, with their `names` table's
    columns, activities, participants and communities."""
    src = source.reader(con).source
    where = filters.replace(grid_ids=(grid_id,)).where(
        date_col="a.day",
        community_col="a.community_id",
        colour_col="i.seed_colour",
        town_col=source.town_col(src, "a"),
        scope=scope,
        prefix="t",
    )
    partner_only = " AND a.partner_id IS NOT NULL" if key == "partner_id" else ""
    sql = Sql.compose(
        f"""
        WITH held AS (
            SELECT a.{key}, a.community_id, a.participants, a.activities
            FROM {{rows}} a JOIN service_items i ON i.item_id = a.item_id
            WHERE {{where}}{partner_only}
        ),
        final AS (
            SELECT {names}, {count("h.activities")} AS activities,
                   CAST(sum(h.participants) AS BIGINT) AS participants, count(DISTINCT h.community_id) AS communities
            FROM held h JOIN {_NAMES[key]} ON n.{key} = h.{key}
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY activities DESC, participants DESC, {key} LIMIT $limit""",
        rows=src.activities([(filters.start, filters.end)], prefix="tr"),
        where=where,
    ).bind(limit=int(limit))
    return db.query(con, *sql)


_NAMES = {"item_id": "service_items n", "partner_id": "partners n"}


def top_items(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, limit: int = 5, scope: Scope | None = None
) -> pd.DataFrame:
    """The service items held most often in one grid: item_id, name, seed_colour, activities,
    participants, communities (how many of the grid's communities held it)."""
    return _top(con, filters, grid_id, limit, scope, key="item_id", names="n.item_id, n.name, n.seed_colour")


def top_partners(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, limit: int = 5, scope: Scope | None = None
) -> pd.DataFrame:
    """The partner units that took part in most activities in one grid: partner_id, name, kind,
    activities, participants, communities (how many of the grid's communities they served)."""
    return _top(con, filters, grid_id, limit, scope, key="partner_id", names="n.partner_id, n.name, n.kind")
