"""Cell values as ledgers hold them, parsed a column at a time.

Every parser takes a column of raw strings (what the cell shows) and returns a `Parsed`: the typed
values (null where empty or wrong) and, for every wrong cell, a Chinese message saying what to write
instead. The common shapes go through vectorised Arrow kernels; only cells that miss the fast path are
parsed one distinct value at a time in Python, so a clean million-row file never loops in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.text import FORMULA_MARK, clean, nfkc
from words import Message, msg

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Excel serial numbers that are plausible ledger dates (1954 to 2119): other numbers are not dates.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000
YEAR_MIN, YEAR_MAX = 1990, 2100
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:时點点]\s*(\d{1,2})\s*(?:[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?$"
)
_DATE_RE2 = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*[T ]?\s*(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?\s*分?)?\s*$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


# text of one cell -> (value, None) or (None, what is wrong with it)
Reader = Callable[[str], tuple[object, str | None]]
# a whole column -> (values, which of them are right): the vectorised path of a parser
Fast = Callable[[pa.Array], tuple[Any, np.ndarray]]


@dataclass
class Parsed:
    """A parsed column: values (Arrow, null where empty or wrong), which cells were empty, and the wrong
    cells as (index, message)."""

    values: pa.Array
    empty: np.ndarray
    bad_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    bad_message: list[str] = field(default_factory=list)


def as_strings(raw: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous string array, nulls as empty strings (a list of texts will do too)."""
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks() if raw.num_chunks != 1 else raw.chunk(0)
    if not isinstance(raw, pa.Array):
        raw = pa.array(raw, type=pa.string())
    if raw.type != pa.string():
        raw = raw.cast(pa.string())
    return pc.fill_null(raw, "") if raw.null_count else raw


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


_ZERO_WIDTH_RE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"


def strip_zero_width(array: pa.Array) -> pa.Array:
    if _mask(pc.string_is_ascii(array)).all():
        return array
    if not _mask(pc.match_substring_regex(array, _ZERO_WIDTH_RE)).any():
        return array
    return pc.replace_substring_regex(array, _ZERO_WIDTH_RE, "")


def blank_mask(raw: pa.Array, *, trimmed: pa.Array | None = None, length: pa.Array | None = None) -> np.ndarray:
    """Cells with nothing in them but spaces (or zero-width characters)."""
    trimmed = pc.utf8_trim_whitespace(raw) if trimmed is None else trimmed
    length = pc.utf8_length(trimmed) if length is None else length
    empty = _mask(pc.equal(length, 0))
    maybe = ~empty & _mask(pc.less_equal(length, 3)) & ~_mask(pc.string_is_ascii(trimmed))
    if maybe.any():
        idx = np.flatnonzero(maybe)
        subset = pc.utf8_trim_whitespace(strip_zero_width(trimmed.take(pa.array(idx))))
        empty[idx] = _mask(pc.equal(pc.utf8_length(subset), 0))
    return empty


def _formula_cells(raw: pa.Array) -> np.ndarray:
    return _mask(pc.starts_with(raw, FORMULA_MARK))


def formula_message(value: str) -> Message:
    return msg("ingest.check.formula", formula=value[len(FORMULA_MARK) :])


def _excel_error(value: str) -> Message | None:
    if value.upper() in EXCEL_ERRORS:
        return msg("ingest.check.excel_error", value=value)
    return None


def map_distinct(
    raw: pa.Array, fn: Reader, out_type: pa.DataType
) -> tuple[pa.Array, np.ndarray, list[str | None], np.ndarray]:
    """fn applied once per distinct raw value: returns (values, bad mask, message per element or None)."""
    encoded = pc.dictionary_encode(raw)
    uniques = encoded.dictionary.to_pylist()
    results = [fn(u) for u in uniques]
    indices = encoded.indices
    values = pa.array([r[0] for r in results], type=out_type).take(indices)
    idx = indices.to_numpy(zero_copy_only=False)
    bad_u = np.array([r[1] is not None for r in results], dtype=bool)
    messages = [r[1] for r in results]
    return values, bad_u[idx] if len(bad_u) else np.zeros(len(raw), bool), messages, idx


