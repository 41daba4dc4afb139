"""The sidebar filters every page shares: a period, the 街镇 (in a district database) and the area grids."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics import places
from analytics.filters import Filters
from ui import data, fmt, session
from ui.i18n import lang, t

PRESETS = ("last12", "this_year", "all", "custom")


def data_range() -> tuple[dt.date, dt.date]:
    start, end = data.call(places.data_range, scope=session.scope())
    return start, end


def town_picker() -> str | None:
    """The 街镇 a district-wide user looks at (None: the whole district), under the key
    "filters_town" (a drill-in sets it and switches page). Shown only when the database holds more
    than one town and the user is not bound to one; otherwise None, and nothing is drawn."""
    me = session.scope()
    towns = data.call(places.town_list, scope=me)
    if me.restricted_town is not None or len(towns) < 2:
        st.session_state.pop("filters_town", None)
        return None
    column = "name_en" if lang() == "en" else "name"
    names = dict(zip(towns["town_code"], towns[column]))
    if st.session_state.get("filters_town") not in names:
        st.session_state["filters_town"] = None  # a code from an older database or a stale link
    picked: str | None = st.selectbox(
        t("filters.town"),
        [None, *names],
        key="filters_town",
        format_func=lambda code: t("filters.town_all") if code is None else names[code],
        # None is "the whole district", and Streamlit draws a None value as its placeholder (English)
        placeholder=t("filters.town_all"),
    )
    return picked


def sidebar() -> Filters:
    """Draw the shared filters in the sidebar and return them (also kept in session state)."""
    first, last = data_range()
    grids = data.call(places.grid_list, scope=session.scope())
    with st.sidebar:
        st.markdown(f"**{t('filters.header')}**")
        town = town_picker()
        if town is not None:
            grids = grids[grids["town_code"] == town]
        preset = st.selectbox(
            t("filters.period"), PRESETS, key="filters_preset", format_func=lambda p: t(f"filters.preset.{p}")
        )
        if preset == "last12":
            start, end = max(first, _months_before(last, 12)), last
        elif preset == "this_year":
            start, end = max(first, dt.date(last.year, 1, 1)), last
        elif preset == "all":
            start, end = first, last
        else:
            picked = st.date_input(
                t("filters.custom_range"),
                value=(max(first, _months_before(last, 12)), last),
                min_value=first,
                max_value=last,
                key="filters_custom",
            )
            start, end, note = custom_range(picked, first, last)
            if note:
                st.warning(t(note, start=fmt.date(start), end=fmt.date(end)), icon=":material/date_range:")
        names = dict(zip(grids["grid_id"], grids["name"]))
        kept = st.session_state.get("filters_grids")
        if kept and any(g not in names for g in kept):
            # grids of a town no longer picked: dropped before the widget is drawn, not kept unseen
            st.session_state["filters_grids"] = [g for g in kept if g in names]
        chosen = st.multiselect(
            t("filters.grids"),
            list(names),
            key="filters_grids",
            format_func=lambda g: names.get(g, g),
            placeholder=t("filters.grids_placeholder" if len(names) == 7 else "filters.grids_placeholder_all"),
            select_all=False,  # Streamlit writes it in English only, and choosing none already means all seven
        )
    filters = Filters(
        start=start,
        end=end,
        grid_ids=tuple(chosen) if chosen else None,
        town_codes=(town,) if town is not None else None,
    )
    st.session_state["filters"] = filters
    return filters


def custom_range(picked: object, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date, str | None]:
    """The period a custom date picker stands for, and the warning to show when it is half-filled.

    A cleared end date (or a cleared range) must not silently mean "all data" while the widget still
    shows a start: the page says which period it falls back to, so the reader knows what is on screen."""
    days = [d for d in picked if isinstance(d, dt.date)] if isinstance(picked, (tuple, list)) else []
    if isinstance(picked, dt.date):
        days = [picked]
    if len(days) >= 2:
        return days[0], days[1], None
    if len(days) == 1:
        return days[0], last, "filters.half_range"
    return first, last, "filters.no_range"


def current() -> Filters:
    return st.session_state.get("filters") or Filters()


def _months_before(day: dt.date, months: int) -> dt.date:
    """The day after the same date `months` earlier: a 12-month window ending on `day`."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last_day = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, last_day)) + dt.timedelta(days=1)
