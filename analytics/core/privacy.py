"""Personal data in ledgers (reporter names, phone numbers, ID numbers, free text) and who may see it.

Masking happens in SQL (`masked_sql`) so that a masked value never reaches Python, a cache or an
export for a role that may not see it; the Python twins (`mask_*`) serve files and tests. Both are
made from the same patterns (analytics.core.masking), and tests/unit/test_privacy_corpus.py keeps them in
agreement on a corpus of how people really write phone numbers, ID numbers and names.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

import pandas as pd

from analytics.core import masking, suppression

# The Python twins of the SQL masks, re-exported (the "as" form marks them as exports for mypy).
from analytics.core.masking import mask_name as mask_name
from analytics.core.masking import mask_phone as mask_phone
from analytics.core.masking import mask_text as mask_text
from analytics.core.scope import Scope

# Counts of dispute cases below this are suppressed for roles other than leader (a small count can
# identify the households involved).
SMALL_COUNT = suppression.SMALL_COUNT


def sees_personal_data(scope: Scope | None) -> bool:
    """Leaders see everything; a secretary sees her own community's rows (the only rows her scope
    reads) in full; analysts and admins work on masked data."""
    return scope is None or scope.role in ("leader", "secretary")


def suppresses_small_counts(scope: Scope | None) -> bool:
    return scope is not None and scope.role != "leader"


def mask_id_number(number: str | None) -> str | None:
    if not number:
        return number
    return number[:6] + "*" * max(0, len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def masked_sql(column: str, kind: str, scope: Scope | None) -> str:
    """A SELECT expression for a personal column: the column itself for roles that may see it, else
    its masked form. `column` is an allow-listed column name of the calling module."""
    return column if sees_personal_data(scope) else masking_sql(column, kind)


def masking_sql(column: str, kind: str) -> str:
    """The masked form of a personal column, whoever asks (the table browser masks for every role)."""
    if kind == "name":
        return masking.name_sql(column)
    if kind == "phone":
        return masking.phone_sql(column)
    if kind == "text":
        return masking.text_sql(column)
    raise ValueError(f"unknown personal-data kind {kind!r}")


# The personal columns of the data model and how each is masked: one list for the table browser's
# sample and the console's masked snapshot.
PERSONAL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "grid_cases": (("reporter_name", "name"), ("reporter_phone", "phone"), ("description", "text")),
    # free text written by people outside the ledger: a story or a theme may quote a resident too
    "showcase_stories": (("story", "text"),),
    "contest_entries": (("theme", "text"),),
}
# Changes whenever the masking rules or the personal columns do: stored masked copies carry it.
MASKING_FINGERPRINT = hashlib.sha256(repr((masking.RULES, masking.PASSES, PERSONAL_COLUMNS)).encode()).hexdigest()[:8]


# What the frames of analytics.cases hold, for suppression: the dimensions (lines of a table run along
# them), the additive counts, how counts add up within a row, and what each rate, share or mean is
# computed from (it is hidden with them: a rate times its denominator gives its numerator back).
_KEYS = ("grid_id", "community_id", "category", "month", "urgent", "level")
_AGES = ("age_0_7", "age_8_30", "age_31_90", "age_over_90")
_COUNTS = (
    "cases",
    "closed",
    "open",
    "grid",
    "community",
    "street",
    "district",
    "urgent_cases",
    "urgent_closed",
    "urgent_open",
    "urgent_local",
    "urgent_elsewhere",
    "surveyed",
    "satisfied",
    "unsatisfied",
    "neutral",
    *_AGES,
)
_IDENTITIES = (
    ("cases", ("closed", "open")),
    ("closed", ("grid", "community", "street", "district")),
    ("urgent_cases", ("urgent_closed", "urgent_open")),
    ("urgent_closed", ("urgent_local", "urgent_elsewhere")),
    ("open", _AGES),
    ("surveyed", ("satisfied", "unsatisfied", "neutral")),
)
_DERIVED = {
    **{f"share_{level}": (level, "closed") for level in ("grid", "community", "street", "district")},
    "in_grid_rate": ("grid", "closed"),
    "in_community_rate": ("grid", "community", "closed"),
    "urgent_in_community_rate": ("urgent_local", "urgent_elsewhere", "urgent_closed"),
    "response_rate": ("surveyed", "closed"),
    "mean_score": ("surveyed",),
    "satisfied_share": ("satisfied", "surveyed"),
    "unsatisfied_share": ("unsatisfied", "surveyed"),
}


def _hidden_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts a frame shows only as rates (the numerator of a rate shown beside its denominator)."""
    extra = pd.DataFrame(index=frame.index)
    if {"urgent_in_community_rate", "urgent_closed"} <= set(frame.columns):
        local = (frame["urgent_in_community_rate"].astype("float64") * frame["urgent_closed"]).round().fillna(0)
        extra["urgent_local"] = local
        extra["urgent_elsewhere"] = frame["urgent_closed"].fillna(0) - local
    if {"satisfied_share", "unsatisfied_share", "surveyed"} <= set(frame.columns):
        for share, name in (("satisfied_share", "satisfied"), ("unsatisfied_share", "unsatisfied")):
            extra[name] = (frame[share].astype("float64") * frame["surveyed"]).round().fillna(0)
        extra["neutral"] = frame["surveyed"].fillna(0) - extra["satisfied"] - extra["unsatisfied"]
    return extra


