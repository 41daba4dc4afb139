"""Who is using the app in this browser session (set by ui.auth.gate on every run), and whose numbers
the pages show: the subdistrict's, or for a secretary her own community's (named on every title)."""

from __future__ import annotations

import streamlit as st

import words
from analytics import places
from analytics.access import Scope
from analytics.core.hierarchy import unit_key
from ui import data
from ui.i18n import has, lang, t


def scope() -> Scope:
    scope = st.session_state.get("scope")
    if scope is None:
        raise RuntimeError("ui.auth.gate() must run before a page asks for the scope")
    return scope


def username() -> str:
    account = st.session_state.get("auth_account")
    return account.username if account else "demo:" + scope().role


def own_community() -> dict[str, str] | None:
    """A secretary's community (community_id, name, short_name, grid_id, grid_name), else None."""
    community = scope().restricted_community
    if community is None:
        return None
    found = data.call(places.community_list)
    row = found[found["community_id"] == community]
    if row.empty:
        return None
    first = row.iloc[0]
    short = first["short_name"] if isinstance(first["short_name"], str) and first["short_name"] else first["name"]
    return {
        "community_id": community,
        "name": str(first["name"]),
        "short_name": str(short),
        "grid_id": str(first["grid_id"]),
        "grid_name": str(first["grid_name"]),
    }


def own_grid() -> str | None:
    """A grid worker's area grid's name, else None."""
    grid = scope().restricted_grid
    if grid is None:
        return None
    grids = data.call(places.grid_list)
    names = dict(zip(grids["grid_id"], grids["name"]))
    return str(names.get(grid, grid))


def scope_label() -> str:
    """Whose numbers a page shows: "江川路街道", a secretary's "本居民区 · 鹤北一居", a grid worker's
    "本网格 · 鹤庆片区网格"; in a district database the town read (the account's, or the one picked in the
    sidebar), or the whole district."""
    own = own_community()
    if own:
        return t("scope.own", name=own["short_name"])
    grid = own_grid()
    if grid:
        return t("scope.own_grid", name=grid)
    towns = data.call(places.town_list)
    if len(towns) < 2:
        return t("scope.subdistrict")
    town = scope().restricted_town or st.session_state.get("filters_town")
    names = dict(zip(towns["town_code"], towns["name_en" if lang() == "en" else "name"]))
    return str(names[town]) if town in names else t("scope.district")


def whole_unit() -> words.Message:
    """What the whole a page compares with is, for "全{unit}": the town the numbers sit in (a secretary's,
    a grid worker's or a town-bound account's town, or the one picked in the sidebar) as a 街道, 镇 or
    工业区 — so the default database, one 街道, says 全街道 as it always has — or 区 for the whole district."""
    towns = data.call(places.town_list)
    names = dict(zip(towns["town_code"], towns["name"]))
    if len(names) < 2:  # one town (or a database not yet filled): that town, else the default 街道
        only = next(iter(names.values()), None)
        return words.msg(unit_key(str(only)) if only else "unit.subdistrict")
    town = scope().restricted_town or st.session_state.get("filters_town")
    return words.msg(unit_key(str(names[town]))) if town in names else words.msg("unit.district")


def scoped(key: str, **values: object) -> str:
    """The text that says whose numbers follow: `key` with {where} = scope_label() and {unit} =
    whole_unit(), or for a secretary `<key>.own` where the usual text names the subdistrict, its grids
    or "all seven" over her numbers."""
    own_key = f"{key}.own"
    chosen = own_key if has(own_key) and own_community() else key
    return t(chosen, where=scope_label(), unit=whole_unit(), **values)


# The browser's side of a signed-in session (analytics.access.sessions): Streamlit reads cookies
# (st.context.cookies, as sent when the page connected) but cannot set one, so this same-origin
# component's script writes it. Not HttpOnly (a script writes it); SameSite=Strict and scoped to the
# app's path; Secure over https. Its attribute on <html> is the signal that the cookie is written.
_COOKIE_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.name) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const age = data.value ? data.max_age : 0;
  document.cookie = `${data.name}=${data.value || ""}; Path=${data.path}; Max-Age=${age}; SameSite=Strict${secure}`;
  document.documentElement.dataset.jcSession = data.value ? "set" : "cleared";
}
"""
_cookie_writer = st.components.v2.component("jc_session_cookie", js=_COOKIE_JS)


def cookie(name: str) -> str | None:
    """A cookie the browser sent when this session connected (None under AppTest, which sends none)."""
    try:
        value = st.context.cookies.get(name)
    except (AttributeError, RuntimeError, KeyError):
        return None
    return value if isinstance(value, str) and value else None


def write_cookie(name: str, value: str | None, max_age_s: float) -> None:
    """Set (or with value None, clear) a cookie in the browser from this run."""
    path = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/")
    _cookie_writer(
        key=f"cookie_{name}",
        data={"name": name, "value": value or "", "max_age": int(max_age_s), "path": path},
        width="stretch",
        height=0,
    )
