"""The briefing's files: PDF and PPTX from one Briefing and one set of chart images, their names, and
writing both into a folder (what the command does for a scheduler)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics.briefing import charts, printed, slides
from analytics.briefing.content import briefing, require_data
from analytics.briefing.model import Briefing
from analytics.core.scope import Scope

FORMATS = ("pdf", "pptx")
MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def file_name(b: Briefing, fmt: str) -> str:
    place = b.grid_id or "jiangchuan"
    return f"{b.t('title')}_{place}_{b.month:%Y-%m}.{fmt}".replace(" ", "_")


def render(b: Briefing, fmt: str, images: dict[str, bytes] | None = None) -> bytes:
    """The file's bytes; a month without data raises DataError instead of giving an empty file."""
    require_data(b)
    shown = charts.images(b) if images is None else images
    return printed.write_pdf(b, shown) if fmt == "pdf" else slides.write_pptx(b, shown)


def write(
    con: duckdb.DuckDBPyConnection,
    month: str,
    out: Path,
    *,
    grid_id: str | None = None,
    lang: str = "zh",
    scope: Scope | None = None,
) -> list[Path]:
    """Write the month's PDF and PPTX into `out` (made if missing); the paths written."""
    b = briefing(con, month, grid_id=grid_id, lang=lang, scope=scope)
    require_data(b)
    images = charts.images(b)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        path = out / file_name(b, fmt)
        path.write_bytes(render(b, fmt, images))
        written.append(path)
    return written
