"""Download buttons for any table a page shows (CSV with BOM and Excel, formulas neutralised; Parquet
on request). Files are made only when someone clicks (deferred data), and every download is recorded
in the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics.access import audit
from analytics.core import export
from ui import data, session
from ui.i18n import t

# format -> (label key, maker, MIME type, icon)
FORMATS: dict[str, tuple[str, Callable[[pd.DataFrame], bytes], str, str]] = {
    "csv": ("common.download_csv", export.to_csv_bytes, "text/csv", ":material/download:"),
    "xlsx": (
        "common.download_xlsx",
        export.to_xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ":material/table_view:",
    ),
    "parquet": (
        "common.download_parquet",
        export.to_parquet_bytes,
        "application/vnd.apache.parquet",
        ":material/database:",
    ),
}


def _deferred(frame: pd.DataFrame, name: str, fmt: str) -> Callable[[], bytes]:
    """Runs outside the script when the button is clicked: make the file and record who took it."""
    con, user, role = data.connection(), session.username(), session.scope().role
    make = FORMATS[fmt][1]

    def build() -> bytes:
        payload = make(frame)
        audit.record(con, user, "export", f"{name}.{fmt} ({len(frame)} rows)", role=role)
        return payload

    return build


def buttons(frame: pd.DataFrame, name: str, *, key: str, parquet: bool = False) -> None:
    """CSV and Excel downloads of `frame` (and Parquet with `parquet=True`); `name` is the file name
    without extension (Chinese is fine)."""
    formats = ["csv", "xlsx"] + (["parquet"] if parquet else [])
    for fmt, column in zip(formats, st.columns(len(formats))):
        label_key, _, mime, icon = FORMATS[fmt]
        with column:
            st.download_button(
                t(label_key),
                _deferred(frame, name, fmt),
                file_name=f"{name}.{fmt}",
                mime=mime,
                key=f"{key}_{fmt}",
                icon=icon,
                on_click="ignore",
            )
