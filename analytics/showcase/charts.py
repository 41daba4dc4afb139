"""The showcase's charts: plotly figures built once from a Showcase, drawn by the page with
st.plotly_chart and turned into PNG images for the files (kaleido with the system Chromium), so the
slides, the PDF, the poster, the web page and the screen all show the same figures.

Images: every figure of a showcase is rendered in one Chromium session (starting it takes seconds),
at the figure's own layout size × SCALE, and kept per process by a hash of the figure, so a second
format of the same showcase costs no rendering. Chromium runs with MathJax disabled and plotly.js
from the plotly package, behind a dead proxy, so rendering never asks the network for anything.

This module imports plotly only (never streamlit); its palette and font repeat ui/charts.py, and a
unit test keeps them equal.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics.core.errors import DataError
from analytics.showcase.content import Showcase
from analytics.showcase.text import label, number, pct, text
from words import msg

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
SEED_COLOURS = {"red": "#C62828", "green": "#2E7D32", "white": "#ECEFF1", "blue": "#1565C0"}
SEED_OUTLINE = {"red": "#8E0000", "green": "#005005", "white": "#546E7A", "blue": "#003C8F"}
LEVEL_COLOURS = {
    "grid": "#2E7D32",
    "community": "#81C784",
    "street": "#FFB74D",
    "district": "#E53935",
    "open": "#B0BEC5",
}
PRIMARY = "#B71C1C"
INK = "#263238"

WIDTH = 900  # layout pixels of every figure; images are SCALE times larger
SCALE = 2.5
CHROMIUM = Path("/usr/bin/chromium")
RENDER_TIMEOUT_S = 90
_CACHE_SIZE = 96
_cache: collections.OrderedDict[str, bytes] = collections.OrderedDict()
_cache_lock = threading.Lock()
_render_lock = threading.Lock()  # one Chromium at a time: the server has few cores


# --- figures -------------------------------------------------------------------------------------


def _layout(fig: go.Figure, title: str, height: int, **extra: Any) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        width=WIDTH,
        height=height,
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 21, "color": INK}},
        font={"family": FONT_FAMILY, "size": 17, "color": INK},
        margin={"l": 20, "r": 30, "t": 70, "b": 20},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None, "traceorder": "normal"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        **extra,
    )
    fig.update_xaxes(gridcolor="#ECEFF1", automargin=True)
    fig.update_yaxes(gridcolor="#ECEFF1", automargin=True)
    return fig


def services_figure(s: Showcase) -> go.Figure:
    """Residents served per seed colour, this period beside the previous one."""
    lang = s.lang
    frame = s.services
    names = [label("colour", c, lang) for c in frame["seed_colour"]]
    fig = go.Figure()
    if "participants_prev" in frame:
        fig.add_bar(
            x=names,
            y=frame["participants_prev"],
            name=text("chart.previous_period", lang),
            marker={
                "color": [SEED_COLOURS[c] for c in frame["seed_colour"]],
                "opacity": 0.35,
                "line": {"color": [SEED_OUTLINE[c] for c in frame["seed_colour"]], "width": 1},
            },
            text=[number(v, lang) for v in frame["participants_prev"]],
            textposition="outside",
            textfont={"color": "#78909C"},
        )
    fig.add_bar(
        x=names,
        y=frame["participants"],
        name=text("chart.this_period", lang),
        marker={
            "color": [SEED_COLOURS[c] for c in frame["seed_colour"]],
            "line": {"color": [SEED_OUTLINE[c] for c in frame["seed_colour"]], "width": 1.5},
        },
        text=[number(v, lang) for v in frame["participants"]],
        textposition="outside",
        textfont={"color": INK, "size": 18},
    )
    top = max([1.0, *frame["participants"].tolist(), *frame.get("participants_prev", pd.Series(dtype=float)).tolist()])
    fig.update_yaxes(range=[0, top * 1.18], showticklabels=False)
    return _layout(fig, text("chart.services", lang), 430, barmode="group", bargap=0.25, showlegend=False)


def monthly_figure(s: Showcase) -> go.Figure:
    """Activities per month, stacked by seed colour."""
    lang = s.lang
    frame = s.monthly.copy()
    fig = go.Figure()
    # every month of the period, so a month without activities shows as a gap at zero
    months = list(pd.date_range(pd.Timestamp(s.start).to_period("M").to_timestamp(), pd.Timestamp(s.end), freq="MS"))
    frame["month"] = pd.to_datetime(frame["month"])
    for colour in ("red", "green", "white", "blue"):
        part = frame[frame["seed_colour"] == colour].set_index("month").reindex(months)
        fig.add_bar(
            x=[pd.Timestamp(m).strftime("%Y-%m") for m in months],
            y=part["activities"].fillna(0),
            name=label("colour", colour, lang),
            marker={"color": SEED_COLOURS[colour], "line": {"color": SEED_OUTLINE[colour], "width": 1}},
        )
    fig.update_xaxes(type="category", tickangle=-45 if len(months) > 8 else 0)
    return _layout(fig, text("chart.monthly", lang), 400, barmode="stack", bargap=0.2)


def items_figure(s: Showcase) -> go.Figure:
    """The service items that reached most residents."""
    lang = s.lang
    frame = s.top_items.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            y=[f"{name} " for name in frame["item_name"]],
            x=frame["participants"],
            orientation="h",
            marker={
                "color": [SEED_COLOURS[c] for c in frame["seed_colour"]],
                "line": {"color": [SEED_OUTLINE[c] for c in frame["seed_colour"]], "width": 1.5},
            },
            text=[number(v, lang) for v in frame["participants"]],
            textposition="outside",
            showlegend=False,
        )
    )
    top = max([1.0, *frame["participants"].tolist()])
    fig.update_xaxes(range=[0, top * 1.15], showticklabels=False, title=None)
    return _layout(fig, text("chart.items", lang), 90 + 56 * max(len(frame), 1), bargap=0.3)


def grid_work_figure(s: Showcase) -> go.Figure:
    """Closed matters by the level they were settled at: this community against the subdistrict."""
    lang = s.lang
    rows = [(s.t("grid.subdistrict"), s.subdistrict), (text("grid.this_community", lang), s.grid_work)]
    fig = go.Figure()
    for level in ("grid", "community", "street", "district"):
        shares = [(row.get(f"share_{level}") or 0.0) for _, row in rows]
        fig.add_bar(
            y=[name for name, _ in rows],
            x=shares,
            orientation="h",
            name=label("level", level, lang),
            marker={"color": LEVEL_COLOURS[level]},
            text=[pct(v, 0) if v >= 0.06 else "" for v in shares],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": "white" if level in ("grid", "district") else INK},
        )
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    return _layout(fig, s.t("chart.grid_work"), 300, barmode="stack", bargap=0.35)


def contest_figure(s: Showcase) -> go.Figure:
    """The community's place in each contest round it entered (1 = first)."""
    lang = s.lang
    frame = s.contest
    fig = go.Figure(
        go.Scatter(
            x=[f"{r}<br>{pd.Timestamp(d):%Y-%m}" for r, d in zip(frame["round_name"], frame["held_on"])],
            y=frame["rank"].astype(float),
            mode="lines+markers+text",
            text=[f"{int(r)}/{int(n)}" for r, n in zip(frame["rank"], frame["entries_in_round"])],
            textposition="top center",
            line={"color": PRIMARY, "width": 3},
            marker={"size": 14, "color": PRIMARY},
            cliponaxis=False,
            showlegend=False,
        )
    )
    worst = int(max(frame["entries_in_round"].max(), frame["rank"].max()))
    step = max(1, round(worst / 6))
    fig.update_yaxes(
        autorange=False,
        range=[worst + 0.8, -0.6],
        title=text("chart.rank_axis", lang),
        tickmode="array",
        tickvals=[1, *range(1 + step, worst + 1, step)],
        zeroline=False,
    )
    fig.update_xaxes(type="category")
    return _layout(fig, text("chart.contest", lang), 360)