def suppress_disputes(
    frame: pd.DataFrame, basis: str = "cases", *, counts: tuple[str, ...] = (), shares: dict[str, str] | None = None
) -> pd.DataFrame:
    """`frame` (a table of analytics.cases with a `category` column) as a non-leader may see it: the
    dispute counts from 1 to SMALL_COUNT - 1 hidden, with the cells that would give them back
    (analytics.core.suppression: complementary suppression along every dimension and within each row) and
    every rate computed from a hidden count; a dispute row whose `basis` is small shows no number."""
    derived = {**_DERIVED, **{share: (count, "closed") for count, share in (shares or {}).items()}}
    keys = [k for k in _KEYS if k in frame.columns]
    count_columns = [c for c in dict.fromkeys((basis, *counts, *_COUNTS)) if c in frame.columns]
    return suppression.suppress(
        frame,
        frame["category"] == "dispute",
        counts=count_columns,
        keys=keys,
        basis=basis,
        identities=_IDENTITIES,
        derived=derived,
        extra=_hidden_counts(frame),
        small=SMALL_COUNT,
    )


_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def suppress_small_disputes(
    basis: str = "cases", *, counts: tuple[str, ...] = (), shares: dict[str, str] | None = None
) -> Callable[[_Fn], _Fn]:
    """Decorate a public function returning a frame with a `category` column: for roles other than
    leader, the frame goes through `suppress_disputes` (`shares` maps a count column to its share
    column, hidden with it)."""

    def wrap(fn: _Fn) -> _Fn:
        @functools.wraps(fn)
        def inner(*args: Any, scope: Scope | None = None, **kwargs: Any) -> Any:
            frame = fn(*args, scope=scope, **kwargs)
            if not suppresses_small_counts(scope) or "category" not in getattr(frame, "columns", ()):
                return frame
            return suppress_disputes(frame, basis, counts=counts, shares=shares)

        inner.suppresses_small_disputes = True  # type: ignore[attr-defined]  # a marker; functions declare no attributes
        return cast(_Fn, inner)

    return wrap


# The pivot's counts of matters (analytics.explore.pivot), with the counts its rates and means are made of.
_PIVOT_IDENTITIES = (
    ("cases", ("closed", "open")),
    ("closed", ("grid", "not_grid")),
    ("closed", ("local", "not_local")),
    ("urgent_cases", ("urgent_closed", "urgent_open")),
    ("urgent_closed", ("urgent_local", "urgent_elsewhere")),
    ("cases", ("surveyed", "not_surveyed")),
)
_PIVOT_DERIVED = {
    "in_grid_rate": ("grid", "not_grid", "closed"),
    "in_community_rate": ("local", "not_local", "closed"),
    "urgent_in_community_rate": ("urgent_local", "urgent_elsewhere", "urgent_closed"),
    "satisfaction": ("surveyed", "cases"),
    "days_to_close": ("closed", "cases"),
    "cases_per_1k": ("cases",),
}


def suppress_pivot(
    frame: pd.DataFrame, counts: pd.DataFrame, sensitive: pd.Series, keys: tuple[str, ...]
) -> pd.DataFrame:
    """A pivot of matters as a non-leader may see it. `counts` holds, for each row of `frame`, the
    counts behind every measure (cases, closed, open, urgent_cases, grid, local, urgent_closed,
    urgent_local, surveyed), shown or not, so that what is hidden does not depend on which measures
    were picked; `sensitive` marks the rows that count disputes alone."""
    extra = counts.copy()
    extra["not_grid"] = extra["closed"] - extra["grid"]
    extra["not_local"] = extra["closed"] - extra["local"]
    extra["urgent_open"] = extra["urgent_cases"] - extra["urgent_closed"]
    extra["urgent_elsewhere"] = extra["urgent_closed"] - extra["urgent_local"]
    extra["not_surveyed"] = extra["cases"] - extra["surveyed"]
    return suppression.suppress(
        frame,
        sensitive,
        counts=tuple(extra.columns),
        keys=keys,
        basis="cases",
        identities=_PIVOT_IDENTITIES,
        derived=_PIVOT_DERIVED,
        extra=extra,
        small=SMALL_COUNT,
    )
