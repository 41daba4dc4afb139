import datetime as dt

import pandas as pd
import streamlit as st
from plotly.subplots import make_subplots

from analytics import geo, grids, places
from analytics.core.errors import DataError
from ui import charts, comparison, data, downloads, fmt, maps
from ui.contest_view import md
from ui.filters import current
from ui.i18n import label, said, t
from ui.layout import page_header
from ui.session import own_community, scope, scope_label, scoped

page_header("grid_map.title", "grid_map.caption")
filters = current()
summary = data.call(grids.grid_summary, filters, scope=scope())
own = own_community()
if own:  # a secretary's numbers are her community's only: her row says so on the map, in the table and lists
    summary = summary.assign(name=summary["name"].where(summary["grid_id"] != own["grid_id"], scope_label()))
beside = comparison.figures()  # a secretary's subdistrict and grid figures and her rank; None otherwise
names = dict(zip(summary["grid_id"], summary["name"]))
METRICS = list(grids.METRICS)


def metric_name(metric: str) -> str:
    return t(f"grid_map.metric.{metric}")


def map_key() -> str:
    # A new key whenever the grid is picked from the list: the map then forgets its own selection
    # (which Streamlit lets no script clear) instead of still highlighting the previously clicked grid.
    return f"grid_map_map_{st.session_state.get('grid_map_map_round', 0)}"


def focus_from_list() -> None:
    st.session_state["grid_map_map_round"] = st.session_state.get("grid_map_map_round", 0) + 1


def focus_from_map() -> None:
    """A click on a grid (or on a community point) focuses the drill-down on that grid."""
    state = st.session_state.get(map_key())
    objects = (state or {}).get("selection", {}).get("objects", {}) if state else {}
    for layer in (maps.LAYER_IDS["grids"], maps.LAYER_IDS["communities"]):
        for picked in objects.get(layer) or []:
            grid_id = (picked.get("properties") or {}).get("grid_id") or picked.get("grid_id")
            if grid_id in names:
                st.session_state["grid_map_focus"] = grid_id
                return


# ---------------------------------------------------------------------------------------------
# the map
base = maps.basemap()
layer_options = ["labels", "communities", "partners"] + (["basemap"] if base else [])
left, right = st.columns([2, 3])
metric = left.selectbox(t("grid_map.metric"), METRICS, key="grid_map_metric", format_func=metric_name)
shown = (
    right.pills(
        t("grid_map.layers"),
        layer_options,
        selection_mode="multi",
        key="grid_map_layers",
        default=["labels", "communities"] + (["basemap"] if base else []),
        format_func=lambda layer: t(f"grid_map.layer.{layer}"),
    )
    or []
)

bounds = data.call(geo.boundaries_for_period, filters.start, filters.end, scope=scope())
if bounds.empty:
    st.info(t("grid_map.no_boundaries"))
else:
    communities = data.call(grids.community_summary, filters, scope=scope()) if "communities" in shown else None
    partners = data.call(places.partner_list, scope=scope()) if "partners" in shown else None
    deck, legend = maps.grid_deck(
        bounds,
        summary,
        metric,
        communities=communities,
        partners=partners,
        show_labels="labels" in shown,
        focus=st.session_state.get("grid_map_focus"),
        base=base if "basemap" in shown else None,
    )
    map_column, legend_column = st.columns([4, 1.25])
    with map_column:
        st.pydeck_chart(
            deck,
            on_select=focus_from_map,
            selection_mode="single-object",
            key=map_key(),
            height=maps.MAP_HEIGHT,
            alt=t("grid_map.map_alt"),
        )
    with legend_column:
        st.html(maps.legend_html(legend, show_communities="communities" in shown, show_partners="partners" in shown))
    first = bounds.iloc[0]
    note = t("grid_map.boundary_demo") if data.is_demo() and int(first["version"]) == 1 else ""
    bits = [
        t(
            "grid_map.boundary_caption",
            version=int(first["version"]),
            start=fmt.date(pd.Timestamp(first["valid_from"]).date()),
            note=note,
        )
    ]
    if base is not None and "basemap" in shown:
        bits.append(t("grid_map.basemap_note", name=base.name, shift=t("grid_map.basemap_shift") if base.gcj02 else ""))
    else:
        bits.append(t("grid_map.offline_note"))
    st.caption(" · ".join(bits))

