"""The watch list of overdue matters (超期预警) and the deadline settings, for the 网格事务 page and a
secretary's overview. Tables come from analytics.overdue; this module only formats and lays them out.

The watch list reads every open matter, whenever it was reported (an old matter is the most overdue one):
the sidebar's places and the viewer's scope apply, its period does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from analytics import overdue
from analytics.access import Scope, audit
from analytics.core import privacy
from analytics.core.errors import DataError
from analytics.core.filters import Filters
from ui import data, downloads, fmt
from ui.i18n import has, label, said, t
from ui.session import scoped, username

_DAY_COLUMNS = ("days_overdue", "days_left", "most_days_overdue")
_TIME_COLUMNS = ("reported_at", "due_at")


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as words (category, urgency, status) and column names in the session's language."""
    out = frame.drop(columns=[c for c in ("grid_id", "community_id", "as_of") if c in frame.columns])
    if "category" in out:
        out["category"] = out["category"].map(lambda c: label("category", c))
    if "urgent" in out:
        yes, no = t("cases.yes"), t("cases.no")
        out["urgent"] = out["urgent"].map(lambda v: "" if pd.isna(v) else yes if v else no)
    if "status" in out:
        out["status"] = out["status"].map(lambda s: t(f"overdue.status.{s}"))
    if "source" in out:
        out["source"] = out["source"].map(lambda s: t(f"overdue.source.{s}"))
    if "grid_name" in out:
        out["grid_name"] = out["grid_name"].fillna("—")
    return out.rename(columns={c: t(f"overdue.col.{c}") for c in out.columns if has(f"overdue.col.{c}")})


def column_config(frame: pd.DataFrame) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for column in frame.columns:
        name = t(f"overdue.col.{column}") if has(f"overdue.col.{column}") else column
        if column in _DAY_COLUMNS:
            config[name] = fmt.column("decimal", name)
        elif column in _TIME_COLUMNS:
            config[name] = st.column_config.DatetimeColumn(name, format="YYYY-MM-DD HH:mm")
        elif column in ("valid_from", "valid_to"):
            config[name] = st.column_config.DateColumn(name, format="YYYY-MM-DD")
        elif column == "on_time_rate":
            config[name] = fmt.column("rate", name)
        elif pd.api.types.is_integer_dtype(frame[column]):
            config[name] = fmt.column("count", name)
    return config


def watch_list(filters: Filters, who: Scope, *, key: str, compact: bool = False) -> None:
    """Overdue matters and those due within a week, by holder and one by one. `compact` (a secretary's
    overview): her counts and her list only."""
    places = filters.replace(start=None, end=None)
    total = data.call(overdue.holders, places, who, by=())
    st.subheader(scoped("overdue.header"))
    if total.empty or int(total.iloc[0]["open"]) == 0:
        st.success(t("overdue.none"))
        return
    chases = privacy.sees_personal_data(who)  # analysts and admins read counts per grid only (see analytics.overdue)
    row = total.iloc[0]
    st.caption(t("overdue.caption", as_of=fmt.date(pd.Timestamp(row["as_of"]).date()), week=overdue.WEEK_DAYS))
    tiles = st.columns(3)
    tiles[0].metric(t("overdue.kpi.overdue"), fmt.number(row["overdue"]), border=True)
    tiles[1].metric(t("overdue.kpi.due_soon", week=overdue.WEEK_DAYS), fmt.number(row["due_soon"]), border=True)
    tiles[2].metric(t("overdue.kpi.urgent_overdue"), fmt.number(row["urgent_overdue"]), border=True)
    if not compact and who.restricted_community is None:
        st.markdown(f"**{t('overdue.by_holder' if chases else 'overdue.by_grid')}**")
        by = overdue.HOLDER_BY if chases else ("grid_id",)
        by_holder = data.call(overdue.holders, places, who, by=by)
        by_holder = by_holder[(by_holder["overdue"] + by_holder["due_soon"]) > 0]
        by_holder = by_holder.sort_values(["overdue", "due_soon"], ascending=False)
        fmt.table(readable(by_holder), hide_index=True, column_config=column_config(by_holder), key=f"{key}_holders")
    if not chases:
        st.caption(t("overdue.masked"))
        return
    matters = data.call(overdue.overdue_matters, places, who)
    st.markdown(f"**{t('overdue.list')}**")
    shown = matters.sort_values(["status", "due_at"], key=lambda s: s.map(_STATUS_ORDER) if s.name == "status" else s)
    # what to act on first, so that a phone's narrow table shows it without scrolling sideways
    first = ["case_id", "status", "days_overdue", "days_left", "due_at", "category", "urgent"]
    shown = shown[first + [c for c in shown.columns if c not in first]]
    if who.restricted_community is not None:  # every row is her community's: its names would only repeat
        shown = shown.drop(columns=["grid_name", "community_name"])
    fmt.table(
        readable(shown),
        empty=t("overdue.list_empty"),
        hide_index=True,
        column_config=column_config(shown),
        key=f"{key}_matters",
    )
    if not matters.empty:
        downloads.buttons(readable(shown), t("overdue.file.list"), key=f"{key}_dl")


