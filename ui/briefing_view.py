"""The briefing page's helpers: the months to choose from, the places, and the download of a file built
on click (recorded in the audit log as the showcase's exports are)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from analytics import briefing, places
from analytics.access import Scope, audit
from ui import data
from ui.i18n import lang, t
from ui.session import whole_unit

log = logging.getLogger(__name__)


def months(scope: Scope) -> list[dt.date]:
    """Every month of the data, newest first."""
    first, last = data.call(places.data_range, scope=scope)
    out, month = [], briefing.parse_month(last)
    while month >= briefing.parse_month(first):
        out.append(month)
        month = briefing.shift(month, -1)
    return out


def month_label(month: dt.date) -> str:
    return t("briefing.month_name", year=month.year, month=month.month)


def place_options(scope: Scope) -> dict[str | None, str]:  # None: the whole subdistrict
    """None (the whole subdistrict) and every grid, with their names in the session's language."""
    grids = data.call(places.grid_list, scope=scope)
    column = "name_en" if lang() == "en" else "name"
    return {
        None: t("briefing.whole", unit=whole_unit()),
        **{str(g): str(n) for g, n in zip(grids["grid_id"], grids[column])},
    }


def export_callable(b: briefing.Briefing, file_format: str, username: str, scope: Scope) -> Callable[[], bytes]:
    """A no-argument function that builds the file (st.download_button calls it on click, on another
    thread, so it touches no Streamlit state) and records the export in the audit log."""
    con = data.connection()

    def build() -> bytes:
        body = briefing.render(b, file_format)
        try:
            what = f"briefing {b.grid_id or 'subdistrict'} {b.month:%Y-%m} {file_format}"
            audit.record(con, username, "export", what, role=scope.role)
        except Exception:  # an audit hiccup must not cost the user the file
            log.exception("could not record the briefing export")
        return body

    return build
