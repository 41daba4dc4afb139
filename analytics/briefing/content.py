"""Gathering a month's briefing: who may, which place, the month's headline numbers and the findings of
every rule, ranked and capped (analytics.briefing.model.rank)."""

from __future__ import annotations

import datetime as dt

import duckdb

from analytics import overdue, overview, places
from analytics.briefing import context as briefing_context
from analytics.briefing import rules
from analytics.briefing.model import ROLES, Briefing, parse_month, rank, say
from analytics.core import connection as db
from analytics.core.errors import AccessDenied, DataError
from analytics.core.hierarchy import unit_key
from analytics.core.scope import Scope
from analytics.showcase.text import number, pct
from words import msg, text

HEADLINE = ("activities", "participants", "cases", "in_grid_rate", "in_community_rate", "satisfaction")
RATES = ("in_grid_rate", "in_community_rate", "on_time_rate")


def check_access(scope: Scope | None) -> None:
    """Leaders, analysts and admins: a briefing compares every grid and names every idle pairing, more
    than a secretary's own-community view (she has the showcase)."""
    if scope is not None and scope.role not in ROLES:
        raise AccessDenied(msg("err.briefing.roles"))


def _headline_value(measure: str, value: float, lang: str) -> str:
    if measure in RATES:
        return pct(value)
    if measure == "satisfaction":
        return "—" if value != value else f"{value:.2f}"
    return number(value, lang)


def whole_unit(con: duckdb.DuckDBPyConnection, scope: Scope | None) -> str:
    """The words key of what the briefing's whole is, for "全{unit}": the scope's town (or the database's one
    town) as a 街道, 镇 or 工业区, or the district when the scope reads several towns."""
    towns = places.town_list(con, scope=scope)
    if len(towns) > 1:
        return "unit.district"
    return unit_key(str(towns["name"].iloc[0])) if len(towns) else "unit.subdistrict"


def context(
    con: duckdb.DuckDBPyConnection, month: dt.date, grid_id: str | None, lang: str, scope: Scope | None
) -> briefing_context.Context:
    grid_list = places.grid_list(con, scope=scope)
    name_column = "name_en" if lang == "en" else "name"
    grid_names = {
        str(g): str(n or d) for g, n, d in zip(grid_list["grid_id"], grid_list[name_column], grid_list["name"])
    }
    if grid_id is None:
        whole = say("whole", lang, unit=text(whole_unit(con, scope), lang))
        names = {briefing_context.WHOLE: whole, **grid_names}
    else:
        if grid_id not in grid_names:
            raise DataError(msg("err.briefing.grid", grid=grid_id))
        communities = places.community_list(con, scope=scope)
        mine = communities[communities["grid_id"] == grid_id]
        names = {briefing_context.WHOLE: grid_names[grid_id]}
        names.update({str(c): str(s or n) for c, s, n in zip(mine["community_id"], mine["short_name"], mine["name"])})
    return briefing_context.Context(con, month, grid_id, scope, lang, names, grid_names)


def briefing(
    con: duckdb.DuckDBPyConnection,
    month: str | dt.date,
    *,
    grid_id: str | None = None,
    lang: str = "zh",
    scope: Scope | None = None,
) -> Briefing:
    """The briefing of `month` (2024-06) for the subdistrict, or for one grid."""
    check_access(scope)
    first = parse_month(month)
    ctx = context(con, first, grid_id, lang, scope)
    numbers = overview.headline(con, ctx.filters(first), scope=scope).set_index("metric")["current"]
    has_data = bool((numbers.get("activities") or 0) > 0 or (numbers.get("cases") or 0) > 0)
    on_time = overdue.closed_within_deadline(con, ctx.filters(first), scope)
    numbers["on_time_rate"] = float(on_time["on_time_rate"].iloc[0]) if len(on_time) else float("nan")
    headline = tuple(
        (say(f"head.{m}", lang), _headline_value(m, float(numbers[m]), lang)) for m in (*HEADLINE, "on_time_rate")
    )
    found = [finding for rule in rules.RULES for finding in rule(ctx)] if has_data else []
    return Briefing(
        month=first,
        grid_id=grid_id,
        place_name=ctx.names[briefing_context.WHOLE],
        lang=lang,
        headline=headline,
        findings=rank(found),
        has_data=has_data,
        demo=db.is_demo(con),
    )


def require_data(b: Briefing) -> None:
    """A month without data gets a sentence saying so, never an empty file."""
    if not b.has_data:
        raise DataError(msg("err.briefing.no_data", month=f"{b.month:%Y-%m}"))