_STATUS_ORDER = {status: i for i, status in enumerate(overdue.STATUSES)}


def on_time_tile(column: Any, filters: Filters, who: Scope) -> None:
    """按期办结率 beside 小事不出网格: the period's matters closed within their deadline ÷ closed."""
    share = data.call(overdue.closed_within_deadline, filters, who).iloc[0]
    column.metric(
        t("overdue.kpi.on_time_rate"),
        fmt.pct(share["on_time_rate"]),
        help=t("overdue.help.on_time_rate", closed=fmt.count(share["closed"]), on_time=fmt.count(share["on_time"])),
        border=True,
    )


def deadline_settings(who: Scope) -> None:
    """The deadlines in force today and their history; an administrator adds a version."""
    with st.expander(t("overdue.deadlines.header"), icon=":material/timer:"):
        st.caption(t("overdue.deadlines.caption"))
        today = data.call(overdue.deadlines, on=dt.date.today())
        fmt.table(readable(today), hide_index=True, column_config=column_config(today), key="overdue_deadlines")
        history = data.call(overdue.deadlines, history=True)
        set_rows = history[history["source"] == "set"]
        if not set_rows.empty:
            st.markdown(f"**{t('overdue.deadlines.history')}**")
            fmt.table(readable(set_rows), hide_index=True, column_config=column_config(set_rows), key="overdue_history")
        downloads.buttons(readable(history), t("overdue.file.deadlines"), key="overdue_deadlines_dl")
        if who.role != "admin":
            st.caption(t("overdue.deadlines.admin_only"))
            return
        if data.writes_elsewhere("replica.settings", what=t("replica.what.deadlines")):
            return
        with st.form("overdue_deadline_form"):
            left, middle, right, last = st.columns(4)
            category = left.selectbox(
                t("overdue.col.category"),
                overdue.CATEGORIES,
                format_func=lambda c: label("category", c),
                key="overdue_form_category",
            )
            urgent = middle.selectbox(
                t("overdue.col.urgent"),
                (False, True),
                format_func=lambda u: t("cases.yes") if u else t("cases.no"),
                key="overdue_form_urgent",
            )
            days = right.number_input(
                t("overdue.deadlines.days"),
                min_value=1,
                max_value=overdue.MAX_DAYS,
                value=7,
                step=1,
                key="overdue_form_days",
            )
            valid_from = last.date_input(
                t("overdue.col.valid_from"),
                value=dt.date.today(),
                min_value=overdue.EARLIEST,
                max_value=dt.date.today() + dt.timedelta(days=3 * 365),
                key="overdue_form_from",
            )
            saved = st.form_submit_button(t("overdue.deadlines.save"), type="primary", key="overdue_form_save")
        if saved:
            try:
                data.write(
                    overdue.set_deadline,
                    category,
                    urgent,
                    int(days),
                    valid_from=valid_from,
                    set_by=username(),
                    scope=who,
                )
            except DataError as exc:
                st.error(said(exc))
            else:
                audit.log(
                    username(),
                    "set_deadline",
                    f"{category} urgent={urgent}: {int(days)} days from {valid_from}",
                    role=who.role,
                )
                st.toast(t("overdue.deadlines.saved"), icon=":material/check:")
                st.rerun()
        if not set_rows.empty:
            _remove_version(set_rows, who)


def _remove_version(set_rows: pd.DataFrame, who: Scope) -> None:
    """An administrator removes a version set by mistake; the one before it applies again."""
    versions = {
        f"{row.category}|{bool(row.urgent)}|{pd.Timestamp(row.valid_from).date().isoformat()}": row
        for row in set_rows.itertuples()
    }

    def named(key: str) -> str:
        row = versions[key]
        urgency = t("overdue.notify.urgent") if row.urgent else ""
        return t(
            "overdue.deadlines.version",
            category=label("category", row.category),
            urgent=urgency,
            days=int(row.days),
            day=pd.Timestamp(row.valid_from).date().isoformat(),
        )

    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        t("overdue.deadlines.remove_which"), list(versions), format_func=named, key="overdue_remove_version"
    )
    if right.button(t("overdue.deadlines.remove"), key="overdue_remove") and chosen:
        row = versions[chosen]
        try:
            data.write(
                overdue.remove_deadline,
                row.category,
                bool(row.urgent),
                valid_from=pd.Timestamp(row.valid_from).date(),
                scope=who,
            )
        except DataError as exc:
            st.error(said(exc))
        else:
            audit.log(username(), "remove_deadline", named(chosen), role=who.role)
            st.toast(t("overdue.deadlines.removed"), icon=":material/check:")
            st.rerun()