def _finish(
    raw: pa.Array,
    values_np: np.ndarray,
    empty: np.ndarray,
    bad: np.ndarray,
    messages_for: Callable[[np.ndarray], list[str]],
    arrow_type: pa.DataType,
) -> Parsed:
    values = pa.array(values_np, type=arrow_type, mask=empty | bad)
    bad_index = np.flatnonzero(bad)
    return Parsed(values, empty, bad_index, messages_for(bad_index) if len(bad_index) else [])


def _generic(
    raw: pa.Array, fn: Reader, arrow_type: pa.DataType, fast: Fast | None = None, empty: np.ndarray | None = None
) -> Parsed:
    """The shared shape: blanks, formula cells without a value, an optional vectorised fast path that
    returns (values as numpy, ok mask), and fn(cleaned text) for the rest, once per distinct value."""
    raw = as_strings(raw)
    n = len(raw)
    empty = blank_mask(raw) if empty is None else empty.copy()
    formula = _formula_cells(raw)
    empty &= ~formula
    if fast is not None:
        values, ok = fast(raw)
        ok &= ~empty
        if (ok | empty).all():
            arrow = values if isinstance(values, pa.Array) else pa.array(values, type=arrow_type)
            if arrow.type != arrow_type:
                arrow = arrow.cast(arrow_type)
            if empty.any():
                arrow = pc.if_else(pa.array(empty), pa.scalar(None, arrow_type), arrow)
            return Parsed(arrow, empty)
        if isinstance(values, pa.Array):
            values = values.to_numpy(zero_copy_only=False)
    else:
        values, ok = None, np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~ok & ~empty & ~formula)
    bad = formula.copy()
    message_of: dict[int, str] = {}
    if len(rest):
        subset = raw.take(pa.array(rest))

        def guarded(text: str) -> tuple[object, str | None]:
            text = clean(text)
            problem = _excel_error(text)
            return (None, problem) if problem else fn(text)

        sub_values, sub_bad, messages, sub_idx = map_distinct(subset, guarded, arrow_type)
        if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
            sub_values = pc.fill_null(sub_values, 0)
        sub_np = sub_values.to_numpy(zero_copy_only=False)
        if values is None:
            values = np.empty(n, dtype=sub_np.dtype) if sub_np.dtype != object else np.empty(n, dtype=object)
            if values.dtype.kind == "M":
                values[:] = np.datetime64("NaT")
        values[rest] = sub_np
        bad[rest] = sub_bad
        for position, code in zip(rest[sub_bad], sub_idx[sub_bad]):
            message_of[int(position)] = messages[code]
    if values is None:
        values = np.zeros(n, dtype=object) if arrow_type == pa.string() else np.zeros(n)

    def messages_for(bad_index: np.ndarray) -> list[str]:
        return [formula_message(raw[int(i)].as_py()) if formula[i] else message_of[int(i)] for i in bad_index]

    return _finish(raw, values, empty, bad, messages_for, arrow_type)


# ---------------------------------------------------------------------------------------------
# text and identifiers
def parse_text(raw: pa.Array, *, max_length: int = 2000) -> Parsed:
    """Free text (names, descriptions): trimmed, zero-width characters removed, otherwise kept as
    written (full-width brackets in a name stay). Vectorised: descriptions are mostly distinct."""
    raw = as_strings(raw)
    formula = _formula_cells(raw)
    text = pc.utf8_trim_whitespace(strip_zero_width(raw))
    length = pc.utf8_length(text)
    empty = _mask(pc.equal(length, 0)) & ~formula
    too_long = _mask(pc.greater(length, max_length))
    bad = formula | too_long
    bad_index = np.flatnonzero(bad)
    messages: list[str] = [
        formula_message(raw[int(i)].as_py())
        if formula[i]
        else msg("ingest.check.text_too_long", chars=len(raw[int(i)].as_py()), limit=max_length)
        for i in bad_index
    ]
    values = pc.if_else(pa.array(empty | bad), pa.scalar(None, pa.string()), text)
    return Parsed(values, empty, bad_index, messages)


