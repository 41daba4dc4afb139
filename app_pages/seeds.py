import streamlit as st

from analytics import places, seeds
from ui import comparison, data, downloads, fmt
from ui import seed_charts as charts
from ui import seed_selection as selection
from ui.contest_view import md  # imported names: text, never markdown
from ui.filters import current
from ui.i18n import label, t
from ui.layout import page_header
from ui.session import scope, scoped, whole_unit

page_header("seeds.title", "seeds.caption")
colour, community = selection.picks()
base = current()
everything = selection.narrow(base, colour, community)  # what most of the page shows
by_colour = selection.narrow(base, None, community)  # the colour charts keep all four colours
by_community = selection.narrow(base, colour, None)  # the funnel keeps every community


def download(frame, part: str, key: str, *, narrow: bool = False) -> None:
    name = scoped("seeds.download_name", part=part, start=base.start or "", end=base.end or "")
    with st.container() if narrow else st.columns([2, 3])[0]:
        downloads.buttons(frame, name, key=f"seeds_dl_{key}")


def clickable(figure, name: str, kind: str) -> None:
    key = selection.chart_key(name)
    st.plotly_chart(figure, key=key, on_select=selection.pick_callback(kind, key), selection_mode="points")


# --- what the page is filtered to -------------------------------------------------------------
if colour or community:
    names = data.call(places.community_list, scope=scope())
    community_name = dict(zip(names["community_id"], names["short_name"].fillna(names["name"]))).get(
        community, community
    )
    what = " · ".join(x for x in (colour and label("colour", colour), community and community_name) if x)
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(t("seeds.picked", what=what), icon=":material/filter_alt:")
    right.button(t("seeds.clear"), key="seeds_clear", on_click=selection.clear_callback, icon=":material/close:")
else:
    st.caption(t("seeds.hint"))

# --- headline ---------------------------------------------------------------------------------
totals = data.call(seeds.uptake, everything, (), scope=scope()).iloc[0]
if totals["activities"] == 0 and totals.get("activities_prev", 0) == 0:
    st.info(t("seeds.no_data"))
    st.stop()
beside = comparison.figures(everything)  # a secretary's subdistrict, grid and rank figures; None otherwise
for metric, column in zip(seeds.METRICS, st.columns(4)):
    before = totals.get(f"{metric}_prev")
    column.metric(
        t(f"seeds.metric.{metric}"),
        fmt.number(totals[metric]),
        fmt.change(totals[metric], before) if before is not None else None,
        border=True,
        help=t(f"seeds.help.{metric}") if metric in ("participants", "volunteers") else None,
    )
    with column:
        comparison.caption(metric, beside, fmt.number)

# --- each colour: totals and trend ------------------------------------------------------------
st.subheader(t("seeds.by_colour"))
controls = st.columns(3)
metric = controls[0].segmented_control(
    t("seeds.metric"),
    ["activities", "participants", "volunteer_hours"],
    default="activities",
    required=True,
    key="seeds_metric",
    format_func=lambda m: t(f"seeds.metric.{m}"),
)
grain = controls[1].segmented_control(
    t("seeds.grain"),
    ["month", "week"],
    default="month",
    required=True,
    key="seeds_grain",
    format_func=lambda g: t(f"seeds.grain.{g}"),
)
layout = controls[2].segmented_control(
    t("seeds.layout"),
    ["stacked", "multiples"],
    default="stacked",
    required=True,
    key="seeds_layout",
    format_func=lambda v: t(f"seeds.layout.{v}"),
)
per_colour = data.call(seeds.uptake, by_colour, ("seed_colour",), scope=scope())
trend = data.call(seeds.uptake, by_colour, (grain, "seed_colour"), scope=scope())
left, right = st.columns([1, 2])
with left:
    st.caption(t("seeds.colour_totals"))
    clickable(charts.colour_totals(per_colour, metric, colour), "colours", "colour")
    download(
        charts.table(
            per_colour,
            [
                "seed_colour",
                "activities",
                "participants",
                "volunteers",
                "volunteer_hours",
                "activities_prev",
                "participants_prev",
                "activities_change",
                "participants_change",
            ]
            if "activities_prev" in per_colour
            else ["seed_colour", "activities", "participants", "volunteers", "volunteer_hours"],
        ),
        t("seeds.by_colour"),
        "colours",
        narrow=True,
    )
with right:
    clickable(charts.colour_trend(trend, metric, grain, layout, colour), "trend", "colour")
    if grain == "week":
        st.caption(t("seeds.week_note"))
    download(
        charts.table(trend, [grain, "seed_colour", "activities", "participants", "volunteers", "volunteer_hours"]),
        t(f"seeds.grain.{grain}"),
        "trend",
    )

# --- communities per 1,000 residents ----------------------------------------------------------
st.subheader(t("seeds.funnel"))
result = data.call(seeds.community_funnel, by_community, scope=scope())
st.caption(t("seeds.funnel.explain", unit=whole_unit()))
plot, notes = st.columns([3, 1])
with plot:
    clickable(charts.funnel_plot(result, community), "funnel", "community")
