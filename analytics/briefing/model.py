"""What a briefing is made of: the month and its neighbours, a finding (a sentence with its number, its
measure and a chart's data) and the briefing itself. No queries here: analytics.briefing.rules finds the
findings, analytics.briefing.content gathers them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

import words
from analytics.core.errors import DataError
from words import msg

SECTIONS = ("targets", "moves", "overdue", "idle", "contest")
# At most this many findings per section, so that the PDF stays within 4-8 pages: a finding with its chart
# takes about a fifth of an A4 page.
CAPS = {"targets": 5, "moves": 5, "overdue": 4, "idle": 4, "contest": 3}
ROLES = ("leader", "analyst", "admin")

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


def parse_month(value: str | dt.date) -> dt.date:
    """The first day of the month written as 2024-06 (or 2024/6, 2024年6月; a date gives its month)."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    found = _MONTH.match(str(value))
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise DataError(msg("err.briefing.month", month=value))
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def shift(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (negative: before) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_day(month: dt.date) -> dt.date:
    return shift(month, 1) - dt.timedelta(days=1)


def days(month: dt.date) -> int:
    return last_day(month).day


def month_name(month: dt.date, lang: str = "zh") -> str:
    return words.text("briefing.month_name", lang, year=month.year, month=month.month)


def say(key: str, lang: str, **values: object) -> str:
    return words.text(f"briefing.{key}", lang, **values)


@dataclass(frozen=True)
class Chart:
    """A finding's chart as data: bars (labels, values) in `unit` ('share', 'count', 'months', 'score'),
    the bar `highlight` drawn strong, and a target line when there is one."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str
    highlight: int | None = None
    target: float | None = None
    horizontal: bool = False


@dataclass(frozen=True)
class Finding:
    """One thing the briefing says. `sentence` is read aloud; `value` is its number in `unit` (a share
    0-1 for rates); `measure` names what is measured; `place` the grid, community, pairing or round it is
    about; `weight` orders findings within their section (larger first); `facts` keeps the numbers the
    sentence was written from (tests recompute them independently)."""

    section: str
    rule: str
    sentence: str
    value: float
    measure: str
    unit: str
    place: str
    weight: float
    chart: Chart
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Briefing:
    """A month's briefing for the subdistrict (grid_id None) or one grid.

    headline: (measure, value text) of the month's numbers (overview.headline); findings: ranked, at most
    CAPS per section, in SECTIONS order; has_data: False when the month holds no activity and no matter
    (the files then are not written)."""

    month: dt.date
    grid_id: str | None
    place_name: str
    lang: str
    headline: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]
    has_data: bool
    demo: bool
    made_on: dt.date = field(default_factory=dt.date.today)

    def t(self, key: str, **values: object) -> str:
        return say(key, self.lang, **values)

    @property
    def month_text(self) -> str:
        return month_name(self.month, self.lang)

    @property
    def title(self) -> str:
        return self.t("doc_title", month=self.month_text)

    def section(self, name: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.section == name)


def rank(found: list[Finding]) -> tuple[Finding, ...]:
    """Findings in SECTIONS order, heaviest first within a section, at most CAPS[section] of each."""
    out: list[Finding] = []
    for section in SECTIONS:
        mine = sorted((f for f in found if f.section == section), key=lambda f: (-f.weight, f.place, f.rule))
        out += mine[: CAPS[section]]
    return tuple(out)


def plain(value: object) -> float:
    """A number from a frame cell as a float (NaN when missing)."""
    return float("nan") if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]
