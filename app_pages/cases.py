import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics import cases, compare, places
from analytics.core.errors import DataError
from ui import cases_view as view
from ui import comparison, data, downloads, fmt
from ui import overdue_view as watch
from ui.filters import current
from ui.i18n import said, t
from ui.layout import page_header
from ui.session import own_community, scope, scoped, whole_unit

page_header("cases.title", "cases.motto")
st.caption(t("cases.definition"))
filters, who = current(), scope()
own = own_community()


def call(fn: Callable[..., pd.DataFrame], *args: object, **kwargs: object) -> pd.DataFrame:
    """data.call, with a secretary's rows "by grid" named as her community's."""
    return comparison.own_rows(data.call(fn, *args, **kwargs))


total = data.call(cases.resolution, filters, (), scope=who).iloc[0]
if total["cases"] == 0:
    st.info(t("common.no_data"))
    st.stop()
targets = data.call(cases.targets, scope=who)
whole_targets = targets[targets["grid_id"].isna()].set_index("metric")["target"]


def data_and_downloads(frame, file_key: str, key: str, **names) -> None:
    with st.expander(t("cases.data"), icon=":material/table_view:"):
        shown = view.readable(frame)
        fmt.table(shown, hide_index=True, column_config=view.column_config(frame), key=f"{key}_table")
        downloads.buttons(shown, t(file_key, **names), key=key)


# --- headline numbers against their targets -------------------------------------------------
columns = st.columns([0.8, 1.4, 1.4, 1.45, 1.2, 0.8])
columns[0].metric(t("cases.kpi.cases"), fmt.number(total["cases"]), border=True)
for column, metric in zip(columns[1:4], cases.TARGET_METRICS):
    actual, goal = total[metric], whole_targets[metric]
    column.metric(
        t(f"cases.kpi.{metric}"),
        fmt.pct(actual),
        None if math.isnan(actual) else t("cases.points", value=(actual - goal) * 100),
        delta_description=t("cases.target_value", target=fmt.pct(goal, 0)),
        help=t(f"cases.help.{metric}"),
        border=True,
    )
watch.on_time_tile(columns[4], filters, who)  # 按期办结率, beside the rates it is read with
columns[5].metric(t("cases.kpi.open"), fmt.number(total["open"]), border=True)
beside = comparison.figures()  # a secretary's subdistrict and grid figures and her rank; None otherwise
with columns[0]:
    comparison.caption("cases", beside, fmt.number)
for column, metric in zip(columns[1:3], ("in_grid_rate", "in_community_rate")):
    with column:
        comparison.caption(metric, beside, fmt.pct)

# --- CityScore: who is on target ------------------------------------------------------------
st.subheader(t("cases.score.header"))
st.caption(t("cases.score.caption"))
by_grid = call(cases.scores, filters, ("grid_id",), scope=who)
whole = call(cases.scores, filters, (), scope=who)
by_grid_month = call(cases.scores, filters, ("grid_id", "month"), scope=who)
by_month = call(cases.scores, filters, ("month",), scope=who)
if own:  # under her scope every grid row is her community again: shown once, under her name
    by_grid, by_grid_month = by_grid.iloc[0:0], by_grid_month.iloc[0:0]
view.score_tiles(by_grid, whole)
if own:
    beside_score = comparison.score_line(data.call(compare.scores, filters, scope=who))
    if beside_score:
        st.caption(beside_score, help=t("scope.compare_help", unit=whole_unit()))
metric = (
    st.segmented_control(
        t("cases.score.metric"),
        ("cityscore", *cases.TARGET_METRICS),
        default="cityscore",
        format_func=lambda m: t(f"cases.metric.{m}"),
        key="cases_score_metric",
    )
    or "cityscore"
)
st.plotly_chart(
    view.score_heatmap(by_grid_month, by_month, metric, whole=scoped("cases.score.subdistrict")), key="cases_heatmap"
)
data_and_downloads(by_month if own else by_grid_month, "cases.file.scores", "cases_scores")  # hers: by month

