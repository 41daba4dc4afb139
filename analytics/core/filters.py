"""The filters every page shares (period, grids, communities, seed colours) and their SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analytics.core.scope import Scope, community_predicate
from analytics.core.sql import Sql


def _tuple(values: Iterable[object] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(sorted({str(v) for v in values}))


@dataclass(frozen=True)
class Filters:
    """A period (inclusive dates) and optional selections. Frozen and hashable: it is a cache key."""

    start: dt.date | None = None
    end: dt.date | None = None
    grid_ids: tuple[str, ...] | None = None
    community_ids: tuple[str, ...] | None = None
    seed_colours: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("grid_ids", "community_ids", "seed_colours"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        for name in ("start", "end"):
            value = getattr(self, name)
            if isinstance(value, dt.datetime):
                object.__setattr__(self, name, value.date())
        if self.start and self.end and self.start > self.end:
            raise ValueError("the period's start is after its end")

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def previous(self) -> Filters | None:
        """The period of equal length just before this one, with the same selections."""
        days = self.days
        if days is None or self.start is None:
            return None
        end = self.start - dt.timedelta(days=1)
        return Filters(end - dt.timedelta(days=days - 1), end, self.grid_ids, self.community_ids, self.seed_colours)

    def replace(self, **changes: Any) -> Filters:
        values = {k: getattr(self, k) for k in ("start", "end", "grid_ids", "community_ids", "seed_colours")}
        values.update(changes)
        return Filters(**values)

    def where(
        self,
        *,
        date_col: str | None,
        community_col: str = "community_id",
        colour_col: str | None = None,
        scope: Scope | None = None,
        prefix: str = "f",
    ) -> Sql:
        """A WHERE condition and its bound values. Column names come from the calling module's own
        SQL (never from users); every value is bound under a name starting with `prefix`."""
        parts: list[Sql] = []
        if date_col and self.start:
            parts.append(Sql(f"{date_col} >= ${prefix}_start", {f"{prefix}_start": self.start}))
        if date_col and self.end:
            end_excl = self.end + dt.timedelta(days=1)
            parts.append(Sql(f"{date_col} < ${prefix}_end_excl", {f"{prefix}_end_excl": end_excl}))
        if self.grid_ids is not None:
            parts.append(
                Sql(
                    f"{community_col} IN (SELECT community_id FROM communities"
                    f" WHERE list_contains(${prefix}_grids, grid_id))",
                    {f"{prefix}_grids": list(self.grid_ids)},
                )
            )
        if self.community_ids is not None:
            communities = list(self.community_ids)
            parts.append(
                Sql(f"list_contains(${prefix}_communities, {community_col})", {f"{prefix}_communities": communities})
            )
        if colour_col and self.seed_colours is not None:
            colours = list(self.seed_colours)
            parts.append(Sql(f"list_contains(${prefix}_colours, {colour_col})", {f"{prefix}_colours": colours}))
        in_scope = community_predicate(scope, community_col, f"{prefix}_scope")
        if in_scope.params:
            parts.append(in_scope)
        return Sql.join(parts)
