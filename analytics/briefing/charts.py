"""A finding's chart as a plotly figure (its data is the finding's Chart), drawn by the page and turned
into PNG images for the PDF and the slides by the showcase's renderer (analytics.showcase.charts.images:
one Chromium session, no network), so screen and files show the same figures."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from analytics.briefing.model import Briefing, Chart, say
from analytics.showcase import charts as showcase_charts
from analytics.showcase.text import number, pct

WIDTH, HEIGHT = 640, 330
PALE = "#EF9A9A"
STRONG = showcase_charts.PRIMARY
INK = showcase_charts.INK


def _value_text(value: float, unit: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "share":
        return pct(value)
    if unit == "score":
        return f"{value:.1f}"
    return number(value, lang)


def figure(chart: Chart, lang: str = "zh") -> go.Figure:
    colours = [STRONG if i == chart.highlight else PALE for i in range(len(chart.values))]
    texts = [_value_text(v, chart.unit, lang) for v in chart.values]
    labels = [f"{label} " for label in chart.labels] if chart.horizontal else list(chart.labels)
    bar = go.Bar(
        x=list(chart.values) if chart.horizontal else labels,
        y=labels if chart.horizontal else list(chart.values),
        orientation="h" if chart.horizontal else "v",
        marker={"color": colours},
        text=texts,
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
    )
    fig = go.Figure(bar)
    finite = [v for v in chart.values if v is not None and not math.isnan(v)]
    top = max([*finite, chart.target or 0.0, 1e-9])
    value_axis = fig.update_xaxes if chart.horizontal else fig.update_yaxes
    if chart.unit == "share":
        value_axis(range=[0, max(1.0, top) * 1.12], tickformat=".0%")
    else:
        value_axis(range=[0, top * 1.18 if top > 0 else 1], showticklabels=False)
    if chart.horizontal:
        fig.update_yaxes(autorange="reversed")
    else:
        fig.update_xaxes(type="category")
    if chart.target is not None:
        fig.add_hline(
            y=chart.target,
            line={"color": INK, "width": 2, "dash": "dash"},
            annotation={"text": f"{say('chart.target_line', lang)} {pct(chart.target)}", "font": {"size": 14}},
            annotation_position="right",
        )
    fig.update_layout(
        template="plotly_white",
        width=WIDTH,
        height=HEIGHT if not chart.horizontal else 70 + 34 * max(len(chart.values), 1),
        title={"text": chart.title, "x": 0.01, "xanchor": "left", "font": {"size": 18, "color": INK}},
        font={"family": showcase_charts.FONT_FAMILY, "size": 15, "color": INK},
        margin={"l": 20, "r": 110 if chart.target is not None else 40, "t": 60, "b": 20},
        paper_bgcolor="white",
        plot_bgcolor="white",
        bargap=0.3,
    )
    return fig


def figures(b: Briefing) -> dict[str, go.Figure]:
    """Every finding's figure, keyed by its position in b.findings ("0", "1", …)."""
    return {str(i): figure(f.chart, b.lang) for i, f in enumerate(b.findings)}


def images(b: Briefing) -> dict[str, bytes]:
    """PNG bytes of every finding's figure (rendered together; cached per figure by the renderer)."""
    return showcase_charts.images(figures(b))
