"""The phone layout's words: the label on the sidebar's toggle, shown at narrow widths only, and
Streamlit's keyboard skip link in the session's language."""

STRINGS = {
    "phone.menu": ("筛选与页面", "Filters & pages"),
    "phone.skip": ("跳到正文", "Skip to main content"),
}
