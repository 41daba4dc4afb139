"""Reference lists: grids, communities, partners, service items, and the span of the data."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core.scope import Scope, grid_predicate, town_predicate
from analytics.core.sql import Sql
from analytics.warehouse import source


def grid_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """The grids of the scope's town (every grid for the district) with the town each lies in."""
    sql = Sql.compose(
        "SELECT grid_id, name, name_en, town_code FROM grids WHERE {mine} ORDER BY grid_id",
        mine=grid_predicate(scope, town_col="town_code"),
    )
    return db.query(con, *sql)


def community_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """Every community of the scope's town with its grid (names and sizes are public; no personal data
    here, so a secretary lists her town's communities too)."""
    sql = Sql.compose(
        """
        SELECT c.community_id, c.name, c.short_name, c.grid_id, g.name AS grid_name, c.households,
               c.residents, c.party_members, c.built_year, c.sample_tier, c.lon, c.lat
        FROM communities c JOIN grids g USING (grid_id)
        WHERE {mine}
        ORDER BY c.community_id""",
        mine=grid_predicate(scope, "g.grid_id", town_col="g.town_code"),
    )
    return db.query(con, *sql)


def town_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """The towns (街镇) the database holds — the scope's own alone for a town-bound scope — with their
    grids and communities: town_code, name, name_en, simulated, lon, lat, grids, communities."""
    town = scope.restricted_town if scope is not None else None
    return db.query(
        con,
        """
        SELECT t.town_code, t.name, t.name_en, t.simulated, t.lon, t.lat,
               count(DISTINCT g.grid_id) AS grids, count(c.community_id) AS communities
        FROM towns t LEFT JOIN grids g USING (town_code) LEFT JOIN communities c USING (grid_id)
        WHERE $town IS NULL OR t.town_code = $town
        GROUP BY ALL
        ORDER BY t.town_code""",
        {"town": town},
    )


def community_town(con: duckdb.DuckDBPyConnection, community_id: str, *, scope: Scope | None = None) -> str | None:
    """The town a community lies in (by its grid), or None for a community the database does not hold."""
    found = db.scalar(
        con,
        "SELECT g.town_code FROM communities c JOIN grids g USING (grid_id) WHERE c.community_id = $c",
        {"c": community_id},
    )
    return None if found is None else str(found)


def item_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    return db.query(con, "SELECT item_id, seed_colour, name, name_en FROM service_items ORDER BY item_id")


def partner_list(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """The partners of the scope's town: those paired with one of its communities (every partner for
    the district, paired or not)."""
    if scope is None or scope.restricted_town is None:
        return db.query(con, "SELECT partner_id, name, kind, lon, lat, joined_on FROM partners ORDER BY partner_id")
    sql = Sql.compose(
        """
        SELECT partner_id, name, kind, lon, lat, joined_on FROM partners
        WHERE partner_id IN (SELECT pr.partner_id FROM pairings pr WHERE {mine})
        ORDER BY partner_id""",
        mine=town_predicate(scope, "pr.community_id"),
    )
    return db.query(con, *sql)


def data_range(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day that any activity or case of the scope's town falls on (today's date if
    there is none)."""
    # The days of the sources' rows are the days of the facts.
    src = source.reader(con).source
    sql = Sql.compose(
        """
        WITH spans AS (
            SELECT min(day) AS first_day, max(day) AS last_day FROM {activities} a WHERE {mine_a}
            UNION ALL
            SELECT min(day), max(day) FROM {cases} k WHERE {mine_k}
        )
        SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM spans""",
        activities=src.activities([(None, None)], grain="day", prefix="a"),
        cases=src.cases([(None, None)], grain="day", prefix="k"),
        mine_a=town_predicate(scope, "a.community_id", town_col=source.town_col(src, "a")),
        mine_k=town_predicate(scope, "k.community_id", town_col=source.town_col(src, "k")),
    )
    row = db.query(con, *sql).iloc[0]
    if pd.isna(row["first_day"]):
        today = dt.date.today()
        return today, today
    return pd.Timestamp(row["first_day"]).date(), pd.Timestamp(row["last_day"]).date()
