"""Presentation of the pivot builder's answers: labels for codes and periods, the chart, the table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.explore import pivot
from ui import charts, fmt
from ui.i18n import label, t

TIME_DIMENSIONS = ("year", "quarter", "month")
_CODE_KINDS = {"seed_colour": "colour", "category": "category", "resolved_level": "level", "partner_kind": "kind"}


def dimension_label(name: str) -> str:
    return t(f"explore.dim.{name}")


def measure_label(name: str) -> str:
    return t(f"explore.measure.{name}")


def value_label(dimension: str, value: Any) -> str:
    """How a dimension's value reads in the table and the legend."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return t("explore.no_partner") if dimension in ("partner", "partner_kind") else "—"
    if dimension in _CODE_KINDS:
        return label(_CODE_KINDS[dimension], value)
    if dimension == "urgent":
        return t(f"explore.urgent.{bool(value)}")
    if dimension in TIME_DIMENSIONS:
        day = pd.Timestamp(value).date() if not isinstance(value, dt.date) else value
        if dimension == "year":
            return t("explore.year_label", year=day.year)
        if dimension == "quarter":
            return t("explore.quarter_label", year=day.year, quarter=(day.month - 1) // 3 + 1)
        return t("explore.month_label", year=day.year, month=day.month)
    return str(value)


def metric_text(measure: str, value: Any) -> str:
    if measure in pivot.RATE_MEASURES:
        return fmt.pct(value)
    if measure == "satisfaction":
        return fmt.decimal(value, 2)
    if measure == "days_to_close" or measure.endswith("_per_1k") or measure == "volunteer_hours":
        return fmt.decimal(value)
    return fmt.number(value)


def display_frame(frame: pd.DataFrame, spec: pivot.PivotSpec) -> pd.DataFrame:
    """The answer with readable values and Chinese (or English) column names, for the table and downloads."""
    out = frame.copy()
    for name in spec.rows:
        out[name] = [value_label(name, v) for v in out[name]]
    return out.rename(
        columns={**{d: dimension_label(d) for d in spec.rows}, **{m: measure_label(m) for m in spec.measures}}
    )


def column_config(spec: pivot.PivotSpec) -> dict:
    """The pivot's measures in the app's one number format (ui/fmt.py)."""
    config = {}
    for m in spec.measures:
        if m in pivot.RATE_MEASURES:
            config[measure_label(m)] = fmt.column("rate")
        elif m == "satisfaction":
            config[measure_label(m)] = fmt.column("score")
        elif m == "days_to_close" or m.endswith("_per_1k") or m == "volunteer_hours":
            config[measure_label(m)] = fmt.column("decimal")
        else:
            config[measure_label(m)] = fmt.column("count")
    return config


def chart(frame: pd.DataFrame, spec: pivot.PivotSpec) -> go.Figure | None:
    """The first measure by the first dimension (coloured by the second), or None when there is
    nothing to draw (no split, or three dimensions: the table says it better)."""
    if not spec.rows or len(spec.rows) > 2 or frame.empty:
        return None
    measure, first = spec.measures[0], spec.rows[0]
    second = spec.rows[1] if len(spec.rows) == 2 else None
    data = frame.copy()
    data["_y"] = data[measure]
    data["_x"] = data[first] if first in TIME_DIMENSIONS else [value_label(first, v) for v in data[first]]
    colour_map = None
    if second:
        data["_colour"] = [value_label(second, v) for v in data[second]]
        if second == "seed_colour":
            colour_map = {label("colour", c): charts.SEED_COLOURS[c] for c in charts.SEED_COLOURS}
        elif second == "resolved_level":
            colour_map = {label("level", c): charts.LEVEL_COLOURS[c] for c in charts.LEVEL_COLOURS}
    labels = {"_x": dimension_label(first), "_y": measure_label(measure), "_colour": dimension_label(second or first)}
    if first in TIME_DIMENSIONS:
        figure = px.line(
            data,
            x="_x",
            y="_y",
            color="_colour" if second else None,
            markers=True,
            labels=labels,
            color_discrete_map=colour_map,
        )
    else:
        if not second and first == "seed_colour":  # one bar per colour, in its own colour
            data["_colour"] = data["_x"]
            colour_map = {label("colour", c): charts.SEED_COLOURS[c] for c in charts.SEED_COLOURS}
        coloured = second or first == "seed_colour"
        figure = px.bar(
            data,
            x="_x",
            y="_y",
            color="_colour" if coloured else None,
            barmode="group",
            labels=labels,
            color_discrete_map=colour_map,
        )
        if "seed_colour" in spec.rows:
            figure.update_traces(marker_line_color="#546E7A", marker_line_width=1)
        if not second:
            figure.update_layout(showlegend=False)
    if measure in pivot.RATE_MEASURES:
        figure.update_yaxes(tickformat=".0%", range=[0, 1])
    figure.update_layout(height=420, legend_title_text="")
    return figure


def chart_title(spec: pivot.PivotSpec) -> str:
    """Said above the chart (a plotly title would collide with the legend the template puts on top)."""
    text = t("explore.chart_of", measure=measure_label(spec.measures[0]), dimension=dimension_label(spec.rows[0]))
    return text + (f" · {dimension_label(spec.rows[1])}" if len(spec.rows) > 1 else "")
