"""Presentation of the grid-work page (网格事务): readable tables and the plotly figures.

Everything here takes the small frames of analytics.cases and only formats them (at most summing a
few already-aggregated rows for a label); no SQL.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts, fmt
from ui.i18n import has, label, t
from ui.session import scoped, whole_unit

CATEGORIES = ("party_building", "opinion", "service_proxy", "dispute")
LEVELS_AND_OPEN = ("grid", "community", "street", "district", "open")
AGE_BUCKETS = ("0_7", "8_30", "31_90", "over_90")
CATEGORY_COLOURS = {"party_building": "#B71C1C", "opinion": "#1565C0", "service_proxy": "#00838F", "dispute": "#F9A825"}
AGE_COLOURS = {"0_7": "#B0BEC5", "8_30": "#FFCC80", "31_90": "#FB8C00", "over_90": "#C62828"}
# CityScore colours in steps, so that 0.99 and 1.01 never look alike: behind, nearly, on, ahead.
SCORE_STEPS = ((0.9, "#C62828"), (1.0, "#EF9A9A"), (1.1, "#A5D6A7"), (None, "#2E7D32"))
SCORE_RANGE = (0.8, 1.2)
RATE_COLUMNS = (
    "share_grid",
    "share_community",
    "share_street",
    "share_district",
    "in_grid_rate",
    "in_community_rate",
    "urgent_in_community_rate",
    "response_rate",
    "satisfied_share",
    "unsatisfied_share",
    "actual",
    "target",
)


def short_grid(name: object) -> str:
    """北街河东片区网格 → 北街河东: chart axes have room for the distinctive part only."""
    return str(name).removesuffix("片区网格").removesuffix("网格") if isinstance(name, str) else str(name)


def month_label(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")


def days(hours: float | None) -> str:
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "—"
    return t("cases.day_value", value=f"{hours / 24:.1f}")


def named(frame: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[str]]:
    """`frame` in the order people expect (categories and levels as the plan lists them, grids by id)
    and the display name of each row."""
    if by in ("category", "level"):
        order = CATEGORIES if by == "category" else LEVELS_AND_OPEN
        frame = frame.assign(_rank=frame[by].map({code: i for i, code in enumerate(order)}))
        frame = frame.sort_values("_rank").drop(columns="_rank")
        return frame, [label(by, code) for code in frame[by]]
    frame = frame.sort_values(by)
    if by == "grid_id":
        return frame, [short_grid(name) for name in frame["grid_name"]]
    return frame, frame[by].astype(str).tolist()


# ---------------------------------------------------------------------------------------------
# tables
def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for people: codes as words, months as 2024-03, column names in the session's language.
    Each distinct value is translated once (a backlog download has tens of thousands of rows)."""
    out = frame.copy()

    def words(column: str, name: Callable[[Any], str]) -> None:
        values = out[column].unique()
        out[column] = out[column].map(dict(zip(values, (name(v) for v in values))))

    for column, kind in (("category", "category"), ("level", "level")):
        if column in out:
            words(column, functools.partial(label, kind))
    if "metric" in out:
        words("metric", lambda m: t(f"cases.metric.{m}"))
    if "source" in out:
        words("source", lambda s: t(f"cases.source.{s}"))
    for column in ("urgent", "on_target"):
        if column in out:
            yes, no = t("cases.yes"), t("cases.no")
            out[column] = out[column].map(lambda v, yes=yes, no=no: "" if pd.isna(v) else yes if v else no)
    if "month" in out:
        words("month", month_label)
    if "grid_name" in out:  # a row without a grid is the whole subdistrict (targets, scores)
        out["grid_name"] = out["grid_name"].fillna(t("cases.score.subdistrict", unit=whole_unit()))
    return out.rename(columns={c: t(f"cases.col.{c}") for c in out.columns if has(f"cases.col.{c}")})


