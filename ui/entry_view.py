"""随手录入's pieces: the choices its fields offer, the touch-sized stylesheet, and one submit that writes
through analytics.ingest.entry and says what happened.

The fields hand analytics codes (C30, dispute, grid), never the labels shown, so an English session
enters what a Chinese one does; analytics reads them with the importer's own checks either way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analytics import places as place_lists
from analytics.core.errors import DataError
from analytics.ingest import VOCABULARY_LABELS, entry
from ui import data, fmt
from ui.i18n import label, said, t
from ui.session import scope, username

FLASH = "entry_flash"
# The form's label of each column a refusal names.
FIELD_WORDS = {
    "community_id": "entry.community",
    "category": "entry.category",
    "reported_at": "entry.reported_at",
    "urgent": "entry.urgent",
    "description": "entry.description",
    "item_id": "entry.item",
    "held_on": "entry.held_on",
    "partner_id": "entry.partner",
    "participants": "entry.participants",
    "volunteers": "entry.volunteers",
    "volunteer_hours": "entry.volunteer_hours",
    "case_id": "entry.open_case",
    "resolved_level": "entry.level",
    "closed_at": "entry.closed_at",
    "satisfaction": "entry.satisfaction",
}
# What a thumb hits: Apple's and Google's guides ask for 44–48 px; Streamlit's inputs are 40 px high.
_TOUCH = """<style>
[data-testid='stForm'] [data-baseweb='select'] > div,
[data-testid='stForm'] [data-baseweb='input'],
[data-testid='stForm'] [data-testid='stNumberInputContainer'] { min-height: 48px; }
[data-testid='stForm'] button { min-height: 48px; }
[data-testid='stForm'] [data-testid='stWidgetLabel'] p { font-size: 1rem; }
</style>"""


def touch_sized() -> None:
    st.html(_TOUCH)


def codes(vocabulary: str) -> list[str]:
    return list(VOCABULARY_LABELS[vocabulary])


def communities() -> pd.DataFrame:
    """The communities this user may write for, her own first (a secretary has one)."""
    return data.call(entry.places, scope=scope())


def community_names(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["community_id"], frame["short_name"]))


def items() -> dict[str, str]:
    found = data.call(place_lists.item_list)
    return {i: f"{label('colour', c)} · {n}" for i, c, n in zip(found["item_id"], found["seed_colour"], found["name"])}


def partners() -> dict[str, str]:
    found = data.call(place_lists.partner_list)
    return dict(zip(found["partner_id"], found["name"]))


def next_open() -> dict[str, str]:
    """The close form's matter after a close: the newest one still open (none: the form is not drawn
    and its choice is forgotten)."""
    found = data.call(entry.open_cases, scope=scope())
    if found.empty:
        st.session_state.pop("entry_close_case", None)
        return {}
    return {"entry_close_case": str(found["case_id"].iloc[0])}


def open_matters() -> dict[str, str]:
    """The open matters this user may close, newest first, each as a line she recognises."""
    found = data.call(entry.open_cases, scope=scope())
    return {
        case: t(
            "entry.open_label",
            community=community,
            category=label("category", category),
            reported=fmt.date(reported.date()) + f" {reported:%H:%M}",
            urgent=t("entry.urgent_mark") if urgent else "",
        )
        for case, community, category, reported, urgent in zip(
            found["case_id"], found["community"], found["category"], found["reported_at"], found["urgent"]
        )
    }


def on_submit(
    form: str,
    write: Callable[..., entry.Entered],
    done_key: str,
    fields: Callable[[], dict[str, Any]],
    fresh: Callable[[], Mapping[str, Any]],
) -> None:
    """The submit button's callback: write one entry from the form's widgets. Done: a message for the
    top of the page and the form set to `fresh()` (widget key → value, read after the write: a callback
    may set widgets, the script after it may not, and a value set is one the browser shows). Refused:
    what is wrong with each field, kept for `problems(form)` under the button the thumb just pressed;
    the form keeps what was typed."""
    try:
        done = data.write(write, scope=scope(), username=username(), **fields())
    except entry.EntryRefused as refused:
        st.session_state[f"{form}_problems"] = list(refused.problems)
        return
    except DataError as exc:
        st.session_state[f"{form}_problems"] = [("", exc.message)]
        return
    st.session_state[FLASH] = t(done_key, record=done.record_id, batch=done.batch_id)
    for key, value in fresh().items():
        st.session_state[key] = value


def problems(form: str) -> None:
    for field, problem in st.session_state.pop(f"{form}_problems", []):
        name = t(FIELD_WORDS[field]) if field in FIELD_WORDS else ""
        st.error(f"{name}：{said(problem)}" if name else said(problem), icon=":material/error:")


def value(key: str) -> Any:
    return st.session_state.get(key)


def flash() -> None:
    """What the last entry wrote, once: at the top of the page and as a toast, which a phone shows
    wherever the page is scrolled to."""
    done = st.session_state.pop(FLASH, None)
    if done:
        st.success(done, icon=":material/check_circle:")
        st.toast(done, icon=":material/check_circle:")
