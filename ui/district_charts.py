"""The district view's two pictures: the funnel plot of one measure, and the map of the towns.

The map is drawn as the grid map is (ui.maps): a pydeck chart whose style is a data: URL of a blank
style of our own, so the browser fetches nothing from outside; the towns are dots at their approximate
centres (towns.lon / towns.lat), sized by residents, coloured by the chosen measure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from analytics import district
from ui import charts, fmt, maps
from ui.district_view import band_text, measure_text
from ui.i18n import t

BAND_COLOURS = {
    "high_998": "#00695C",
    "high_95": "#4DB6AC",
    "within": "#90A4AE",
    "low_95": "#FFB74D",
    "low_998": "#E65100",
}
NO_BAND = "#CFD8DC"
LAYER_ID = "district_towns"
LABELS_ID = "district_town_labels"
MAP_HEIGHT = 520


def _base_column(measure: str) -> str:
    return "residents" if measure == district.PER_1K else district.SHARES[measure][1]


def funnel_plot(result: district.District, measure: str, *, english: bool) -> go.Figure:
    """The towns (dots coloured by their band) against the district mean and its 95 % / 99.8 % limits,
    over the denominator the measure is a share of (closed matters) or per 1,000 of (residents)."""
    curve = district.funnel_curve(result, measure)
    base = _base_column(measure)
    factor = 1.0 if measure == district.PER_1K else 100.0  # the y axis in per-1,000 or in percent
    figure = go.Figure()
    for level, dash in (("998", "dot"), ("95", "dash")):
        for side in ("upper", "lower"):
            figure.add_scatter(
                x=curve["size"],
                y=curve[f"{side}_{level}"] * factor,
                mode="lines",
                name=t(f"district.funnel.limit_{level}"),
                legendgroup=level,
                showlegend=side == "upper",
                hoverinfo="skip",
                line={"color": "#546E7A", "dash": dash, "width": 1.5},
            )
    mean = float(result.district.iloc[0][measure])
    if len(curve):
        figure.add_scatter(
            x=[curve["size"].min(), curve["size"].max()],
            y=[mean * factor] * 2,
            mode="lines",
            name=t("district.funnel.mean_line"),
            hoverinfo="skip",
            line={"color": charts.PRIMARY, "width": 2},
        )
    points = result.towns[(result.towns[base] > 0) & result.towns[measure].notna()]
    # With many towns every label would pile onto the others: name those outside their 95 % band (the
    # ones a reader asks about) and every town when there are few; the tooltip and the table name all.
    few = len(points) <= 5
    names = [
        n if few or (isinstance(b, str) and b != "within") else ""
        for n, b in zip(points["name_en" if english else "name"], points[f"band_{measure}"])
    ]
    spots = charts.label_spots(
        points[base].astype(float).tolist(),
        (points[measure] * factor).tolist(),
        names,
        width=700,
        height=380,
        x_range=(float(curve["size"].min()), float(curve["size"].max())) if len(curve) else None,
    )
    names, placed = charts.placed(names, spots)
    figure.add_scatter(
        x=points[base],
        y=points[measure] * factor,
        mode="markers+text",
        showlegend=False,
        name="",
        customdata=points["town_code"],
        text=names,
        textposition=placed,
        textfont={"size": 12},
        marker={
            "size": 13,
            "color": [
                BAND_COLOURS.get(b, NO_BAND) if isinstance(b, str) else NO_BAND for b in points[f"band_{measure}"]
            ],
            "line": {"color": "#FFFFFF", "width": 1},
            "symbol": ["diamond" if s else "circle" for s in points["simulated"].astype(bool)],
        },
        hovertext=[
            f"{n}<br>{t(f'district.funnel.size.{base}')} {fmt.count(size)}"
            f"<br>{t(f'district.measure.{measure}')} {measure_text(measure, v)}<br>{band_text(b)}"
            for n, size, v, b in zip(
                points["name_en" if english else "name"], points[base], points[measure], points[f"band_{measure}"]
            )
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    figure.update_layout(
        height=440,
        xaxis_title=t(f"district.funnel.size.{base}"),
        yaxis_title=t(f"district.measure.{measure}")
        + ("" if measure == district.PER_1K else t("district.funnel.percent")),
        xaxis={"tickformat": ",d", "type": "log"},
        # not from zero: the towns' rates lie close together, and the band around the mean is the point
        yaxis={"rangemode": "normal"},
    )
    return figure


def _rgba(hex_colour: str, alpha: int) -> list[int]:
    return [int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _colours(values: pd.Series, higher_is_better: bool) -> list[list[int]]:
    """Five equal steps between the lowest and highest value, darker = better; grey where missing."""
    palette = maps.PALETTES[True]
    present = values.dropna().astype(float)
    if present.empty:
        return [_rgba(maps.NO_DATA, 220)] * len(values)
    low, high = float(present.min()), float(present.max())
    out = []
    for value in values:
        if pd.isna(value):
            out.append(_rgba(maps.NO_DATA, 220))
            continue
        share = 0.5 if math.isclose(low, high) else (float(value) - low) / (high - low)
        share = share if higher_is_better else 1 - share
        out.append(_rgba(palette[min(int(share * len(palette)), len(palette) - 1)], 225))
    return out


def town_deck(towns: pd.DataFrame, measure: str, *, english: bool) -> pdk.Deck | None:
    """Dots at the towns' centres (those with coordinates), sized by residents, coloured by `measure`;
    None when no town has coordinates."""
    placed = towns.dropna(subset=["lon", "lat"]).copy()
    if placed.empty:
        return None
    # a town of 250,000 residents is a dot of about 3 km across, one of 10,000 still 8 px wide
    placed["radius"] = np.sqrt(placed["residents"].clip(lower=0).astype(float)) * 3.0
    placed["colour"] = _colours(placed[measure], district.MEASURES[measure])
    placed["label"] = placed["name_en" if english else "name"]
    placed["tip_title"] = placed["label"]
    placed["tip_body"] = [
        "\n".join(
            [
                t("district.tip.residents", value=fmt.number(r)),
                t("district.tip.measure", measure=t(f"district.measure.{measure}"), value=measure_text(measure, v)),
            ]
            + ([t("district.tip.simulated")] if s else [])
        )
        for r, v, s in zip(placed["residents"], placed[measure], placed["simulated"].astype(bool))
    ]
    middle = (placed["lon"].min() + placed["lon"].max()) / 2
    placed["tip_shift"] = ["0" if x < middle else "calc(-100% - 24px)" for x in placed["lon"]]
    rows = placed[["town_code", "lon", "lat", "radius", "colour", "label", "tip_title", "tip_body", "tip_shift"]]
    layers = [
        pdk.Layer(
            "ScatterplotLayer",
            id=LAYER_ID,
            data=rows,
            get_position=["lon", "lat"],
            get_radius="radius",
            radius_units="'meters'",
            radius_min_pixels=8,
            get_fill_color="colour",
            stroked=True,
            get_line_color=[55, 71, 79, 255],
            line_width_min_pixels=1.5,
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "TextLayer",
            id=LABELS_ID,
            data=rows,
            get_position=["lon", "lat"],
            get_text="label",
            get_size=13,
            size_units="'pixels'",
            get_color=[33, 33, 33, 255],
            font_family=f"'{charts.FONT_FAMILY}'",
            font_weight=600,
            character_set="'auto'",
            font_settings={"sdf": True, "fontSize": 64, "buffer": 8, "radius": 12},
            outline_width=3,
            outline_color=[255, 255, 255, 235],
            get_alignment_baseline="'top'",
            get_pixel_offset=[0, 16],  # under the dot, which the name would otherwise cover
            pickable=False,
        ),
    ]
    span_lon = max(float(placed["lon"].max() - placed["lon"].min()), 0.02)
    span_lat = max(float(placed["lat"].max() - placed["lat"].min()), 0.02)
    zoom = math.log2(min(560 * 360 / (512 * span_lon * 1.4), MAP_HEIGHT * 360 / (512 * span_lat * 1.6)))
    view = pdk.ViewState(
        longitude=float(placed["lon"].min() + placed["lon"].max()) / 2,
        latitude=float(placed["lat"].min() + placed["lat"].max()) / 2,
        zoom=round(zoom, 2),
    )
    tooltip = {
        "html": (
            "<div style='transform:translateX({tip_shift});background:rgba(38,50,56,0.92);color:white;"
            "padding:8px 10px;border-radius:4px;max-width:min(300px, 70vw);white-space:pre-line'>"
            "<div style='font-weight:600;margin-bottom:4px'>{tip_title}</div><div>{tip_body}</div></div>"
        ),
        "style": {"backgroundColor": "transparent", "padding": "0", "fontSize": "13px", "maxWidth": "none"},
    }
    # the blank style of our own (ui.maps): with it the provider name fetches nothing
    return pdk.Deck(
        layers=layers, initial_view_state=view, map_style=maps.map_style(None), tooltip=tooltip, map_provider="carto"
    )