# --- where matters are settled --------------------------------------------------------------
st.subheader(t("cases.flow.header"))
st.caption(t("cases.flow.caption"))
flows = call(cases.flows, filters, scope=who)
resolution_by_grid = call(cases.resolution, filters, ("grid_id",), scope=who)
left, right = st.columns([3, 2])
left.plotly_chart(view.sankey(flows), key="cases_sankey")
with right:
    st.markdown(f"**{scoped('cases.flow.by_grid')}**")
    st.plotly_chart(view.level_mix(resolution_by_grid), key="cases_level_mix")
data_and_downloads(
    call(cases.resolution, filters, ("grid_id", "category"), scope=who), "cases.file.flows", "cases_flows"
)

# --- time to close --------------------------------------------------------------------------
st.subheader(t("cases.time.header"))
st.caption(t("cases.time.caption"))
time_by_category = call(cases.time_to_close, filters, ("category",), scope=who)
time_by_grid = call(cases.time_to_close, filters, ("grid_id",), scope=who)
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('cases.time.by_category')}**")
    st.plotly_chart(view.time_bars(time_by_category, "category"), key="cases_time_category")
with right:
    st.markdown(f"**{scoped('cases.time.by_grid')}**")
    st.plotly_chart(view.time_bars(time_by_grid, "grid_id"), key="cases_time_grid")
data_and_downloads(
    call(cases.time_to_close, filters, ("grid_id", "category"), scope=who), "cases.file.time", "cases_time"
)

# --- the open backlog -----------------------------------------------------------------------
st.subheader(t("cases.backlog.header"))
backlog_total = call(cases.open_backlog, filters, (), scope=who).iloc[0]
if backlog_total["open"] == 0:
    st.success(t("cases.backlog.none"))
else:
    st.caption(t("cases.backlog.caption", as_of=fmt.date(backlog_total["as_of"].date())))
    numbers, chart = st.columns([1, 3])
    numbers.metric(t("cases.backlog.open"), fmt.number(backlog_total["open"]), border=True)
    numbers.metric(t("cases.backlog.urgent_open"), fmt.number(backlog_total["urgent_open"]), border=True)
    numbers.metric(
        t("cases.backlog.over_30"), fmt.number(backlog_total["age_31_90"] + backlog_total["age_over_90"]), border=True
    )
    chart.plotly_chart(
        view.backlog_bars(call(cases.open_backlog, filters, ("grid_id",), scope=who)), key="cases_backlog"
    )
    st.markdown(f"**{t('cases.backlog.oldest')}**")
    oldest = call(cases.oldest_open, filters, scope=who)
    fmt.table(
        view.readable(oldest.drop(columns=["grid_id", "community_id"])),
        hide_index=True,
        column_config=view.column_config(oldest),
        key="cases_oldest",
    )
    downloads.buttons(
        view.readable(call(cases.oldest_open, filters, limit=100_000, scope=who)),
        t("cases.file.backlog"),
        key="cases_backlog_dl",
    )

# --- overdue matters: the watch list (every open matter, whenever reported) ---------------
watch.watch_list(filters, who, key="cases_watch")

# --- urgent matters on their own ------------------------------------------------------------
st.subheader(t("cases.urgent.header"))
urgent_total = call(cases.urgent_matters, filters, (), scope=who).iloc[0]
if urgent_total["cases"] == 0:
    st.info(t("cases.urgent.none"))
else:
    st.caption(t("cases.urgent.caption"))
    urgent_by_grid = call(cases.urgent_matters, filters, ("grid_id",), scope=who)
    numbers, chart = st.columns([1, 3])
    numbers.metric(t("cases.urgent.cases"), fmt.number(urgent_total["cases"]), border=True)
    numbers.metric(
        t("cases.urgent.rate"),
        fmt.pct(urgent_total["in_community_rate"]),
        None
        if urgent_total["closed"] == 0
        else t(
            "cases.points", value=(urgent_total["in_community_rate"] - whole_targets["urgent_in_community_rate"]) * 100
        ),
        delta_description=t("cases.target_value", target=fmt.pct(whole_targets["urgent_in_community_rate"], 0)),
        border=True,
    )
    numbers.metric(t("cases.urgent.median"), view.days(urgent_total["median_hours"]), border=True)
    chart.plotly_chart(view.urgent_bars(urgent_by_grid, targets), key="cases_urgent")
    data_and_downloads(urgent_by_grid, "cases.file.urgent", "cases_urgent_dl")

