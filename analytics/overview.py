"""The leaders' landing page: headline numbers for a period, the previous period, and monthly trends.

Definitions follow docs/design.md: a case belongs to the period it was reported in; rates count
closed cases only (open ones are never in a denominator); uptake counts activities held in the period.
Both read the source their warehouse gives (analytics.warehouse.source): the rollups while they are
current, else the raw tables in the same columns; the same answer either way.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import source
from analytics.warehouse.source import Source, count, mean_satisfaction

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


_CLOSED, _LOCAL = "k.level <> 'open'", "k.level IN ('grid', 'community')"


def _totals_sql(filters: Filters, scope: Scope | None, prefix: str, src: Source) -> Sql:
    period = [(filters.start, filters.end)]
    pieces = {
        "activities": src.activities(period, prefix=f"{prefix}ra"),
        "cases": src.cases(period, prefix=f"{prefix}rk"),
        "act_where": filters.where(
            date_col="a.day",
            community_col="a.community_id",
            colour_col="i.seed_colour",
            town_col=source.town_col(src, "a"),
            scope=scope,
            prefix=f"{prefix}a",
        ),
        "case_where": filters.where(
            date_col="k.day",
            community_col="k.community_id",
            town_col=source.town_col(src, "k"),
            scope=scope,
            prefix=f"{prefix}k",
        ),
        # the grid's own town_code: communities have a grid by foreign key, so the join keeps every one
        "comm_where": filters.where(
            date_col=None, community_col="c.community_id", town_col="g.town_code", scope=scope, prefix=f"{prefix}c"
        ),
    }
    sql = f"""
        WITH people AS (
            SELECT sum(c.residents) AS residents
            FROM communities c JOIN grids g ON g.grid_id = c.grid_id
            WHERE {{comm_where}}
        ),
        uptake AS (
            SELECT {count("a.activities")} AS activities, coalesce(sum(a.participants), 0) AS participants,
                   count(DISTINCT a.partner_id) AS partners_active
            FROM {{activities}} a JOIN service_items i USING (item_id)
            WHERE {{act_where}}
        ),
        matters AS (
            SELECT {count("k.cases")} AS cases,
                   {count("k.cases", "k.level = 'grid'")} AS settled_in_grid,
                   {count("k.cases", _LOCAL)} AS settled_in_community,
                   {count("k.cases", _CLOSED)} AS closed,
                   {mean_satisfaction()} AS satisfaction
            FROM {{cases}} k
            WHERE {{case_where}}
        )
        SELECT residents, activities, participants, partners_active, cases,
               settled_in_grid / nullif(closed, 0) AS in_grid_rate,
               settled_in_community / nullif(closed, 0) AS in_community_rate,
               satisfaction
        FROM people, uptake, matters"""
    return Sql.compose(sql, **pieces)


def headline(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per metric: metric, current, previous (NaN when the period is open-ended)."""
    src = source.reader(con).source
    current = db.query(con, *_totals_sql(filters, scope, "cur", src)).iloc[0]
    previous_filters = filters.previous()
    if previous_filters is not None:
        previous = db.query(con, *_totals_sql(previous_filters, scope, "prev", src)).iloc[0]
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
    src = source.reader(con).source
    period = [(filters.start, filters.end)]
    sql = Sql.compose(
        f"""
        WITH uptake AS (
            SELECT date_trunc('month', a.day) AS month, {count("a.activities")} AS activities,
                   sum(a.participants) AS participants, count(DISTINCT a.partner_id) AS partners_active
            FROM {{activities}} a JOIN service_items i USING (item_id)
            WHERE {{act_where}}
            GROUP BY ALL
        ),
        matters AS (
            SELECT date_trunc('month', k.day) AS month, {count("k.cases")} AS cases,
                   {count("k.cases", "k.level = 'grid'")} / nullif({count("k.cases", _CLOSED)}, 0) AS in_grid_rate,
                   {count("k.cases", _LOCAL)} / nullif({count("k.cases", _CLOSED)}, 0) AS in_community_rate,
                   {mean_satisfaction()} AS satisfaction
            FROM {{cases}} k
            WHERE {{case_where}}
            GROUP BY ALL
        ),
        final AS (
            SELECT CAST(coalesce(u.month, m.month) AS DATE) AS month,
                   coalesce(u.activities, 0) AS activities, coalesce(u.participants, 0) AS participants,
                   coalesce(u.partners_active, 0) AS partners_active, coalesce(m.cases, 0) AS cases,
                   m.in_grid_rate, m.in_community_rate, m.satisfaction
            FROM uptake u FULL OUTER JOIN matters m ON u.month = m.month
        )
        SELECT * FROM final ORDER BY month""",
        activities=src.activities(period, prefix="ra"),
        cases=src.cases(period, prefix="rk"),
        act_where=filters.where(
            date_col="a.day",
            community_col="a.community_id",
            colour_col="i.seed_colour",
            town_col=source.town_col(src, "a"),
            scope=scope,
            prefix="a",
        ),
        case_where=filters.where(
            date_col="k.day",
            community_col="k.community_id",
            town_col=source.town_col(src, "k"),
            scope=scope,
            prefix="k",
        ),
    )
    return db.query(con, *sql)