# ---------------------------------------------------------------------------------------------
# all grids in one table
st.subheader(scoped("grid_map.table"))
columns = {
    "name": scoped("grid_map.col.grid"),
    "residents": t("grid_map.col.residents"),
    "communities": t("grid_map.col.communities"),
    "cases": t("grid_map.col.cases"),
    **{m: metric_name(m) for m in grids.RATE_METRICS},
    "satisfaction": metric_name("satisfaction"),
    "activities": t("grid_map.col.activities"),
    "participants": t("grid_map.col.participants"),
    "activities_per_1k": metric_name("activities_per_1k"),
    "cases_per_1k": metric_name("cases_per_1k"),
    "partners_active": metric_name("partners_active"),
}
for m in grids.RATE_METRICS:
    columns[m] = t("grid_map.col.percent", name=columns[m])
table = summary[summary["selected"]][list(columns)].copy()
table[list(grids.RATE_METRICS)] = (table[list(grids.RATE_METRICS)] * 100).round(1)
table = table.rename(columns=columns)
config = {
    columns[m]: st.column_config.NumberColumn(format="%.1f")
    for m in (*grids.RATE_METRICS, "activities_per_1k", "cases_per_1k")
}
config.update(
    {
        columns[m]: st.column_config.NumberColumn(format="localized")
        for m in ("residents", "cases", "activities", "participants")
    }
)
config[columns["satisfaction"]] = st.column_config.NumberColumn(format="%.2f")
fmt.table(table, hide_index=True, column_config=config, key="grid_map_table")
downloads.buttons(table, scoped("grid_map.file.summary"), key="grid_map_summary_dl")

# ---------------------------------------------------------------------------------------------
# the drill-down: one grid, or two side by side
st.subheader(scoped("grid_map.detail"))
pick_left, pick_right = st.columns(2)
focus = pick_left.selectbox(
    t("grid_map.focus"),
    list(names),
    index=None,
    key="grid_map_focus",
    format_func=names.get,
    placeholder=t("grid_map.caption"),
    on_change=focus_from_list,
)
compare = pick_right.selectbox(
    t("grid_map.compare"),
    list(names),
    index=None,
    key="grid_map_compare",
    format_func=names.get,
    placeholder=t("grid_map.compare_none"),
)
chosen = [g for g in dict.fromkeys([focus, compare]) if g]
whole = data.call(grids.grid_summary, filters.replace(grid_ids=None), scope=scope()).set_index("grid_id")
rankings = {g: data.call(grids.community_ranking, filters, g, metric, scope=scope()) for g in chosen}
trends = {g: data.call(grids.grid_trend, filters, g, scope=scope()) for g in chosen}
# Side by side, both grids share their axes, or the eye compares bar lengths that mean different things.
metric_top = max(
    [float(r[metric].max()) for r in rankings.values() if r[metric].notna().any()]
    + [float(whole.loc[g, metric]) for g in chosen if pd.notna(whole.loc[g, metric])]
    + [0.0]
)
counts_top = max([float(tr[["activities", "cases"]].max().max()) for tr in trends.values() if not tr.empty] + [1.0])


