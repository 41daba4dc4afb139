"""Numbers and dates as Chinese readers expect them (万 for large counts, % for rates)."""

from __future__ import annotations

import datetime as dt
import math

from ui.i18n import lang


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, digits: int = 0) -> str:
    """13,245 → 1.3万 in Chinese (from 10,000 up), 13,245 in English."""
    if value is None or _missing(value):
        return "—"
    if lang() == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:,.1f}万"
    return f"{value:,.{digits}f}"


def pct(share: float | None, digits: int = 1) -> str:
    """A share between 0 and 1 as a percentage."""
    return "—" if share is None or _missing(share) else f"{share * 100:.{digits}f}%"


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
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if lang() == "zh" else value.isoformat()
