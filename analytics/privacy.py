"""Personal data in ledgers (reporter names, phone numbers, ID numbers, free text) and who may see it.

Masking happens in SQL (`masked_sql`) so that a masked value never reaches Python, a cache or an
export for a role that may not see it; the Python twins (`mask_*`) serve files and tests, and a test
keeps both in agreement.
"""
from __future__ import annotations

import functools
import re

import pandas as pd

from analytics.access import Scope

PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
ID_RE = re.compile(r"(?<![\dXx])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])")
# DuckDB uses RE2, which has no look-around: the SQL twins match a non-digit or an edge explicitly.
_PHONE_SQL = r"(^|[^0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})([^0-9]|$)"
_ID_SQL = r"(^|[^0-9Xx])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])([^0-9Xx]|$)"

# Counts of dispute cases below this are suppressed for roles other than leader (a small count can
# identify the households involved).
SMALL_COUNT = 5


def sees_personal_data(scope: Scope | None) -> bool:
    """Leaders see everything; a secretary sees her own community's rows (the only rows her scope
    reads) in full; analysts and admins work on masked data."""
    return scope is None or scope.role in ("leader", "secretary")


def suppresses_small_counts(scope: Scope | None) -> bool:
    return scope is not None and scope.role != "leader"


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str | None) -> str | None:
    if not number:
        return number
    return number[:6] + "*" * max(0, len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_text(text: str | None) -> str | None:
    """Phone numbers and ID numbers inside free text."""
    if not text:
        return text
    text = ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    return PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def masked_sql(column: str, kind: str, scope: Scope | None) -> str:
    """A SELECT expression for a personal column: the column itself for roles that may see it, else
    its masked form. `column` is an allow-listed column name of the calling module."""
    if sees_personal_data(scope):
        return column
    if kind == "name":
        return f"CASE WHEN {column} IS NULL OR {column} = '' THEN {column} ELSE left({column}, 1) || repeat('*', length({column}) - 1) END"
    if kind == "phone":
        digits = f"regexp_replace({column}, '[^0-9]', '', 'g')"
        return (f"CASE WHEN {column} IS NULL THEN NULL WHEN length({digits}) < 7 THEN repeat('*', length({digits})) "
                f"ELSE left({digits}, 3) || repeat('*', length({digits}) - 7) || right({digits}, 4) END")
    if kind == "text":
        # Applied twice: two numbers separated by a single character share it as their boundary.
        masked = column
        for _ in range(2):
            masked = f"regexp_replace({masked}, '{_ID_SQL}', '\\1\\2********\\3\\4', 'g')"
            masked = f"regexp_replace({masked}, '{_PHONE_SQL}', '\\1\\2****\\3\\4', 'g')"
        return masked
    raise ValueError(f"unknown personal-data kind {kind!r}")


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
