"""What every page starts with: its title, whose numbers it shows, the period on screen and the
demo-data label."""

from __future__ import annotations

import streamlit as st

from ui import data, fmt
from ui.filters import current
from ui.i18n import t
from ui.session import own_community, own_grid, scope_label, scoped


def page_header(title_key: str, caption_key: str | None = None, *, own_label: bool = True) -> None:
    """`own_label=False` for a page whose numbers are public and the same for everyone (the contest)."""
    title = scoped(title_key)
    st.title(title)
    filters = current()
    bits = []
    if own_label and (own_community() or own_grid()) and scope_label() not in title:
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