def parse_id(raw: pa.Array, *, max_length: int = 64, empty: np.ndarray | None = None) -> Parsed:
    """Identifiers and phone numbers: text, never numbers (leading zeros and long digits survive);
    full-width characters folded, spaces trimmed."""
    raw = as_strings(raw)

    def fast(r: pa.Array) -> tuple[pa.Array, np.ndarray]:
        ascii_ok = _mask(pc.string_is_ascii(r))
        trimmed = pc.utf8_trim_whitespace(r)
        ok = ascii_ok & _mask(pc.less_equal(pc.utf8_length(trimmed), max_length))
        return trimmed, ok

    def one(text: str) -> tuple[str | None, str | None]:
        text = nfkc(text)
        if len(text) > max_length:
            return None, msg("ingest.check.id_too_long", chars=len(text), limit=max_length)
        return text, None

    return _generic(raw, one, pa.string(), fast, empty)


# ---------------------------------------------------------------------------------------------
# numbers
def number_from_text(text: str, *, units: tuple[str, ...] = ()) -> float | None:
    """'1,234.5' '１２３' '35人' → a float; None when it is not a number."""
    text = nfkc(text).replace(",", "").replace(" ", "").replace("，", "")
    for unit in units:
        if text.endswith(unit) and len(text) > len(unit):
            text = text[: -len(unit)]
            break
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if np.isfinite(value) else None