def column_config(frame: pd.DataFrame) -> dict:
    """Rates as percentages and long numbers rounded, keyed by the readable column names."""
    config = {}
    for column in frame.columns:
        name = t(f"cases.col.{column}") if has(f"cases.col.{column}") else column
        if column in RATE_COLUMNS:
            config[name] = fmt.column("rate", name)
        elif column in ("score", "mean_score"):
            config[name] = fmt.column("score", name)
        elif column.endswith(("_hours", "_days", "per_1k")):
            config[name] = fmt.column("decimal", name)
        elif pd.api.types.is_integer_dtype(frame[column]):
            config[name] = fmt.column("count", name)
    return config


def community_rows(communities: pd.DataFrame, totals: pd.DataFrame, grid_name: str, *, whole: bool) -> pd.DataFrame:
    """The grid's communities (a secretary: her own) followed by the grid's and the subdistrict's totals
    (`analytics.cases.community_table_totals`) under the same columns, so one row is read against both.
    `whole`: the filters hold every community (else the last row is "the selection")."""
    names = {
        "grid": t("cases.comm.total_grid", grid=short_grid(grid_name)),
        "subdistrict": t("cases.comm.total_all", unit=whole_unit()) if whole else t("cases.comm.total_selection"),
    }
    extra = totals.assign(community_id=None, community_name=totals["place"].map(names)).drop(columns="place")
    return pd.concat([communities, extra[communities.columns]], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# CityScore
def score_heatmap(by_grid_month: pd.DataFrame, by_month: pd.DataFrame, metric: str, *, whole: str) -> go.Figure:
    """Rows: the whole (`whole` names it: the page's scoped 全街道 / 全镇 / her community), then each grid;
    columns: months; colour: score in steps."""
    whole_rows = by_month[by_month["metric"] == metric].assign(place=whole)
    grids = by_grid_month[by_grid_month["metric"] == metric].assign(place=by_grid_month["grid_name"].map(short_grid))
    frame = pd.concat([whole_rows, grids], ignore_index=True)
    frame["month_label"] = frame["month"].map(month_label)
    places = [whole, *dict.fromkeys(grids["place"])]
    months = sorted(frame["month_label"].unique())
    wide = frame.pivot(index="place", columns="month_label", values="score").reindex(index=places, columns=months)
    hover = (
        frame.assign(text=[_score_hover(row, metric) for row in frame.itertuples()])
        .pivot(index="place", columns="month_label", values="text")
        .reindex(index=places, columns=months)
    )
    low, high = SCORE_RANGE
    scale, lower = [], 0.0
    for bound, colour in SCORE_STEPS:
        upper = 1.0 if bound is None else (bound - low) / (high - low)
        scale += [[lower, colour], [upper, colour]]
        lower = upper
    figure = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(dtype=float),
            x=months,
            y=places,
            zmin=low,
            zmax=high,
            colorscale=scale,
            text=wide.map(lambda v: "" if pd.isna(v) else f"{v:.2f}").to_numpy(),
            texttemplate="%{text}",
            customdata=hover.fillna("").to_numpy(),
            hovertemplate="%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": t("cases.score.colorbar")},
                "tickvals": [0.8, 0.9, 1.0, 1.1, 1.2],
                "ticktext": ["≤0.8", "0.9", "1.0", "1.1", "≥1.2"],
            },
        )
    )
    figure.update_layout(
        height=70 + 38 * len(places),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category", "title": t("cases.score.month")},
        margin={"t": 10},
    )
    return figure


def _score_hover(row: Any, metric: str) -> str:
    score = "—" if pd.isna(row.score) else f"{row.score:.2f}"
    base = fmt.number(row.base)
    if metric == "cityscore":
        return t("cases.score.hover_overall", place=row.place, month=month_label(row.month), score=score, base=base)
    return t(
        "cases.score.hover",
        place=row.place,
        month=month_label(row.month),
        score=score,
        actual=fmt.pct(row.actual),
        target=fmt.pct(row.target, 0),
        base=base,
    )