def figures(s: Showcase) -> dict[str, go.Figure]:
    """The showcase's figures by name, in reading order; a part with no data has no figure."""
    out = {"services": services_figure(s)}
    if len(s.monthly):
        out["monthly"] = monthly_figure(s)
    if len(s.top_items):
        out["items"] = items_figure(s)
    if s.grid_work.get("closed"):
        out["grid_work"] = grid_work_figure(s)
    if len(s.contest):
        out["contest"] = contest_figure(s)
    return out


# --- images --------------------------------------------------------------------------------------


def _key(fig: go.Figure, scale: float) -> str:
    return hashlib.sha256(f"{scale}|{fig.to_json()}".encode()).hexdigest()


def images(figs: dict[str, go.Figure], *, scale: float = SCALE) -> dict[str, bytes]:
    """PNG bytes of every figure (at its layout size × scale), rendered together in one Chromium
    session; figures rendered before in this process come from the cache."""
    keys = {name: _key(fig, scale) for name, fig in figs.items()}
    found = _cached(keys)
    missing = {name: fig for name, fig in figs.items() if name not in found}
    if missing:
        with _render_lock:  # another session may have rendered them while this one waited
            found.update(_cached({name: keys[name] for name in missing}))
            missing = {name: fig for name, fig in missing.items() if name not in found}
            if missing:
                rendered = dict(zip(missing, _render(list(missing.values()), scale)))
                found.update(rendered)
                with _cache_lock:
                    for name, png in rendered.items():
                        _cache[keys[name]] = png
                    while len(_cache) > _CACHE_SIZE:
                        _cache.popitem(last=False)
    return {name: found[name] for name in figs}


def _cached(keys: dict[str, str]) -> dict[str, bytes]:
    with _cache_lock:
        hits = {name: _cache[key] for name, key in keys.items() if key in _cache}
        for name in hits:
            _cache.move_to_end(keys[name])
    return hits


def _render(figs: list[go.Figure], scale: float) -> list[bytes]:
    if not os.environ.get("BROWSER_PATH"):
        if not CHROMIUM.exists():
            raise DataError(msg("err.showcase.no_chromium", path=CHROMIUM))
        os.environ["BROWSER_PATH"] = str(CHROMIUM)
    import kaleido

    specs = [
        (
            fig.to_dict(),
            {"format": "png", "width": fig.layout.width or WIDTH, "height": fig.layout.height or 450, "scale": scale},
        )
        for fig in figs
    ]

    async def run() -> list[bytes]:
        # mathjax=False: kaleido would otherwise load MathJax from a CDN; the dead proxy makes any other
        # request fail at once instead of leaving the machine.
        async with kaleido.Kaleido(
            n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, proxy_server="http://127.0.0.1:9"
        ) as k:
            return [await k.calc_fig(fig, opts=opts) for fig, opts in specs]

    result: dict = {}

    def in_thread() -> None:  # a fresh event loop, whatever the calling thread runs
        try:
            result["images"] = asyncio.run(run())
        except BaseException as exc:  # handed to the caller below, whatever it is
            result["error"] = exc

    worker = threading.Thread(target=in_thread, name="showcase-kaleido", daemon=True)
    worker.start()
    worker.join(RENDER_TIMEOUT_S * (len(figs) + 1))
    if "error" in result:
        raise DataError(msg("err.showcase.chart_failed", detail=str(result["error"]))) from result["error"]
    if "images" not in result:
        raise DataError(msg("err.showcase.chart_timeout"))
    return result["images"]
