"""Who is asking: a role, for a secretary the one community and for a grid worker (网格员) the one
area grid whose detail rows it may read.

Every public analysis function takes `scope=` and enforces it in its SQL, so what a role may read never
depends on a page remembering to hide something. `scope=None` is the unrestricted access of someone who
holds the database file (a notebook, a test, a benchmark). The accounts that say who is who live above,
in analytics.access.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.core.sql import Sql
from words import listing, msg

ROLES = ("leader", "secretary", "analyst", "admin", "grid_worker")


@dataclass(frozen=True)
class Scope:
    role: str
    community_id: str | None = None
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


def community_predicate(scope: Scope | None, column: str = "community_id", param: str = "scope_community") -> Sql:
    """SQL that keeps only the rows `scope` may read in detail (`column` is an allow-listed name)."""
    if scope is not None and scope.restricted_grid is not None:
        # a grid worker reads the communities of her grid; the grid is the community's, never the row's
        return Sql(
            f"{column} IN (SELECT community_id FROM communities WHERE grid_id = ${param}_grid)",
            {f"{param}_grid": scope.restricted_grid},
        )
    if scope is None or scope.restricted_community is None:
        return Sql("TRUE")
    return Sql(f"{column} = ${param}", {param: scope.restricted_community})
