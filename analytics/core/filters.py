"""The filters every page shares (period, 街镇, grids, communities, seed colours) and their SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analytics.core.scope import Scope, community_predicate, grid_predicate
from analytics.core.sql import Sql


def _tuple(values: Iterable[object] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(sorted({str(v) for v in values}))


_FIELDS = ("start", "end", "grid_ids", "community_ids", "seed_colours", "town_codes")


@dataclass(frozen=True)
class Filters:
    """A period (inclusive dates) and optional selections. Frozen and hashable: it is a cache key."""

    start: dt.date | None = None
    end: dt.date | None = None
    grid_ids: tuple[str, ...] | None = None
    community_ids: tuple[str, ...] | None = None
    seed_colours: tuple[str, ...] | None = None
    town_codes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("grid_ids", "community_ids", "seed_colours", "town_codes"):
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
        return self.replace(start=end - dt.timedelta(days=days - 1), end=end)

    def replace(self, **changes: Any) -> Filters:
        values = {k: getattr(self, k) for k in _FIELDS}
        values.update(changes)
        return Filters(**values)

    def in_town_of(self, scope: Scope | None) -> Filters:
        """These filters narrowed to the scope's town, for totals read without the scope (what a
        secretary compares her own numbers with is her town, not the district)."""
        town = scope.restricted_town if scope is not None else None
        return self if town is None else self.replace(town_codes=(town,))

    def towns_where(
        self, grid_col: str = "grid_id", *, town_col: str | None = None, scope: Scope | None = None, prefix: str = "f"
    ) -> Sql:
        """The grids of the chosen towns and of the scope's town (`grid_col` holds grid ids; `town_col`,
        over the grids table itself, its town_code): what a list of every grid shows, selected or not."""
        parts = [grid_predicate(scope, grid_col, f"{prefix}_scope_town", town_col=town_col)]
        if self.town_codes is not None and town_col is not None:
            parts.append(Sql(f"list_contains(${prefix}_towns, {town_col})", {f"{prefix}_towns": list(self.town_codes)}))
        elif self.town_codes is not None:
            parts.append(
                Sql(
                    f"{grid_col} IN (SELECT tg.grid_id FROM grids tg WHERE list_contains(${prefix}_towns, tg.town_code))",
                    {f"{prefix}_towns": list(self.town_codes)},
                )
            )
        return Sql.join([p for p in parts if p.params])

    def where(
        self,
        *,
        date_col: str | None,
        community_col: str = "community_id",
        colour_col: str | None = None,
        town_col: str | None = None,
        scope: Scope | None = None,
        prefix: str = "f",
    ) -> Sql:
        """A WHERE condition and its bound values. Column names come from the calling module's own
        SQL (never from users); every value is bound under a name starting with `prefix`. `town_col`
        names the rows' own town column where they carry one (what analytics.warehouse.source reads:
        the town is then compared in the scan, not found by a join for every row)."""
        parts: list[Sql] = []
        if date_col and self.start:
            parts.append(Sql(f"{date_col} >= ${prefix}_start", {f"{prefix}_start": self.start}))
        if date_col and self.end:
            end_excl = self.end + dt.timedelta(days=1)
            parts.append(Sql(f"{date_col} < ${prefix}_end_excl", {f"{prefix}_end_excl": end_excl}))
        if self.town_codes is not None and town_col is not None:
            towns = list(self.town_codes)
            parts.append(
                Sql(f"{town_col} = ${prefix}_town", {f"{prefix}_town": towns[0]})
                if len(towns) == 1
                else Sql(f"list_contains(${prefix}_towns, {town_col})", {f"{prefix}_towns": towns})
            )
        elif self.town_codes is not None:
            parts.append(
                Sql(
                    f"{community_col} IN (SELECT tc.community_id FROM communities tc JOIN grids tg"
                    f" ON tg.grid_id = tc.grid_id WHERE list_contains(${prefix}_towns, tg.town_code))",
                    {f"{prefix}_towns": list(self.town_codes)},
                )
            )
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
        in_scope = community_predicate(scope, community_col, f"{prefix}_scope", town_col=town_col)
        if in_scope.params:
            parts.append(in_scope)
        return Sql.join(parts)
