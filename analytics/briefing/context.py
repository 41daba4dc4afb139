"""What every rule of the briefing is given: the month, whose briefing it is (the subdistrict, or one
grid), who asks, and the names of its places."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.briefing.model import last_day, shift
from analytics.core.filters import Filters
from analytics.core.scope import Scope

WHOLE = ""  # the place key of the whole (the subdistrict, or the grid of a grid's briefing)


@dataclass(frozen=True)
class Context:
    """What every rule needs: the month, whose briefing it is, who asks, and names of its places.
    `names` maps WHOLE and every part (grid_id, or community_id in a grid's briefing) to a name."""

    con: duckdb.DuckDBPyConnection
    month: dt.date
    grid_id: str | None
    scope: Scope | None
    lang: str
    names: dict[str, str]
    grid_names: dict[str, str]

    @property
    def parts_by(self) -> str:
        return "grid_id" if self.grid_id is None else "community_id"

    def filters(self, first: dt.date, months: int = 1, **more: object) -> Filters:
        """`months` calendar months from `first`, inside the briefing's grid."""
        grids = (self.grid_id,) if self.grid_id else None
        return Filters(first, last_day(shift(first, months - 1)), grid_ids=grids, **more)  # type: ignore[arg-type]

    def short_month(self, month: dt.date) -> str:
        return f"{month.month}月" if self.lang == "zh" else f"{month:%Y-%m}"


def dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.date
