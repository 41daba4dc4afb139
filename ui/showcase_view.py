"""The showcase page's helpers: the periods to choose from, and the download of a file built on click.

The showcase itself (numbers, sentences, figures) comes from analytics.showcase*, so the page shows
exactly what the files contain."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics import showcase
from analytics.access import Scope, audit
from analytics.contest import scoring as contest
from analytics.filters import Filters
from ui import data, fmt
from ui.i18n import t

log = logging.getLogger(__name__)


def period_options(filters: Filters, scope: Scope) -> dict[str, tuple[dt.date | None, dt.date | None, str]]:
    """key → (start, end, label): the sidebar's period first, then the 12 months before each contest
    round (newest first), the window a secretary prepares her showcase for."""
    options = {
        "filters": (
            filters.start,
            filters.end,
            t("showcase.period.filters", start=fmt.date(filters.start), end=fmt.date(filters.end)),
        )
    }
    rounds = data.call(contest.rounds, scope=scope)
    for row in rounds.itertuples(index=False):
        held_on = pd.Timestamp(row.held_on).date()
        start, end = contest.round_window(held_on)
        options[row.round_id] = (
            start,
            end,
            t("showcase.period.round", round=row.name, start=fmt.date(start), end=fmt.date(end)),
        )
    return options


def story_keys(community: str) -> tuple[str, str, str]:
    """Session-state keys of a community's story: the text box, the draft (not a widget's key, so it
    outlives a page the box is not drawn on) and the text cut off a too-long paste."""
    return f"showcase_story_{community}", f"showcase_draft_{community}", f"showcase_cut_{community}"


def keep_draft(community: str) -> None:
    """on_change of the story box: keep the draft; a paste over the limit is cut, the rest kept aside."""
    box, draft, cut = story_keys(community)
    kept, rest = showcase.cut_story(st.session_state[box])
    if rest:
        st.session_state[box] = kept
    st.session_state[draft] = kept if rest else st.session_state[box]
    st.session_state[cut] = rest


def export_callable(s: showcase.Showcase, file_format: str, username: str, scope: Scope) -> Callable[[], bytes]:
    """A no-argument function that builds the file (st.download_button calls it on click, on another
    thread, so it touches no Streamlit state) and records the export in the audit log."""
    con = data.connection()

    def build() -> bytes:
        body = showcase.render(s, file_format)
        try:
            audit.record(
                con, username, "export", f"showcase {s.community_id} {s.start}..{s.end} {file_format}", role=scope.role
            )
        except Exception:  # an audit hiccup must not cost the user the file
            log.exception("could not record the showcase export")
        return body

    return build
