"""Files people download: CSV that Excel opens with Chinese intact, Excel workbooks, Parquet.

Spreadsheet programs run a cell that starts with = + - @ (or a tab / carriage return) as a formula, so
a hostile name in a ledger could become a formula in a leader's Excel. Text cells that start so are
prefixed with an apostrophe (OWASP's advice); numbers stay numbers.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot start a formula."""
    out = frame.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel on a Chinese Windows shows the characters."""
    text: str = neutralise(frame).to_csv(index=False)
    return text.encode("utf-8-sig")


def to_xlsx_bytes(frames: dict[str, pd.DataFrame] | pd.DataFrame, sheet: str = "数据") -> bytes:
    """One sheet per frame; cells are written as values, never as formulas."""
    if isinstance(frames, pd.DataFrame):
        frames = {sheet: frames}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            clean = neutralise(frame)
            for column in clean.columns:
                if isinstance(clean[column].dtype, pd.DatetimeTZDtype):
                    clean[column] = clean[column].dt.tz_localize(None)
            clean.to_excel(writer, sheet_name=str(name)[:31], index=False)
    return buffer.getvalue()


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
