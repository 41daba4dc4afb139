"""Who is asking: a role, the one 街镇 it may read, and for a secretary the one community and for a
grid worker (网格员) the one area grid whose detail rows it may read.

Every public analysis function takes `scope=` and enforces it in its SQL, so what a role may read never
depends on a page remembering to hide something. `scope=None` is the unrestricted access of someone who
holds the database file (a notebook, a test, a benchmark). The accounts that say who is who live above,
in analytics.access.

A scope with a `town_code` (a 街镇 leader, analyst or administrator, and a secretary in a district
database) reads only that town's grids, communities and facts; None reads every town the database holds,
which in the default one-town database is exactly 江川路街道.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.core.sql import Sql
from words import listing, msg

ROLES = ("leader", "secretary", "analyst", "admin", "grid_worker")

# The communities of one town: a grid names its town, a community its grid.
TOWN_COMMUNITIES = (
    "SELECT tc.community_id FROM communities tc JOIN grids tg ON tg.grid_id = tc.grid_id WHERE tg.town_code = ${param}"
)


@dataclass(frozen=True)
class Scope:
    role: str
    community_id: str | None = None
    town_code: str | None = None
    grid_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(msg("err.access.unknown_role", role=self.role, roles=listing(ROLES)))
        if self.role == "secretary" and not self.community_id:
            raise ValueError(msg("err.access.secretary_community"))
        if self.role == "grid_worker" and not self.grid_id:
            raise ValueError(msg("err.access.grid_worker_grid"))

    @property
    def restricted_community(self) -> str | None:
        """The one community whose detail rows this scope may read, or None for all."""
        return self.community_id if self.role == "secretary" else None

    @property
    def restricted_grid(self) -> str | None:
        """The one area grid whose communities' detail rows this scope may read, or None."""
        return self.grid_id if self.role == "grid_worker" else None

    @property
    def restricted_town(self) -> str | None:
        """The one town this scope may read at all (aggregates included), or None for the district."""
        return self.town_code


def town_predicate(
    scope: Scope | None, column: str = "community_id", param: str = "scope_town", *, town_col: str | None = None
) -> Sql:
    """SQL that keeps only the rows of `scope`'s town, for every role (`column` holds community ids
    and is an allow-listed name): what a secretary may compare her numbers with is her own town.
    `town_col`, where the rows carry their community's town (the rollups: a source's `town_column`
    in analytics.warehouse.source), is compared instead: the same rows, without a join."""
    town = scope.restricted_town if scope is not None else None
    if town is None:
        return Sql("TRUE")
    if town_col is not None:
        return Sql(f"{town_col} = ${param}", {param: town})
    return Sql(f"{column} IN ({TOWN_COMMUNITIES.format(param=param)})", {param: town})


def grid_predicate(
    scope: Scope | None, column: str = "grid_id", param: str = "scope_town", *, town_col: str | None = None
) -> Sql:
    """SQL that keeps only the grids of `scope`'s town (`column` holds grid ids; `town_col`, where the
    row is the grid's own, its town_code: compared without a join)."""
    town = scope.restricted_town if scope is not None else None
    if town is None:
        return Sql("TRUE")
    if town_col is not None:
        return Sql(f"{town_col} = ${param}", {param: town})
    return Sql(f"{column} IN (SELECT gg.grid_id FROM grids gg WHERE gg.town_code = ${param})", {param: town})


def community_predicate(
    scope: Scope | None, column: str = "community_id", param: str = "scope_community", *, town_col: str | None = None
) -> Sql:
    """SQL that keeps only the rows `scope` may read in detail (`column` is an allow-listed name;
    `town_col` as for town_predicate)."""
    if scope is None:
        return Sql("TRUE")
    if scope.restricted_grid is not None:
        # a grid worker reads the communities of her grid (which lies in her town); the grid is the
        # community's, never the row's
        return Sql(
            f"{column} IN (SELECT community_id FROM communities WHERE grid_id = ${param}_grid)",
            {f"{param}_grid": scope.restricted_grid},
        )
    if scope.restricted_community is not None:
        # A secretary's community lies in her town: the community alone says it.
        return Sql(f"{column} = ${param}", {param: scope.restricted_community})
    return town_predicate(scope, column, f"{param}_town", town_col=town_col)


def round_predicate(scope: Scope | None, column: str = "round_id", param: str = "scope_town") -> Sql:
    """SQL that keeps the contest rounds of `scope`'s town: those with an entry of one of its
    communities, and those with no entry yet (`column` holds round ids). (One semi-join over the rounds
    grouped with their entries' towns was measured slower than these two subqueries.)"""
    town = scope.restricted_town if scope is not None else None
    if town is None:
        return Sql("TRUE")
    entrants = TOWN_COMMUNITIES.format(param=param)
    return Sql(
        f"({column} IN (SELECT re.round_id FROM contest_entries re WHERE re.community_id IN ({entrants}))"
        f" OR {column} NOT IN (SELECT ra.round_id FROM contest_entries ra))",
        {param: town},
    )
