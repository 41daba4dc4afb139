"""The leaders' landing page: headline numbers for a period, the previous period, and monthly trends.

Definitions follow docs/design.md: a case belongs to the period it was reported in; rates count
closed cases only (open ones are never in a denominator); uptake counts activities held in the period.
Both read the daily rollups while they are current (analytics.warehouse.rollups), else the raw tables: the same
answer either way.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.warehouse import rollups

METRICS = (
    "residents",
    "activities",
    "participants",
    "partners_active",
    "cases",
    "in_grid_rate",
    "in_community_rate",
    "satisfaction",
)
RATE_METRICS = ("in_grid_rate", "in_community_rate")


def _sources(filters: Filters, rolled: bool, prefix: str = "") -> tuple[dict, dict]:
    """The fact tables (raw, or the rollups for the filters' period) and the aggregates over them that
    these queries use; and the values the rollups' subqueries bind."""
    params: dict = {}
    activities, cases = "seed_activities", "grid_cases"
    if rolled:
        period = [(filters.start, filters.end)]
        activities, act_params = rollups.source("activities", period, prefix=f"{prefix}ra")
        cases, case_params = rollups.source("cases", period, prefix=f"{prefix}rk")
        params = {**act_params, **case_params}
    return {
        "activities": f"{activities} a",
        "cases": f"{cases} k",
        "held_on": "a.day" if rolled else "a.held_on",
        "reported_at": "k.day" if rolled else "k.reported_at",
        "n_activities": rollups.count(rolled, "a.activities"),
        "n_cases": rollups.count(rolled, "k.cases"),
        "n_in_grid": rollups.count(rolled, "k.cases", rollups.settled_at(rolled, "grid")),
        "n_in_community": rollups.count(rolled, "k.cases", rollups.settled_at(rolled, "grid", "community")),
        "n_closed": rollups.count(rolled, "k.cases", rollups.closed(rolled)),
        "satisfaction": rollups.mean_satisfaction(rolled),
    }, params


def _totals_sql(filters: Filters, scope: Scope | None, prefix: str, rolled: bool = False) -> tuple[str, dict]:
    src, src_params = _sources(filters, rolled, prefix)
    act_where, act_params = filters.where(
        date_col=src["held_on"],
        community_col="a.community_id",
        colour_col="i.seed_colour",
        scope=scope,
        prefix=f"{prefix}a",
    )
    case_where, case_params = filters.where(
        date_col=src["reported_at"], community_col="k.community_id", scope=scope, prefix=f"{prefix}k"
    )
    comm_where, comm_params = filters.where(
        date_col=None, community_col="c.community_id", scope=scope, prefix=f"{prefix}c"
    )
    sql = f"""
        WITH people AS (
            SELECT sum(c.residents) AS residents FROM communities c WHERE {comm_where}
        ),
        uptake AS (
            SELECT {src["n_activities"]} AS activities, coalesce(sum(a.participants), 0) AS participants,
                   count(DISTINCT a.partner_id) AS partners_active
            FROM {src["activities"]} JOIN service_items i USING (item_id)
            WHERE {act_where}
        ),
        matters AS (
            SELECT {src["n_cases"]} AS cases,
                   {src["n_in_grid"]} AS settled_in_grid,
                   {src["n_in_community"]} AS settled_in_community,
                   {src["n_closed"]} AS closed,
                   {src["satisfaction"]} AS satisfaction
            FROM {src["cases"]}
            WHERE {case_where}
        )
        SELECT residents, activities, participants, partners_active, cases,
               settled_in_grid / nullif(closed, 0) AS in_grid_rate,
               settled_in_community / nullif(closed, 0) AS in_community_rate,
               satisfaction
        FROM people, uptake, matters"""
    return sql, {**act_params, **case_params, **comm_params, **src_params}


def headline(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per metric: metric, current, previous (NaN when the period is open-ended)."""
    rolled = rollups.use(con)
    sql, params = _totals_sql(filters, scope, "cur", rolled)
    current = db.query(con, sql, params).iloc[0]
    previous_filters = filters.previous()
    if previous_filters is not None:
        sql, params = _totals_sql(previous_filters, scope, "prev", rolled)
        previous = db.query(con, sql, params).iloc[0]
    else:
        previous = pd.Series({m: float("nan") for m in METRICS})
    return pd.DataFrame(
        {
            "metric": list(METRICS),
            "current": [float(current[m]) if pd.notna(current[m]) else float("nan") for m in METRICS],
            "previous": [float(previous[m]) if pd.notna(previous[m]) else float("nan") for m in METRICS],
        }
    )


def monthly_trend(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per month of the period with every headline metric that changes over time."""
    src, src_params = _sources(filters, rollups.use(con))
    act_where, act_params = filters.where(
        date_col=src["held_on"], community_col="a.community_id", colour_col="i.seed_colour", scope=scope, prefix="a"
    )
    case_where, case_params = filters.where(
        date_col=src["reported_at"], community_col="k.community_id", scope=scope, prefix="k"
    )
    sql = f"""
        WITH uptake AS (
            SELECT date_trunc('month', {src["held_on"]}) AS month, {src["n_activities"]} AS activities,
                   sum(a.participants) AS participants, count(DISTINCT a.partner_id) AS partners_active
            FROM {src["activities"]} JOIN service_items i USING (item_id)
            WHERE {act_where}
            GROUP BY ALL
        ),
        matters AS (
            SELECT date_trunc('month', {src["reported_at"]}) AS month, {src["n_cases"]} AS cases,
                   {src["n_in_grid"]} / nullif({src["n_closed"]}, 0) AS in_grid_rate,
                   {src["n_in_community"]} / nullif({src["n_closed"]}, 0) AS in_community_rate,
                   {src["satisfaction"]} AS satisfaction
            FROM {src["cases"]}
            WHERE {case_where}
            GROUP BY ALL
        ),
        final AS (
            SELECT CAST(coalesce(u.month, m.month) AS DATE) AS month,
                   coalesce(u.activities, 0) AS activities, coalesce(u.participants, 0) AS participants,
                   coalesce(u.partners_active, 0) AS partners_active, coalesce(m.cases, 0) AS cases,
                   m.in_grid_rate, m.in_community_rate, m.satisfaction
            FROM uptake u FULL OUTER JOIN matters m ON u.month = m.month
        )
        SELECT * FROM final ORDER BY month"""
    return db.query(con, sql, {**act_params, **case_params, **src_params})