def score_tiles(by_grid: pd.DataFrame, whole: pd.DataFrame, per_row: int = 4) -> None:
    """One tile per place (the whole subdistrict first): its overall score against the 1.00 line, the two
    rates and their targets in the tooltip. Rows of `per_row`, so that grid names are never cut off."""
    places = [(scoped("cases.score.subdistrict"), whole)]
    for grid_id, name in by_grid[["grid_id", "grid_name"]].drop_duplicates().itertuples(index=False):
        places.append((short_grid(name), by_grid[by_grid["grid_id"] == grid_id]))
    for start in range(0, len(places), per_row):
        for column, (name, rows) in zip(st.columns(per_row), places[start : start + per_row]):
            values = rows.set_index("metric")
            score = values.loc["cityscore", "score"] if "cityscore" in values.index else float("nan")
            helptext = t(
                "cases.score.tile_help",
                in_grid=fmt.pct(values.loc["in_grid_rate", "actual"]),
                in_grid_target=fmt.pct(values.loc["in_grid_rate", "target"], 0),
                in_community=fmt.pct(values.loc["in_community_rate", "actual"]),
                in_community_target=fmt.pct(values.loc["in_community_rate", "target"], 0),
                closed=fmt.number(values.loc["in_grid_rate", "base"]),
            )
            with column:
                st.metric(
                    name,
                    "—" if pd.isna(score) else f"{score:.2f}",
                    None if pd.isna(score) else f"{score - 1:+.2f}",
                    border=True,
                    help=helptext,
                    delta_description=t("cases.score.delta_description"),
                )


# ---------------------------------------------------------------------------------------------
# flows and levels
def sankey(flows: pd.DataFrame) -> go.Figure:
    categories = [c for c in CATEGORIES if c in set(flows["category"])]
    levels = [lv for lv in LEVELS_AND_OPEN if lv in set(flows["level"])]
    in_total = {**flows.groupby("category")["cases"].sum().to_dict(), **flows.groupby("level")["cases"].sum().to_dict()}
    nodes = [f"{label('category', c)} {fmt.number(in_total[c])}" for c in categories] + [
        f"{label('level', lv)} {fmt.number(in_total[lv])}" for lv in levels
    ]
    colours = [CATEGORY_COLOURS[c] for c in categories] + [charts.LEVEL_COLOURS[lv] for lv in levels]
    source = [categories.index(c) for c in flows["category"]]
    target = [len(categories) + levels.index(lv) for lv in flows["level"]]
    link_colours = [_rgba(charts.LEVEL_COLOURS[lv], 0.3) for lv in flows["level"]]
    figure = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={"label": nodes, "color": colours, "pad": 18, "thickness": 18, "line": {"width": 0}},
            link={"source": source, "target": target, "value": flows["cases"].tolist(), "color": link_colours},
            textfont={"size": 15, "color": "#102027", "family": charts.FONT_FAMILY},
        )
    )
    figure.update_layout(height=380, margin={"t": 10, "b": 10})
    return figure


def level_mix(by_grid: pd.DataFrame) -> go.Figure:
    """100% bars: each grid's closed matters by the level that settled them."""
    frame = by_grid.assign(place=by_grid["grid_name"].map(short_grid))
    figure = go.Figure()
    for level in ("grid", "community", "street", "district"):
        figure.add_bar(
            y=frame["place"],
            x=frame[f"share_{level}"],
            orientation="h",
            name=label("level", level),
            marker_color=charts.LEVEL_COLOURS[level],
            customdata=frame[level],
            hovertemplate="%{y}: %{x:.1%} (%{customdata})<extra>" + label("level", level) + "</extra>",
        )
    figure.update_layout(
        barmode="stack",
        height=380,
        xaxis={"tickformat": ".0%", "range": [0, 1.001], "dtick": 0.2},
        yaxis={"autorange": "reversed"},
        margin={"t": 40},
        legend={"traceorder": "normal"},
    )
    return figure


