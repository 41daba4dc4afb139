"""Reference lists: grids, communities, partners, service items, and the span of the data."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import source


def grid_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    return db.query(con, "SELECT grid_id, name, name_en FROM grids ORDER BY grid_id")


def community_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """Every community with its grid (names and sizes are public; no personal data here)."""
    return db.query(
        con,
        """
        SELECT c.community_id, c.name, c.short_name, c.grid_id, g.name AS grid_name, c.households,
               c.residents, c.party_members, c.built_year, c.sample_tier, c.lon, c.lat
        FROM communities c JOIN grids g USING (grid_id)
        ORDER BY c.community_id""",
    )


def item_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    return db.query(con, "SELECT item_id, seed_colour, name, name_en FROM service_items ORDER BY item_id")


def partner_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    return db.query(con, "SELECT partner_id, name, kind, lon, lat, joined_on FROM partners ORDER BY partner_id")


def data_range(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day that any activity or case falls on (today's date if there is none)."""
    # The days of the sources' rows are the days of the facts.
    src = source.reader(con).source
    sql = Sql.compose(
        """
        WITH spans AS (
            SELECT min(day) AS first_day, max(day) AS last_day FROM {activities}
            UNION ALL
            SELECT min(day), max(day) FROM {cases}
        )
        SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM spans""",
        activities=src.activities([(None, None)], grain="day", prefix="a"),
        cases=src.cases([(None, None)], grain="day", prefix="k"),
    )
    row = db.query(con, *sql).iloc[0]
    if pd.isna(row["first_day"]):
        today = dt.date.today()
        return today, today
    return pd.Timestamp(row["first_day"]).date(), pd.Timestamp(row["last_day"]).date()
