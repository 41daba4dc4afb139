"""The colours, fonts and the one Vega-Lite chart the overview needs, without Plotly: the landing
page imports this and never waits for Plotly's modules (ui.charts adds the Plotly look on top)."""

from __future__ import annotations

from typing import Any

import pandas as pd

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

# Red, green, white and blue that read as their names; white is a pale grey with a dark outline so
# that it stays visible on a white page.
SEED_COLOURS = {"red": "#C62828", "green": "#2E7D32", "white": "#ECEFF1", "blue": "#1565C0"}
SEED_OUTLINE = {"red": "#8E0000", "green": "#005005", "white": "#546E7A", "blue": "#003C8F"}
LEVEL_COLOURS = {
    "grid": "#2E7D32",
    "community": "#81C784",
    "street": "#FFB74D",
    "district": "#E53935",
    "open": "#B0BEC5",
}
GRID_COLOURS = {
    "G1": "#4E79A7",
    "G2": "#F28E2B",
    "G3": "#E15759",
    "G4": "#76B7B2",
    "G5": "#59A14F",
    "G6": "#EDC948",
    "G7": "#B07AA1",
}
PRIMARY = "#B71C1C"


def dual_axis_trend(
    frame: pd.DataFrame,
    x: str,
    bars: dict[str, tuple[str, str]],
    line: tuple[str, str, str],
    x_title: str,
    height: int = 380,
) -> tuple[object, dict[str, Any]]:
    """Grouped bars of counts with a rate (0–100%) as a line on a right-hand axis, as a Vega-Lite spec
    for st.vega_lite_chart: (data, spec). bars = {column: (label, colour)}, line = (column, label,
    colour). Vega-Lite is the engine the page's metric sparklines already load, so a page that shows
    only this chart never has to load Plotly (4.7 MB of JavaScript) before its numbers are painted."""
    column, line_label, line_colour = line
    data = frame[[x, *bars, column]].rename(columns={c: label for c, (label, _) in bars.items()})
    data = data.rename(columns={column: line_label})
    data[x] = [str(v)[:7] for v in data[x]]  # 2024-01: the month, as people write it
    labels = [label for label, _ in bars.values()]
    colour = {
        "scale": {"domain": [*labels, line_label], "range": [c for _, c in bars.values()] + [line_colour]},
        "legend": {"orient": "top", "title": None, "labelFontSize": 13},
    }
    x_axis = {"field": x, "type": "ordinal", "title": x_title, "axis": {"labelAngle": 0}}
    spec = {
        "height": height,
        "config": {
            "font": FONT_FAMILY,
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#ECEFF1"},
            "view": {"stroke": None},
        },
        "layer": [
            {
                "transform": [{"fold": labels, "as": ["series", "value"]}],
                "mark": {"type": "bar", "opacity": 0.85},
                "encoding": {
                    "x": x_axis,
                    "xOffset": {"field": "series", "sort": labels},
                    "y": {"field": "value", "type": "quantitative", "title": None},
                    "color": {"field": "series", "type": "nominal", **colour},
                    "tooltip": [
                        {"field": x, "title": x_title},
                        {"field": "series", "title": " "},
                        {"field": "value", "type": "quantitative", "format": ",", "title": " "},
                    ],
                },
            },
            {
                "mark": {"type": "line", "point": True, "strokeWidth": 3},
                "encoding": {
                    "x": x_axis,
                    "y": {
                        "field": line_label,
                        "type": "quantitative",
                        "title": None,
                        "scale": {"domain": [0, 1]},
                        "axis": {"format": ".0%", "orient": "right"},
                    },
                    "color": {"datum": line_label, **colour},
                    "tooltip": [
                        {"field": x, "title": x_title},
                        {"field": line_label, "type": "quantitative", "format": ".1%"},
                    ],
                },
            },
        ],
        "resolve": {"scale": {"y": "independent"}},
    }
    return data, spec
