"""Personal data in ledgers (reporter names, phone numbers, ID numbers, free text) and who may see it.

Masking happens in SQL (`masked_sql`) so that a masked value never reaches Python, a cache or an
export for a role that may not see it; the Python twins (`mask_*`) serve files and tests. Both are
made from the same patterns (analytics.masking), and tests/unit/test_privacy_corpus.py keeps them in
agreement on a corpus of how people really write phone numbers, ID numbers and names.
"""
from __future__ import annotations

import functools
import hashlib

import pandas as pd

from analytics import masking
from analytics.access import Scope
from analytics.masking import mask_name, mask_phone, mask_text  # noqa: F401  (the Python twins, re-exported)

# Counts of dispute cases below this are suppressed for roles other than leader (a small count can
# identify the households involved).
SMALL_COUNT = 5


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
}
# Changes whenever the masking rules or the personal columns do: stored masked copies carry it.
MASKING_FINGERPRINT = hashlib.sha256(repr((masking.RULES, masking.PASSES, PERSONAL_COLUMNS)).encode()).hexdigest()[:8]


def suppress_small_disputes(basis: str = "cases", *, counts: tuple[str, ...] = (),
                            shares: dict[str, str] | None = None):
    """Decorate a public function returning a frame with a `category` column: for roles other than
    leader, a dispute row whose `basis` count is under SMALL_COUNT shows no numbers at all, and any
    other count of a dispute row under SMALL_COUNT (but above zero) is blanked, together with the share
    derived from it (`shares` maps a count column to its share column), which would give it away."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, scope: Scope | None = None, **kwargs):
            frame = fn(*args, scope=scope, **kwargs)
            if not suppresses_small_counts(scope) or "category" not in getattr(frame, "columns", ()):
                return frame
            frame = frame.copy()
            disputes = frame["category"] == "dispute"
            numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and c != "category"]
            frame[numeric] = frame[numeric].astype("float64")
            tiny_rows = disputes & (frame[basis] < SMALL_COUNT)
            frame.loc[tiny_rows, numeric] = float("nan")
            for column in counts:
                if column in frame.columns:
                    tiny = disputes & frame[column].between(1, SMALL_COUNT - 1)
                    frame.loc[tiny, column] = float("nan")
                    share = (shares or {}).get(column)
                    if share in frame.columns:
                        frame.loc[tiny, share] = float("nan")
            return frame

        inner.suppresses_small_disputes = True
        return inner

    return wrap
