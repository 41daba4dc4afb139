"""A showcase as a file: pptx (slides), pdf (an A4 brief), png (a WeChat poster), html (one offline page).

Every format is drawn from the same `Showcase` (analytics.showcase.content) and the same chart images
(analytics.showcase.charts), rendered once per process and figure, so slides and screen never disagree.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from analytics.core.scope import Scope
from analytics.showcase import charts
from analytics.showcase.content import FORMATS, Showcase, content
from analytics.showcase.printed import write_pdf, write_png
from analytics.showcase.slides import write_pptx
from analytics.showcase.web import write_html

WRITERS = {"pptx": write_pptx, "pdf": write_pdf, "png": write_png, "html": write_html}


def render(s: Showcase, fmt: str) -> bytes:
    """The showcase as a file of format `fmt` (one of FORMATS). Chart images are rendered once per
    process and figure (analytics.showcase.charts.images)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    return WRITERS[fmt](s, charts.images(charts.figures(s)))


def build(
    con: duckdb.DuckDBPyConnection,
    community_id: str,
    fmt: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    lang: str = "zh",
    scope: Scope | None = None,
) -> bytes:
    """The showcase of `community_id` for the period as pptx, pdf, png or html bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    return render(content(con, community_id, start=start, end=end, lang=lang, scope=scope), fmt)