def show_grid(grid_id: str, column, *, compact: bool) -> None:
    row = whole.loc[grid_id]
    with column:
        st.markdown(f"#### {names[grid_id]}")
        if filters.grid_ids is not None and grid_id not in filters.grid_ids:
            st.caption(t("grid_map.outside_filter"))
        for pair in (("in_grid_rate", "in_community_rate"), ("activities_per_1k", "satisfaction")):
            for m, cell in zip(pair, st.columns(2)):
                cell.metric(metric_name(m), maps.metric_text(m, row[m]), border=True, help=t(f"grid_map.help.{m}"))
                with cell:
                    comparison.caption(m, beside, lambda v, m=m: maps.metric_text(m, v))

        ranking = rankings[grid_id]
        st.markdown(f"**{scoped('grid_map.ranking', metric=metric_name(metric))}**")
        if not ranking.empty:
            ordered = ranking.iloc[::-1]
            figure = make_subplots()
            figure.add_bar(
                x=ordered[metric],
                y=ordered["short_name"],
                orientation="h",
                marker_color=charts.GRID_COLOURS.get(grid_id, charts.PRIMARY),
                text=[maps.metric_text(metric, v) for v in ordered[metric]],
                textposition="outside",
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
            if pd.notna(row[metric]):
                # the grid as a whole, so a community below it stands out
                figure.add_vline(
                    x=float(row[metric]),
                    line_dash="dash",
                    line_color="#455A64",
                    annotation_text=t("grid_map.grid_value", value=maps.metric_text(metric, row[metric])),
                    annotation_position="top",
                )
            if metric in grids.RATE_METRICS:
                figure.update_xaxes(tickformat=".0%", range=[0, 1.08])
            else:
                figure.update_xaxes(range=[0, metric_top * 1.18 or 1])
            figure.update_layout(height=90 + 34 * len(ordered), showlegend=False, margin={"t": 30})
            st.plotly_chart(figure, key=f"grid_map_ranking_{grid_id}")

        trend = trends[grid_id]
        st.markdown(f"**{t('grid_map.trend')}**")
        if not trend.empty:
            figure = make_subplots(specs=[[{"secondary_y": True}]])
            figure.add_bar(
                x=trend["month"],
                y=trend["activities"],
                name=t("grid_map.trend.activities"),
                marker_color=charts.SEED_COLOURS["blue"],
                opacity=0.8,
            )
            figure.add_bar(x=trend["month"], y=trend["cases"], name=t("grid_map.trend.cases"), marker_color="#90A4AE")
            figure.add_scatter(
                x=trend["month"],
                y=trend["in_grid_rate"],
                name=t("grid_map.trend.in_grid_rate"),
                mode="lines+markers",
                line={"color": charts.PRIMARY, "width": 3},
                secondary_y=True,
            )
            figure.update_yaxes(
                tickformat=".0%", range=[0, 1.05], tickvals=[0, 0.25, 0.5, 0.75, 1], showgrid=False, secondary_y=True
            )
            figure.update_yaxes(range=[0, counts_top * 1.08], secondary_y=False)
            figure.update_xaxes(tickformat=t("grid_map.month_format"))
            figure.update_layout(barmode="group", height=320, xaxis_title=t("grid_map.month"))
            st.plotly_chart(figure, key=f"grid_map_trend_{grid_id}")

        item_col, partner_col = (st.container(), st.container()) if compact else st.columns(2)
        items = data.call(grids.top_items, filters, grid_id, scope=scope())
        with item_col:
            st.markdown(f"**{t('grid_map.top_items')}**")
            if items.empty:
                st.caption(t("grid_map.none_items"))
            else:
                fmt.table(
                    pd.DataFrame(
                        {
                            t("grid_map.col.item"): items["name"],
                            t("grid_map.col.colour"): [label("colour", c) for c in items["seed_colour"]],
                            t("grid_map.col.activities"): items["activities"],
                            t("grid_map.col.participants"): items["participants"],
                        }
                    ),
                    hide_index=True,
                    key=f"grid_map_items_{grid_id}",
                )
        top = data.call(grids.top_partners, filters, grid_id, scope=scope())
        with partner_col:
            st.markdown(f"**{t('grid_map.top_partners')}**")
            if top.empty:
                st.caption(t("grid_map.none_partners"))
            else:
                fmt.table(
                    pd.DataFrame(
                        {
                            t("grid_map.col.partner"): top["name"],
                            t("grid_map.col.kind"): [label("kind", k) for k in top["kind"]],
                            t("grid_map.col.activities"): top["activities"],
                            t("grid_map.col.served_communities"): top["communities"],
                        }
                    ),
                    hide_index=True,
                    key=f"grid_map_partners_{grid_id}",
                )


if not chosen:
    st.info(scoped("grid_map.detail_hint"))
elif len(chosen) == 1:
    show_grid(chosen[0], st.container(), compact=False)
else:
    for grid_id, column in zip(chosen, st.columns(2)):
        show_grid(grid_id, column, compact=True)


def boundary_upload() -> None:
    """An administrator's form for a new version of the grid boundaries, and what came of it."""
    with st.form("grid_map_upload", clear_on_submit=False):
        upload = st.file_uploader(
            t("grid_map.admin.file"), type=["geojson", "json", "zip", "gpkg"], key="grid_map_file"
        )
        valid_from = st.date_input(t("grid_map.admin.valid_from"), value=dt.date.today(), key="grid_map_valid_from")
        repair = st.checkbox(t("grid_map.admin.repair"), key="grid_map_repair", help=t("grid_map.admin.repair_help"))
        submitted = st.form_submit_button(t("grid_map.admin.save"), icon=":material/upload:")
    if not submitted:
        return
    if upload is None:
        st.warning(t("grid_map.admin.need_file"))
        return
    try:
        result = maps.save_boundaries(upload.getvalue(), upload.name, valid_from, repair=repair)
    except DataError as exc:
        st.error(md(said(exc)))  # quotes the file's name and its members' names: text, never markdown
        st.caption(t("grid_map.admin.refused"))
        return
    message = t(
        "grid_map.admin.saved",
        version=result.version,
        grids=result.grids,
        start=fmt.date(result.valid_from),
        crs=result.source_crs,
    )
    repaired = t("grid_map.admin.repaired", grids="、".join(result.repaired)) if result.repaired else ""
    st.session_state["grid_map_saved"] = (message, repaired)
    st.rerun()


# ---------------------------------------------------------------------------------------------
# boundary management: administrators only (analytics.geo refuses other roles as well)
if scope().role == "admin":
    with st.expander(t("grid_map.admin"), icon=":material/map:"):
        saved = st.session_state.pop("grid_map_saved", None)
        if saved:
            st.success(saved[0])
            if saved[1]:
                st.warning(saved[1])
        st.caption(t("grid_map.admin.intro"))
        versions = data.call(geo.boundary_versions, scope=scope())
        st.markdown(f"**{t('grid_map.admin.versions')}**")
        fmt.table(
            pd.DataFrame(
                {
                    t("grid_map.col.version"): [f"v{v}" for v in versions["version"]],
                    t("grid_map.col.valid_from"): [fmt.date(pd.Timestamp(d).date()) for d in versions["valid_from"]],
                    t("grid_map.col.valid_to"): [
                        t("grid_map.current") if pd.isna(d) else fmt.date(pd.Timestamp(d).date())
                        for d in versions["valid_to"]
                    ],
                    t("grid_map.col.file_name"): [
                        t("grid_map.demo_file") if pd.isna(f) else f for f in versions["file_name"]
                    ],
                    t("grid_map.col.source_crs"): versions["source_crs"].fillna("EPSG:4326"),
                    t("grid_map.col.repaired"): versions["repaired"].fillna(""),
                }
            ),
            hide_index=True,
            key="grid_map_versions",
        )
        # a replica reads the lake's boundaries: it says where they are changed instead of offering the upload
        if not data.writes_elsewhere("replica.settings", what=t("replica.what.boundaries")):
            boundary_upload()
