"""The chart look shared by every page: a CJK font, the seed palette, restrained colours."""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

# Red, green, white and blue that read as their names; white is a pale grey with a dark outline so
# that it stays visible on a white page.
SEED_COLOURS = {"red": "#C62828", "green": "#2E7D32", "white": "#ECEFF1", "blue": "#1565C0"}
SEED_OUTLINE = {"red": "#8E0000", "green": "#005005", "white": "#546E7A", "blue": "#003C8F"}
LEVEL_COLOURS = {"grid": "#2E7D32", "community": "#81C784", "street": "#FFB74D", "district": "#E53935",
                 "open": "#B0BEC5"}
GRID_COLOURS = {"G1": "#4E79A7", "G2": "#F28E2B", "G3": "#E15759", "G4": "#76B7B2", "G5": "#59A14F",
                "G6": "#EDC948", "G7": "#B07AA1"}
PRIMARY = "#B71C1C"

pio.templates["jiangchuan"] = go.layout.Template(layout=go.Layout(
    font={"family": FONT_FAMILY, "size": 14, "color": "#263238"},
    colorway=["#B71C1C", "#1565C0", "#2E7D32", "#F9A825", "#6A1B9A", "#00838F", "#5D4037"],
    margin={"l": 10, "r": 10, "t": 40, "b": 10},
    hoverlabel={"font": {"family": FONT_FAMILY}},
    legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    xaxis={"gridcolor": "#ECEFF1"}, yaxis={"gridcolor": "#ECEFF1"},
))
pio.templates.default = "plotly_white+jiangchuan"


def seed_marker(colour: str) -> dict:
    return {"color": SEED_COLOURS[colour], "line": {"color": SEED_OUTLINE[colour], "width": 1}}
