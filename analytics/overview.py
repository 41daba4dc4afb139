"""The leaders' landing page: headline numbers for a period, the previous period, and monthly trends.

Definitions follow ../shared/DESIGN.md: a case belongs to the period it was reported in; rates count
closed cases only (open ones are never in a denominator); uptake counts activities held in the period.
"""
from __future__ import annotations

import pandas as pd

from analytics import db
from analytics.access import Scope
from analytics.filters import Filters

METRICS = ("residents", "activities", "participants", "partners_active", "cases", "in_grid_rate",
           "in_community_rate", "satisfaction")
RATE_METRICS = ("in_grid_rate", "in_community_rate")


def _totals_sql(filters: Filters, scope: Scope | None, prefix: str) -> tuple[str, dict]:
    act_where, act_params = filters.where(date_col="a.held_on", community_col="a.community_id",
                                          colour_col="i.seed_colour", scope=scope, prefix=f"{prefix}a")
    case_where, case_params = filters.where(date_col="k.reported_at", community_col="k.community_id",
                                            scope=scope, prefix=f"{prefix}k")
    comm_where, comm_params = filters.where(date_col=None, community_col="c.community_id", scope=scope,
                                            prefix=f"{prefix}c")
    sql = f"""
        WITH people AS (
            SELECT sum(c.residents) AS residents FROM communities c WHERE {comm_where}
        ),
        uptake AS (
            SELECT count(*) AS activities, coalesce(sum(a.participants), 0) AS participants,
                   count(DISTINCT a.partner_id) AS partners_active
            FROM seed_activities a JOIN service_items i USING (item_id)
            WHERE {act_where}
        ),
        matters AS (
            SELECT count(*) AS cases,
                   count(*) FILTER (WHERE k.resolved_level = 'grid') AS settled_in_grid,
                   count(*) FILTER (WHERE k.resolved_level IN ('grid', 'community')) AS settled_in_community,
                   count(*) FILTER (WHERE k.resolved_level IS NOT NULL) AS closed,
                   avg(k.satisfaction) AS satisfaction
            FROM grid_cases k
            WHERE {case_where}
        )
        SELECT residents, activities, participants, partners_active, cases,
               settled_in_grid / nullif(closed, 0) AS in_grid_rate,
               settled_in_community / nullif(closed, 0) AS in_community_rate,
               satisfaction
        FROM people, uptake, matters"""
    return sql, {**act_params, **case_params, **comm_params}


def headline(con, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per metric: metric, current, previous (NaN when the period is open-ended)."""
    sql, params = _totals_sql(filters, scope, "cur")
    current = db.query(con, sql, params).iloc[0]
    previous_filters = filters.previous()
    if previous_filters is not None:
        sql, params = _totals_sql(previous_filters, scope, "prev")
        previous = db.query(con, sql, params).iloc[0]
    else:
        previous = pd.Series({m: float("nan") for m in METRICS})
    return pd.DataFrame({"metric": list(METRICS),
                         "current": [float(current[m]) if pd.notna(current[m]) else float("nan") for m in METRICS],
                         "previous": [float(previous[m]) if pd.notna(previous[m]) else float("nan") for m in METRICS]})


def monthly_trend(con, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per month of the period with every headline metric that changes over time."""
    act_where, act_params = filters.where(date_col="a.held_on", community_col="a.community_id",
                                          colour_col="i.seed_colour", scope=scope, prefix="a")
    case_where, case_params = filters.where(date_col="k.reported_at", community_col="k.community_id",
                                            scope=scope, prefix="k")
    sql = f"""
        WITH uptake AS (
            SELECT date_trunc('month', a.held_on) AS month, count(*) AS activities,
                   sum(a.participants) AS participants, count(DISTINCT a.partner_id) AS partners_active
            FROM seed_activities a JOIN service_items i USING (item_id)
            WHERE {act_where}
            GROUP BY ALL
        ),
        matters AS (
            SELECT date_trunc('month', k.reported_at) AS month, count(*) AS cases,
                   count(*) FILTER (WHERE k.resolved_level = 'grid')
                       / nullif(count(*) FILTER (WHERE k.resolved_level IS NOT NULL), 0) AS in_grid_rate,
                   count(*) FILTER (WHERE k.resolved_level IN ('grid', 'community'))
                       / nullif(count(*) FILTER (WHERE k.resolved_level IS NOT NULL), 0) AS in_community_rate,
                   avg(k.satisfaction) AS satisfaction
            FROM grid_cases k
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
    return db.query(con, sql, {**act_params, **case_params})
