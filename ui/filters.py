"""The sidebar filters every page shares: a period and the area grids."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics import places
from analytics.filters import Filters
from ui import data, fmt
from ui.i18n import t

PRESETS = ("last12", "this_year", "all", "custom")


def data_range() -> tuple[dt.date, dt.date]:
    start, end = data.call(places.data_range)
    return start, end


def sidebar() -> Filters:
    """Draw the shared filters in the sidebar and return them (also kept in session state)."""
    first, last = data_range()
    grids = data.call(places.grid_list)
    with st.sidebar:
        st.markdown(f"**{t('filters.header')}**")
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
        chosen = st.multiselect(
            t("filters.grids"),
            list(names),
            key="filters_grids",
            format_func=lambda g: names.get(g, g),
            placeholder=t("filters.grids_placeholder"),
            select_all=False,  # Streamlit writes it in English only, and choosing none already means all seven
        )
    filters = Filters(start=start, end=end, grid_ids=tuple(chosen) if chosen else None)
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
