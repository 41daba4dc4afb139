"""Click-to-filter on the 四色种子 page: a seed colour or a community clicked in a chart narrows the rest
of the page until the user clears it.

The picks live in session state under the page's prefix (`seeds_pick_colour`, `seeds_pick_community`).
Each clickable chart calls `pick_callback` as its `on_select`: a callback runs before the script, so
every chart of that run (also those drawn above the clicked one) already sees the new pick. After a pick
the charts get fresh keys (`chart_key` carries a counter), so a selection the browser still holds can
never re-apply itself after "clear", and a chart whose data changed starts without a stale highlight.

`picked_value` and `narrow` are plain functions, tested without streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import streamlit as st

from analytics.filters import Filters
from analytics.seeds import COLOURS

COLOUR = "seeds_pick_colour"
COMMUNITY = "seeds_pick_community"
COUNTER = "seeds_pick_counter"
KINDS = {"colour": COLOUR, "community": COMMUNITY}


def picked_value(state: object) -> str | None:
    """The `customdata` of the first selected point of a plotly selection state (None if nothing)."""
    if not isinstance(state, Mapping):
        return None
    selection = state.get("selection") or {}
    for point in selection.get("points") or []:
        value = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value is not None and str(value) != "":
            return str(value)
    return None


def narrow(filters: Filters, colour: str | None = None, community: str | None = None) -> Filters:
    """`filters` with the page's picks applied. A pick outside what the filters already allow gives an
    empty selection rather than widening the filters."""
    changes = {}
    if colour is not None:
        allowed = filters.seed_colours is None or colour in filters.seed_colours
        changes["seed_colours"] = (colour,) if allowed else ("",)
    if community is not None:
        allowed = filters.community_ids is None or community in filters.community_ids
        changes["community_ids"] = (community,) if allowed else ("",)
    return filters.replace(**changes) if changes else filters


def apply_pick(state: MutableMapping[Any, Any], kind: str, value: str | None) -> None:
    """Record a click in `state` (session state or a plain dict): a new value replaces the pick, the
    same value again clears it (a second click undoes the first). Unknown colours are ignored."""
    key = KINDS[kind]
    if value is None or (kind == "colour" and value not in COLOURS):
        return
    if state.get(key) == value:
        state.pop(key, None)
    else:
        state[key] = value
    state[COUNTER] = state.get(COUNTER, 0) + 1


def clear(state: MutableMapping[Any, Any]) -> None:
    for key in KINDS.values():
        state.pop(key, None)
    state[COUNTER] = state.get(COUNTER, 0) + 1


# ---------------------------------------------------------------------------------------------
# streamlit glue
def picks() -> tuple[str | None, str | None]:
    return st.session_state.get(COLOUR), st.session_state.get(COMMUNITY)


def chart_key(name: str) -> str:
    return f"seeds_{name}_{st.session_state.get(COUNTER, 0)}"


def pick_callback(kind: str, key: str) -> Callable[[], None]:
    """An `on_select` callback for the chart with `key` whose points carry the picked value."""

    def callback() -> None:
        apply_pick(st.session_state, kind, picked_value(st.session_state.get(key)))

    return callback


def clear_callback() -> None:
    clear(st.session_state)
