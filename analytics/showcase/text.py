"""The words printed into a showcase (slides, PDF, poster, web page) and drawn on its charts.

The words are in the catalog (words/show.py, "show.*" keys; colours, partner kinds and levels are the
ui's own labels from words/common.py); this module picks them by language without streamlit's session,
and writes numbers and dates as ui.fmt does. Every entry is (中文, English).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import words

LANGS = ("zh", "en")

SHARED_LABELS = ("colour", "level", "kind")  # the ui's own labels, printed the same way
STRINGS: dict[str, tuple[str, str]] = {
    key.removeprefix("show."): pair
    for key, pair in words.STRINGS.items()
    if key.startswith("show.") or key.split(".")[0] in SHARED_LABELS
}


def text(key: str, lang: str = "zh", **values: object) -> str:
    pair = STRINGS[key]
    chosen = pair[1] if lang == "en" else pair[0]
    return chosen.format(**values) if values else chosen


def label(kind: str, code: object, lang: str = "zh") -> str:
    key = f"{kind}.{code}"
    return text(key, lang) if key in STRINGS else str(code)


# --- numbers, the way ui.fmt writes them (without streamlit's session) ----------------------------


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: Any, lang: str = "zh", digits: int = 0) -> str:
    """13,245 → 1.32万 in Chinese (from 10,000 up; three significant digits below 100,000, then
    13.0万), 13,245 in English; as ui.fmt.number."""
    if _missing(value):
        return "—"
    value = float(value)
    if lang == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:,.{2 if abs(value) < 100_000 else 1}f}万"
    return f"{value:,.{digits}f}"


def pct(share: Any, digits: int = 1) -> str:
    return "—" if _missing(share) else f"{float(share) * 100:.{digits}f}%"


def change(share: Any) -> str:
    """A relative change (a share) as +12.3%."""
    return "—" if _missing(share) else f"{float(share) * 100:+.1f}%"


def points(difference: Any, lang: str = "zh") -> str:
    """A difference of two rates in percentage points."""
    return text("points", lang, points=abs(float(difference)) * 100)


def date(value: dt.date | None, lang: str = "zh") -> str:
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()
