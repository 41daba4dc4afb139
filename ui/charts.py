"""The chart look shared by every page: a CJK font, the seed palette, restrained colours."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from ui.palette import (  # noqa: F401  (the shared palette, re-exported)
    FONT_FAMILY,
    GRID_COLOURS,
    LEVEL_COLOURS,
    PRIMARY,
    SEED_COLOURS,
    SEED_OUTLINE,
)

pio.templates["jiangchuan"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 14, "color": "#263238"},
        colorway=["#B71C1C", "#1565C0", "#2E7D32", "#F9A825", "#6A1B9A", "#00838F", "#5D4037"],
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis={"gridcolor": "#ECEFF1"},
        yaxis={"gridcolor": "#ECEFF1"},
    )
)
pio.templates.default = "plotly_white+jiangchuan"


def seed_marker(colour: str) -> dict:
    return {"color": SEED_COLOURS[colour], "line": {"color": SEED_OUTLINE[colour], "width": 1}}