def parse_number(
    raw: pa.Array,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    units: tuple[str, ...] = (),
    empty: np.ndarray | None = None,
) -> Parsed:
    raw = as_strings(raw)
    arrow_type = pa.int64() if integer else pa.float64()
    what = msg("ingest.check.integer" if integer else "ingest.check.number")
    limits = _limits_text(minimum, maximum)

    def in_range(values: np.ndarray) -> np.ndarray:
        ok = np.ones(len(values), dtype=bool)
        if minimum is not None:
            ok &= values >= minimum
        if maximum is not None:
            ok &= values <= maximum
        return ok

    def fast(r: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        pattern = r"^-?\d+$" if integer else r"^-?\d+(\.\d+)?$"
        ok = _mask(pc.match_substring_regex(r, pattern)) & _mask(pc.less_equal(pc.utf8_length(r), 15))
        values = np.zeros(len(r), dtype=np.int64 if integer else np.float64)
        if ok.any():
            idx = np.flatnonzero(ok)
            values[idx] = pc.cast(r.take(pa.array(idx)), arrow_type).to_numpy(zero_copy_only=False)
            ok[idx] &= in_range(values[idx])
        return values, ok

    def one(text: str) -> tuple[float | None, str | None]:
        value = number_from_text(text, units=units)
        if value is None:
            return None, msg("ingest.check.not_number", text=text, what=what)
        if integer and value != int(value):
            return None, msg("ingest.check.not_integer", text=text)
        if not in_range(np.array([value]))[0]:
            return None, msg("ingest.check.out_of_range", text=text, limits=limits)
        return (int(value) if integer else value), None

    return _generic(raw, one, arrow_type, fast, empty)


def _limits_text(minimum: float | None, maximum: float | None) -> Message:
    if minimum is not None and maximum is not None:
        return msg("ingest.check.between", low=minimum, high=maximum)
    if minimum is not None:
        return msg("ingest.check.at_least", low=minimum)
    if maximum is not None:
        return msg("ingest.check.at_most", high=maximum)
    return msg("ingest.check.any_number")


# ---------------------------------------------------------------------------------------------
# dates and times
def datetime_from_text(text: str) -> tuple[dt.datetime | None, str | None]:
    """Dates as ledgers write them; (value, None) or (None, what is wrong)."""
    text = nfkc(text)
    if _SERIAL.match(text):
        serial = float(text)
        if not SERIAL_MIN <= serial <= SERIAL_MAX:
            return None, msg("ingest.check.not_date_like", text=text)
        return (EXCEL_EPOCH + dt.timedelta(days=serial)).replace(microsecond=0), None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None, msg("ingest.check.not_date", text=text)
    parts = [int(p) if p else 0 for p in match.groups()] + [0, 0, 0]
    year, month, day, hour, minute, second = parts[:6]
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None, msg("ingest.check.odd_year", text=text, year=year)
    try:
        return dt.datetime(year, month, day, hour, minute, second), None
    except ValueError:
        return None, msg("ingest.check.no_such_day", text=text)


def parse_datetime(raw: pa.Array, *, date_only: bool = False, empty: np.ndarray | None = None) -> Parsed:
    raw = as_strings(raw)
    unit = "s"

    def fast(r: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        values = np.full(len(r), np.datetime64("NaT"), dtype="datetime64[s]")
        ok = np.zeros(len(r), dtype=bool)
        for pattern, fmt in (
            (r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", "%Y-%m-%d %H:%M:%S"),
            (r"^\d{4}-\d\d-\d\d \d\d:\d\d$", "%Y-%m-%d %H:%M"),
            (r"^\d{4}-\d\d-\d\d$", "%Y-%m-%d"),
        ):
            todo = ~ok
            if not todo.any():
                break
            shaped = todo & _mask(pc.match_substring_regex(r, pattern))
            if not shaped.any():
                continue
            idx = np.flatnonzero(shaped)
            sub = r.take(pa.array(idx)) if len(idx) < len(r) else r
            parsed = pc.strptime(sub, format=fmt, unit=unit, error_is_null=True)
            # Arrow rolls 2023-02-30 over to 2023-03-02: keep only values whose day is the day written.
            written_day = pc.cast(pc.utf8_slice_codeunits(sub, 8, 10), pa.int64())
            same = _mask(pc.equal(pc.day(parsed), written_day))
            years = pc.year(parsed).to_numpy(zero_copy_only=False)
            same &= (years >= YEAR_MIN) & (years <= YEAR_MAX)
            values[idx[same]] = parsed.to_numpy(zero_copy_only=False)[same]
            ok[idx[same]] = True
        todo = np.flatnonzero(~ok)
        if len(todo):
            # 2023/6/14 9:30, 2023.6.14, 2023年6月14日 9时30分: the parts, padded into ISO form, in one pass.
            sub = pc.utf8_trim_whitespace(r.take(pa.array(todo)))
            parts = pc.extract_regex(sub, _DATE_RE2)
            matched = _mask(pc.is_valid(parts))
            if matched.any():
                parts = parts.filter(pa.array(matched))
                field = lambda name, default: pc.utf8_lpad(  # noqa: E731
                    pc.if_else(pc.equal(parts.field(name), ""), default, parts.field(name)), 2, "0"
                )
                iso = pc.binary_join_element_wise(
                    parts.field("y"),
                    "-",
                    field("m", "1"),
                    "-",
                    field("d", "1"),
                    " ",
                    field("H", "0"),
                    ":",
                    field("M", "0"),
                    ":",
                    field("S", "0"),
                    "",
                )
                parsed = pc.strptime(iso, format="%Y-%m-%d %H:%M:%S", unit=unit, error_is_null=True)
                same = _mask(pc.equal(pc.day(parsed), pc.cast(parts.field("d"), pa.int64())))
                years = pc.year(parsed).to_numpy(zero_copy_only=False)
                same &= (years >= YEAR_MIN) & (years <= YEAR_MAX)
                where = todo[matched][same]
                values[where] = parsed.to_numpy(zero_copy_only=False)[same]
                ok[where] = True
        return values, ok

    def one(text: str) -> tuple[np.datetime64 | None, str | None]:
        value, problem = datetime_from_text(text)
        return (None, problem) if problem else (np.datetime64(value, "s"), None)

    parsed = _generic(raw, one, pa.timestamp(unit), fast, empty)
    if date_only:
        parsed.values = pc.cast(parsed.values, pa.date32())
    return parsed


# ---------------------------------------------------------------------------------------------
# codes and references
def parse_mapped(
    raw: pa.Array,
    lookup: Reader,
    out_type: pa.DataType | None = None,
    empty: np.ndarray | None = None,
) -> Parsed:
    """Values looked up once per distinct spelling (categories, colours, names of communities…)."""
    return _generic(raw, lookup, out_type or pa.string(), empty=empty)
