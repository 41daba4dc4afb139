"""The phone layout's words: the label on the sidebar's toggle, shown at narrow widths only."""

STRINGS = {
    "phone.menu": ("筛选与页面", "Filters & pages"),
}
