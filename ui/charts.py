"""The chart look shared by every page: a CJK font, the seed palette, restrained colours."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
# Merged once here: a default named "plotly_white+jiangchuan" is merged again by every go.Figure(),
# which cost ~75 ms a figure — most of a cached page run's time on the pages with many charts.
pio.templates["jiangchuan_white"] = pio.templates.merge_templates("plotly_white", "jiangchuan")
pio.templates.default = "jiangchuan_white"


def seed_marker(colour: str) -> dict:
    return {"color": SEED_COLOURS[colour], "line": {"color": SEED_OUTLINE[colour], "width": 1}}


# Where a point's label may go, in the order tried, and how far its box's centre sits from the point
# (in font sizes): above, below, right, left.
_SPOTS = (
    ("top center", 0.0, 1.2),
    ("bottom center", 0.0, -1.2),
    ("middle right", 1.0, 0.0),
    ("middle left", -1.0, 0.0),
)


def label_spots(
    x: Sequence[float],
    y: Sequence[float],
    labels: Sequence[str],
    *,
    width: int,
    height: int,
    font: int = 12,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
) -> list[str | None]:
    """A textposition per point so that no two labels (nor a label and another point) overlap: plotly
    places scatter text without looking at its neighbours. None where none of the four spots around
    the point is free: leave that label out (the tooltip and the table still name it).
    `width` and `height` are the plot area in pixels; a Chinese character is about one font size wide.
    Points with an empty label keep "top center" and take no room. `x_range`/`y_range`: the axes' spans
    when they reach beyond the points (a funnel's limits, an axis from zero)."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(xs) == 0:
        return []
    x0, x1 = x_range or (float(np.nanmin(xs)), float(np.nanmax(xs)))
    y0, y1 = y_range or (float(np.nanmin(ys)), float(np.nanmax(ys)))
    px = (xs - x0) / ((x1 - x0) or 1.0) * width
    py = (ys - y0) / ((y1 - y0) or 1.0) * height
    dot = font * 0.6
    taken = [(a - dot, b - dot, a + dot, b + dot) for a, b in zip(px, py)]  # every marker
    spots: list[tuple[int, str | None]] = []
    for i in np.argsort(-py):  # from the top down, as a reader scans
        text = labels[i]
        if not text:
            spots.append((i, "top center"))
            continue
        w, h = font * len(str(text)), font * 1.1
        choice: str | None = None
        for name, dx, dy in _SPOTS:
            cx = px[i] + dx * (w / 2 + dot)
            cy = py[i] + dy * font
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(
                j != i and box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
                for j, other in enumerate(taken)
            ):
                choice = name
                taken.append(box)
                break
        spots.append((i, choice))
    return [name for _, name in sorted(spots)]


def placed(labels: Sequence[str], spots: Sequence[str | None]) -> tuple[list[str], list[str]]:
    """The labels that found a free spot (others emptied) and the spots plotly takes ("top center" for
    an emptied one)."""
    return [str(text) if spot else "" for text, spot in zip(labels, spots)], [spot or "top center" for spot in spots]
