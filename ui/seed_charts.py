"""Charts and tables of the 四色种子 page. Seed colours keep their own palette (ui.charts.SEED_COLOURS)
with a darker outline, so the white seed reads as white on a white page; everything that is not a seed
colour (calendar, pairings) uses a purple scale so that it is never mistaken for one of the four."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.seeds import COLOURS, Funnel
from ui import charts, fmt
from ui.i18n import label, lang, t

NEUTRAL_SCALE = [[0.0, "#F3F0F9"], [0.35, "#B39DDB"], [1.0, "#4527A0"]]
BAND_COLOURS = {
    "high_998": "#00695C",
    "high_95": "#4DB6AC",
    "within": "#90A4AE",
    "low_95": "#FFB74D",
    "low_998": "#E65100",
}
FADE = 0.72  # how far a colour that is not picked moves towards white


def _fade(hex_colour: str, amount: float = FADE) -> str:
    """A paler version of a colour. (Fading by marker opacity is avoided on purpose: with Streamlit 1.67
    a bar trace that has both per-bar opacity and text labels never reports a click back to Python.)"""
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


def _fill(colour: str, picked: str | None) -> str:
    return charts.SEED_COLOURS[colour] if picked in (None, colour) else _fade(charts.SEED_COLOURS[colour])


def _outline(colour: str, picked: str | None) -> str:
    return charts.SEED_OUTLINE[colour] if picked in (None, colour) else _fade(charts.SEED_OUTLINE[colour], 0.45)


def _marker(colour: str, picked: str | None) -> dict:
    return {"color": _fill(colour, picked), "line": {"color": _outline(colour, picked), "width": 1.5}}


def colour_totals(frame: pd.DataFrame, metric: str, picked: str | None) -> go.Figure:
    """A bar per colour with its total and its change against the previous period; click to pick."""
    frame = frame.set_index("seed_colour").reindex(list(COLOURS))
    values = frame[metric].fillna(0)
    change = frame.get(f"{metric}_change", pd.Series(index=frame.index, dtype=float))
    texts = []
    for colour in COLOURS:
        delta = change.get(colour)
        bit = fmt.number(values[colour])
        texts.append(bit if delta is None or pd.isna(delta) else f"{bit}（{delta * 100:+.0f}%）")
    figure = go.Figure(
        go.Bar(
            y=[label("colour", c) for c in COLOURS],
            x=values.tolist(),
            orientation="h",
            customdata=list(COLOURS),
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [_fill(c, picked) for c in COLOURS],
                "line": {"color": [_outline(c, picked) for c in COLOURS], "width": 1.5},
            },
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    figure.update_layout(
        height=300,
        showlegend=False,
        yaxis={"autorange": "reversed"},
        xaxis={"range": [0, float(values.max() or 1) * 1.45], "showticklabels": False},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return figure


def colour_trend(frame: pd.DataFrame, metric: str, grain: str, layout: str, picked: str | None) -> go.Figure:
    """Uptake per colour over time, stacked or as four small panels sharing one scale."""
    x_title = t(f"seeds.axis.{grain}")
    if layout == "multiples":
        figure = make_subplots(
            rows=2,
            cols=2,
            shared_xaxes=True,
            shared_yaxes=True,
            vertical_spacing=0.14,
            horizontal_spacing=0.04,
            subplot_titles=[label("colour", c) for c in COLOURS],
        )
    else:
        figure = go.Figure()
    for i, colour in enumerate(COLOURS):
        part = frame[frame["seed_colour"] == colour]
        bar = go.Bar(
            x=part[grain],
            y=part[metric],
            name=label("colour", colour),
            legendgroup=colour,
            customdata=[colour] * len(part),
            marker=_marker(colour, picked),
            hovertemplate=f"{label('colour', colour)} · %{{x|%Y-%m-%d}}: %{{y:,}}<extra></extra>",
        )
        if layout == "multiples":
            figure.add_trace(bar, row=i // 2 + 1, col=i % 2 + 1)
        else:
            figure.add_trace(bar)
    if layout == "multiples":
        figure.update_layout(showlegend=False, height=420)
    else:
        figure.update_layout(barmode="stack", height=360, xaxis_title=x_title, yaxis_title=t(f"seeds.metric.{metric}"))
    figure.update_layout(bargap=0.15)
    figure.update_xaxes(tickformat="%Y-%m" if grain == "month" else "%m-%d\n%Y")
    return figure


def funnel_plot(result: Funnel, picked: str | None) -> go.Figure:
    """Communities (dots) against the pooled rate and its 95 % / 99.8 % control limits."""
    curve, points = result.curve, result.points
    figure = go.Figure()
    for level, dash in (("998", "dot"), ("95", "dash")):
        name = t(f"seeds.funnel.limit_{level}")
        for side in ("upper", "lower"):
            figure.add_scatter(
                x=curve["residents"],
                y=curve[f"{side}_{level}"],
                mode="lines",
                name=name,
                legendgroup=level,
                showlegend=side == "upper",
                hoverinfo="skip",
                line={"color": "#546E7A", "dash": dash, "width": 1.5},
            )
    figure.add_scatter(
        x=[curve["residents"].min(), curve["residents"].max()],
        y=[result.pooled_per_1k] * 2,
        mode="lines",
        name=t("seeds.funnel.pooled_line"),
        hoverinfo="skip",
        line={"color": charts.PRIMARY, "width": 2},
    )
    # Name the picked community (a secretary's one dot always) and the three furthest outside the 99.8 %
    # band on either side; more labels pile onto each other among the small communities (the page lists
    # them all beside the plot). Each label goes where it covers no other label or dot.
    ratio = points["activities_per_1k"] / max(result.pooled_per_1k, 1e-9)
    high = ratio.where(points["band"] == "high_998").nlargest(3).index
    low = ratio.where(points["band"] == "low_998").nsmallest(3).index
    own = (points["community_id"] == picked).to_numpy() | (len(points) == 1)
    outside = points.index.isin(high.union(low)) | own
    sizes = np.where(own, 18, 11)
    names = np.where(outside, points["community_short_name"], "").tolist()
    spots: str | list[str] = "top center"
    if len(points) > 1:
        names, spots = charts.placed(
            names,
            charts.label_spots(
                points["residents"],
                points["activities_per_1k"],
                names,
                width=700,
                height=380,
                x_range=(float(curve["residents"].min()), float(curve["residents"].max())),
                y_range=(0.0, float(max(points["activities_per_1k"].max(), curve["upper_998"].max()))),
            ),
        )
    figure.add_scatter(
        x=points["residents"],
        y=points["activities_per_1k"],
        mode="markers+text",
        name="",
        showlegend=False,
        customdata=points["community_id"],
        text=names,
        textposition=spots,
        textfont={"size": 12},
        marker={
            "size": sizes,
            "color": [BAND_COLOURS[b] for b in points["band"]],
            "line": {
                "color": np.where(own, "#000000", "#FFFFFF").tolist(),
                "width": np.where(own, 3, 1).tolist(),
            },
        },
        hovertext=[
            f"{n}<br>{t('seeds.funnel.residents')} {r:,}<br>{t('seeds.col.activities')} {a:,}"
            f"<br>{t('seeds.funnel.rate')} {v:.1f}<br>{t('seeds.band.' + b)}"
            for n, r, a, v, b in zip(
                points["community_name"],
                points["residents"],
                points["activities"],
                points["activities_per_1k"],
                points["band"],
            )
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    figure.update_layout(
        height=460,
        xaxis_title=t("seeds.funnel.residents"),
        yaxis_title=t("seeds.funnel.rate"),
        xaxis={"tickformat": ",d"},
        yaxis={"rangemode": "tozero"},
    )
    return figure


def item_bars(items: pd.DataFrame) -> go.Figure:
    """Items ranked inside each colour: one panel per colour present, bars by residents served."""
    colours = [c for c in COLOURS if c in set(items["seed_colour"])]
    cols = 2 if len(colours) > 1 else 1
    rows = max(1, (len(colours) + 1) // 2) if cols == 2 else 1
    figure = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[label("colour", c) for c in colours],
        horizontal_spacing=0.22,
        vertical_spacing=0.16,
    )
    name_col = "item_name_en" if lang() == "en" else "item_name"
    for i, colour in enumerate(colours):
        part = items[items["seed_colour"] == colour].sort_values("rank_in_colour", ascending=False)
        figure.add_trace(
            go.Bar(
                y=part[name_col],
                x=part["participants"],
                orientation="h",
                customdata=[colour] * len(part),
                marker=_marker(colour, None),
                text=[fmt.number(v) for v in part["participants"]],
                textposition="auto",
                hovertemplate="%{y}: %{x:,}<extra></extra>",
                showlegend=False,
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    figure.update_layout(height=260 * rows + 40)
    return figure


def calendar(days: pd.DataFrame) -> go.Figure:
    """A calendar heatmap: a column per week, a row per weekday, darker for more activities."""
    names = t("seeds.weekday").split(",")
    grid = days.pivot_table(index="weekday", columns="week", values="activities", aggfunc="sum")
    grid = grid.reindex(range(7))
    dates = days.pivot_table(index="weekday", columns="week", values="day", aggfunc="first").reindex(range(7))
    hover = [
        [
            t("seeds.calendar.hover", day=fmt.date(pd.Timestamp(d).date()), n=int(v)) if pd.notna(d) else ""
            for d, v in zip(dates[w], grid[w])
        ]
        for w in grid.columns
    ]
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=names,
            colorscale=NEUTRAL_SCALE,
            xgap=2,
            ygap=2,
            hovertext=np.array(hover, dtype=object).T,
            hovertemplate="%{hovertext}<extra></extra>",
            colorbar={"thickness": 10, "len": 0.9},
        )
    )
    figure.update_layout(height=250, yaxis={"autorange": "reversed"}, xaxis={"tickformat": "%Y-%m"})
    return figure


def partner_bars(partners: pd.DataFrame) -> go.Figure:
    part = partners.sort_values("activities")
    figure = go.Figure(
        go.Bar(
            y=part["partner_name"],
            x=part["activities"],
            orientation="h",
            marker={"color": "#5E35B1"},
            text=[
                f"{a:,} · {t('seeds.communities_n', n=c)}"
                for a, c in zip(part["activities"], part["communities_reached"])
            ],
            textposition="auto",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    figure.update_layout(height=max(260, 26 * len(part) + 60), xaxis_title=t("seeds.col.activities"))
    return figure


def pairing_matrix(matrix: pd.DataFrame, uncovered: pd.DataFrame) -> go.Figure:
    """Partners (rows) by communities (columns): activities in paired cells, × for idle pairings,
    ◇ for activity without a pairing, and a bottom row marking communities with no partner activity.

    The heatmap lists its rows and columns in exactly the order the axes show them (first partner at the
    top): plotly.js colours a cell by its category but writes a heatmap's text by its index in the
    category array, so a reordered axis (the old reversed categoryarray) printed each number in
    another partner's row."""
    places = pd.concat(
        [
            matrix[["community_id", "community_short_name", "grid_id"]],
            uncovered[["community_id", "community_short_name", "grid_id"]],
        ]
    ).drop_duplicates("community_id")
    places = places.sort_values(["grid_id", "community_id"])
    columns = places["community_short_name"].tolist()
    partner_names = list(dict.fromkeys(matrix.sort_values("partner_id")["partner_name"]))
    rows = [*partner_names, t("seeds.matrix.no_partner_row")] if len(uncovered) else partner_names
    z = matrix.pivot_table(index="partner_name", columns="community_short_name", values="activities", aggfunc="sum")
    z = z.reindex(index=rows, columns=columns)
    z = z.where(z > 0)
    figure = go.Figure(
        go.Heatmap(
            z=z.to_numpy(),
            x=columns,
            y=rows,
            text=z.map(lambda v: "" if pd.isna(v) else fmt.number(v)).to_numpy(),
            texttemplate="%{text}",
            colorscale=NEUTRAL_SCALE,
            xgap=1,
            ygap=1,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            colorbar={"thickness": 10, "len": 0.8},
            hoverongaps=False,
        )
    )
    marks = {
        "idle": ("x", "#E65100", t("seeds.status.idle")),
        "unpaired": ("diamond-open", "#37474F", t("seeds.status.unpaired")),
    }
    for status, (symbol, colour, name) in marks.items():
        cells = matrix[matrix["status"] == status]
        if len(cells):
            figure.add_scatter(
                x=cells["community_short_name"],
                y=cells["partner_name"],
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 11, "color": colour, "line": {"width": 2, "color": colour}},
                hovertemplate="%{y} · %{x}: " + name + "<extra></extra>",
            )
    if len(uncovered):
        figure.add_scatter(
            x=uncovered["community_short_name"],
            y=[rows[-1]] * len(uncovered),
            mode="markers",
            name=t("seeds.gaps.uncovered"),
            marker={"symbol": "circle", "size": 11, "color": "#E65100"},
            hovertemplate="%{x}<extra></extra>",
        )
    figure.update_layout(
        height=max(300, 24 * len(rows) + 160),
        yaxis={"categoryorder": "array", "categoryarray": rows, "autorange": "reversed", "automargin": True},
        xaxis={"tickangle": -60, "categoryorder": "array", "categoryarray": columns},
        legend={"y": 1.02, "yanchor": "bottom"},
    )
    return figure


# ---------------------------------------------------------------------------------------------
# tables: the frame shown is the frame downloaded, with Chinese headers and labels
CODE_LABELS = {
    "seed_colour": lambda v: label("colour", v),
    "kind": lambda v: label("kind", v),
    "band": lambda v: t(f"seeds.band.{v}"),
    "status": lambda v: t(f"seeds.status.{v}"),
}


def table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame`, codes turned into words and headers into the reader's language."""
    out = frame[columns].copy()
    for column in columns:
        if column in CODE_LABELS:
            out[column] = out[column].map(CODE_LABELS[column])
        elif column in ("month", "week", "day", "since"):
            out[column] = pd.to_datetime(out[column]).dt.date
        elif column == "partner_name":
            out[column] = out[column].fillna(t("seeds.no_partner"))
    return out.rename(columns={c: t(f"seeds.col.{c}") for c in columns})