with notes:
    st.metric(t("seeds.funnel.pooled"), f"{result.pooled_per_1k:.1f}")
    st.caption(t("seeds.funnel.compared", n=result.compared))
    for side, bands in (("high", ["high_998"]), ("low", ["low_998"])):
        names = result.points[result.points["band"].isin(bands)].sort_values(
            "activities_per_1k", ascending=side == "low"
        )
        if len(names):
            st.markdown(f"**{t(f'seeds.funnel.{side}')}**")
            st.caption(
                "、".join(
                    f"{md(n)}（{v:.1f}）" for n, v in zip(names["community_short_name"], names["activities_per_1k"])
                )
            )
    if not result.points["band"].isin(["high_998", "low_998"]).any():
        st.caption(t("seeds.funnel.none_outside"))
funnel_table = charts.table(
    result.points.sort_values("activities_per_1k", ascending=False),
    [
        "community_id",
        "community_name",
        "grid_name",
        "residents",
        "activities",
        "activities_per_1k",
        "lower_95",
        "upper_95",
        "lower_998",
        "upper_998",
        "band",
    ],
)
download(funnel_table, t("seeds.funnel.rate"), "funnel")

# --- service items and the calendar -----------------------------------------------------------
st.subheader(t("seeds.items"))
items = data.call(seeds.item_ranking, everything, scope=scope())
clickable(charts.item_bars(items), "items", "colour")
download(
    charts.table(
        items,
        [
            "seed_colour",
            "rank_in_colour",
            "item_name",
            "activities",
            "participants",
            "volunteer_hours",
            "communities_reached",
            "share_of_colour",
        ],
    ),
    t("seeds.col.item_name"),
    "items",
)

st.subheader(t("seeds.calendar"))
days = data.call(seeds.daily, everything, scope=scope())
st.plotly_chart(charts.calendar(days), key="seeds_calendar")
download(charts.table(days, ["day", "activities", "participants"]), t("seeds.col.day"), "calendar")

# --- partners -----------------------------------------------------------------------------------
st.subheader(t("seeds.partners"))
partners = data.call(seeds.partner_contribution, everything, scope=scope())
matrix = data.call(seeds.pairing_matrix, everything, scope=scope())
uncovered = data.call(seeds.uncovered_communities, everything, scope=scope())
idle = data.call(seeds.idle_pairings, everything, scope=scope())
if totals["activities"]:
    st.caption(t("seeds.partner_share", share=fmt.pct(partners["activities"].sum() / totals["activities"])))
bars, table_col = st.columns([2, 3])
with bars:
    st.caption(t("seeds.partner_bars"))
    st.plotly_chart(charts.partner_bars(partners), key="seeds_partner_bars")
with table_col:
    partner_table = charts.table(
        partners,
        [
            "partner_name",
            "kind",
            "activities",
            "participants",
            "volunteer_hours",
            "communities_reached",
            "paired_communities",
            "idle_pairings",
            "share_of_activities",
        ],
    )
    fmt.table(
        partner_table,
        hide_index=True,
        key="seeds_partner_table",
        column_config={
            t("seeds.col.share_of_activities"): st.column_config.NumberColumn(format="percent"),
            t("seeds.col.volunteer_hours"): st.column_config.NumberColumn(format="%.1f"),
        },
    )
    download(partner_table, t("seeds.col.partner_name"), "partners", narrow=True)

st.markdown(f"**{t('seeds.matrix')}**")
st.caption(t("seeds.matrix.explain"))
st.plotly_chart(charts.pairing_matrix(matrix, uncovered), key="seeds_matrix")
download(
    charts.table(
        matrix, ["partner_name", "kind", "community_name", "grid_name", "since", "activities", "participants", "status"]
    ),
    t("seeds.matrix"),
    "matrix",
)
gap_left, gap_right = st.columns(2)
with gap_left:
    st.markdown(f"**{t('seeds.gaps.uncovered')}**")
    if uncovered.empty:
        st.caption(t("seeds.gaps.none_uncovered"))
    else:
        gap_table = charts.table(
            uncovered, ["community_name", "grid_name", "residents", "activities", "paired_partners"]
        )
        fmt.table(gap_table, hide_index=True, key="seeds_uncovered_table")
        download(gap_table, t("seeds.gaps.uncovered"), "uncovered", narrow=True)
with gap_right:
    st.markdown(f"**{t('seeds.gaps.idle')}**")
    if idle.empty:
        st.caption(t("seeds.gaps.none_idle"))
    else:
        idle_table = charts.table(idle, ["partner_name", "community_name", "since"])
        fmt.table(idle_table, hide_index=True, key="seeds_idle_table")
        download(idle_table, t("seeds.gaps.idle"), "idle", narrow=True)
