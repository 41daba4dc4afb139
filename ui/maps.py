"""The grid map: a pydeck chart of the grid polygons, its legend, and the optional basemap.

Offline by default. Streamlit 1.67 fetches a Carto style for a pydeck chart whose map_style is None or
whose map_provider is None, and crashes on a dict style; a `data:application/json,…` URL of a style of
our own loads nothing from outside (docs/design.md). So the map always gets such a style: a plain
background, plus — only when an operator configured one — a raster tile source. The tile source lives
in the style rather than in a deck.gl TileLayer because a TileLayer needs a JavaScript renderSubLayers
callback to draw images (a BitmapLayer per tile), which deck.gl's JSON API in Streamlit cannot express;
the base map library draws and caches raster tiles itself.

Basemap configuration (environment variables, read at every page run):

    JIANGCHUAN_BASEMAP_URL          tile URL template with {z} {x} {y} (and {s} for subdomains);
                                    several templates may be given separated by spaces
    JIANGCHUAN_BASEMAP_CRS          wgs84 (default; 天地图, OpenStreetMap-style and most intranet servers)
                                    or gcj02 (高德, 腾讯): the geometry is then shifted to GCJ-02 to match
    JIANGCHUAN_BASEMAP_SUBDOMAINS   values for {s}, e.g. "1234" (高德) or "01234567" (天地图); default "abc"
    JIANGCHUAN_BASEMAP_NAME         shown under the map, e.g. "高德地图" (default: the server's host name)
    JIANGCHUAN_BASEMAP_MAX_ZOOM     highest zoom the server has (default 18)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pydeck as pdk
import shapely
from shapely.geometry import mapping, shape

from analytics import geo, grids
from analytics.access import audit
from ui import charts, data, fmt, session
from ui.i18n import label, t

ENV_URL = "JIANGCHUAN_BASEMAP_URL"
ENV_CRS = "JIANGCHUAN_BASEMAP_CRS"
ENV_SUBDOMAINS = "JIANGCHUAN_BASEMAP_SUBDOMAINS"
ENV_NAME = "JIANGCHUAN_BASEMAP_NAME"
ENV_MAX_ZOOM = "JIANGCHUAN_BASEMAP_MAX_ZOOM"

BACKGROUND = "#E4E9EC"  # a pale slate, so that the lightest class still stands out
# Five sequential classes: greens where higher is better, oranges where higher is neither (a load).
PALETTES = {
    True: ["#E5F5E0", "#A1D99B", "#74C476", "#31A354", "#006D2C"],
    None: ["#FEE6CE", "#FDBE85", "#FD8D3C", "#E6550D", "#A63603"],
}
NO_DATA = "#B0BEC5"
COMMUNITY_COLOUR = [55, 71, 79, 140]
PARTNER_COLOURS = {
    "enterprise": "#1565C0",
    "hospital": "#C62828",
    "school": "#6A1B9A",
    "agency": "#37474F",
    "social_org": "#00838F",
}
FOCUS_LINE = [33, 33, 33, 255]
LAYER_IDS = {
    "grids": "grid_map_grids",
    "labels": "grid_map_labels",
    "communities": "grid_map_communities",
    "partners": "grid_map_partners",
}
MAP_HEIGHT = 560


@dataclass(frozen=True)
class Basemap:
    urls: tuple[str, ...]
    gcj02: bool
    name: str
    max_zoom: int


def basemap() -> Basemap | None:
    """The operator's basemap from the environment, or None (the default: no basemap, no requests)."""
    raw = os.environ.get(ENV_URL, "").strip()
    if not raw:
        return None
    subdomains = os.environ.get(ENV_SUBDOMAINS, "abc").strip() or "abc"
    urls: list[str] = []
    for template in raw.split():
        urls.extend(template.replace("{s}", s) for s in subdomains) if "{s}" in template else urls.append(template)
    host = urllib.parse.urlsplit(urls[0]).hostname or urls[0][:40]
    try:
        max_zoom = int(os.environ.get(ENV_MAX_ZOOM, "18"))
    except ValueError:
        max_zoom = 18
    return Basemap(
        tuple(dict.fromkeys(urls)),
        os.environ.get(ENV_CRS, "wgs84").strip().lower() in ("gcj02", "gcj-02"),
        os.environ.get(ENV_NAME, "").strip() or host,
        max_zoom,
    )


