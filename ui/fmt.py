"""Numbers, dates and tables as Chinese readers expect them — one rule per kind of measure, used everywhere.

The rules (design.md's measures):
- counts: whole numbers with thousands separators (13,245); on a tile in Chinese from 10,000 up in 万
  with three significant digits (1.32万, 13.0万);
- rates and shares: a percentage with one decimal (88.3%);
- per 1,000 residents, hours, days, scores out of 5: one decimal (3.4) — scores two (4.27), as judges give them;
- a missing value: "—", in text, on tiles and in every table cell (never "None" or "nan").
Tables get the same rules through `column()` formats and are drawn by `table()`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from ui.i18n import lang, t

MISSING = "—"

Kind = Literal["count", "rate", "decimal", "score"]

# Streamlit derives the decimals of "localized" and "percent" from `step` (percent: step's decimals − 2).
_COLUMN_FORMATS: dict[str, tuple[str, float]] = {
    "count": ("localized", 1),
    "rate": ("percent", 0.001),
    "decimal": ("localized", 0.1),
    "score": ("localized", 0.01),
}


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is not "missing"
        return False


def number(value: float | None, digits: int = 0) -> str:
    """A tile's count: 13,245 → 1.32万 in Chinese (from 10,000 up, three significant digits below
    100,000 so 10,400 does not read 1.0万), 130,412 → 13.0万; 13,245 in English."""
    if value is None or _missing(value):
        return MISSING
    if lang() == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:,.{2 if abs(value) < 100_000 else 1}f}万"
    return f"{value:,.{digits}f}"


def count(value: float | None) -> str:
    """A count in a sentence or a cell: 13,245 (never 万, which hides the exact figure a table promises)."""
    return MISSING if value is None or _missing(value) else f"{round(value):,}"


def pct(share: float | None, digits: int = 1) -> str:
    """A share between 0 and 1 as a percentage."""
    return MISSING if share is None or _missing(share) else f"{share * 100:.{digits}f}%"


def decimal(value: float | None, digits: int = 1) -> str:
    """Per 1,000 residents, hours, days: one decimal with thousands separators."""
    if value is None or _missing(value) or (isinstance(value, float) and math.isinf(value)):
        return MISSING
    return f"{value:,.{digits}f}"


def change(current: float | None, previous: float | None, *, as_points: bool = False) -> str | None:
    """The change against the previous period: +12.3% for counts, +1.5个百分点 for rates."""
    if current is None or previous is None or _missing(current) or _missing(previous):
        return None
    if as_points:
        points = (current - previous) * 100
        return f"{points:+.1f} 个百分点" if lang() == "zh" else f"{points:+.1f} pts"
    if previous == 0:
        return None
    return f"{(current - previous) / previous * 100:+.1f}%"


def date(value: dt.date | None) -> str:
    if value is None or _missing(value):
        return MISSING
    return f"{value.year}年{value.month}月{value.day}日" if lang() == "zh" else value.isoformat()


def column(kind: Kind, label: str | None = None, **options: Any) -> Any:
    """The st.column_config for a measure of this kind, following the rules above."""
    display, step = _COLUMN_FORMATS[kind]
    return st.column_config.NumberColumn(label, format=display, step=step, **options)


def table(frame: pd.DataFrame | Styler, *, empty: str | None = None, **options: Any) -> Any:
    """st.dataframe with missing cells shown as "—"; an empty frame becomes a sentence saying so (Streamlit
    would draw an empty grid with its English "empty"). `empty` is that sentence, else the common one."""
    rows = frame.data if isinstance(frame, Styler) else frame
    if rows is None or len(rows) == 0:
        st.info(empty or t("common.no_rows"), icon=":material/info:")
        return None
    return st.dataframe(frame, placeholder=MISSING, **options)
