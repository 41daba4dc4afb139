"""What every page starts with: its title, whose numbers it shows, the period on screen and the
demo-data label."""

from __future__ import annotations

import streamlit as st

from ui import data, fmt
from ui.filters import current
from ui.i18n import has, t
from ui.session import own_community, scope_label


def page_title(title_key: str) -> str:
    """The page's title in the session's scope: `title_key` with {where} = scope_label(), or for a
    secretary `<title_key>.own` where the usual title names the subdistrict or its grids."""
    own_key = f"{title_key}.own"
    key = own_key if own_community() and has(own_key) else title_key
    return t(key, where=scope_label())


def page_header(title_key: str, caption_key: str | None = None, *, scoped: bool = True) -> None:
    """`scoped=False` for a page whose numbers are public and the same for everyone (the contest)."""
    st.title(page_title(title_key))
    filters = current()
    bits = []
    if scoped and own_community():
        bits.append(scope_label())
    if filters.start and filters.end:
        bits.append(t("common.period", start=fmt.date(filters.start), end=fmt.date(filters.end)))
    if caption_key:
        bits.append(t(caption_key))
    cols = st.columns([5, 1])
    with cols[0]:
        if bits:
            st.caption(" · ".join(bits))
    if data.is_demo():
        with cols[1]:
            st.badge(t("common.demo_badge"), icon=":material/science:", color="orange", help=t("common.demo_help"))