def map_style(base: Basemap | None) -> str:
    """A map style as a data: URL: a plain background, and the raster basemap if one is configured."""
    style: dict = {
        "version": 8,
        "sources": {},
        "layers": [{"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}}],
    }
    if base is not None:
        style["sources"]["basemap"] = {
            "type": "raster",
            "tiles": list(base.urls),
            "tileSize": 256,
            "maxzoom": base.max_zoom,
        }
        style["layers"].append({"id": "basemap", "type": "raster", "source": "basemap"})
    return "data:application/json," + urllib.parse.quote(json.dumps(style, separators=(",", ":")))


# ---------------------------------------------------------------------------------------------
# colours and the legend
def _rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def metric_text(metric: str, value: Any) -> str:
    """A metric's value as the legend, tooltips and tables show it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    if metric in grids.RATE_METRICS:
        return fmt.pct(value)
    if metric == "satisfaction":
        return f"{value:.2f}"
    if metric == "partners_active":
        return fmt.number(value)
    return fmt.number(value, 1)


@dataclass(frozen=True)
class Legend:
    metric: str
    classes: tuple[tuple[str, str], ...]  # (colour, range text)
    single_value: bool


def classify(metric: str, values: pd.Series, n: int = 5) -> tuple[list[str], Legend]:
    """Each value's colour, in `n` equal steps between the lowest and highest value; NaN is grey."""
    palette = PALETTES[grids.METRICS[metric]]
    present = values.dropna()
    if present.empty:
        return [NO_DATA] * len(values), Legend(metric, (), False)
    low, high = float(present.min()), float(present.max())
    if math.isclose(low, high):
        colour = palette[len(palette) // 2]
        return (
            [NO_DATA if pd.isna(v) else colour for v in values],
            Legend(metric, ((colour, metric_text(metric, low)),), True),
        )
    step = (high - low) / n
    colours = [NO_DATA if pd.isna(v) else palette[min(int((float(v) - low) / step), n - 1)] for v in values]
    classes = tuple(
        (palette[i], f"{metric_text(metric, low + i * step)} – {metric_text(metric, low + (i + 1) * step)}")
        for i in range(n)
    )
    return colours, Legend(metric, classes, False)


def legend_html(legend: Legend, *, show_communities: bool, show_partners: bool) -> str:
    """The legend beside the map, in the user's language; every text is escaped."""
    e = html.escape
    rows = [
        f"<div style='font-weight:600;font-size:1.05rem;margin-bottom:2px'>{e(t('grid_map.legend'))}："
        f"{e(t(f'grid_map.metric.{legend.metric}'))}</div>",
        f"<div style='color:#546E7A;font-size:0.85rem;margin-bottom:8px'>{e(t(f'grid_map.help.{legend.metric}'))}</div>",
    ]
    swatch = (
        "<div style='display:flex;align-items:center;gap:8px;margin:3px 0'><span style='display:inline-block;"
        "width:28px;height:16px;background:{c};border:1px solid #90A4AE'></span><span>{text}</span></div>"
    )
    for colour, text in reversed(legend.classes):
        rows.append(swatch.format(c=e(colour), text=e(text)))
    rows.append(swatch.format(c=NO_DATA, text=e(t("grid_map.legend.no_data"))))
    note = t("grid_map.legend.single") if legend.single_value else t("grid_map.legend.scale", n=len(legend.classes))
    rows.append(f"<div style='color:#546E7A;font-size:0.8rem;margin:6px 0'>{e(note)}</div>")
    rows.append(
        f"<div style='margin:3px 0'><span style='display:inline-block;width:28px;height:0;border-top:3px solid "
        f"#212121;vertical-align:middle'></span> {e(t('grid_map.legend.focus'))}</div>"
    )
    if show_communities:
        rows.append(
            "<div style='margin:3px 0'><span style='display:inline-block;width:12px;height:12px;border-radius:50%;"
            "background:rgba(55,71,79,0.55);border:1px solid white;margin:0 8px 0 8px'></span> "
            f"{e(t('grid_map.legend.community'))}</div>"
        )
    if show_partners:
        dots = "".join(
            f"<span title='{e(label('kind', k))}' style='display:inline-block;width:10px;height:10px;"
            f"border-radius:50%;background:{e(c)};border:1.5px solid white;outline:1px solid {e(c)};"
            "margin-right:2px'></span>"
            for k, c in PARTNER_COLOURS.items()
        )
        kinds = "、".join(label("kind", k) for k in PARTNER_COLOURS)
        rows.append(f"<div style='margin:3px 0'>{dots} {e(t('grid_map.legend.partner'))}（{e(kinds)}）</div>")
    return "<div style='line-height:1.45'>" + "".join(rows) + "</div>"


# ---------------------------------------------------------------------------------------------
# the deck
# The map's drawing width when it fits all seven grids: about 700–800 px on a laptop in the wide layout.
FIT_ALL_PX = 620
# When the view is one part of the area (a secretary's grid, grids picked in the filters) it is fitted
# into a phone's width (390 px less the page's margins), so it is whole on a phone and still shown with
# its neighbours around it on a laptop.
FIT_PART_PX = 330


def _view(geometries: list, width_px: float = FIT_ALL_PX) -> pdk.ViewState:
    minx, miny, maxx, maxy = shapely.union_all(geometries).bounds
    height_px = MAP_HEIGHT * 0.85

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    zoom_x = math.log2(width_px * 360 / (512 * max(maxx - minx, 1e-6)))
    zoom_y = math.log2(height_px * 2 * math.pi / (512 * max(merc_y(maxy) - merc_y(miny), 1e-9)))
    return pdk.ViewState(
        longitude=(minx + maxx) / 2, latitude=(miny + maxy) / 2, zoom=round(min(zoom_x, zoom_y), 2), pitch=0, bearing=0
    )


def _tip_shift(lon: float, middle: float) -> str:
    """How far a tooltip box moves from the pointer: none in the map's west half, its own width (and the
    pointer's gap) in the east half, so it opens towards the middle instead of past the edge."""
    return "0" if lon < middle else "calc(-100% - 24px)"


def fitted_view(shapes: list, selected: list[bool]) -> pdk.ViewState:
    """All grids when all are in view; else the grids in view, fitted to a phone's width."""
    part = [g for g, chosen in zip(shapes, selected) if chosen]
    if part and len(part) < len(shapes):
        return _view(part, FIT_PART_PX)
    return _view(shapes)


def _short_name(name: str) -> str:
    """ "鹤庆片区网格" → "鹤庆片区": the map label without the word every grid shares."""
    return name[:-2] if name.endswith("片区网格") else name


def _grid_tip(row: pd.Series) -> str:
    if not row["selected"]:
        return t("grid_map.tip.outside")
    lines = [
        t("grid_map.tip.residents", residents=fmt.number(row["residents"]), communities=int(row["communities"])),
        t("grid_map.tip.cases", cases=fmt.number(row["cases"]), closed=fmt.number(row["closed"])),
        t("grid_map.tip.in_grid", value=fmt.pct(row["in_grid_rate"])),
        t(
            "grid_map.tip.in_community",
            value=fmt.pct(row["in_community_rate"]),
            urgent=fmt.pct(row["urgent_in_community_rate"]),
        ),
        t("grid_map.tip.satisfaction", value=metric_text("satisfaction", row["satisfaction"])),
        t(
            "grid_map.tip.activities",
            activities=fmt.number(row["activities"]),
            participants=fmt.number(row["participants"]),
        ),
        t("grid_map.tip.per_1k", value=metric_text("activities_per_1k", row["activities_per_1k"])),
        t("grid_map.tip.partners", value=fmt.number(row["partners_active"])),
    ]
    return "\n".join(lines)


def grid_deck(
    bounds: pd.DataFrame,
    summary: pd.DataFrame,
    metric: str,
    *,
    communities: pd.DataFrame | None,
    partners: pd.DataFrame | None,
    show_labels: bool,
    focus: str | None,
    base: Basemap | None,
) -> tuple[pdk.Deck, Legend]:
    """The map of the grids coloured by `metric`, and its legend. Tooltip values are plain text: the
    template is ours (escaped) and Streamlit escapes every value it puts into it."""
    numbers = bounds[["grid_id", "geometry"]].merge(summary, on="grid_id", how="left")
    numbers.loc[~numbers["selected"].fillna(False).astype(bool), metric] = float("nan")
    colours, legend = classify(metric, numbers[metric])
    shift = geo.geometry_to_gcj02 if base is not None and base.gcj02 else (lambda g: g)
    alpha = 150 if base is not None else 235
    features, labels, shapes, in_view = [], [], [], []
    for row, colour in zip(numbers.to_dict("records"), colours):
        geometry = shift(shape(json.loads(row["geometry"])))
        shapes.append(geometry)
        in_view.append(bool(row["selected"]) if pd.notna(row["selected"]) else False)
        is_focus = row["grid_id"] == focus
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(geometry),
                "properties": {
                    "grid_id": row["grid_id"],
                    "fill": _rgba(colour, alpha),
                    "line": FOCUS_LINE if is_focus else [255, 255, 255, 255],
                    "width": 5 if is_focus else 2,
                    "tip_title": row["name"],
                    "tip_body": _grid_tip(row),
                },
            }
        )
        lon, lat = geo.label_point(json.dumps(mapping(geometry)))
        features[-1]["properties"]["tip_lon"] = lon
        labels.append(
            {"text": f"{_short_name(row['name'])}\n{metric_text(metric, row[metric])}", "lon": lon, "lat": lat}
        )
    middle = _view(shapes).longitude
    for feature in features:
        feature["properties"]["tip_shift"] = _tip_shift(feature["properties"].pop("tip_lon"), middle)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id=LAYER_IDS["grids"],
            data={"type": "FeatureCollection", "features": features},
            # pydeck turns every string into a JavaScript expression; quoted ones stay strings
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color="properties.line",
            get_line_width="properties.width",
            line_width_units="'pixels'",
            auto_highlight=True,
            highlight_color=[255, 255, 255, 60],
        )
    ]
    if communities is not None and not communities.empty:
        pts = communities.dropna(subset=["lon", "lat"]).copy()
        if base is not None and base.gcj02:
            pts["lon"], pts["lat"] = geo.wgs84_to_gcj02(pts["lon"].to_numpy(), pts["lat"].to_numpy())
        pts["radius"] = pts["residents"].clip(lower=0).pow(0.5) * 1.6
        pts["tip_title"] = pts["name"]
        pts["tip_shift"] = [_tip_shift(x, middle) for x in pts["lon"]]
        metric_name = t(f"grid_map.metric.{metric}")
        pts["tip_body"] = [
            "\n".join(
                (
                    t("grid_map.tip.grid", grid=g),
                    t("grid_map.tip.people", residents=fmt.number(r)),
                    t("grid_map.tip.metric", metric=metric_name, value=metric_text(metric, v)),
                )
            )
            for g, r, v in zip(pts["grid_name"], pts["residents"], pts[metric])
        ]
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id=LAYER_IDS["communities"],
                data=pts[["community_id", "grid_id", "lon", "lat", "radius", "tip_title", "tip_body", "tip_shift"]],
                get_position=["lon", "lat"],
                get_radius="radius",
                radius_units="'meters'",
                radius_min_pixels=3,
                get_fill_color=COMMUNITY_COLOUR,
                stroked=True,
                get_line_color=[255, 255, 255, 230],
                line_width_min_pixels=1,
                pickable=True,
            )
        )
    if partners is not None and not partners.empty:
        pts = partners.dropna(subset=["lon", "lat"]).copy()
        if base is not None and base.gcj02:
            pts["lon"], pts["lat"] = geo.wgs84_to_gcj02(pts["lon"].to_numpy(), pts["lat"].to_numpy())
        pts["colour"] = [_rgba(PARTNER_COLOURS.get(k, "#455A64")) for k in pts["kind"]]
        pts["tip_title"] = pts["name"]
        pts["tip_shift"] = [_tip_shift(x, middle) for x in pts["lon"]]
        pts["tip_body"] = [
            t("grid_map.tip.partner_kind", kind=label("kind", k))
            + ("" if pd.isna(j) else "\n" + t("grid_map.tip.joined", date=fmt.date(pd.Timestamp(j).date())))
            for k, j in zip(pts["kind"], pts["joined_on"])
        ]
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id=LAYER_IDS["partners"],
                data=pts[["partner_id", "lon", "lat", "colour", "tip_title", "tip_body", "tip_shift"]],
                get_position=["lon", "lat"],
                get_radius=7,
                radius_units="'pixels'",
                get_fill_color="colour",
                stroked=True,
                get_line_color=[255, 255, 255, 255],
                line_width_min_pixels=2,
                pickable=True,
            )
        )
    if show_labels:
        # Chinese needs characterSet "auto" (deck.gl otherwise draws ASCII only) and a font the browser has
        # locally: the CJK family list of the charts; nothing is fetched.
        layers.append(
            pdk.Layer(
                "TextLayer",
                id=LAYER_IDS["labels"],
                data=labels,
                get_position=["lon", "lat"],
                get_text="text",
                get_size=15,
                size_units="'pixels'",
                get_color=[33, 33, 33, 255],
                font_family=f"'{charts.FONT_FAMILY}'",
                font_weight=600,
                character_set="'auto'",
                font_settings={"sdf": True, "fontSize": 64, "buffer": 8, "radius": 12},
                outline_width=3,
                outline_color=[255, 255, 255, 235],
                line_height=1.25,
                pickable=False,
            )
        )
    # deck.gl places the tooltip right of the pointer and cannot flip it, so a tip on the map's east side
    # ran past the chart's edge and was cut. The box is drawn by an inner element that opens to the left
    # of the pointer for what lies east of the map's middle ({tip_shift}); deck's own element is bare.
    tooltip = {
        "html": (
            "<div style='transform:translateX({tip_shift});background:rgba(38,50,56,0.92);color:white;"
            "padding:8px 10px;border-radius:4px;max-width:min(300px, 70vw);white-space:pre-line'>"
            "<div style='font-weight:600;margin-bottom:4px'>{tip_title}</div><div>{tip_body}</div></div>"
        ),
        "style": {"backgroundColor": "transparent", "padding": "0", "fontSize": "13px", "maxWidth": "none"},
    }
    # With a style of our own the provider name fetches nothing (the browser tests record every request);
    # map_provider=None or map_style=None would make Streamlit fall back to Carto's hosted style.
    deck = pdk.Deck(
        layers=layers,
        initial_view_state=fitted_view(shapes, in_view),
        map_style=map_style(base),
        tooltip=tooltip,
        map_provider="carto",
    )
    return deck, legend


# ---------------------------------------------------------------------------------------------
# writes from the page
def save_boundaries(file_bytes: bytes, file_name: str, valid_from: dt.date, *, repair: bool) -> geo.BoundaryUpload:
    """Store an uploaded boundary file as a new version (raises geo.BoundaryError, changing nothing)."""
    con = data.connection()
    scope = session.scope()
    result = geo.upload_boundaries(
        con, file_bytes, file_name, valid_from, repair=repair, uploaded_by=session.username(), scope=scope
    )
    audit.record(
        con,
        session.username(),
        "boundary_upload",
        f"{file_name} → v{result.version} from {valid_from}",
        role=scope.role,
    )
    return result