# ---------------------------------------------------------------------------------------------
# time, backlog, urgent, satisfaction
def time_bars(frame: pd.DataFrame, by: str) -> go.Figure:
    frame, names = named(frame, by)
    figure = go.Figure()
    figure.add_bar(
        x=names,
        y=frame["median_days"],
        name=t("cases.time.median"),
        marker_color="#1565C0",
        text=frame["median_days"].map(_one_decimal),
        textposition="outside",
    )
    figure.add_bar(
        x=names,
        y=frame["p90_days"],
        name=t("cases.time.p90"),
        marker_color="#90CAF9",
        text=frame["p90_days"].map(_one_decimal),
        textposition="outside",
    )
    figure.update_layout(barmode="group", height=340, yaxis={"title": t("cases.days")}, margin={"t": 40})
    return figure


def backlog_bars(by_grid: pd.DataFrame) -> go.Figure:
    frame = by_grid.assign(place=by_grid["grid_name"].map(short_grid))
    figure = go.Figure()
    for bucket in AGE_BUCKETS:
        figure.add_bar(
            y=frame["place"],
            x=frame[f"age_{bucket}"],
            orientation="h",
            name=t(f"cases.age.{bucket}"),
            marker_color=AGE_COLOURS[bucket],
        )
    figure.update_layout(
        barmode="stack", height=320, yaxis={"autorange": "reversed"}, margin={"t": 40}, legend={"traceorder": "normal"}
    )
    return figure


def urgent_bars(by_grid: pd.DataFrame, targets: pd.DataFrame) -> go.Figure:
    """Each grid's urgent in-community rate, green when it meets that grid's target, with the target ticks
    (drawn above the bars, never over a value)."""
    goal = targets[targets["metric"] == "urgent_in_community_rate"].set_index("grid_id")["target"]
    frame = by_grid.assign(place=by_grid["grid_name"].map(short_grid), goal=by_grid["grid_id"].map(goal))
    met = frame["in_community_rate"] >= frame["goal"]
    figure = go.Figure()
    figure.add_bar(
        x=frame["place"],
        y=frame["in_community_rate"],
        name=t("cases.urgent.rate"),
        marker_color=["#2E7D32" if m else "#C62828" for m in met],
        # the rate written at the foot of its bar: outside the bar's top it sat under the target tick
        text=frame["in_community_rate"].map(fmt.pct),
        textposition="inside",
        insidetextanchor="start",
        textangle=0,
        textfont={"color": "#FFFFFF"},
        customdata=frame["closed"],
        hovertemplate="%{x}: %{y:.1%}（%{customdata}）<extra></extra>",
    )
    figure.add_scatter(
        x=frame["place"],
        y=frame["goal"],
        mode="markers",
        name=t("cases.target"),
        marker={"symbol": "line-ew", "size": 38, "line": {"width": 3, "color": "#263238"}},
    )
    figure.update_layout(height=340, yaxis={"tickformat": ".0%", "range": [0, 1.1]}, showlegend=True, margin={"t": 40})
    return figure


def satisfaction_bars(frame: pd.DataFrame, by: str) -> go.Figure:
    """Mean score per group of `frame`; groups nobody was surveyed in (open matters) are left out."""
    frame, names = named(frame[frame["surveyed"] > 0], by)
    text = [f"{s:.2f}（{fmt.pct(u, 0)}）" for s, u in zip(frame["mean_score"], frame["unsatisfied_share"])]
    hover = [
        t("cases.sat.hover", name=n, score=f"{s:.2f}", unsatisfied=fmt.pct(u), surveyed=fmt.number(v))
        for n, s, u, v in zip(names, frame["mean_score"], frame["unsatisfied_share"], frame["surveyed"])
    ]
    colours = ["#2E7D32" if s >= 4 else "#F9A825" if s >= 3 else "#C62828" for s in frame["mean_score"]]
    figure = go.Figure(
        go.Bar(
            y=names,
            x=frame["mean_score"],
            orientation="h",
            marker_color=colours,
            text=text,
            textposition="outside",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        height=60 + 34 * len(names),
        xaxis={"range": [1, 5.6], "dtick": 1},
        yaxis={"autorange": "reversed"},
        margin={"t": 10},
    )
    return figure


def _one_decimal(value: Any) -> str:
    return "" if pd.isna(value) else f"{value:.1f}"


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