# --- satisfaction ---------------------------------------------------------------------------
st.subheader(t("cases.sat.header"))
st.caption(t("cases.sat.caption"))
sat = {by: call(cases.satisfaction, filters, (by,), scope=who) for by in ("category", "grid_id", "level")}
for column, by in zip(st.columns(3), sat):
    with column:
        st.markdown(f"**{scoped('cases.sat.by_' + ('grid' if by == 'grid_id' else by))}**")
        st.plotly_chart(view.satisfaction_bars(sat[by], by), key=f"cases_sat_{by}")
data_and_downloads(
    call(cases.satisfaction, filters, ("grid_id", "category"), scope=who), "cases.file.satisfaction", "cases_sat"
)

# --- one grid's communities -----------------------------------------------------------------
st.subheader(t("cases.comm.header"))
grid_names = data.call(places.grid_list).set_index("grid_id")["name"]
choices = list(filters.grid_ids or grid_names.index)
if who.restricted_community:  # a secretary reads her own community's grid: the others hold no row of hers
    listed = data.call(places.community_list).set_index("community_id")["grid_id"]
    choices = [listed.get(who.restricted_community)]
grid_id = st.selectbox(t("cases.comm.grid"), choices, format_func=lambda g: grid_names.get(g, g), key="cases_grid")
st.caption(t("cases.comm.caption"))
communities = call(cases.community_table, filters, grid_id, scope=who)
if communities.empty:
    st.info(t("cases.comm.none"))
else:
    communities = view.community_rows(
        communities,
        data.call(cases.community_table_totals, filters, grid_id, scope=who),
        grid_names.get(grid_id, grid_id),
        whole=filters.grid_ids is None and filters.community_ids is None,
    )
    shown = view.readable(communities.drop(columns=["community_id"]))
    fmt.table(shown, hide_index=True, column_config=view.column_config(communities), key="cases_communities")
    downloads.buttons(
        view.readable(communities),
        t("cases.file.communities", grid=grid_names.get(grid_id, grid_id)),
        key="cases_communities_dl",
    )

# --- targets --------------------------------------------------------------------------------
with st.expander(t("cases.targets.header"), icon=":material/flag:"):
    st.caption(t("cases.targets.caption"))
    shown = view.readable(targets.drop(columns=["grid_id"]))
    fmt.table(shown, hide_index=True, column_config=view.column_config(targets), key="cases_targets_table")
    downloads.buttons(shown, t("cases.file.targets"), key="cases_targets_dl")
    if who.role != "admin":
        st.caption(t("cases.targets.admin_only"))
    elif not data.writes_elsewhere("replica.settings", what=t("replica.what.targets")):  # a replica says why not
        place_names = {"": t("cases.score.subdistrict", unit=whole_unit()), **grid_names.to_dict()}
        with st.form("cases_target_form"):
            place = st.selectbox(
                t("cases.targets.place"), list(place_names), format_func=place_names.get, key="cases_target_place"
            )
            chosen = st.selectbox(
                t("cases.targets.metric"),
                cases.TARGET_METRICS,
                format_func=lambda m: t(f"cases.metric.{m}"),
                key="cases_target_metric",
            )
            value = st.number_input(
                t("cases.targets.value"), min_value=1.0, max_value=100.0, value=70.0, step=1.0, key="cases_target_value"
            )
            save, reset = st.columns(2)
            saved = save.form_submit_button(t("cases.targets.save"), type="primary", key="cases_target_save")
            cleared = reset.form_submit_button(t("cases.targets.reset"), key="cases_target_reset")
        if saved or cleared:
            try:
                if saved:
                    data.write(cases.set_target, chosen, value / 100, grid_id=place or None, set_by=who.role, scope=who)
                else:
                    data.write(cases.clear_target, chosen, grid_id=place or None, scope=who)
            except DataError as exc:
                st.error(said(exc))
            else:
                st.toast(t("cases.targets.saved" if saved else "cases.targets.cleared"), icon=":material/check:")
                st.rerun()

# --- deadlines ------------------------------------------------------------------------------
watch.deadline_settings(who)
